package db

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"diplomacy-timeline/limits"
	"diplomacy-timeline/model"
)

// Fuzz targets for the decoders of client-supplied cursors and search queries. Run one
// briefly with, e.g.:
//
//	go test ./db -run='^$' -fuzz='^FuzzDecodeCursor$' -fuzztime=20s
//
// Their seeds run as ordinary tests in go test ./....

// fzMaxSortText is the longest text a sort key can hold: titles are limited to 500 bytes
// (model.Session, model.Initiative), names to 200; every cursor the API issues for such a
// value must be accepted back.
const fzMaxSortText = 500

// fzCursorExamples are the kinds of sort value and key the connections use.
var fzCursorExamples = []struct{ value, id any }{
	{int64(0), int64(0)}, // dates, timeline entries
	{"", int64(0)},       // names and titles
	{"", ""},             // countries, by code
	{int64(0), ""},
}

func fzRaw(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// FuzzDecodeCursor checks that decodeCursor never panics, refuses with EINVALID on the
// field it was given, returns values of the example's types, and accepts back every cursor
// encodeCursor issues for the values the API sorts by.
func FuzzDecodeCursor(f *testing.F) {
	for _, s := range []string{
		encodeCursor(int64(20230728), int64(1)), encodeCursor("C5+1", int64(3)), encodeCursor("KZ", "KZ"),
		"", "=", "!!", fzRaw(`[]`), fzRaw(`[1]`), fzRaw(`[1,2,3]`), fzRaw(`[null,null]`), fzRaw(`{"a":1}`),
		fzRaw(`[1.5,2]`), fzRaw(`[1e3,2]`), fzRaw(`[9223372036854775808,1]`), fzRaw(`[-9223372036854775808,1]`),
		fzRaw(`["a",1]`), fzRaw(`[1,"a"]`), fzRaw(`["\u0000",1]`), fzRaw("[\"\xff\",1]"), fzRaw(`[[1],{}]`),
		fzRaw(`[true,false]`), fzRaw(`["x' OR 1=1 --",1]`), fzRaw(`[1,2]`) + "==", strings.Repeat("A", 2001),
	} {
		f.Add(s, int64(20230728), "Almaty & <Astana>")
	}
	f.Add("", int64(-1), strings.Repeat("é", 250))
	f.Add("", int64(0), "\x00\x01\u2028")
	f.Add("", int64(3), "Trade "+strings.Repeat("&", 300)) // the known long-cursor bug
	f.Fuzz(func(t *testing.T, s string, n int64, text string) {
		for _, ex := range fzCursorExamples {
			c, err := decodeCursor("after", s, ex.value, ex.id)
			if err != nil {
				fzWantInvalid(t, "decodeCursor", s, err, "after")
				continue
			}
			if !fzSameType(c.Value, ex.value) || !fzSameType(c.ID, ex.id) {
				t.Fatalf("decodeCursor(%q, %T, %T) = %#v", s, ex.value, ex.id, c)
			}
		}

		// Cursors issued for any int64 and any text the API stores decode to the same
		// values. encoding/json stores invalid UTF-8 byte by byte as U+FFFD.
		if len(text) > fzMaxSortText {
			text = text[:fzMaxSortText]
		}
		wantText := string([]rune(text))
		code := text
		if len(code) > 8 {
			code = code[:8]
		}
		wantCode := string([]rune(code))
		for _, tc := range []struct{ value, id, wantValue, wantID any }{
			{n, n, n, n},                     // dates and timeline entries
			{code, code, wantCode, wantCode}, // countries
			{text, n, wantText, n},           // names and titles
		} {
			cur := encodeCursor(tc.value, tc.id)
			c, err := decodeCursor("before", cur, tc.wantValue, tc.wantID)
			if err != nil {
				t.Fatalf("encodeCursor(%q, %q) = %q (%d bytes), which decodeCursor refuses: %v", tc.value, tc.id, cur, len(cur), err)
			}
			if c.Value != tc.wantValue || c.ID != tc.wantID {
				t.Fatalf("encodeCursor(%q, %q) decodes to %#v", tc.value, tc.id, c)
			}
		}
	})
}

// FuzzSearchTerms checks that searchTerms never panics and turns any string into at most
// 16 distinct non-empty lower-case words of at most 64 letters and digits, so that no
// character of a query is ever taken as FTS or tsquery syntax.
func FuzzSearchTerms(f *testing.F) {
	for _, s := range []string{
		"", " ", "Almaty", "C5+1 summit", `"quoted" OR NOT near/3`, "a* b* -c", "x' OR 1=1 --", "robert'); DROP TABLE search_index;--",
		"ÇAĞRI İstanbul", "Алматы Астана", "中亚 峰会", "٣٤ ²½", "ǅungla", "ẞtraße", "\x00\xff\xfe", "café\u0301",
		strings.Repeat("word ", 40), strings.Repeat("x", 100), strings.Repeat("é", 80), "a a A b B",
		"NEAR(a b)", "title:kz^2", "{a b}", "a:*&b", "\u202eevil", "\U0001F600 emoji",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, query string) {
		terms := searchTerms(query)
		if len(terms) > maxSearchTerms {
			t.Fatalf("searchTerms(%q): %d terms, more than %d", query, len(terms), maxSearchTerms)
		}
		seen := map[string]bool{}
		for _, term := range terms {
			if term == "" {
				t.Fatalf("searchTerms(%q): an empty term in %q", query, terms)
			}
			if !utf8.ValidString(term) {
				t.Fatalf("searchTerms(%q): term %q is not valid UTF-8", query, term)
			}
			if n := utf8.RuneCountInString(term); n > maxSearchTermLen {
				t.Fatalf("searchTerms(%q): term %q has %d runes, more than %d", query, term, n, maxSearchTermLen)
			}
			for _, r := range term {
				if !unicode.IsLetter(r) && !unicode.IsNumber(r) {
					t.Fatalf("searchTerms(%q): term %q holds %q (%U), not a letter or digit", query, term, r, r)
				}
				if unicode.IsUpper(r) && unicode.ToLower(r) != r {
					t.Fatalf("searchTerms(%q): term %q holds the upper-case %q", query, term, r)
				}
			}
			if seen[term] {
				t.Fatalf("searchTerms(%q): %q twice in %q", query, term, terms)
			}
			seen[term] = true
		}
		// The words are safe inside the quoted prefix query of SQLite and the tsquery of
		// PostgreSQL.
		for _, term := range terms {
			if strings.ContainsAny(term, "\"*:&|!()' \x00") {
				t.Fatalf("searchTerms(%q): term %q holds query syntax", query, term)
			}
		}
	})
}

// FuzzDecodeOffset checks that decodeOffset never panics, refuses with EINVALID on
// "after", accepts only offsets 0..limits.MaxSearchOffset, and accepts back every offset
// encodeOffset issues within that range.
func FuzzDecodeOffset(f *testing.F) {
	for _, s := range []string{
		encodeOffset(0), encodeOffset(20), encodeOffset(limits.MaxSearchOffset), encodeOffset(limits.MaxSearchOffset + 1), encodeOffset(-1),
		"", "=", fzRaw("offset:"), fzRaw("offset:+5"), fzRaw("offset: 5"), fzRaw("offset:05"), fzRaw("offset:5\x00"),
		fzRaw("offset:99999999999999999999"), fzRaw("Offset:5"), fzRaw("offset:0x10"), fzRaw("offset:1e3"),
		fzRaw("offset:5") + "=", "b2Zmc2V0OjU", "b2Zmc2V0OjU=", encodeCursor(int64(1), int64(1)),
	} {
		f.Add(s, 0)
	}
	f.Add("", limits.MaxSearchOffset)
	f.Add("", -5)
	f.Add("", 1<<40)
	f.Fuzz(func(t *testing.T, s string, n int) {
		got, err := decodeOffset(s)
		if err != nil {
			fzWantInvalid(t, "decodeOffset", s, err, "after")
			if got != 0 {
				t.Fatalf("decodeOffset(%q) failed but returned %d", s, got)
			}
		} else if got < 0 || got > limits.MaxSearchOffset {
			t.Fatalf("decodeOffset(%q) = %d, outside 0..%d", s, got, limits.MaxSearchOffset)
		}

		got, err = decodeOffset(encodeOffset(n))
		switch {
		case n >= 0 && n <= limits.MaxSearchOffset && (err != nil || got != n):
			t.Fatalf("decodeOffset(encodeOffset(%d)) = %d, %v", n, got, err)
		case (n < 0 || n > limits.MaxSearchOffset) && err == nil:
			t.Fatalf("decodeOffset(encodeOffset(%d)) accepted %d, outside 0..%d", n, got, limits.MaxSearchOffset)
		}
	})
}

// fzWantInvalid fails unless err is an EINVALID *model.Error on field.
func fzWantInvalid(t *testing.T, fn, input string, err error, field string) {
	t.Helper()
	var e *model.Error
	if !errors.As(err, &e) || e.Code != model.EINVALID || e.Field != field {
		t.Fatalf("%s(%q): %#v, want an EINVALID error on %q", fn, input, err, field)
	}
}

// fzSameType reports whether a and b are both int64 or both string.
func fzSameType(a, b any) bool {
	switch b.(type) {
	case int64:
		_, ok := a.(int64)
		return ok
	case string:
		_, ok := a.(string)
		return ok
	}
	return false
}
