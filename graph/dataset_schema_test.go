package graph_test

import (
	"bytes"
	"diplomacy-timeline/httpapi/apitest"
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"diplomacy-timeline/model"
)

// TestDatasetSchemaIsServed fetches the JSON Schema of the dataset format.
func TestDatasetSchemaIsServed(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, true)
	res, err := http.Get(s.URL + "/dataset.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/schema+json" {
		t.Fatalf("GET /dataset.schema.json: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if !bytes.Equal(body, model.DatasetSchema) {
		t.Fatal("the served schema is not the embedded one")
	}
	var schema struct {
		Schema     string         `json:"$schema"`
		Properties map[string]any `json:"properties"`
	}
	if err := json.Unmarshal(body, &schema); err != nil || schema.Schema != "https://json-schema.org/draft/2020-12/schema" || schema.Properties["format"] == nil {
		t.Fatalf("not the dataset's JSON Schema: %v %+v", err, schema)
	}
	post, err := http.Post(s.URL+"/dataset.schema.json", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	_ = post.Body.Close()
	if post.StatusCode != http.StatusMethodNotAllowed {
		t.Fatalf("POST /dataset.schema.json: %d", post.StatusCode)
	}
}
