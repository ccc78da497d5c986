package graph

import (
	"context"
	"fmt"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/validator/core"
	"github.com/vektah/gqlparser/v2/validator/rules"

	"diplomacy-timeline/apierr"
	"diplomacy-timeline/limits"
)

// The limits refuse a request before it runs, as validation does, so they are protocol
// errors to gqlgen's transports: HTTP 400 with application/graphql-response+json (422 with
// application/json), like a validation error, not 200.
func init() {
	for _, code := range []string{apierr.DepthLimit, apierr.AliasLimit, apierr.RootFieldLimit, apierr.FieldLimit,
		apierr.FragmentLimit, apierr.DirectiveLimit, apierr.ValueLimit, apierr.ComplexityLimit, apierr.IntrospectionDisabled} {
		errcode.RegisterErrorType(code, errcode.KindProtocol)
	}
}

// shapeLimit refuses, before validation, a document with an operation nested too deeply,
// with too many aliases or root fields, or a document with too many fragments, or too
// many fields, directives or argument values once its fragments are expanded, or whose
// fragments spread themselves (prevalidate.go runs it). Validation walks every operation and every fragment
// definition, expanding the fragments they spread, and execution and the complexity
// limit walk the operation so; the counts are taken the same way, so that what a
// document costs to validate is bounded before it is validated.
type shapeLimit struct {
	limits          limits.Config
	noIntrospection bool
}

// refuse returns the error that refuses the document, or nil.
func (l shapeLimit) refuse(doc *ast.QueryDocument) *gqlerror.Error {
	if n := len(doc.Fragments); n > l.limits.MaxFragments {
		return limitErrorOf("document", apierr.FragmentLimit, "fragment", l.limits.MaxFragments, n)
	}
	m := documentShape(doc)
	switch {
	case m.cycle != nil:
		err := gqlerror.ErrorPosf(m.cycle.Position, `Cannot spread fragment "%s" within itself.`, m.cycle.Name)
		errcode.Set(err, errcode.ValidationFailed)
		return err
	case m.introspection && l.noIntrospection:
		return &gqlerror.Error{Message: "introspection is turned off on this server",
			Extensions: map[string]any{"code": apierr.IntrospectionDisabled}}
	case m.roots > l.limits.MaxRootFields:
		return limitError(apierr.RootFieldLimit, "root field", l.limits.MaxRootFields, m.roots)
	case m.depth > l.limits.MaxDepth:
		return limitError(apierr.DepthLimit, "depth", l.limits.MaxDepth, m.depth)
	case m.aliases > l.limits.MaxAliases:
		return limitError(apierr.AliasLimit, "alias", l.limits.MaxAliases, m.aliases)
	case m.fields > l.limits.MaxFields:
		return limitErrorOf("document", apierr.FieldLimit, "field", l.limits.MaxFields, m.fields)
	case m.directives > l.limits.MaxDirectives:
		return limitErrorOf("document", apierr.DirectiveLimit, "directive", l.limits.MaxDirectives, m.directives)
	case m.values > l.limits.MaxValues:
		return limitErrorOf("document", apierr.ValueLimit, "argument value", l.limits.MaxValues, m.values)
	}
	return nil
}

// rulesWithoutSuggestions are gqlparser's validation rules with every rule that suggests
// names ("did you mean …") swapped for its silent twin, for servers that hide the schema.
func rulesWithoutSuggestions() *rules.Rules {
	r := rules.NewDefaultRules()
	for _, swap := range []struct{ loud, quiet core.Rule }{
		{rules.ValuesOfCorrectTypeRule, rules.ValuesOfCorrectTypeRuleWithoutSuggestions},
		{rules.KnownArgumentNamesRule, rules.KnownArgumentNamesRuleWithoutSuggestions},
		{rules.FieldsOnCorrectTypeRule, rules.FieldsOnCorrectTypeRuleWithoutSuggestions},
		{rules.ScalarLeafsRule, rules.ScalarLeafsRuleWithoutSuggestions},
		{rules.KnownTypeNamesRule, rules.KnownTypeNamesRuleWithoutSuggestions},
	} {
		r.RemoveRule(swap.loud.Name)
		r.AddRule(swap.quiet.Name, swap.quiet.RuleFunc)
	}
	return r
}

// answerTimeouts answers a query or mutation whose deadline passed before it produced a
// response with a coded error, where gqlgen would write a bare null.
func answerTimeouts(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	handler := next(ctx)
	if op := graphql.GetOperationContext(ctx).Operation; op != nil && op.Operation == ast.Subscription {
		return handler // nil ends a subscription's stream
	}
	answered := false // a stream (SSE, a websocket) asks again until it gets nil
	return func(ctx context.Context) *graphql.Response {
		if res := handler(ctx); res != nil || answered || ctx.Err() == nil {
			answered = true
			return res
		}
		answered = true
		return &graphql.Response{Errors: gqlerror.List{{Message: "the request took too long and was stopped",
			Extensions: map[string]any{"code": apierr.Timeout}}}}
	}
}

// limitError is the refusal of a limit by an operation.
func limitError(code, what string, max, got int) *gqlerror.Error {
	return limitErrorOf("operation", code, what, max, got)
}

// limitErrorOf is the refusal of a limit by an operation or by a whole document.
func limitErrorOf(of, code, what string, max, got int) *gqlerror.Error {
	return &gqlerror.Error{
		Message:    fmt.Sprintf("the %s exceeds the %s limit of %d (it has %d)", of, what, max, got),
		Extensions: map[string]any{"code": code, "limit": max, "actual": got},
	}
}

// docShape is what documentShape found in a document.
type docShape struct {
	depth, aliases, roots      int // the most of any operation
	fields, directives, values int // of every operation and every fragment definition, expanded
	introspection              bool
	cycle                      *ast.FragmentSpread // a spread of a fragment within itself
}

// documentShape measures every operation of a document, and every fragment definition
// on its own, as validation walks them. Each fragment is measured once however often it
// is spread, so a document whose fragments spread one another twice over, level after
// level, costs time in its length, not in what it expands to; counts saturate instead of
// overflowing.
func documentShape(doc *ast.QueryDocument) docShape {
	m := &measurer{fragments: doc.Fragments, memo: map[string]shape{}, visiting: map[string]bool{}}
	var d docShape
	add := func(s shape) {
		d.fields, d.directives = saturate(d.fields, s.fields), saturate(d.directives, s.directives)
		d.values = saturate(d.values, s.values)
		d.introspection = d.introspection || s.introspection
	}
	for _, op := range doc.Operations {
		s := m.set(op.SelectionSet)
		s = s.merge(directives(op.Directives))
		for _, v := range op.VariableDefinitions {
			s = s.merge(directives(v.Directives))
			if v.DefaultValue != nil {
				s.values = saturate(s.values, values(v.DefaultValue))
			}
		}
		d.depth, d.aliases, d.roots = max(d.depth, s.depth), max(d.aliases, s.aliases), max(d.roots, s.roots)
		add(s)
	}
	for _, def := range doc.Fragments {
		if doc.Fragments.ForName(def.Name) == def {
			add(m.fragment(def.Name, nil))
		} else { // a second fragment of one name (refused by validation): walked all the same
			add(m.definition(def))
		}
	}
	d.cycle = m.cycle
	return d
}

// shape is what measure found in a selection set.
type shape struct {
	depth, aliases, roots int
	// fields counts fields, and fragment spreads and inline fragments too, which
	// validation visits as it does fields; values counts the values of arguments, each
	// item of a list and each field of an input object too. Like directives, they are
	// counted with fragments expanded wherever spread.
	fields, directives, values int
	introspection              bool // asks for __schema or __type
}

// measure walks a selection set, expanding fragments, and returns its depth (fields with
// selections nested in one another; introspection fields not counted), its aliases, its
// root fields, and all its fields, directives and argument values.
func measure(set ast.SelectionSet, fragments ast.FragmentDefinitionList) shape {
	m := &measurer{fragments: fragments, memo: map[string]shape{}, visiting: map[string]bool{}}
	return m.set(set)
}

type measurer struct {
	fragments ast.FragmentDefinitionList
	memo      map[string]shape
	visiting  map[string]bool     // the fragments being measured, outermost first
	cycle     *ast.FragmentSpread // the first spread found within its own fragment
}

// set measures one selection set; its roots are its own fields, through fragments.
func (m *measurer) set(set ast.SelectionSet) shape {
	var s shape
	for _, sel := range set {
		switch x := sel.(type) {
		case *ast.Field:
			s.roots, s.fields = saturate(s.roots, 1), saturate(s.fields, 1)
			s = s.merge(directives(x.Directives))
			s.values = saturate(s.values, arguments(x.Arguments))
			if x.Alias != "" && x.Alias != x.Name {
				s.aliases = saturate(s.aliases, 1)
			}
			if len(x.SelectionSet) == 0 {
				continue
			}
			c := m.set(x.SelectionSet)
			s.aliases, s.fields = saturate(s.aliases, c.aliases), saturate(s.fields, c.fields)
			s.directives, s.values = saturate(s.directives, c.directives), saturate(s.values, c.values)
			s.introspection = s.introspection || c.introspection
			if strings.HasPrefix(x.Name, "__") {
				s.introspection = s.introspection || x.Name == "__schema" || x.Name == "__type"
				continue // the introspection query is as deep as the type system
			}
			s.depth = max(s.depth, c.depth+1)
		case *ast.InlineFragment:
			s.fields = saturate(s.fields, 1)
			s = s.merge(directives(x.Directives)).merge(m.set(x.SelectionSet))
		case *ast.FragmentSpread:
			s.fields = saturate(s.fields, 1)
			s = s.merge(directives(x.Directives)).merge(m.fragment(x.Name, x))
		}
	}
	return s
}

// fragment measures the named fragment, once; spread is where it is spread (nil: the
// definition measured on its own). A fragment spread within itself, which validation
// refuses, measures as nothing there, and the first such spread is kept.
func (m *measurer) fragment(name string, spread *ast.FragmentSpread) shape {
	if s, ok := m.memo[name]; ok {
		return s
	}
	if m.visiting[name] {
		if m.cycle == nil {
			m.cycle = spread
		}
		return shape{}
	}
	def := m.fragments.ForName(name)
	if def == nil { // unknown: refused by validation
		m.memo[name] = shape{}
		return shape{}
	}
	m.visiting[name] = true
	s := m.definition(def)
	delete(m.visiting, name)
	m.memo[name] = s
	return s
}

// definition measures a fragment definition with its directives.
func (m *measurer) definition(def *ast.FragmentDefinition) shape {
	return m.set(def.SelectionSet).merge(directives(def.Directives))
}

// directives measures a list of directives: how many, and the values of their arguments.
func directives(list ast.DirectiveList) shape {
	s := shape{directives: len(list)}
	for _, d := range list {
		s.values = saturate(s.values, arguments(d.Arguments))
	}
	return s
}

// arguments counts the values of arguments.
func arguments(args ast.ArgumentList) int {
	n := 0
	for _, a := range args {
		n = saturate(n, values(a.Value))
	}
	return n
}

// values counts a value with the items of a list or the fields of an object in it.
func values(v *ast.Value) int {
	n := 1
	for _, c := range v.Children {
		n = saturate(n, values(c.Value))
	}
	return n
}

// merge adds the shape of a fragment spread or inlined at the same level.
func (s shape) merge(o shape) shape {
	return shape{
		depth:         max(s.depth, o.depth),
		aliases:       saturate(s.aliases, o.aliases),
		roots:         saturate(s.roots, o.roots),
		fields:        saturate(s.fields, o.fields),
		directives:    saturate(s.directives, o.directives),
		values:        saturate(s.values, o.values),
		introspection: s.introspection || o.introspection,
	}
}

// saturate adds counts, stopping at a billion.
func saturate(a, b int) int { return min(a+b, 1<<30) }
