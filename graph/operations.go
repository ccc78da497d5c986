package graph

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"diplomacy-timeline/apierr"
	"diplomacy-timeline/limits"
)

// The operation middleware that depends on the caller (caller.go): the token mutations
// need, the mutation budget, the budget and subscription cap of websockets, and the
// refusal of a subscription that cannot stream.

// requireTokenForMutations refuses a mutation operation, before any resolver runs, unless
// the request is authenticated. Reads are public.
func requireTokenForMutations(tokenSet bool) graphql.OperationMiddleware {
	return func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		oc := graphql.GetOperationContext(ctx)
		if oc.Operation == nil || oc.Operation.Operation != ast.Mutation || authenticated(ctx) {
			return next(ctx)
		}
		msg := "this mutation needs Authorization: Bearer <token> with the server's token"
		if !tokenSet {
			msg = "writes are disabled: no API token is configured; start the server with --token <secret> (or API_TOKEN=<secret>) and send Authorization: Bearer <secret>"
		}
		return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{{
			Message:    msg,
			Extensions: map[string]any{"code": apierr.Unauthenticated},
		}}})
	}
}

// limitMutations refuses a mutation over the client's mutation budget with 429 and
// Retry-After, before any resolver runs. Each mutation field of the operation takes a
// token: twenty aliased deletes in one request are twenty writes.
func limitMutations(budget *limits.Budget) graphql.OperationMiddleware {
	return func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		oc := graphql.GetOperationContext(ctx)
		if budget == nil || oc.Operation == nil || oc.Operation.Operation != ast.Mutation {
			return next(ctx)
		}
		var fragments ast.FragmentDefinitionList
		if oc.Doc != nil {
			fragments = oc.Doc.Fragments
		}
		ok, wait := budget.AllowN(Client(ctx), measure(oc.Operation.SelectionSet, fragments).roots)
		if ok {
			return next(ctx)
		}
		after := limits.RetryAfter(wait)
		setStatus(ctx, http.StatusTooManyRequests, map[string]string{"Retry-After": after})
		return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{{
			Message:    "too many mutations from this client; retry after " + after + " s",
			Extensions: map[string]any{"code": apierr.RateLimited, "retryAfter": after},
		}}})
	}
}

// limitSockets makes every operation over a websocket take a token from its client's
// request budget, and refuses a subscription beyond max open on one connection, so that
// one socket is no way around the rate limit or into unbounded memory.
func limitSockets(budget *limits.Budget, max int, timeout time.Duration) graphql.OperationMiddleware {
	return func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		s, _ := ctx.Value(socketKey{}).(*socket)
		if s == nil {
			return next(ctx)
		}
		if ok, wait := budget.Allow(s.client); !ok {
			return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{{
				Message:    "too many operations from this client; retry after " + limits.RetryAfter(wait) + " s",
				Extensions: map[string]any{"code": apierr.RateLimited, "retryAfter": limits.RetryAfter(wait)},
			}}})
		}
		if op := graphql.GetOperationContext(ctx).Operation; op == nil || op.Operation != ast.Subscription {
			// A query or mutation on a websocket has the deadline it would have alone; its
			// timer goes when the operation's own context does.
			limited, cancel := context.WithTimeout(ctx, timeout)
			context.AfterFunc(ctx, cancel)
			return next(limited)
		}
		if n := int(s.subs.Add(1)); n > max {
			s.subs.Add(-1)
			return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{
				limitError(apierr.SubscriptionLimit, "open subscriptions per connection", max, n)}})
		}
		var once sync.Once
		end := func() { once.Do(func() { s.subs.Add(-1) }) }
		stop := context.AfterFunc(ctx, end) // the client completed it, or the socket closed
		handler := next(ctx)
		return func(ctx context.Context) *graphql.Response {
			res := handler(ctx)
			if res == nil { // the stream ended
				stop()
				end()
			}
			return res
		}
	}
}

// subscriptionsStream refuses at once a subscription sent as a plain request, which
// gqlgen would hold until the deadline and answer with null: a subscription needs a
// websocket (graphql-transport-ws) or Accept: text/event-stream.
func subscriptionsStream(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	if op := graphql.GetOperationContext(ctx).Operation; op == nil || op.Operation != ast.Subscription || ctx.Value(streamKey{}) != nil {
		return next(ctx)
	}
	setStatus(ctx, http.StatusBadRequest, nil)
	return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{{
		Message:    "a subscription needs a websocket (graphql-transport-ws) or Server-Sent Events (Accept: text/event-stream)",
		Extensions: map[string]any{"code": apierr.BadRequest},
	}}})
}
