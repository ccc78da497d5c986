package graph

import (
	"fmt"
	"slices"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/validator/core"
	"github.com/vektah/gqlparser/v2/validator/rules"
)

// overlappingFieldsRule takes the place of gqlparser's OverlappingFieldsCanBeMerged, which
// compares every two fields of one response name: 4,900 copies of one field cost it
// seconds, and 1,000 of one name with differing arguments half a million errors. It
// applies the same rule (two fields that answer under one name must be the same field
// with the same arguments unless their parents are different object types, and must
// return values of the same shape in any case) in the time of the document's expansion,
// after Adameit's "Overlapping fields can be merged fast" (XING, 2017), as Sangria and
// graphql-java do: a relation that holds between every two fields of a set holds if it
// holds between each field and the first, since being the same field and having the same
// shape are equivalences.
//
// It splits the rule in two, each checked over a set of fields of one response name and
// then over the fields their selections merge into, level after level:
//   - sameShape: every two fields return the same leaf type or both a composite one, in
//     the same list and non-null wrappers;
//   - sameField: within each set of fields whose parents may be one object (those of one
//     object type, and those of an interface or a union, which may be any), every field
//     is the same field with the same arguments as the first.
//
// A conflict is reported once, between the field and the first of its set; gqlparser's
// rule reports each pair, nested under the pair of their parents.
var overlappingFieldsRule = core.Rule{
	Name: rules.OverlappingFieldsCanBeMergedRule.Name,
	RuleFunc: func(observers *core.Events, addError core.AddErrFunc) {
		m := &merger{addError: addError, reported: map[[2]*ast.Field]bool{}, levels: -1}
		observers.OnOperation(func(w *core.Walker, op *ast.OperationDefinition) {
			m.check(w, op.SelectionSet)
		})
		observers.OnFragment(func(w *core.Walker, def *ast.FragmentDefinition) {
			m.check(w, def.SelectionSet)
		})
	},
}

// merger checks the fields of one document.
type merger struct {
	addError  core.AddErrFunc
	schema    *ast.Schema
	fragments map[string]*ast.FragmentDefinition // nil: not indexed yet
	reported  map[[2]*ast.Field]bool             // conflicts already reported, by the two fields
	// levels is how deep below a definition the fields are merged, -1 without limit. A
	// fragment that spreads itself below a field (which NoFragmentCycles refuses) nests
	// without end; a document with such a cycle is merged as deep as one lap of every
	// cycle from every definition goes, which finds every conflict of one lap.
	levels int
}

// check checks a selection set at the top of an operation or a fragment definition, and
// everything below it.
func (m *merger) check(w *core.Walker, set ast.SelectionSet) {
	if m.fragments == nil {
		m.schema = w.Schema
		m.fragments = map[string]*ast.FragmentDefinition{}
		for _, f := range w.Document.Fragments {
			if _, ok := m.fragments[f.Name]; !ok { // the first of a name, as the walker takes
				m.fragments[f.Name] = f
			}
		}
		if hasFragmentCycle(m.fragments) {
			deepest := 0
			for _, def := range w.Document.Operations {
				deepest = max(deepest, nesting(def.SelectionSet))
			}
			for _, def := range w.Document.Fragments {
				deepest = max(deepest, nesting(def.SelectionSet))
			}
			m.levels = (len(m.fragments) + 1) * (deepest + 1)
		}
	}
	for _, group := range m.collect(set) {
		m.sameShape(group, 0)
		m.sameField(group, 0)
	}
}

// nesting is how deep fields nest in a selection set, not entering fragment spreads.
func nesting(set ast.SelectionSet) int {
	n := 0
	for _, sel := range set {
		switch x := sel.(type) {
		case *ast.Field:
			n = max(n, 1+nesting(x.SelectionSet))
		case *ast.InlineFragment:
			n = max(n, nesting(x.SelectionSet))
		}
	}
	return n
}

// deeper reports whether the fields below those at level may be merged.
func (m *merger) deeper(level int) bool { return m.levels < 0 || level < m.levels }

// sameShape reports the fields of a set of one response name that do not return values
// of the shape of the first, then checks the fields their selections merge into.
func (m *merger) sameShape(fields []*ast.Field, level int) {
	var first *ast.Field
	for _, f := range fields {
		if f.Definition == nil {
			continue
		}
		if first == nil {
			first = f
			continue
		}
		if typesConflict(m.schema, first.Definition.Type, f.Definition.Type) {
			m.report(first, f, fmt.Sprintf(`they return conflicting types "%s" and "%s"`,
				first.Definition.Type.String(), f.Definition.Type.String()))
		}
	}
	if !m.deeper(level) {
		return
	}
	for _, group := range m.collect(selections(fields)...) {
		m.sameShape(group, level+1)
	}
}

// sameField reports, within each set of fields of one response name whose parents may be
// the same object, the fields that are not the same field with the same arguments as the
// first, then checks the fields each set's selections merge into. Fields of two different
// object types never answer for the same object, so nothing below them has to agree but
// shapes. A field of an interface or a union is checked with the fields of each object
// type beside it, and so is what it selects: in this schema nothing, as such fields
// (Node's id, __typename) are leaves, so the check stays linear.
func (m *merger) sameField(fields []*ast.Field, level int) {
	var types []string // the object types of the parents, in order of appearance
	for _, f := range fields {
		if name, ok := objectParent(f); ok && !slices.Contains(types, name) {
			types = append(types, name)
		}
	}
	if len(types) == 0 {
		m.sameFieldIn(fields, level)
		return
	}
	for _, name := range types {
		// The fields of this object type with those of abstract parents, which may be it.
		m.sameFieldIn(slices.DeleteFunc(slices.Clone(fields), func(f *ast.Field) bool {
			other, ok := objectParent(f)
			return ok && other != name
		}), level)
	}
}

// sameFieldIn is sameField over a set of fields whose parents may all be one object.
func (m *merger) sameFieldIn(fields []*ast.Field, level int) {
	first := fields[0]
	for _, f := range fields[1:] {
		switch {
		case f.Name != first.Name:
			m.report(first, f, fmt.Sprintf(`"%s" and "%s" are different fields`, first.Name, f.Name))
		case !sameArguments(first.Arguments, f.Arguments):
			m.report(first, f, "they have differing arguments")
		}
	}
	if !m.deeper(level) {
		return
	}
	for _, group := range m.collect(selections(fields)...) {
		m.sameField(group, level+1)
	}
}

// report adds the conflict of a field with the first of its set, once.
func (m *merger) report(first, f *ast.Field, why string) {
	key := [2]*ast.Field{first, f}
	if m.reported[key] {
		return
	}
	m.reported[key] = true
	m.addError(
		core.Message(`Fields "%s" conflict because %s. Use different aliases on the fields to fetch both if this was intentional.`,
			responseName(f), why),
		core.At(first.Position),
		core.At(f.Position),
	)
}

// collect gathers the fields of selection sets, through inline fragments and fragment
// spreads, by response name, in the order of their first appearance. A fragment spread
// more than once among them is gathered once: its fields are the same fields, which
// agree with themselves. Fields whose parent type is unknown are left out, as
// gqlparser's rule leaves them: another rule refuses them.
func (m *merger) collect(sets ...ast.SelectionSet) [][]*ast.Field {
	var order []string
	byName := map[string][]*ast.Field{}
	spread := map[string]bool{}
	var walk func(set ast.SelectionSet)
	walk = func(set ast.SelectionSet) {
		for _, sel := range set {
			switch x := sel.(type) {
			case *ast.Field:
				if x.ObjectDefinition == nil {
					continue
				}
				name := responseName(x)
				if _, ok := byName[name]; !ok {
					order = append(order, name)
				}
				byName[name] = append(byName[name], x)
			case *ast.InlineFragment:
				walk(x.SelectionSet)
			case *ast.FragmentSpread:
				if def := m.fragments[x.Name]; def != nil && !spread[x.Name] {
					spread[x.Name] = true
					walk(def.SelectionSet)
				}
			}
		}
	}
	for _, set := range sets {
		walk(set)
	}
	groups := make([][]*ast.Field, len(order))
	for i, name := range order {
		groups[i] = byName[name]
	}
	return groups
}

// selections returns the selection sets of fields.
func selections(fields []*ast.Field) []ast.SelectionSet {
	sets := make([]ast.SelectionSet, 0, len(fields))
	for _, f := range fields {
		if len(f.SelectionSet) > 0 {
			sets = append(sets, f.SelectionSet)
		}
	}
	return sets
}

// objectParent returns the object type a known field is selected on; false for a field
// of an interface or a union, which may be selected on any of its object types, and for a
// field unknown to its type, which gqlparser's rule does not count as exclusive either.
func objectParent(f *ast.Field) (string, bool) {
	if f.ObjectDefinition.Kind != ast.Object || f.Definition == nil {
		return "", false
	}
	return f.ObjectDefinition.Name, true
}

func responseName(f *ast.Field) string {
	if f.Alias != "" {
		return f.Alias
	}
	return f.Name
}

// hasFragmentCycle reports whether a fragment spreads itself, directly or through others.
func hasFragmentCycle(fragments map[string]*ast.FragmentDefinition) bool {
	const (
		unseen = iota
		open
		done
	)
	state := map[string]int{}
	var visit func(def *ast.FragmentDefinition) bool
	var spreads func(set ast.SelectionSet) bool
	spreads = func(set ast.SelectionSet) bool {
		for _, sel := range set {
			switch x := sel.(type) {
			case *ast.Field:
				if spreads(x.SelectionSet) {
					return true
				}
			case *ast.InlineFragment:
				if spreads(x.SelectionSet) {
					return true
				}
			case *ast.FragmentSpread:
				if def := fragments[x.Name]; def != nil && visit(def) {
					return true
				}
			}
		}
		return false
	}
	visit = func(def *ast.FragmentDefinition) bool {
		switch state[def.Name] {
		case open:
			return true
		case done:
			return false
		}
		state[def.Name] = open
		if spreads(def.SelectionSet) {
			return true
		}
		state[def.Name] = done
		return false
	}
	for _, def := range fragments {
		if visit(def) {
			return true
		}
	}
	return false
}

// sameArguments reports whether two fields are called with the same arguments, in any
// order, as gqlparser's rule compares them.
func sameArguments(a, b ast.ArgumentList) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		if !slices.ContainsFunc(b, func(y *ast.Argument) bool { return x.Name == y.Name && sameValue(x.Value, y.Value) }) {
			return false
		}
	}
	return true
}

// sameValue reports whether two values are written the same: an object's fields in any
// order, a list's elements in theirs.
func sameValue(a, b *ast.Value) bool {
	if a.Kind != b.Kind || a.Raw != b.Raw || len(a.Children) != len(b.Children) {
		return false
	}
	ca, cb := a.Children, b.Children
	if a.Kind == ast.ObjectValue {
		byName := func(x, y *ast.ChildValue) int { return strings.Compare(x.Name, y.Name) }
		ca, cb = slices.SortedStableFunc(slices.Values(ca), byName), slices.SortedStableFunc(slices.Values(cb), byName)
	}
	for i := range ca {
		if ca[i].Name != cb[i].Name || !sameValue(ca[i].Value, cb[i].Value) {
			return false
		}
	}
	return true
}

// typesConflict reports whether two fields' types cannot answer under one name: their
// list and non-null wrappers differ, or either is a leaf and the two differ. Two
// composite types are compared through their fields, by sameShape.
func typesConflict(schema *ast.Schema, a, b *ast.Type) bool {
	if a.NonNull != b.NonNull || (a.Elem == nil) != (b.Elem == nil) {
		return true
	}
	if a.Elem != nil {
		return typesConflict(schema, a.Elem, b.Elem)
	}
	ta, tb := schema.Types[a.NamedType], schema.Types[b.NamedType]
	if ta == nil || tb == nil {
		return a.NamedType != b.NamedType
	}
	if ta.IsLeafType() || tb.IsLeafType() {
		return ta.Name != tb.Name
	}
	return false
}
