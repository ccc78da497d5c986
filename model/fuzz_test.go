package model_test

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"strconv"
	"testing"
	"time"

	"diplomacy-timeline/model"
)

// Fuzz targets for the parsers that read client input: dates and opaque IDs. Run one
// briefly with, e.g.:
//
//	go test ./model -run='^$' -fuzz='^FuzzParseDate$' -fuzztime=20s
//
// Their seeds run as ordinary tests in go test ./....

// fzDateSeeds are valid and invalid dates: every precision, leap days, month and day
// bounds, wrong separators, signs, spaces, non-ASCII digits and invalid UTF-8.
var fzDateSeeds = []string{
	"2015", "2023-07", "2023-07-28", "0001", "9999", "9999-12-31", "0001-01-01",
	"2024-02-29", "2000-02-29", "1900-02-28", "2023-12", "2023-01-31",
	"", "0000", "99999", "2023-02-30", "1900-02-29", "2023-13", "2023-00", "2023-07-00",
	"2023-07-32", "2023-04-31", "23-07-28", "2023/07/28", "2023-7-28", "2023-07-1",
	"+2023", "-202", "2023-+7", "2023-07-+1", " 2023", "2023 ", "２０２３", "20\xff3",
	"2023-07-2\x00", "2023\x00", "2023-07-28T00:00:00Z", "abcd", "2023-ab", "2023-07-xx",
	"\xe0\xa5\xa8\xe0\xa5\xa6", "2023–07", "9999-99-99",
}

// FuzzParseDate checks that ParseDate never panics, refuses with EINVALID, and that every
// date it accepts prints as written, keeps its precision and survives every encoding the
// domain uses (storage key, JSON, SQL); graph's FuzzUnmarshalDate checks GraphQL's.
func FuzzParseDate(f *testing.F) {
	for _, s := range fzDateSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := model.ParseDate(s)
		if err != nil {
			if code := model.ErrorCode(err); code != model.EINVALID {
				t.Fatalf("ParseDate(%q): error code %q, want %q (%v)", s, code, model.EINVALID, err)
			}
			if d != (model.Date{}) {
				t.Fatalf("ParseDate(%q) failed but returned a non-zero date %v", s, d)
			}
			return
		}
		if d.IsZero() {
			t.Fatalf("ParseDate(%q) accepted a zero date", s)
		}
		if got := d.String(); got != s {
			t.Fatalf("ParseDate(%q).String() = %q", s, got)
		}
		want := map[int]model.Precision{4: model.PrecisionYear, 7: model.PrecisionMonth, 10: model.PrecisionDay}[len(s)]
		if got := d.Precision(); got != want {
			t.Fatalf("ParseDate(%q).Precision() = %d, want %d", s, got, want)
		}

		// The storage key.
		key, last := d.Key(), d.LastKey()
		if key <= 0 || key > last {
			t.Fatalf("%q: Key %d, LastKey %d", s, key, last)
		}
		back, err := model.DateFromKey(key)
		if err != nil || back != d {
			t.Fatalf("%q: DateFromKey(%d) = %v, %v", s, key, back, err)
		}
		var scanned model.Date
		if err := scanned.Scan(key); err != nil || scanned != d {
			t.Fatalf("%q: Scan(%d) = %v, %v", s, key, scanned, err)
		}
		if v, err := d.Value(); err != nil || v != key {
			t.Fatalf("%q: Value() = %v, %v; want %d", s, v, err, key)
		}

		// The period: the first and last day have keys within [Key, LastKey], the days
		// just outside do not.
		first, lastDay := d.First(), d.Last()
		if lastDay.Before(first) {
			t.Fatalf("%q: Last %v before First %v", s, lastDay, first)
		}
		for _, day := range []time.Time{first, lastDay} {
			k := model.DateOf(day).Key()
			if k < key || k > last {
				t.Fatalf("%q: day %v has key %d outside [%d, %d]", s, day.Format(time.DateOnly), k, key, last)
			}
		}
		for _, day := range []time.Time{first.AddDate(0, 0, -1), lastDay.AddDate(0, 0, 1)} {
			if day.Year() < 1 || day.Year() > 9999 {
				continue
			}
			if k := model.DateOf(day).Key(); k >= key && k <= last {
				t.Fatalf("%q: day %v outside the period has key %d inside [%d, %d]", s, day.Format(time.DateOnly), k, key, last)
			}
		}

		// Order and overlap with itself.
		if !d.Overlaps(d) || !d.Contains(d) || d.EndsBefore(d) || d.Compare(d) != 0 {
			t.Fatalf("%q: Overlaps %v, Contains %v, EndsBefore %v, Compare %d with itself",
				s, d.Overlaps(d), d.Contains(d), d.EndsBefore(d), d.Compare(d))
		}

		// JSON.
		b, err := d.MarshalJSON()
		if err != nil {
			t.Fatalf("%q: MarshalJSON: %v", s, err)
		}
		if string(b) != strconv.Quote(s) {
			t.Fatalf("%q: MarshalJSON = %s", s, b)
		}
		var fromJSON model.Date
		if err := fromJSON.UnmarshalJSON(b); err != nil || fromJSON != d {
			t.Fatalf("%q: UnmarshalJSON(%s) = %v, %v", s, b, fromJSON, err)
		}
		var wrapped struct{ D model.Date }
		if err := json.Unmarshal([]byte(`{"D":`+string(b)+`}`), &wrapped); err != nil || wrapped.D != d {
			t.Fatalf("%q: json.Unmarshal into a struct = %v, %v", s, wrapped.D, err)
		}
	})
}

// FuzzDateFromKey checks that DateFromKey never panics on a stored key and that a key it
// accepts is the key of the date it returns.
func FuzzDateFromKey(f *testing.F) {
	for _, k := range []int64{0, 20150000, 20230700, 20230728, 20240229, 20230229, 20231300,
		20230732, 20230028, 10000, 99991231, 100000101, -20230728, -1, 1, 99, 1 << 62, -1 << 63} {
		f.Add(k)
	}
	f.Fuzz(func(t *testing.T, key int64) {
		d, err := model.DateFromKey(key)
		if err != nil {
			if d != (model.Date{}) {
				t.Fatalf("DateFromKey(%d) failed but returned %v", key, d)
			}
			return
		}
		if key == 0 {
			if !d.IsZero() {
				t.Fatalf("DateFromKey(0) = %v, want the zero date", d)
			}
			return
		}
		if got := d.Key(); got != key {
			t.Fatalf("DateFromKey(%d).Key() = %d", key, got)
		}
		if again, err := model.ParseDate(d.String()); err != nil || again != d {
			t.Fatalf("DateFromKey(%d) = %v, which does not parse back: %v, %v", key, d, again, err)
		}
	})
}

// fzIDTypes are the node types with numeric keys.
var fzIDTypes = []string{model.TypePlatform, model.TypeSession, model.TypeOfficial, model.TypeInitiative,
	model.TypeStatement, model.TypeTopic, model.TypeSource, model.TypeTimelineEntry}

// FuzzDecodeID checks that DecodeID never panics, refuses with EINVALID, and that any ID
// it accepts re-encodes to an ID that decodes to the same GlobalID.
func FuzzDecodeID(f *testing.F) {
	raw := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	for _, s := range []string{
		model.IntID(model.TypeSession, 1), model.IntID(model.TypePlatform, 42), model.EncodeID(model.TypeCountry, "KZ"),
		model.IntID(model.TypeTimelineEntry, 1<<62), model.IntID(model.TypeSource, 9223372036854775807),
		model.IntID(model.TypeSession, 1) + "==", "", "=", "!!!!", "U2Vzc2lvbjox", "U2Vzc2lvbjox====",
		raw("Session:0"), raw("Session:-1"), raw("Session:01"), raw("Session:+1"), raw("Session:1 "),
		raw("Session:9223372036854775808"), raw("Session:"), raw("Session"), raw(":1"), raw("Country:kz"),
		raw("Country:KZA"), raw("Country:K"), raw("Nope:1"), raw("Session:1:2"), raw("Session:\x00"),
		raw("Session:\xff"), raw("\xff\xfe:1"), base64.StdEncoding.EncodeToString([]byte("Session:1")),
		base64.URLEncoding.EncodeToString([]byte("Topic:7")), "U2Vzc2lvbjox\n", "U2Vzc2lvbj+x",
		raw("Statement:1' OR '1'='1"), string(make([]byte, 101)),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		g, err := model.DecodeID(id)
		if err != nil {
			if code := model.ErrorCode(err); code != model.EINVALID {
				t.Fatalf("DecodeID(%q): code %q, want %q (%v)", id, code, model.EINVALID, err)
			}
			if g != (model.GlobalID{}) {
				t.Fatalf("DecodeID(%q) failed but returned %+v", id, g)
			}
			for _, typ := range []string{model.TypeSession, model.TypeCountry} {
				if _, err := model.DecodeIntID("id", typ, id); fzField(err) != "id" || model.ErrorCode(err) != model.EINVALID {
					t.Fatalf("DecodeIntID(%q, %q): %v, want an EINVALID error on field id", typ, id, err)
				}
			}
			return
		}
		if g.Type == "" || g.Key == "" {
			t.Fatalf("DecodeID(%q) = %+v with an empty part", id, g)
		}
		enc := model.EncodeID(g.Type, g.Key)
		again, err := model.DecodeID(enc)
		if err != nil || again != g {
			t.Fatalf("DecodeID(%q) = %+v, re-encoded as %q, which decodes to %+v, %v", id, g, enc, again, err)
		}
		if g.Type == model.TypeCountry {
			if _, err := model.DecodeIntID("id", model.TypeSession, id); fzField(err) != "id" || model.ErrorCode(err) != model.EINVALID {
				t.Fatalf("DecodeIntID(Session, %q) of a country ID: %v, want an EINVALID error on field id", id, err)
			}
			return
		}
		n, err := model.DecodeIntID("id", g.Type, id)
		if err != nil || n <= 0 || strconv.FormatInt(n, 10) != g.Key {
			t.Fatalf("DecodeIntID(%q, %q) = %d, %v; want the key %s", g.Type, id, n, err, g.Key)
		}
		if got := model.IntID(g.Type, n); got != enc {
			t.Fatalf("IntID(%q, %d) = %q, want %q", g.Type, n, got, enc)
		}
		other := model.TypeTopic
		if g.Type == other {
			other = model.TypeSession
		}
		if _, err := model.DecodeIntID("id", other, id); fzField(err) != "id" || model.ErrorCode(err) != model.EINVALID {
			t.Fatalf("DecodeIntID(%q, %q) of a %s ID: %v, want an EINVALID error on field id", other, id, g.Type, err)
		}
	})
}

// FuzzEncodeID checks that an ID made from any type and key either decodes to exactly
// that type and key or is refused with EINVALID, and that IntID's IDs always decode.
func FuzzEncodeID(f *testing.F) {
	f.Add(model.TypeSession, "1", int64(1), uint8(0))
	f.Add(model.TypeCountry, "KZ", int64(0), uint8(1))
	f.Add("Session:1", "", int64(-1), uint8(2))
	f.Add("", "Session:1", int64(1<<62), uint8(7))
	f.Add(model.TypeTopic, "1:2", int64(9223372036854775807), uint8(3))
	f.Fuzz(func(t *testing.T, typ, key string, n int64, pick uint8) {
		g, err := model.DecodeID(model.EncodeID(typ, key))
		switch {
		case err != nil && model.ErrorCode(err) != model.EINVALID:
			t.Fatalf("DecodeID(EncodeID(%q, %q)): code %q (%v)", typ, key, model.ErrorCode(err), err)
		case err == nil && (g.Type != typ || g.Key != key):
			t.Fatalf("DecodeID(EncodeID(%q, %q)) = %+v", typ, key, g)
		}
		it := fzIDTypes[int(pick)%len(fzIDTypes)]
		got, err := model.DecodeIntID("id", it, model.IntID(it, n))
		switch {
		case n > 0 && (err != nil || got != n):
			t.Fatalf("DecodeIntID(IntID(%q, %d)) = %d, %v", it, n, got, err)
		case n <= 0 && model.ErrorCode(err) != model.EINVALID:
			t.Fatalf("DecodeIntID(IntID(%q, %d)) = %d, %v; want an EINVALID error", it, n, got, err)
		}
	})
}

// fzField returns the field of an *model.Error, or "".
func fzField(err error) string {
	var e *model.Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}
