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
		apierr.ComplexityLimit, apierr.IntrospectionDisabled} {
		errcode.RegisterErrorType(code, errcode.KindProtocol)
	}
}

// shapeLimit is a gqlgen extension that refuses, before execution, an operation nested
// too deeply, with too many aliases or root fields, or too many fields once its fragments
// are expanded. It runs before the complexity limit, whose walk expands every spread.
type shapeLimit struct {
	limits          limits.Config
	noIntrospection bool
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = shapeLimit{}

func (shapeLimit) ExtensionName() string                   { return "ShapeLimit" }
func (shapeLimit) Validate(graphql.ExecutableSchema) error { return nil }
func (l shapeLimit) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	var fragments ast.FragmentDefinitionList
	if oc.Doc != nil {
		fragments = oc.Doc.Fragments
	}
	m := measure(oc.Operation.SelectionSet, fragments)
	switch {
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
		return limitError(apierr.FieldLimit, "field", l.limits.MaxFields, m.fields)
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

func limitError(code, what string, max, got int) *gqlerror.Error {
	return &gqlerror.Error{
		Message:    fmt.Sprintf("the operation exceeds the %s limit of %d (it has %d)", what, max, got),
		Extensions: map[string]any{"code": code, "limit": max, "actual": got},
	}
}

// shape is what measure found in an operation.
type shape struct {
	depth, aliases, roots int
	fields                int  // fields selected, fragments expanded wherever spread
	introspection         bool // asks for __schema or __type
}

// measure walks a selection set, expanding fragments, and returns its depth (fields with
// selections nested in one another; introspection fields not counted), its aliases, its
// root fields and all its fields. Each fragment is measured once however often it is
// spread, so a document whose fragments spread one another twice over, level after level,
// costs time in its length, not in what it expands to; counts saturate instead of
// overflowing. Validation has already refused fragment cycles; the visiting set guards
// anyway.
func measure(set ast.SelectionSet, fragments ast.FragmentDefinitionList) shape {
	m := &measurer{fragments: fragments, memo: map[string]shape{}, visiting: map[string]bool{}}
	return m.set(set)
}

type measurer struct {
	fragments ast.FragmentDefinitionList
	memo      map[string]shape
	visiting  map[string]bool
}

// set measures one selection set; its roots are its own fields, through fragments.
func (m *measurer) set(set ast.SelectionSet) shape {
	var s shape
	for _, sel := range set {
		switch x := sel.(type) {
		case *ast.Field:
			s.roots, s.fields = saturate(s.roots, 1), saturate(s.fields, 1)
			if x.Alias != "" && x.Alias != x.Name {
				s.aliases = saturate(s.aliases, 1)
			}
			if len(x.SelectionSet) == 0 {
				continue
			}
			c := m.set(x.SelectionSet)
			s.aliases, s.fields = saturate(s.aliases, c.aliases), saturate(s.fields, c.fields)
			s.introspection = s.introspection || c.introspection
			if strings.HasPrefix(x.Name, "__") {
				s.introspection = s.introspection || x.Name == "__schema" || x.Name == "__type"
				continue // the introspection query is as deep as the type system
			}
			s.depth = max(s.depth, c.depth+1)
		case *ast.InlineFragment:
			s = s.merge(m.set(x.SelectionSet))
		case *ast.FragmentSpread:
			s = s.merge(m.fragment(x.Name))
		}
	}
	return s
}

// fragment measures the named fragment, once.
func (m *measurer) fragment(name string) shape {
	if s, ok := m.memo[name]; ok {
		return s
	}
	def := m.fragments.ForName(name)
	if def == nil || m.visiting[name] {
		return shape{}
	}
	m.visiting[name] = true
	s := m.set(def.SelectionSet)
	delete(m.visiting, name)
	m.memo[name] = s
	return s
}

// merge adds the shape of a fragment spread or inlined at the same level.
func (s shape) merge(o shape) shape {
	return shape{
		depth:         max(s.depth, o.depth),
		aliases:       saturate(s.aliases, o.aliases),
		roots:         saturate(s.roots, o.roots),
		fields:        saturate(s.fields, o.fields),
		introspection: s.introspection || o.introspection,
	}
}

// saturate adds counts, stopping at a billion.
func saturate(a, b int) int { return min(a+b, 1<<30) }
