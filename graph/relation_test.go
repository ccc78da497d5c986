package graph

import (
	"reflect"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
)

// notRelations are the resolver-backed fields returning records that have no handle, and
// why. Anything else that loads records must be declared in relations.go.
var notRelations = map[string]string{
	"Platform.sessions": "a connection paginated per parent: each page is a query of its own, costed by first/last",
	"Official.sessions": "a connection paginated per parent: each page is a query of its own, costed by first/last",
	"Topic.sessions":    "a connection paginated per parent: each page is a query of its own, costed by first/last",
}

// TestEveryRelationHasAHandle walks the resolvers gqlgen generated for the schema's object
// types and fails for a field that returns records (an object, a union, an interface or a
// list) with no handle in relations.go and no reason in notRelations: such a field would
// load outside the prefetcher and the cost model. It also fails for a handle or an
// allow-list entry naming a field the schema does not have.
func TestEveryRelationHasAHandle(t *testing.T) {
	schema := publicSchema()
	root := reflect.TypeFor[ResolverRoot]()
	seen := map[string]bool{}
	for i := range root.NumMethod() {
		typeName := root.Method(i).Name
		if typeName == "Query" || typeName == "Mutation" || typeName == "Subscription" {
			continue
		}
		def := schema.Types[typeName]
		if def == nil {
			t.Errorf("resolver for %s, which the schema does not have", typeName)
			continue
		}
		resolvers := root.Method(i).Type.Out(0)
		for j := range resolvers.NumMethod() {
			m := resolvers.Method(j).Name
			name := strings.ToLower(m[:1]) + m[1:]
			f := def.Fields.ForName(name)
			if f == nil {
				t.Errorf("resolver %s.%s has no field %s in the schema", typeName, m, name)
				continue
			}
			key := typeName + "." + name
			seen[key] = true
			if !returnsRecords(schema, f.Type) {
				continue
			}
			_, handled := relations.byType[typeName][name]
			_, allowed := notRelations[key]
			switch {
			case handled && allowed:
				t.Errorf("%s has a handle and an entry in notRelations: drop one", key)
			case !handled && !allowed:
				t.Errorf("%s loads records but has no handle: declare it in relations.go (or say why not in notRelations)", key)
			}
		}
	}
	for _, typ := range relations.types {
		for name, r := range relations.byType[typ] {
			f := schema.Types[typ].Fields.ForName(name)
			if f == nil {
				t.Errorf("handle %s.%s names no field of the schema", typ, name)
				continue
			}
			if want := f.Type.Elem != nil; r.list() != want {
				t.Errorf("handle %s.%s: list() = %v, but the field's type is %s", typ, name, r.list(), f.Type)
			}
		}
	}
	for key := range notRelations {
		if !seen[key] {
			t.Errorf("notRelations lists %s, which has no resolver", key)
		}
	}
}

// returnsRecords reports whether a field of type t returns something other than scalars
// and enums: the fields that load.
func returnsRecords(schema *ast.Schema, t *ast.Type) bool {
	if t.Elem != nil {
		return true
	}
	def := schema.Types[t.NamedType]
	return def != nil && (def.Kind == ast.Object || def.Kind == ast.Union || def.Kind == ast.Interface)
}

// TestRelationCosts: every list relation costs limits.ListCost times its element, whatever
// arguments its field takes, and a to-one relation is left at gqlgen's default.
func TestRelationCosts(t *testing.T) {
	var c ComplexityRoot
	complexity(&c)
	if got := c.Session.Topics(3); got != 31 {
		t.Errorf("Session.topics of a selection costing 3: %d, want 31", got)
	}
	if got := c.Platform.Members(2, nil); got != 21 {
		t.Errorf("Platform.members(on:) of a selection costing 2: %d, want 21", got)
	}
	if got := c.TimelineEntry.Sources(1); got != 11 {
		t.Errorf("TimelineEntry.sources of a selection costing 1: %d, want 11", got)
	}
	if c.Session.Platform != nil {
		t.Errorf("Session.platform, a to-one relation, has a cost function of its own")
	}
}
