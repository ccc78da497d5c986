package graph

import (
	"context"

	gqlcomplexity "github.com/99designs/gqlgen/complexity"
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"diplomacy-timeline/apierr"
	"diplomacy-timeline/limits"
	"diplomacy-timeline/model"
)

// complexity sets the cost model of the complexity limit, GitHub style: a connection
// costs its page size (first or last, 20 by default) times what is selected in each node,
// an unpaginated list costs limits.ListCost times its element, and a field costs 1.
func complexity(c *ComplexityRoot) {
	conn := func(first, last *int) func(child int) int {
		return func(child int) int { return 1 + pageSize(first, last)*child }
	}

	c.Query.Countries = func(ch int, first *int, _ *string, last *int, _ *string, _ *model.CountryFilter, _ *model.CountryOrder) int {
		return conn(first, last)(ch)
	}
	c.Query.Platforms = func(ch int, first *int, _ *string, last *int, _ *string, _ *model.PlatformFilter, _ *model.PlatformOrder) int {
		return conn(first, last)(ch)
	}
	c.Query.Sessions = func(ch int, first *int, _ *string, last *int, _ *string, _ *model.SessionFilter, _ *model.SessionOrder) int {
		return conn(first, last)(ch)
	}
	c.Query.Officials = func(ch int, first *int, _ *string, last *int, _ *string, _ *model.OfficialFilter, _ *model.OfficialOrder) int {
		return conn(first, last)(ch)
	}
	c.Query.Initiatives = func(ch int, first *int, _ *string, last *int, _ *string, _ *model.InitiativeFilter, _ *model.InitiativeOrder) int {
		return conn(first, last)(ch)
	}
	c.Query.Topics = func(ch int, first *int, _ *string, last *int, _ *string, _ *model.TopicFilter, _ *model.TopicOrder) int {
		return conn(first, last)(ch)
	}
	c.Query.Sources = func(ch int, first *int, _ *string, last *int, _ *string, _ *model.SourceFilter, _ *model.SourceOrder) int {
		return conn(first, last)(ch)
	}
	c.Query.Statements = func(ch int, first *int, _ *string, last *int, _ *string, _ *model.StatementFilter, _ *model.StatementOrder) int {
		return conn(first, last)(ch)
	}
	c.Query.Timeline = func(ch int, _ *model.TimelineFilter, _ *model.SortOrder, first *int, _ *string, last *int, _ *string) int {
		return conn(first, last)(ch)
	}
	c.Query.Search = func(ch int, _ string, first *int, _ *string) int { return conn(first, nil)(ch) }
	c.Query.Nodes = func(ch int, ids []string) int { return 1 + len(ids)*ch }
	c.Query.TimelineBuckets = func(ch int, _ *model.TimelineFilter, _ model.Granularity) int { return 1 + limits.BucketsCost*ch }

	nested := func(ch int, first *int, _ *string, last *int, _ *string, _ *model.SessionFilter, _ *model.SessionOrder) int {
		return conn(first, last)(ch)
	}
	c.Platform.Sessions = nested
	c.Official.Sessions = nested
	c.Topic.Sessions = nested

	setCosts(c) // the list relations, from their handles (relation.go)
}

// pageSize is the number of nodes a connection asks for.
func pageSize(first, last *int) int {
	switch {
	case first != nil && *first >= 0:
		return *first
	case last != nil && *last >= 0:
		return *last
	}
	return limits.DefaultPageSize
}

// complexityLimit is a gqlgen extension that refuses, before execution, an operation whose
// cost (above) is over the budget, saying the budget and the cost as the other
// limits do; gqlgen's own extension says them only in its message.
type complexityLimit struct {
	max    int
	schema graphql.ExecutableSchema
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = &complexityLimit{}

func (*complexityLimit) ExtensionName() string { return "ComplexityLimit" }
func (c *complexityLimit) Validate(schema graphql.ExecutableSchema) error {
	c.schema = schema
	return nil
}
func (c *complexityLimit) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	if cost := gqlcomplexity.Calculate(ctx, c.schema, oc.Operation, oc.Variables); cost > c.max {
		return limitError(apierr.ComplexityLimit, "complexity", c.max, cost)
	}
	return nil
}
