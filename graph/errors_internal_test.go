package graph

import (
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
)

// TestArgumentNamesAreUnambiguous: each field name of the store that argumentNames
// renames is the path of no argument or input field of the schema, so that an error graph
// reports about an argument, named as the client wrote it, is never renamed; and each
// GraphQL name it renames to is such a path. Paths are as errors give them: an input
// field of an "input" argument without the argument's name, any other as argument.field.
func TestArgumentNamesAreUnambiguous(t *testing.T) {
	schema := NewExecutableSchema(Config{}).Schema()
	paths := map[string]bool{}
	var walk func(prefix string, typ *ast.Type, depth int)
	walk = func(prefix string, typ *ast.Type, depth int) {
		def := schema.Types[typ.Name()]
		if def == nil || def.Kind != ast.InputObject || depth > 5 {
			return
		}
		for _, f := range def.Fields {
			p := f.Name
			if prefix != "" {
				p = prefix + "." + f.Name
			}
			paths[p] = true
			walk(p, f.Type, depth+1)
		}
	}
	for _, def := range schema.Types {
		for _, field := range def.Fields {
			for _, arg := range field.Arguments {
				if arg.Name == "input" {
					walk("", arg.Type, 0)
					continue
				}
				paths[arg.Name] = true
				walk(arg.Name, arg.Type, 0)
			}
		}
	}
	if !paths["location.countryCode"] || !paths["filter.countries"] {
		t.Fatalf("the walk missed input fields: %v", paths)
	}
	for store, gql := range argumentNames {
		if paths[store] {
			t.Errorf("%q is the store's name of %q and also an argument path of the schema", store, gql)
		}
		if !paths[gql] {
			t.Errorf("%q (the store's %q) is no argument path of the schema", gql, store)
		}
	}
}
