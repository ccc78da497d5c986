package graph

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator/core"
	"github.com/vektah/gqlparser/v2/validator/rules"

	"diplomacy-timeline/apierr"
	"diplomacy-timeline/limits"
)

// prevalidate is a gqlgen extension that parses each document, measures it against the
// shape limits and validates it before gqlgen would: gqlgen parses and validates first
// and lets extensions look at an operation only afterwards, so a document of 4,900 copies
// of one field cost seconds of validation before the field limit could refuse it. A
// document it validates it hands to gqlgen through validatedFirst, and adds to the query
// cache, so a request is parsed and validated once; a document found in the cache was
// measured and validated when it was added. It refuses with the document's first error
// and leaves the others to answerErrors, as gqlgen's extensions can return only one.
type prevalidate struct {
	shape   shapeLimit
	schema  *ast.Schema
	cache   graphql.Cache[*ast.QueryDocument] // gqlgen's query cache
	tokens  int                               // the parser's token limit
	suggest bool                              // whether errors may suggest names ("did you mean")
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = prevalidate{}

func (prevalidate) ExtensionName() string                   { return "Prevalidate" }
func (prevalidate) Validate(graphql.ExecutableSchema) error { return nil }

func (p prevalidate) MutateOperationParameters(ctx context.Context, params *graphql.RawParams) *gqlerror.Error {
	if _, ok := p.cache.Get(ctx, params.Query); ok {
		return nil
	}
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: params.Query}, p.tokens)
	if err != nil {
		var gqlErr *gqlerror.Error
		if !errors.As(err, &gqlErr) {
			gqlErr = gqlerror.Errorf("%s", err)
		}
		errcode.Set(gqlErr, errcode.ParseFailed)
		return gqlErr
	}
	if len(doc.Operations) == 0 {
		err := gqlerror.Errorf("no operation provided")
		errcode.Set(err, errcode.ValidationFailed)
		return err
	}
	if err := p.shape.refuse(doc); err != nil {
		return err
	}
	// Without suggestions first: the valid document, the common case, needs none, and
	// computing one compares a name with every name it could have meant, letter by
	// letter, so that thousands of long unknown names would cost seconds.
	errs, total := validate(p.schema, doc, validationRules(false))
	if total == 0 {
		graphql.GetOperationContext(ctx).Stats.SetExtension(validatedKey, validated{query: params.Query, doc: doc})
		p.cache.Add(ctx, params.Query, doc)
		return nil
	}
	if p.suggest && total <= limits.MaxErrors && messageBytes(errs) <= suggestionBudget {
		errs, total = validate(p.schema, doc, validationRules(true))
	}
	for _, e := range errs {
		errcode.Set(e, errcode.ValidationFailed)
	}
	if total > 1 {
		graphql.GetOperationContext(ctx).Stats.SetExtension(pendingErrorsKey, pendingErrors{rest: errs[1:], total: total})
	}
	return errs[0]
}

// suggestionBudget bounds the bytes of the messages of a document's errors for which
// they are computed again with suggestions: a message quotes the unknown name, and a
// suggestion costs the name's length times the length of the names it could have meant.
const suggestionBudget = 2 << 10

// validate validates a document with the rules, as gqlparser's ValidateWithRules does,
// keeping the first limits.MaxErrors errors and counting the others without building
// them. It returns the errors kept and how many there were.
func validate(schema *ast.Schema, doc *ast.QueryDocument, set *rules.Rules) (gqlerror.List, int) {
	var errs gqlerror.List
	total := 0
	observers := &core.Events{}
	inner := set.GetInner()
	for _, name := range slices.Sorted(maps.Keys(inner)) { // gqlparser's order
		inner[name](observers, func(options ...core.ErrorOption) {
			total++
			if len(errs) == limits.MaxErrors {
				return
			}
			err := &gqlerror.Error{Rule: name}
			for _, o := range options {
				o(err)
			}
			errs = append(errs, err)
		})
	}
	core.Walk(schema, doc, observers)
	return errs, total
}

// validationRules are gqlparser's rules with overlappingFieldsRule for its own, and, unless
// suggest, every rule that suggests names ("did you mean …") swapped for its silent twin.
func validationRules(suggest bool) *rules.Rules {
	r := rules.NewDefaultRules()
	if !suggest {
		r = rulesWithoutSuggestions()
	}
	r.RemoveRule(overlappingFieldsRule.Name)
	r.AddRule(overlappingFieldsRule.Name, overlappingFieldsRule.RuleFunc)
	return r
}

func messageBytes(errs gqlerror.List) int {
	n := 0
	for _, e := range errs {
		n += len(e.Message)
	}
	return n
}

// validatedKey is where prevalidate leaves, in the operation's stats, the document it
// validated, for validatedFirst.
const validatedKey = "diplomacy-timeline/validated"

// validated is a query and its document, parsed and validated.
type validated struct {
	query string
	doc   *ast.QueryDocument
}

// validatedFirst is gqlgen's query cache: it answers first with the document prevalidate
// validated for this very operation, which a cache may not keep (a long query, say), then
// from the cache. gqlgen then neither parses nor validates it again.
type validatedFirst struct {
	graphql.Cache[*ast.QueryDocument]
}

func (c validatedFirst) Get(ctx context.Context, query string) (*ast.QueryDocument, bool) {
	if graphql.HasOperationContext(ctx) {
		if v, ok := graphql.GetOperationContext(ctx).Stats.GetExtension(validatedKey).(validated); ok && v.query == query {
			return v.doc, true
		}
	}
	return c.Cache.Get(ctx, query)
}

// pendingErrorsKey is where prevalidate leaves, in the operation's stats, the errors that
// follow the one it refused with.
const pendingErrorsKey = "diplomacy-timeline/pending-errors"

// pendingErrors are a refused document's errors after its first, and how many it had.
type pendingErrors struct {
	rest  gqlerror.List
	total int
}

// answerErrors adds to a refusal the errors prevalidate left behind it, and bounds every
// response's errors: the first limits.MaxErrors, each message cut to
// limits.MaxErrorMessage bytes, then one TOO_MANY_ERRORS error that says how many there
// were. A response's errors then stay far below the body limit, whatever the document
// repeats or makes long.
func answerErrors(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	total := 0
	if graphql.HasOperationContext(ctx) {
		stats := &graphql.GetOperationContext(ctx).Stats
		if p, ok := stats.GetExtension(pendingErrorsKey).(pendingErrors); ok {
			stats.SetExtension(pendingErrorsKey, nil)
			for _, e := range p.rest {
				graphql.AddError(ctx, e)
			}
			total = p.total
		}
	}
	res := next(ctx)
	if res == nil {
		return nil
	}
	if total = max(total, len(res.Errors)); total > limits.MaxErrors {
		res.Errors = append(res.Errors[:limits.MaxErrors:limits.MaxErrors], &gqlerror.Error{
			Message:    fmt.Sprintf("the response lists the first %d of %d errors", limits.MaxErrors, total),
			Extensions: map[string]any{"code": apierr.TooManyErrors, "limit": limits.MaxErrors, "actual": total},
		})
	}
	for i, e := range res.Errors {
		if len(e.Message) > limits.MaxErrorMessage {
			cut := *e
			cut.Message = truncate(e.Message, limits.MaxErrorMessage)
			res.Errors[i] = &cut
		}
	}
	return res
}

// truncate cuts s to at most n bytes, at a character boundary, ending it with "…".
func truncate(s string, n int) string {
	const ellipsis = "…"
	n -= len(ellipsis)
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + ellipsis
}
