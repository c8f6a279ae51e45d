package rados

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"
)

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

func joinComma(s []string) string { return strings.Join(s, ",") }

func sortStrings(s []string) { sort.Strings(s) }

// newUUIDFunc makes UUIDs for new OSDs (see uuid.go).
var newUUIDFunc = randomUUID

// floatArg encodes a float command argument so that the monitors parse it
// as one: Ceph rejects a JSON integer (1) for a float field ("bad or
// missing field"), so whole numbers keep a decimal point (1.0).
func floatArg(f float64) json.Number {
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.ContainsAny(s, ".eE") {
		s += ".0"
	}
	return json.Number(s)
}
