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

	"github.com/cephapi/cephapi"
)

// Declared checks that a transport's service types declare every method
// of the interfaces they implement. The services embed the domain
// packages' Unimplemented types, so that an interface that grows does not
// break a transport's build; this test says which methods still fall back
// to them.
//
// It reads the transport's source in dir: each service is named by its
// compile-time assertion (var _ rbd.Images = imagesService{}, or
// (*images)(nil)), and every service of cephapi.Client must have one,
// except interfaces listed in elsewhere, which the transport serves from
// another package (the command emulator's ceph.Commander). pending lists
// the "type.Method" names allowed to fall back for now.
func Declared(t *testing.T, dir string, elsewhere []string, pending ...string) {
	t.Helper()
	ifaces := clientInterfaces()
	declared := map[string]bool{}
	services := map[string]string{} // type -> interface ("rbd.Images")
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
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Recv != nil && len(d.Recv.List) == 1 {
					if name := typeName(d.Recv.List[0].Type); name != "" {
						declared[name+"."+d.Name.Name] = true
					}
				}
			case *ast.GenDecl:
				for _, sp := range d.Specs {
					vs, ok := sp.(*ast.ValueSpec)
					if !ok || len(vs.Names) != 1 || vs.Names[0].Name != "_" || vs.Type == nil || len(vs.Values) != 1 {
						continue
					}
					sel, ok := vs.Type.(*ast.SelectorExpr)
					if !ok {
						continue
					}
					iface := sel.X.(*ast.Ident).Name + "." + sel.Sel.Name
					if name := typeName(vs.Values[0]); name != "" && ifaces[iface] != nil {
						services[name] = iface
					}
				}
			}
		}
	}
	covered := map[string]bool{}
	for _, iface := range elsewhere {
		covered[iface] = true
	}
	for _, iface := range services {
		covered[iface] = true
	}
	for iface := range ifaces {
		if !covered[iface] {
			t.Errorf("no service of the transport asserts that it implements %s (var _ %s = ...)", iface, iface)
		}
	}
	allowed := map[string]bool{}
	for _, p := range pending {
		allowed[p] = true
	}
	var missing []string
	for typ, iface := range services {
		it := ifaces[iface]
		for i := 0; i < it.NumMethod(); i++ {
			name := typ + "." + it.Method(i).Name
			switch {
			case !declared[name] && !allowed[name]:
				missing = append(missing, name)
			case declared[name] && allowed[name]:
				t.Errorf("%s is implemented now: take it off the pending list", name)
			}
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Errorf("%s is not implemented: it answers Unimplemented (implement it, or list it as pending)", m)
	}
}

// typeName reads T from T, *T, T{...}, &T{...} and (*T)(nil).
func typeName(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.StarExpr:
		return typeName(e.X)
	case *ast.ParenExpr:
		return typeName(e.X)
	case *ast.CompositeLit:
		return typeName(e.Type)
	case *ast.UnaryExpr:
		return typeName(e.X)
	case *ast.CallExpr:
		return typeName(e.Fun)
	}
	return ""
}

// clientInterfaces are the service interfaces of cephapi.Client by their
// qualified names ("rbd.Images").
func clientInterfaces() map[string]reflect.Type {
	out := map[string]reflect.Type{}
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			switch {
			case !f.IsExported():
			case f.Type.Kind() == reflect.Interface:
				out[f.Type.String()] = f.Type
			case f.Type.Kind() == reflect.Struct:
				walk(f.Type)
			}
		}
	}
	walk(reflect.TypeFor[cephapi.Client]())
	return out
}
