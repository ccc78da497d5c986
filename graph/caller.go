package graph

import (
	"context"
	"net/http"
	"sync/atomic"
)

// What the transport tells the GraphQL layer about the caller of an operation. The HTTP
// surface (package httpapi) learns these from the request — the client's address, its
// token, whether it streams — and puts them in the request's context with the With*
// functions below; the operation middleware of this package reads them.

type (
	clientKey struct{}
	authKey   struct{}
	streamKey struct{}
	socketKey struct{}
	statusKey struct{}
)

// WithClient records the address the caller's rate budgets are kept by.
func WithClient(ctx context.Context, client string) context.Context {
	return context.WithValue(ctx, clientKey{}, client)
}

// Client returns the address WithClient recorded, or "".
func Client(ctx context.Context) string {
	c, _ := ctx.Value(clientKey{}).(string)
	return c
}

// WithAuthenticated marks the caller as holding the server's token.
func WithAuthenticated(ctx context.Context) context.Context {
	return context.WithValue(ctx, authKey{}, true)
}

// authenticated reports whether the request carried the right token.
func authenticated(ctx context.Context) bool {
	ok, _ := ctx.Value(authKey{}).(bool)
	return ok
}

// WithStream marks a request that streams (a websocket, or a subscription over
// Server-Sent Events), which alone may carry a subscription.
func WithStream(ctx context.Context) context.Context {
	return context.WithValue(ctx, streamKey{}, true)
}

// Streaming reports whether WithStream marked the request.
func Streaming(ctx context.Context) bool {
	ok, _ := ctx.Value(streamKey{}).(bool)
	return ok
}

// socket is one websocket connection. Each operation it carries takes a token from its
// client's request budget, as a request of its own would, and it holds a bounded number
// of subscriptions at once (limitSockets).
type socket struct {
	client string
	subs   atomic.Int32
}

// WithSocket marks the context of a websocket connection of the client, whose operations
// limitSockets meters.
func WithSocket(ctx context.Context, client string) context.Context {
	return context.WithValue(ctx, socketKey{}, &socket{client: client})
}

// Status lets operation middleware choose the HTTP status of the response (gqlgen writes
// 200 for every executed operation): the mutation rate limit answers 429.
type Status struct {
	// Code is the status to answer with instead of gqlgen's; 0 leaves gqlgen's.
	Code int
	// Header is the response's header, for Retry-After.
	Header http.Header
}

// WithStatus gives operation middleware a Status to set; the transport answers with it.
func WithStatus(ctx context.Context, s *Status) context.Context {
	return context.WithValue(ctx, statusKey{}, s)
}

// setStatus asks the transport to answer with code, when it can.
func setStatus(ctx context.Context, code int, header map[string]string) {
	s, _ := ctx.Value(statusKey{}).(*Status)
	if s == nil {
		return
	}
	s.Code = code
	for k, v := range header {
		s.Header.Set(k, v)
	}
}
