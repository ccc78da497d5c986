package model_test

import (
	"testing"

	"diplomacy-timeline/model"
)

// TestNormalizeCountryCode: two ASCII letters in either case; nothing that only Unicode
// case mapping turns into a code ("ıT", a dotless i, upper-cases to IT).
func TestNormalizeCountryCode(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ in, want string }{
		{"KZ", "KZ"}, {"kz", "KZ"}, {" uz ", "UZ"}, {"It", "IT"},
		{"ıT", ""}, {"İT", ""}, {"ＫＺ", ""}, {"K", ""}, {"KZZ", ""}, {"1A", ""}, {"", ""},
	} {
		got, err := model.NormalizeCountryCode("code", c.in)
		switch {
		case c.want == "" && model.ErrorCode(err) != model.EINVALID:
			t.Errorf("%q: %q, %v; want EINVALID", c.in, got, err)
		case c.want != "" && (err != nil || got != c.want):
			t.Errorf("%q: %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}
