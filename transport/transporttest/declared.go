package transporttest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// Declared checks that a transport's service types declare every method
// of the interfaces they implement. The services embed the domain
// packages' Unimplemented types, so that an interface that grows does not
// break a transport's build; this test says which methods still fall back
// to them. services maps a service type's name in the package's source
// (dir) to the interface it implements (reflect.TypeFor[rbd.Images]());
// pending lists the "type.Method" names allowed to fall back for now.
func Declared(t *testing.T, dir string, services map[string]reflect.Type, pending ...string) {
	t.Helper()
	declared := map[string]bool{}
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, file, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Recv == nil || len(fd.Recv.List) != 1 {
				continue
			}
			rt := fd.Recv.List[0].Type
			if st, ok := rt.(*ast.StarExpr); ok {
				rt = st.X
			}
			if id, ok := rt.(*ast.Ident); ok {
				declared[id.Name+"."+fd.Name.Name] = true
			}
		}
	}
	allowed := map[string]bool{}
	for _, p := range pending {
		allowed[p] = true
	}
	var missing []string
	for typ, iface := range services {
		for i := 0; i < iface.NumMethod(); i++ {
			name := typ + "." + iface.Method(i).Name
			if !declared[name] && !allowed[name] {
				missing = append(missing, name)
			}
			if declared[name] && allowed[name] {
				t.Errorf("%s is implemented now: take it off the pending list", name)
			}
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Errorf("%s is not implemented: it answers Unimplemented (implement it, or list it as pending)", m)
	}
}
