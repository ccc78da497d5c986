package model_test

import (
	"encoding/json"
	"testing"

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
		got, err := model.UnmarshalInt(c.in)
		if c.ok && (err != nil || got != c.want) {
			t.Errorf("UnmarshalInt(%#v) = %d, %v; want %d", c.in, got, err, c.want)
		}
		if !c.ok && model.ErrorCode(err) != model.EINVALID {
			t.Errorf("UnmarshalInt(%#v) = %d, %v; want an EINVALID error", c.in, got, err)
		}
	}
}
