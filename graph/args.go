package graph

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"

	"diplomacy-timeline/limits"
	"diplomacy-timeline/model"
)

// aroundField is the one field middleware: every layer costs each of the thousands of
// fields of a page a deeper stack in its goroutine, so the checks share one, and a plain
// field passes straight through. It refuses bad string arguments and, below a root field,
// prefetches the relations the query selects (prefetch.go).
func aroundField(ctx context.Context, next graphql.Resolver) (any, error) {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Field.Field == nil {
		return next(ctx)
	}
	if len(fc.Field.Arguments) > 0 {
		if err := checkArgs(ctx, fc); err != nil {
			return nil, err
		}
	}
	if fc.Parent == nil || fc.Parent.Parent != nil {
		return next(ctx) // not a root field
	}
	return prefetchRoot(ctx, fc, next)
}

// checkArgs refuses any string argument holding a NUL character or invalid UTF-8: no
// record can contain one, PostgreSQL rejects them outright, and an error about them
// belongs to the client. The search query is read as words and is exempt.
func checkArgs(ctx context.Context, fc *graphql.FieldContext) error {
	if fc.Object == "Query" && fc.Field.Name == "search" {
		return nil
	}
	// The raw values, as written in the document or sent as variables.
	raw := fc.Field.ArgumentMap(graphql.GetOperationContext(ctx).Variables)
	for name, v := range raw {
		if name == "filter" {
			if path, n := longList(v, name); n > 0 {
				return model.FieldErrorf(path, "at most %d values, got %d", limits.MaxFilterValues, n)
			}
		}
		if name == "input" {
			name = "" // fields of an input object are named as the model names them
		}
		if path, bad := badString(v, name); bad {
			return model.FieldErrorf(path, "must be valid UTF-8 without NUL characters")
		}
	}
	return nil
}

// longList finds a list longer than limits.MaxFilterValues in a filter, returning its path and
// length.
func longList(v any, path string) (string, int) {
	switch x := v.(type) {
	case []any:
		if len(x) > limits.MaxFilterValues {
			return path, len(x)
		}
	case []string:
		if len(x) > limits.MaxFilterValues {
			return path, len(x)
		}
	case map[string]any:
		for k, e := range x {
			if p, n := longList(e, path+"."+k); n > 0 {
				return p, n
			}
		}
	}
	return "", 0
}

// badString finds a bad string in an argument value of any shape, returning its path.
func badString(v any, path string) (string, bool) {
	switch x := v.(type) {
	case string:
		return path, strings.IndexByte(x, 0) >= 0 || !utf8.ValidString(x)
	case []string:
		for _, s := range x {
			if p, bad := badString(s, path); bad {
				return p, true
			}
		}
	case map[string]any:
		for k, e := range x {
			if p, bad := badString(e, strings.TrimPrefix(path+"."+k, ".")); bad {
				return p, true
			}
		}
	case []any:
		for _, e := range x {
			if p, bad := badString(e, path); bad {
				return p, true
			}
		}
	}
	return "", false
}
