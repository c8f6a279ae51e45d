package rbd_test

import (
	"testing"

	"github.com/cephapi/cephapi/rbd"
)

func TestParseImageSpec(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want rbd.ImageSpec
		ok   bool
	}{
		{"rbd/img", rbd.ImageSpec{Pool: "rbd", Name: "img"}, true},
		{"rbd/ns/img", rbd.ImageSpec{Pool: "rbd", Namespace: "ns", Name: "img"}, true},
		{"img", rbd.ImageSpec{}, false},
		{"/img", rbd.ImageSpec{}, false},
		{"rbd/", rbd.ImageSpec{}, false},
		{"a/b/c/d", rbd.ImageSpec{}, false},
	} {
		got, err := rbd.ParseImageSpec(tt.in)
		if (err == nil) != tt.ok || (tt.ok && got != tt.want) {
			t.Errorf("ParseImageSpec(%q) = %+v, %v", tt.in, got, err)
		}
		if tt.ok && got.String() != tt.in {
			t.Errorf("String() = %q, want %q", got.String(), tt.in)
		}
	}
}
