package httpapi

import "testing"

func TestParseMediaType(t *testing.T) {
	tests := []struct {
		accept string
		want   Version
		ok     bool
	}{
		{"application/vnd.ceph.api.v1.0+json", V1, true},
		{"application/vnd.ceph.api.v0.1+json", V01, true},
		{"application/vnd.ceph.api.v2.0+json", V2, true},
		{"  application/vnd.ceph.api.v1.1+json ", V1_1, true},
		{"*/*, application/vnd.ceph.api.v1.0+json;q=0.9", V1, true},
		{"application/json, application/vnd.ceph.api.v2.0+json", V2, true},
		{"application/vnd.ceph.api.v123456.654321+json", Version{Major: 123456, Minor: 654321}, true},
		{"", Version{}, false},
		{"*/*", Version{}, false},
		{"application/json", Version{}, false},
		{"application/vnd.ceph.api.v1+json", Version{}, false},
		{"application/vnd.ceph.api.v1.+json", Version{}, false},
		{"application/vnd.ceph.api.v.0+json", Version{}, false},
		{"application/vnd.ceph.api.v1.0.0+json", Version{}, false},
		{"application/vnd.ceph.api.v-1.0+json", Version{}, false},
		{"application/vnd.ceph.api.v1.0+xml", Version{}, false},
		{"application/vnd.ceph.api.v1234567.0+json", Version{}, false},
		{"application/vnd.ceph.api.v1.0+jsonx", Version{}, false},
		{"xapplication/vnd.ceph.api.v1.0+json", Version{}, false},
		{",,,", Version{}, false},
	}
	for _, tt := range tests {
		got, ok := ParseMediaType(tt.accept)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseMediaType(%q) = %v, %v; want %v, %v", tt.accept, got, ok, tt.want, tt.ok)
		}
	}
}
