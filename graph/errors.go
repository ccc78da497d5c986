package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"diplomacy-timeline/apierr"
	"diplomacy-timeline/db"
	"diplomacy-timeline/model"
)

// argumentNames maps the fields the store names in its errors, as the domain (and the
// dataset file) names them, to the GraphQL arguments and input fields that carry them,
// where the two differ: a reference is given by its ID, a country by its code. Every
// other name is the same in both.
var argumentNames = map[string]string{
	"platform":         "platformId",
	"parent":           "parentId",
	"proposedBy":       "proposedById",
	"official":         "officialId",
	"session":          "sessionId",
	"initiative":       "initiativeId",
	"subject":          "subjectId",
	"source":           "sourceId",
	"sessions":         "sessionIds",
	"topics":           "topicIds",
	"country":          "countryCode",
	"hostCountry":      "hostCountryCode",
	"subjectCountries": "subjectCountryCodes",
	"location.country": "location.countryCode",
}

// argumentName returns the GraphQL name of the field an error names.
func argumentName(field string) string {
	if name, ok := argumentNames[field]; ok {
		return name
	}
	return field
}

// errorPresenter shows a domain error with its code (and the input field it concerns, by
// its GraphQL name), keeps gqlgen's own coded errors (parse, validation, complexity), and
// masks anything else as INTERNAL after logging it with its detail, so that a database
// error never reaches a client.
func errorPresenter(log *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		gerr := graphql.DefaultErrorPresenter(ctx, err)
		out := &gqlerror.Error{Message: gerr.Message, Path: gerr.Path, Locations: gerr.Locations, Rule: gerr.Rule}
		ext := map[string]any{}
		for k, v := range gerr.Extensions {
			ext[k] = v
		}
		var appErr *model.Error
		switch {
		case errors.As(err, &appErr):
			e := *appErr
			e.Field = argumentName(e.Field)
			out.Message = e.Error()
			ext["code"] = apierr.FromModel(e.Code)
			if e.Field != "" {
				ext["field"] = e.Field
			} else if field := argumentPath(ctx, gerr.Path); field != "" {
				ext["field"] = field
			}
		case errors.Is(err, context.DeadlineExceeded) || (db.Expired(ctx) && !errors.Is(ctx.Err(), context.Canceled)):
			// Past the deadline the database reports whatever it was doing when stopped
			// ("interrupted", "transaction already rolled back"): the cause is the deadline.
			out.Message = "the request took too long and was stopped"
			ext["code"] = apierr.Timeout
		case errors.Is(err, context.Canceled) || errors.Is(ctx.Err(), context.Canceled):
			out.Message = "the request was cancelled"
			ext["code"] = apierr.Cancelled
		case ext["code"] != nil:
			// gqlgen's own errors: the message is about the query, not our internals.
		case isRequestError(err):
			// gqlgen refusing the request itself (a bad persisted query, say): the message
			// speaks of the request.
			ext["code"] = apierr.BadRequest
		default:
			log.ErrorContext(ctx, "internal error", "err", err, "path", gerr.Path.String())
			out.Message = "internal error"
			ext["code"] = apierr.Internal
		}
		out.Extensions = ext
		return out
	}
}

// argumentPath names the argument an error of a field's arguments is about — a scalar's
// refusal (an invalid Date, say) knows no field name of its own — from the part of the
// error's path beyond the field's, as the model names input fields: "filter.from",
// "start" (the fields of an "input" argument go without it).
func argumentPath(ctx context.Context, path ast.Path) string {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil {
		return ""
	}
	own := fc.Path()
	if len(path) <= len(own) || path[:len(own)].String() != own.String() {
		return ""
	}
	var names []string
	for _, el := range path[len(own):] {
		if name, ok := el.(ast.PathName); ok {
			names = append(names, string(name))
		}
	}
	if len(names) > 1 && names[0] == "input" {
		names = names[1:]
	}
	return strings.Join(names, ".")
}

// isRequestError reports whether err is an error gqlgen made about the request, not one
// returned by our code: a gqlerror that wraps no Go error.
func isRequestError(err error) bool {
	var gerr *gqlerror.Error
	return errors.As(err, &gerr) && gerr.Err == nil && gerr.Path == nil
}

// recoverFunc turns a panic in a resolver into an INTERNAL error and a log line with the
// stack; the server goes on serving.
func recoverFunc(log *slog.Logger) graphql.RecoverFunc {
	return func(ctx context.Context, p any) error {
		log.ErrorContext(ctx, "panic in resolver", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		return &gqlerror.Error{Message: "internal error", Extensions: map[string]any{"code": apierr.Internal}}
	}
}
