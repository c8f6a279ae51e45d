package rados

import (
	"encoding/json"
	"sort"
	"strings"
)

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

func joinComma(s []string) string { return strings.Join(s, ",") }

func sortStrings(s []string) { sort.Strings(s) }

// newUUIDFunc makes UUIDs for new OSDs (see uuid.go).
var newUUIDFunc = randomUUID
