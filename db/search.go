package db

import (
	"context"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"diplomacy-timeline/limits"
	"diplomacy-timeline/model"
)

// Search documents live in search_index, one per searchable record, keyed by a docid that
// encodes the record: id*8 + the type's code.
var docTypes = []string{1: model.TypePlatform, 2: model.TypeSession, 3: model.TypeOfficial,
	4: model.TypeInitiative, 5: model.TypeStatement, 6: model.TypeSource}

func docID(typ string, id int64) int64 {
	for code, t := range docTypes {
		if t == typ {
			return id*8 + int64(code)
		}
	}
	panic("db: no search documents for " + typ)
}

// SearchHit is one record that matched a search, with its relevance.
type SearchHit struct {
	Type  string
	ID    int64
	Score float64
}

// SearchPage is one page of search results.
type SearchPage struct {
	Hits            []SearchHit
	Cursors         []string
	HasNextPage     bool
	HasPreviousPage bool
	TotalCount      int
}

// Search limits.
const (
	maxSearchTerms   = 16
	maxSearchTermLen = 64
)

// searchTerms reads a user's query as words — runs of letters and digits, lower-cased —
// so that no character of it is ever taken as query syntax.
func searchTerms(query string) []string {
	words := strings.FieldsFunc(fold(strings.ToLower(strings.ToValidUTF8(query, " "))), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsNumber(r)
	})
	var out []string
	for _, w := range words {
		if r := []rune(w); len(r) > maxSearchTermLen {
			w = string(r[:maxSearchTermLen])
		}
		out = append(out, w)
		if len(out) == maxSearchTerms {
			break
		}
	}
	return model.Unique(out)
}

// Search finds the records that contain every word of query as a prefix, best first.
// Results are paginated by offset: relevance is not a stable key.
func (s *Store) Search(ctx context.Context, query string, p Page) (*SearchPage, error) {
	if p.Last != nil || p.Before != nil {
		return nil, model.FieldErrorf("last", "search pages forward only: use first and after")
	}
	limit, _, err := checkPage(p)
	if err != nil {
		return nil, err
	}
	offset := 0
	if p.After != nil {
		if offset, err = decodeOffset(*p.After); err != nil {
			return nil, err
		}
	}
	terms := searchTerms(query)
	out := &SearchPage{HasPreviousPage: offset > 0}
	if len(terms) == 0 {
		return out, nil
	}
	from, match, rank := s.dialect.searchSQL()
	arg := s.dialect.searchQuery(terms)
	gdb := s.read(ctx)
	var rows []struct {
		Docid int64
		Score float64
		Total int64
	}
	if limit == 0 {
		// A page of none only says whether there is a next page.
		var ones []int64
		err = gdb.Raw(fmt.Sprintf("SELECT 1 FROM %s WHERE %s LIMIT 1 OFFSET ?", from, match), arg, offset).Scan(&ones).Error
		if err != nil {
			return nil, fmt.Errorf("search: %w", err)
		}
		out.HasNextPage = len(ones) > 0
	} else {
		// Where the dialect can, the count comes with the page, in one pass over the
		// matches.
		total, _ := s.dialect.searchTotal()
		err = gdb.Raw(fmt.Sprintf("SELECT docid, %s AS score, %s AS total FROM %s WHERE %s ORDER BY score DESC, docid LIMIT ? OFFSET ?", rank, total, from, match),
			arg, limit+1, offset).Scan(&rows).Error
		if err != nil {
			return nil, fmt.Errorf("search: %w", err)
		}
	}
	if len(rows) > limit {
		rows, out.HasNextPage = rows[:limit], true
	}
	for i, r := range rows {
		out.Hits = append(out.Hits, SearchHit{Type: docTypes[r.Docid%8], ID: r.Docid / 8, Score: r.Score})
		out.Cursors = append(out.Cursors, encodeOffset(offset+i+1))
	}
	if _, counted := s.dialect.searchTotal(); p.Count && len(rows) > 0 && counted {
		out.TotalCount = int(rows[0].Total)
	} else if p.Count {
		var n int64
		if err := gdb.Raw(fmt.Sprintf("SELECT COUNT(*) FROM %s WHERE %s", from, match), arg).Scan(&n).Error; err != nil {
			return nil, fmt.Errorf("search: count: %w", err)
		}
		out.TotalCount = int(n)
	}
	return out, nil
}

func encodeOffset(n int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("offset:" + strconv.Itoa(n)))
}

func decodeOffset(s string) (int, error) {
	bad := model.FieldErrorf("after", "invalid cursor")
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || !strings.HasPrefix(string(raw), "offset:") {
		return 0, bad
	}
	n, err := strconv.Atoi(strings.TrimPrefix(string(raw), "offset:"))
	if err != nil || n < 0 || n > limits.MaxSearchOffset {
		return 0, bad
	}
	return n, nil
}
