package dataset

// The errors of an import name the record and the field, as the file has them: what a
// JSON decoding error says is turned into that path.

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"diplomacy-timeline/model"
)

// jsonError describes a decoding error at the record r (field, within it).
func (im *importer) jsonError(err error, r rec, field string) error {
	where := ""
	if r.section != "dataset" {
		where = fmt.Sprintf(" (in %s[%d])", r.section, r.index)
	}
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return &model.Error{Code: model.EINVALID, Message: fmt.Sprintf("invalid JSON at byte %d%s: %s", syntax.Offset, where, syntax.Error())}
	case errors.As(err, &typ):
		if field == "" {
			field = typ.Field
		}
		return r.errorf(model.EINVALID, field, "expected %s, got %s", jsonKind(typ.Type), typ.Value)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return &model.Error{Code: model.EINVALID, Message: "the file ends in the middle of the dataset" + where}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name, _ := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
		if field == "" {
			field = name
		}
		return r.errorf(model.EINVALID, field, "unknown field %q", name)
	}
	var e *model.Error
	if errors.As(err, &e) {
		return r.wrap(field, e)
	}
	return fmt.Errorf("read dataset: %w", err)
}

// locate returns the path, below path, of the first value of v (a record decoded as
// generic JSON) that the Go type t cannot take: a field t does not have, or a value of the
// wrong kind. It returns "" if there is none.
func locate(path string, t reflect.Type, v any) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if v == nil {
		return "" // null leaves a Go value as it is
	}
	switch t.Kind() {
	case reflect.Struct:
		obj, ok := v.(map[string]any)
		if !ok {
			return path
		}
		fields := map[string]reflect.Type{}
		for i := range t.NumField() {
			name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
			fields[name] = t.Field(i).Type
		}
		keys := slices.Sorted(maps.Keys(obj))
		for _, k := range keys {
			if _, ok := fields[k]; !ok {
				return joinPath(path, k)
			}
		}
		for _, k := range keys {
			if p := locate(joinPath(path, k), fields[k], obj[k]); p != "" {
				return p
			}
		}
	case reflect.Slice:
		list, ok := v.([]any)
		if !ok {
			return path
		}
		for i, e := range list {
			if p := locate(fmt.Sprintf("%s[%d]", path, i), t.Elem(), e); p != "" {
				return p
			}
		}
	case reflect.String:
		if _, ok := v.(string); !ok {
			return path
		}
	case reflect.Int:
		if f, ok := v.(float64); !ok || f != float64(int(f)) {
			return path
		}
	case reflect.Float64:
		if _, ok := v.(float64); !ok {
			return path
		}
	}
	return ""
}

// peekName reads the slug, key or code of a record that does not decode, to name it.
func peekName(section string, raw json.RawMessage) string {
	var v map[string]any
	if json.Unmarshal(raw, &v) != nil {
		return ""
	}
	if section == "statements" {
		o, _ := v["official"].(string)
		d, _ := v["date"].(string)
		i, _ := v["index"].(float64)
		return fmt.Sprintf("%s/%s/%v", o, d, i)
	}
	for _, k := range []string{"slug", "key", "code"} {
		if s, ok := v[k].(string); ok {
			return truncate(s, 100)
		}
	}
	return ""
}

// jsonKind names the JSON value a Go type is read from.
func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Int, reflect.Int64, reflect.Int32:
		return "a whole number"
	case reflect.Float64, reflect.Float32:
		return "a number"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice:
		return "a list"
	case reflect.Struct, reflect.Map:
		return "an object"
	}
	return t.String()
}
