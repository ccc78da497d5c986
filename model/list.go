package model

import "slices"

// Unique returns in without repeated values, in first-seen order, and in itself when
// nothing repeats: nil stays nil (a filter's list left out) and an empty list stays empty
// (one that matches nothing). The lists of an entry are short, and the generator derives
// hundreds of thousands of entries, so a short list is scanned and allocates nothing
// unless it repeats; a long one (the IDs of a batch of records) is checked with a map.
func Unique[K comparable](in []K) []K {
	if len(in) > uniqueScanMax {
		return uniqueLong(in)
	}
	for i := 1; i < len(in); i++ {
		if !slices.Contains(in[:i], in[i]) {
			continue
		}
		out := slices.Clone(in[:i])
		for _, v := range in[i+1:] {
			if !slices.Contains(out, v) {
				out = append(out, v)
			}
		}
		return out
	}
	return in
}

// uniqueScanMax is the longest list Unique scans: past it, a map costs less than the
// comparisons of a scan.
const uniqueScanMax = 32

// uniqueLong is Unique for a long list.
func uniqueLong[K comparable](in []K) []K {
	seen := make(map[K]bool, len(in))
	for i, v := range in {
		if !seen[v] {
			seen[v] = true
			continue
		}
		out := slices.Clone(in[:i])
		for _, v := range in[i+1:] {
			if !seen[v] {
				seen[v] = true
				out = append(out, v)
			}
		}
		return out
	}
	return in
}
