package graph_test

import (
	"bytes"
	"encoding/json"
	"strconv"
	"testing"

	"diplomacy-timeline/graph"
	"diplomacy-timeline/model"
)

func TestUnmarshalInt(t *testing.T) {
	for _, c := range []struct {
		in   any
		want int
		ok   bool
	}{
		{int64(20), 20, true},
		{20, 20, true},
		{json.Number("100"), 100, true},
		{json.Number("-2147483648"), -2147483648, true},
		{json.Number("2147483647"), 2147483647, true},
		{json.Number("12.0"), 12, true},
		{json.Number("1e2"), 100, true},
		{float64(7), 7, true},
		{json.Number("2147483648"), 0, false},
		{json.Number("1e20"), 0, false},
		{json.Number("999999999999999999999999"), 0, false},
		{json.Number("1.5"), 0, false},
		{float64(2.5), 0, false},
		{float64(1e12), 0, false},
		{"10", 0, false},
		{true, 0, false},
		{nil, 0, false},
		{[]any{1}, 0, false},
	} {
		got, err := graph.UnmarshalInt(c.in)
		if c.ok && (err != nil || got != c.want) {
			t.Errorf("UnmarshalInt(%#v) = %d, %v; want %d", c.in, got, err, c.want)
		}
		if !c.ok && model.ErrorCode(err) != model.EINVALID {
			t.Errorf("UnmarshalInt(%#v) = %d, %v; want an EINVALID error", c.in, got, err)
		}
	}
}

func TestUnmarshalDate(t *testing.T) {
	if d, err := graph.UnmarshalDate("2023-07"); err != nil || d.String() != "2023-07" {
		t.Fatalf("UnmarshalDate: %v %v", d, err)
	}
	if _, err := graph.UnmarshalDate(2023); model.ErrorCode(err) != model.EINVALID {
		t.Fatalf("UnmarshalDate(2023) = %v, want EINVALID", err)
	}
}

func TestUnmarshalEnum(t *testing.T) {
	if k, err := graph.UnmarshalSessionKind("SUMMIT"); err != nil || k != model.SessionKindSummit {
		t.Fatalf("UnmarshalSessionKind(SUMMIT) = %q, %v", k, err)
	}
	// The validator lets a variable's enum value through in any case.
	for _, v := range []any{"summit", 1, nil} {
		if _, err := graph.UnmarshalSessionKind(v); model.ErrorCode(err) != model.EINVALID {
			t.Errorf("UnmarshalSessionKind(%#v) = %v, want EINVALID", v, err)
		}
	}
	var buf bytes.Buffer
	graph.MarshalTimelineEntryKind(model.EntrySession).MarshalGQL(&buf)
	if buf.String() != `"SESSION"` {
		t.Errorf("MarshalTimelineEntryKind = %s", buf.String())
	}
}

// FuzzUnmarshalDate checks that a GraphQL Date string is read exactly as model.ParseDate
// reads it, refused with EINVALID when ParseDate refuses it, and written back as given.
// Run it briefly with:
//
//	go test ./graph -run='^$' -fuzz='^FuzzUnmarshalDate$' -fuzztime=20s
func FuzzUnmarshalDate(f *testing.F) {
	for _, s := range []string{"2015", "2023-07", "2023-07-28", "2024-02-29", "", "2023-02-30", "2023-13",
		"23-07-28", "2023/07/28", " 2023", "２０２３", "20\xff3", "2023\x00", "2023-07-28T00:00:00Z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, wantErr := model.ParseDate(s)
		d, err := graph.UnmarshalDate(s)
		if wantErr != nil {
			if model.ErrorCode(err) != model.EINVALID {
				t.Fatalf("UnmarshalDate(%q): %v, want an EINVALID error", s, err)
			}
			return
		}
		if err != nil || d != want {
			t.Fatalf("UnmarshalDate(%q) = %v, %v; want %v", s, d, err, want)
		}
		var buf bytes.Buffer
		graph.MarshalDate(d).MarshalGQL(&buf)
		if buf.String() != strconv.Quote(s) {
			t.Fatalf("MarshalDate(%q) = %s", s, buf.String())
		}
	})
}
