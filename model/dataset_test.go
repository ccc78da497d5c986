package model_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"diplomacy-timeline/model"
)

// compileSchema compiles the dataset's JSON Schema against the draft 2020-12 meta-schema.
func compileSchema(tb testing.TB) *jsonschema.Schema {
	tb.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(model.DatasetSchema))
	if err != nil {
		tb.Fatalf("the schema is not JSON: %v", err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	if err := c.AddResource("dataset.schema.json", doc); err != nil {
		tb.Fatal(err)
	}
	sch, err := c.Compile("dataset.schema.json")
	if err != nil {
		tb.Fatalf("the schema does not compile: %v", err)
	}
	return sch
}

// TestDatasetSchemaMatchesTypes walks the Go types of the format and the schema side by
// side: every object of the schema has exactly the properties of its type, requires
// exactly the fields that are not omitempty, and admits no others.
func TestDatasetSchemaMatchesTypes(t *testing.T) {
	t.Parallel()
	compileSchema(t)
	var schema map[string]any
	if err := json.Unmarshal(model.DatasetSchema, &schema); err != nil {
		t.Fatal(err)
	}
	if schema["$schema"] != "https://json-schema.org/draft/2020-12/schema" {
		t.Fatalf("$schema = %v", schema["$schema"])
	}
	defs := schema["$defs"].(map[string]any)
	resolve := func(s map[string]any) map[string]any {
		for {
			ref, ok := s["$ref"].(string)
			if !ok {
				return s
			}
			s = defs[strings.TrimPrefix(ref, "#/$defs/")].(map[string]any)
		}
	}
	seen := map[reflect.Type]bool{}
	var walk func(path string, typ reflect.Type, s map[string]any)
	walk = func(path string, typ reflect.Type, s map[string]any) {
		s = resolve(s)
		for typ.Kind() == reflect.Pointer {
			typ = typ.Elem()
		}
		switch typ.Kind() {
		case reflect.Slice:
			if s["type"] != "array" {
				t.Errorf("%s: the schema's type is %v, want array", path, s["type"])
				return
			}
			walk(path+"[]", typ.Elem(), s["items"].(map[string]any))
			return
		case reflect.Struct:
		default:
			return
		}
		if seen[typ] {
			return
		}
		seen[typ] = true
		if s["type"] != "object" || s["additionalProperties"] != false {
			t.Errorf("%s (%s): want an object with additionalProperties false, got type %v, additionalProperties %v",
				path, typ, s["type"], s["additionalProperties"])
		}
		props, _ := s["properties"].(map[string]any)
		var required []string
		req, _ := s["required"].([]any) // absent when every property is optional
		for _, r := range req {
			required = append(required, r.(string))
		}
		var names, wantRequired []string
		for i := range typ.NumField() {
			f := typ.Field(i)
			tag := f.Tag.Get("json")
			name, opts, _ := strings.Cut(tag, ",")
			if name == "" || name == "-" {
				t.Errorf("%s.%s has no JSON name", typ, f.Name)
				continue
			}
			names = append(names, name)
			if !strings.Contains(opts, "omitempty") {
				wantRequired = append(wantRequired, name)
			}
			p, ok := props[name].(map[string]any)
			if !ok {
				t.Errorf("%s: the schema lacks the property %q of %s", path, name, typ)
				continue
			}
			walk(path+"."+name, f.Type, p)
		}
		for name := range props {
			if !slices.Contains(names, name) {
				t.Errorf("%s: the schema's property %q is not a field of %s", path, name, typ)
			}
		}
		slices.Sort(required)
		slices.Sort(wantRequired)
		if !slices.Equal(required, wantRequired) {
			t.Errorf("%s (%s): the schema requires %v, the type %v", path, typ, required, wantRequired)
		}
	}
	walk("dataset", reflect.TypeFor[model.Dataset](), schema)

	sections := slices.Collect(func(yield func(string) bool) {
		for i := range reflect.TypeFor[model.Dataset]().NumField() {
			name, _, _ := strings.Cut(reflect.TypeFor[model.Dataset]().Field(i).Tag.Get("json"), ",")
			if name != "format" && name != "version" && !yield(name) {
				return
			}
		}
	})
	if !slices.Equal(sections, model.DatasetSections) {
		t.Fatalf("the fields of Dataset are %v, DatasetSections %v", sections, model.DatasetSections)
	}
}

// TestDatasetSchemaRejects checks the schema against small files, good and bad.
func TestDatasetSchemaRejects(t *testing.T) {
	t.Parallel()
	sch := compileSchema(t)
	head := `{"format": "diplomacy-timeline/dataset", "version": 1`
	for _, c := range []struct {
		file string
		ok   bool
	}{
		{head + `}`, true},
		{head + `, "topics": [{"slug": "water", "name": "Water"}]}`, true},
		{head + `, "sessions": [{"slug": "s", "title": "S", "kind": "SUMMIT", "start": "2023-07"}]}`, true},
		{`{"format": "diplomacy-timeline/dataset", "version": 2}`, false},
		{`{"format": "other", "version": 1}`, false},
		{`{"version": 1}`, false},
		{head + `, "topics": [{"name": "Water"}]}`, false},
		{head + `, "topics": [{"slug": "Water", "name": "Water"}]}`, false},
		{head + `, "topics": [{"slug": "water", "name": "Water", "extra": 1}]}`, false},
		{head + `, "sessions": [{"slug": "s", "title": "S", "kind": "SUMMIT", "start": "2023-13"}]}`, false},
		{head + `, "sessions": [{"slug": "s", "title": "S", "kind": "PARTY", "start": "2023"}]}`, false},
		{head + `, "statements": [{"official": "o", "date": "2023", "index": 0, "text": "t"}]}`, false},
		{head + `, "countries": [{"code": "KZX", "name": "Kazakhstan"}]}`, false},
	} {
		inst, err := jsonschema.UnmarshalJSON(strings.NewReader(c.file))
		if err != nil {
			t.Fatal(err)
		}
		if err := sch.Validate(inst); (err == nil) != c.ok {
			t.Errorf("%s: valid = %v, want %v (%v)", c.file, err == nil, c.ok, err)
		}
	}
}
