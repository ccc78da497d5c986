package db

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// fold removes diacritics ("Álmá" → "Alma") so that search matches with or without them,
// the same way on every backend: documents and queries are folded alike before they reach
// the database.
func fold(s string) string {
	if isASCII(s) {
		return s
	}
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(r)
		}
	}
	return norm.NFC.String(b.String())
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
