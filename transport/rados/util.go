package rados

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"
	"sync"
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

// parallel runs fns concurrently and returns the first error (in the order
// of fns), after all have returned.
func parallel(fns ...func() error) error {
	errs := make([]error, len(fns))
	var wg sync.WaitGroup
	for i, f := range fns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = f()
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
