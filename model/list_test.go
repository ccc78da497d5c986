package model_test

import (
	"slices"
	"testing"

	"diplomacy-timeline/model"
)

// TestUnique checks that repeats go, the first of each staying in its place, that a list
// without repeats comes back as it is (nil and empty alike), short or long.
func TestUnique(t *testing.T) {
	t.Parallel()
	long := func(n int, repeat bool) []int {
		out := make([]int, n)
		for i := range out {
			out[i] = i
		}
		if repeat {
			out = append(out, 3, n-1, 7)
		}
		return out
	}
	for _, c := range []struct {
		name string
		in   []int
		want []int
	}{
		{"nil", nil, nil},
		{"empty", []int{}, []int{}},
		{"no repeats", []int{3, 1, 2}, []int{3, 1, 2}},
		{"repeats", []int{3, 1, 3, 2, 1, 3}, []int{3, 1, 2}},
		{"long, no repeats", long(100, false), long(100, false)},
		{"long, repeats", long(100, true), long(100, false)},
	} {
		got := model.Unique(c.in)
		if !slices.Equal(got, c.want) || (got == nil) != (c.want == nil) {
			t.Errorf("%s: Unique(%v) = %v, want %v", c.name, c.in, got, c.want)
		}
		if len(c.in) > 0 && len(got) == len(c.in) && &got[0] != &c.in[0] {
			t.Errorf("%s: a list without repeats was copied", c.name)
		}
	}
}
