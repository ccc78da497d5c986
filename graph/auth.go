package graph

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

type authKey struct{}

// Authenticate is middleware that marks a request as authenticated when it carries
// "Authorization: Bearer <token>" with the configured token. The comparison takes the same
// time whatever the token, so it leaks nothing about it. With no token configured no
// request is authenticated.
func Authenticate(token string, next http.Handler) http.Handler {
	want := sha256.Sum256([]byte(token))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		scheme, got, ok := strings.Cut(r.Header.Get("Authorization"), " ")
		if token != "" && ok && strings.EqualFold(scheme, "Bearer") {
			sum := sha256.Sum256([]byte(strings.TrimSpace(got)))
			if subtle.ConstantTimeCompare(sum[:], want[:]) == 1 {
				r = r.WithContext(context.WithValue(r.Context(), authKey{}, true))
			}
		}
		next.ServeHTTP(w, r)
	})
}

// authenticated reports whether the request carried the right token.
func authenticated(ctx context.Context) bool {
	ok, _ := ctx.Value(authKey{}).(bool)
	return ok
}

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
			Extensions: map[string]any{"code": CodeUnauthenticated},
		}}})
	}
}
