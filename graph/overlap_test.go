package graph

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator/core"
	"github.com/vektah/gqlparser/v2/validator/rules"
)

// TestOverlappingFieldsRuleAgreesWithGqlparser checks overlappingFieldsRule against the
// rule it replaces on thousands of random documents over the schema, rich in fields that
// answer under one name (two aliases for everything), with arguments, inline fragments
// on the members of interfaces and unions, and fragments: both must find the same
// documents valid.
func TestOverlappingFieldsRuleAgreesWithGqlparser(t *testing.T) {
	schema := publicSchema()
	compared, conflicts := 0, 0
	for seed := range uint64(8000) {
		g := &ovGen{schema: schema, r: rand.New(rand.NewPCG(seed, 11))}
		query := g.document()
		if !g.allSpread(query) {
			// gqlparser does not look below the top of a fragment no operation spreads
			// (NoUnusedFragments refuses it anyway); this rule does.
			continue
		}
		compared++
		theirs := ovErrors(t, schema, query, rules.OverlappingFieldsCanBeMergedRule.RuleFunc)
		ours := ovErrors(t, schema, query, overlappingFieldsRule.RuleFunc)
		if (theirs > 0) != (ours > 0) {
			t.Fatalf("seed %d: gqlparser finds %d conflicts, overlappingFieldsRule %d, in\n%s", seed, theirs, ours, query)
		}
		if ours > 0 {
			conflicts++
		}
	}
	// Both verdicts must be common for the comparison to mean anything.
	if compared < 3000 || conflicts < compared/10 || conflicts > compared*9/10 {
		t.Fatalf("%d of %d documents compared have conflicts; the generator needs tuning", conflicts, compared)
	}
	t.Logf("%d documents compared, %d with conflicts", compared, conflicts)
}

// TestOverlappingFieldsRuleCases checks overlappingFieldsRule on the cases the random
// documents are unlikely to reach.
func TestOverlappingFieldsRuleCases(t *testing.T) {
	schema := publicSchema()
	for _, c := range []struct {
		query string
		valid bool
	}{
		{`{ sessions(first: 1) { nodes { summary summary } } }`, true},
		{`{ sessions(first: 1) { nodes { a: summary a: title } } }`, false},
		{`{ a: sessions(first: 1) { totalCount } a: sessions(first: 2) { totalCount } }`, false},
		{`{ a: sessions(first: 1) { totalCount } a: sessions(first: 1) { totalCount } }`, true},
		// Object arguments are compared field by field, in any order.
		{`{ a: sessions(filter: {from: "2020", to: "2021"}) { totalCount } a: sessions(filter: {to: "2021", from: "2020"}) { totalCount } }`, true},
		{`{ a: sessions(filter: {from: "2020"}) { totalCount } a: sessions(filter: {from: "2021"}) { totalCount } }`, false},
		// Different object types never answer for one object: only shapes must agree.
		{`{ node(id: "1") { ... on Session { a: title } ... on Platform { a: name } } }`, true},
		{`{ node(id: "1") { ... on Session { a: title } ... on Platform { a: id } } }`, false},
		{`{ node(id: "1") { ... on Session { a: platform { x: id } } ... on Official { a: sessions { x: totalCount } } } }`, false},
		{`{ node(id: "1") { ... on Session { a: platform { x: name } } ... on Official { a: country { x: name } } } }`, true},
		// A field of the interface may answer for any of them.
		{`{ node(id: "1") { a: id ... on Session { a: slug } } }`, false},
		// Through fragments, and below the fields that merge.
		{`{ sessions(first: 1) { nodes { ...A ...B } } } fragment A on Session { platform { x: name } } fragment B on Session { platform { x: slug } }`, false},
		{`{ sessions(first: 1) { nodes { platform { x: name } } nodes { platform { x: name } } } }`, true},
		{`{ sessions(first: 1) { nodes { platform { x: name } } nodes { platform { x: slug } } } }`, false},
		// Within a fragment on its own, as gqlparser checks it.
		{`fragment F on Session { a: title a: slug }`, false},
		// A cycle (NoFragmentCycles refuses it): still the conflict beside it.
		{`fragment F on Session { ...F a: title a: slug }`, false},
		{`fragment F on Session { parent { ...F } a: title }`, true},
	} {
		n := ovErrors(t, schema, c.query, overlappingFieldsRule.RuleFunc)
		if (n == 0) != c.valid {
			t.Errorf("%s: %d conflicts, want valid %v", c.query, n, c.valid)
		}
	}
}

// ovErrors validates the document with the one rule and returns how many errors it found.
func ovErrors(t *testing.T, schema *ast.Schema, query string, rule core.RuleFunc) int {
	t.Helper()
	doc, err := parser.ParseQuery(&ast.Source{Input: query})
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	_, total := validate(schema, doc, rules.NewRules(core.Rule{Name: overlappingFieldsRule.Name, RuleFunc: rule}))
	return total
}

// ovGen writes random documents over a schema.
type ovGen struct {
	schema    *ast.Schema
	r         *rand.Rand
	fragments []*ast.Definition // the type of each fragment written so far, F0, F1…
	defs      strings.Builder
}

func (g *ovGen) document() string {
	var b strings.Builder
	for i := range g.r.IntN(3) {
		on := g.object()
		body := g.set(on, 1) // written before it joins, so that no fragment spreads itself
		g.fragments = append(g.fragments, on)
		fmt.Fprintf(&g.defs, " fragment F%d on %s %s", i, on.Name, body)
	}
	b.WriteString("query " + g.set(g.schema.Query, 0))
	b.WriteString(g.defs.String())
	return b.String()
}

// allSpread reports whether the document spreads every fragment it defines.
func (g *ovGen) allSpread(query string) bool {
	for i := range g.fragments {
		if strings.Count(query, fmt.Sprintf("...F%d ", i)) == 0 {
			return false
		}
	}
	return true
}

// object picks an object type with fields of its own.
func (g *ovGen) object() *ast.Definition {
	for _, name := range []string{"Session", "Platform", "Official", "Topic", "Statement", "Initiative"}[g.r.IntN(6):] {
		if def := g.schema.Types[name]; def != nil {
			return def
		}
	}
	return g.schema.Types["Session"]
}

func (g *ovGen) set(def *ast.Definition, depth int) string {
	var b strings.Builder
	b.WriteString("{ ")
	inline := 6 // of 10: the rest inline fragments and spreads
	if def.IsAbstractType() {
		inline = 3 // where fields of different types meet
	}
	for range 1 + g.r.IntN(3) {
		switch k := g.r.IntN(10); {
		case k < inline || depth >= 4:
			b.WriteString(g.field(def, depth))
		case k < 8:
			types := append([]*ast.Definition{def}, g.schema.GetPossibleTypes(def)...)
			on := types[g.r.IntN(len(types))]
			fmt.Fprintf(&b, "... on %s %s ", on.Name, g.set(on, depth+1))
		default:
			for i, on := range g.fragments {
				if on == def || (def.IsAbstractType() && slices.Contains(g.schema.GetPossibleTypes(def), on)) {
					fmt.Fprintf(&b, "...F%d ", i)
					break
				}
			}
		}
	}
	b.WriteString("__typename }")
	return b.String()
}

func (g *ovGen) field(def *ast.Definition, depth int) string {
	var fields []*ast.FieldDefinition
	for _, f := range def.Fields {
		if !strings.HasPrefix(f.Name, "__") && g.arguable(f) {
			fields = append(fields, f)
		}
	}
	if len(fields) == 0 {
		return "__typename "
	}
	f := fields[g.r.IntN(len(fields))]
	var b strings.Builder
	if g.r.IntN(4) == 0 {
		b.WriteString([]string{"a", "b"}[g.r.IntN(2)] + ": ")
	}
	b.WriteString(f.Name)
	var args []string
	for _, a := range f.Arguments {
		if v := g.value(a.Type); v != "" && (a.Type.NonNull || g.r.IntN(3) == 0) {
			args = append(args, a.Name+": "+v)
		}
	}
	if len(args) > 0 {
		b.WriteString("(" + strings.Join(args, ", ") + ")")
	}
	if t := g.schema.Types[f.Type.Name()]; t != nil && !t.IsLeafType() {
		if depth >= 4 {
			b.WriteString(" { __typename }")
		} else {
			b.WriteString(" " + g.set(t, depth+1))
		}
	}
	return b.String() + " "
}

// arguable reports whether the generator can write every required argument of f.
func (g *ovGen) arguable(f *ast.FieldDefinition) bool {
	for _, a := range f.Arguments {
		if a.Type.NonNull && g.value(a.Type) == "" {
			return false
		}
	}
	return true
}

// value writes one of two values of a scalar or enum type, "" for another type.
func (g *ovGen) value(t *ast.Type) string {
	if t.Elem != nil {
		if v := g.value(t.Elem); v != "" {
			return "[" + v + "]"
		}
		return ""
	}
	i := g.r.IntN(2)
	switch def := g.schema.Types[t.NamedType]; {
	case def == nil:
		return ""
	case def.Kind == ast.Enum && len(def.EnumValues) > 1:
		return def.EnumValues[i].Name
	case def.Name == "Int":
		return fmt.Sprint(1 + i)
	case def.Name == "Boolean":
		return fmt.Sprint(i == 0)
	case def.Kind == ast.Scalar:
		return fmt.Sprintf(`"%d"`, 2020+i)
	}
	return ""
}
