package graph

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/validator/core"
	"github.com/vektah/gqlparser/v2/validator/rules"
)

// Limits bound what one request may cost. Every field has a flag in server.go; a zero
// shape limit means its default, a zero rate means no rate limit.
type Limits struct {
	MaxDepth      int           // deepest selection nesting (introspection not counted)
	MaxComplexity int           // cost budget, see complexity.go
	MaxAliases    int           // aliased fields in one operation
	MaxRootFields int           // top-level fields in one operation
	MaxTokens     int           // lexer tokens in one document
	MaxBodyBytes  int64         // request body size
	Timeout       time.Duration // deadline of one request, down to the database

	Rate          float64 // requests per second per client; 0 is unlimited
	Burst         int     // requests a client may make at once
	MutationRate  float64 // mutations per second per client; 0 is unlimited
	MutationBurst int     // mutations a client may make at once
	TrustProxy    bool    // take the client address from X-Forwarded-For
}

// DefaultLimits are safe for a public endpoint and roomy for a dashboard and for a test
// suite or script that runs hundreds of requests in a few seconds: a flood still meets
// 429 within a second.
func DefaultLimits() Limits {
	return Limits{
		MaxDepth:      12,
		MaxComplexity: 200000,
		MaxAliases:    50,
		MaxRootFields: 20,
		MaxTokens:     15000,
		MaxBodyBytes:  1 << 20,
		Timeout:       10 * time.Second,
		Rate:          50,
		Burst:         300,
		MutationRate:  10,
		MutationBurst: 100,
	}
}

// withDefaults fills the zero shape limits with their defaults.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxDepth <= 0 {
		l.MaxDepth = d.MaxDepth
	}
	if l.MaxComplexity <= 0 {
		l.MaxComplexity = d.MaxComplexity
	}
	if l.MaxAliases <= 0 {
		l.MaxAliases = d.MaxAliases
	}
	if l.MaxRootFields <= 0 {
		l.MaxRootFields = d.MaxRootFields
	}
	if l.MaxTokens <= 0 {
		l.MaxTokens = d.MaxTokens
	}
	if l.MaxBodyBytes <= 0 {
		l.MaxBodyBytes = d.MaxBodyBytes
	}
	if l.Timeout <= 0 {
		l.Timeout = d.Timeout
	}
	return l
}

// Limit error codes.
const (
	CodeDepthLimit     = "DEPTH_LIMIT_EXCEEDED"
	CodeAliasLimit     = "ALIAS_LIMIT_EXCEEDED"
	CodeRootFieldLimit = "ROOT_FIELD_LIMIT_EXCEEDED"
	CodeBodyTooLarge   = "REQUEST_TOO_LARGE"
	CodeRateLimited    = "RATE_LIMITED"

	CodeIntrospectionDisabled = "INTROSPECTION_DISABLED"
)

// shapeLimit is a gqlgen extension that refuses, before execution, an operation nested
// too deeply or with too many aliases or root fields.
type shapeLimit struct {
	limits          Limits
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
			Extensions: map[string]any{"code": CodeIntrospectionDisabled}}
	case m.roots > l.limits.MaxRootFields:
		return limitError(CodeRootFieldLimit, "root field", l.limits.MaxRootFields, m.roots)
	case m.depth > l.limits.MaxDepth:
		return limitError(CodeDepthLimit, "depth", l.limits.MaxDepth, m.depth)
	case m.aliases > l.limits.MaxAliases:
		return limitError(CodeAliasLimit, "alias", l.limits.MaxAliases, m.aliases)
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
	return func(ctx context.Context) *graphql.Response {
		if res := handler(ctx); res != nil || ctx.Err() == nil {
			return res
		}
		return &graphql.Response{Errors: gqlerror.List{{Message: "the request took too long and was stopped",
			Extensions: map[string]any{"code": CodeTimeout}}}}
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
	introspection         bool // asks for __schema or __type
}

// measure walks a selection set, expanding fragments, and returns its depth (fields with
// selections nested in one another; introspection fields not counted), its aliases and
// its root fields. Validation has already refused fragment cycles; the visited set guards
// anyway.
func measure(set ast.SelectionSet, fragments ast.FragmentDefinitionList) shape {
	var s shape
	var walk func(set ast.SelectionSet, level int, root bool, visiting map[string]bool)
	walk = func(set ast.SelectionSet, level int, root bool, visiting map[string]bool) {
		for _, sel := range set {
			switch x := sel.(type) {
			case *ast.Field:
				if root {
					s.roots++
				}
				if x.Alias != "" && x.Alias != x.Name {
					s.aliases++
				}
				if strings.HasPrefix(x.Name, "__") {
					s.introspection = s.introspection || x.Name == "__schema" || x.Name == "__type"
					continue
				}
				if len(x.SelectionSet) > 0 {
					s.depth = max(s.depth, level+1)
					walk(x.SelectionSet, level+1, false, visiting)
				}
			case *ast.InlineFragment:
				walk(x.SelectionSet, level, root, visiting)
			case *ast.FragmentSpread:
				if visiting[x.Name] {
					continue
				}
				if def := fragments.ForName(x.Name); def != nil {
					visiting[x.Name] = true
					walk(def.SelectionSet, level, root, visiting)
					delete(visiting, x.Name)
				}
			}
		}
	}
	walk(set, 0, true, map[string]bool{})
	return s
}
