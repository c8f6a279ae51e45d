package ops

import (
	"encoding/json"
	"testing"

	"github.com/cephapi/cephapi/ceph"
)

func TestEncode(t *testing.T) {
	for _, tc := range []struct {
		name      string
		op        *Operation
		req       any
		path      string
		query     string
		body      string
		wantError ceph.Code
	}{
		{"no request", PoolList.Operation, nil, "api/pool", "", "", ceph.Unknown},
		{"query", PoolList.Operation, &PoolListRequest{Attrs: "pool_name", Stats: new(Bool(true))}, "api/pool", "attrs=pool_name&stats=true", "", ceph.Unknown},
		{"path is one segment", RBDImageGet.Operation, &RBDImageGetRequest{ImageSpec: "rbd/ns/img"}, "api/block/image/rbd%2Fns%2Fimg", "", "", ceph.Unknown},
		{"empty path value", PoolGet.Operation, &PoolGetRequest{}, "", "", "", ceph.InvalidArgument},
		{"dot path value", PoolGet.Operation, &PoolGetRequest{PoolName: ".."}, "", "", "", ceph.InvalidArgument},
		{"body in table order, optional left out", PoolCreate.Operation,
			&PoolCreateRequest{Pool: "p", PGNum: 8, PoolType: "replicated", Size: new(Int(3)), MinSize: new(Int(2))},
			"api/pool", "", `{"pool":"p","pg_num":8,"pool_type":"replicated","size":3,"min_size":2}`, ceph.Unknown},
		{"required zero value is sent", OSDMark.Operation, &OSDMarkRequest{SvcID: "0"}, "api/osd/0/mark", "", `{"action":""}`, ceph.Unknown},
		{"query or body goes in the query", OSDScrub.Operation, &OSDScrubRequest{SvcID: "1", Deep: new(Bool(true))}, "api/osd/1/scrub", "deep=true", "", ceph.Unknown},
		{"no body fields, no body", MgrModuleEnable.Operation, &MgrModuleEnableRequest{ModuleName: "telemetry"}, "api/mgr/module/telemetry/enable", "", "", ceph.Unknown},
		{"kwargs after the named fields", ECProfileCreate.Operation,
			&ECProfileCreateRequest{Name: "ec", Extra: map[string]json.RawMessage{"m": json.RawMessage(`"1"`), "k": json.RawMessage(`"2"`)}},
			"api/erasure_code_profile", "", `{"name":"ec","k":"2","m":"1"}`, ceph.Unknown},
		{"delete sends query only", OSDDelete.Operation, &OSDDeleteRequest{SvcID: "3", Force: new(Bool(true))}, "api/osd/3", "force=true", "", ceph.Unknown},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path, q, body, err := Encode(tc.op, tc.req)
			if tc.wantError != ceph.Unknown {
				if ceph.CodeOf(err) != tc.wantError {
					t.Fatalf("err = %v, want %s", err, tc.wantError)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if path != tc.path || q.Encode() != tc.query || string(body) != tc.body {
				t.Errorf("got %q ? %q body %s; want %q ? %q body %s", path, q.Encode(), body, tc.path, tc.query, tc.body)
			}
		})
	}
}

func TestFlexTypes(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Int
		ok   bool
	}{{`8`, 8, true}, {`"8"`, 8, true}, {`8.0`, 8, true}, {`" 8 "`, 8, true}, {`8.5`, 0, false}, {`"x"`, 0, false}, {`true`, 0, false}} {
		var i Int
		err := json.Unmarshal([]byte(tc.in), &i)
		if (err == nil) != tc.ok || (tc.ok && i != tc.want) {
			t.Errorf("Int from %s = %d, %v", tc.in, i, err)
		}
		if err != nil && ceph.CodeOf(err) != ceph.InvalidArgument {
			t.Errorf("Int from %s: %v is not InvalidArgument", tc.in, err)
		}
	}
	for _, tc := range []struct {
		in   string
		want bool
		ok   bool
	}{{`true`, true, true}, {`"yes"`, true, true}, {`"0"`, false, true}, {`"off"`, false, true}, {`"maybe"`, false, false}} {
		var b Bool
		err := json.Unmarshal([]byte(tc.in), &b)
		if (err == nil) != tc.ok || bool(b) != tc.want {
			t.Errorf("Bool from %s = %v, %v", tc.in, b, err)
		}
	}
	var f Float
	if err := f.UnmarshalText([]byte("0.5")); err != nil || f != 0.5 {
		t.Errorf("Float = %v, %v", f, err)
	}
	if err := f.UnmarshalText([]byte("NaN")); err == nil {
		t.Error("NaN accepted")
	}
}
