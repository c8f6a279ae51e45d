// Command opgen writes the operation table of package httpapi/ops; see
// package internal/opgen. It runs from go generate in httpapi/ops:
//
//	go run ../../internal/opgen/cmd/opgen -spec SPEC -facts ops.yaml -o table_gen.go
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/cephapi/cephapi/internal/opgen"
)

func main() {
	spec := flag.String("spec", "", "the dashboard's OpenAPI document (YAML)")
	facts := flag.String("facts", "ops.yaml", "the facts file")
	out := flag.String("o", "table_gen.go", "the Go file to write")
	flag.Parse()
	if err := run(*spec, *facts, *out); err != nil {
		fmt.Fprintln(os.Stderr, "opgen:", err)
		os.Exit(1)
	}
}

func run(specFile, factsFile, out string) error {
	spec, err := os.ReadFile(specFile)
	if err != nil {
		return err
	}
	facts, err := os.ReadFile(factsFile)
	if err != nil {
		return err
	}
	src, err := opgen.Generate(spec, facts)
	if err != nil {
		return err
	}
	return os.WriteFile(out, src, 0o644)
}
