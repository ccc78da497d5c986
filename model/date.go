package model

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// Precision says how much of a Date is known. Diplomatic records are often vague
// ("founded in 2015"), so a date carries its precision instead of inventing a day.
type Precision int

// Precisions, coarsest first.
const (
	PrecisionYear Precision = iota + 1
	PrecisionMonth
	PrecisionDay
)

// Date is a partial calendar date: a year ("2015"), a month ("2023-07") or a day
// ("2023-07-28"), as in ISO 8601 reduced precision (EDTF level 0). The zero Date is
// "no date".
//
// Dates are stored as one sortable integer key, yyyymmdd, with 00 for the unknown month
// or day: "2015" is 20150000, "2023-07" is 20230700, "2023-07-28" is 20230728. The key
// orders dates by their first day, a coarser date before a finer one that starts on the
// same day, and it carries the precision, so ordering and range filters need no extra
// column and work the same on every database.
type Date struct {
	year, month, day int
}

// ParseDate parses "YYYY", "YYYY-MM" or "YYYY-MM-DD" and rejects anything that is not a
// real calendar period (month 13, February 30th, two-digit years, …).
func ParseDate(s string) (Date, error) {
	bad := func(reason string) (Date, error) {
		return Date{}, Errorf(EINVALID, "invalid date %q: %s (use YYYY, YYYY-MM or YYYY-MM-DD)", truncate(s, 40), reason)
	}
	if len(s) != 4 && len(s) != 7 && len(s) != 10 {
		return bad("wrong length")
	}
	num := func(part string) (int, bool) {
		n := 0
		for _, c := range part {
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	var d Date
	var ok bool
	if d.year, ok = num(s[0:4]); !ok || d.year == 0 {
		return bad("year must be four digits from 0001 to 9999")
	}
	if len(s) >= 7 {
		if s[4] != '-' {
			return bad("expected '-' after the year")
		}
		if d.month, ok = num(s[5:7]); !ok || d.month < 1 || d.month > 12 {
			return bad("month must be 01 to 12")
		}
	}
	if len(s) == 10 {
		if s[7] != '-' {
			return bad("expected '-' after the month")
		}
		if d.day, ok = num(s[8:10]); !ok || d.day < 1 || d.day > daysIn(d.year, d.month) {
			return bad(fmt.Sprintf("day must be 01 to %02d in that month", daysIn(d.year, d.month)))
		}
	}
	return d, nil
}

// MustParseDate is ParseDate for literals known to be valid, such as the default dataset.
func MustParseDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// DateOf returns the day-precision Date of t.
func DateOf(t time.Time) Date {
	return Date{year: t.Year(), month: int(t.Month()), day: t.Day()}
}

// DateFromKey is the inverse of Date.Key.
func DateFromKey(key int64) (Date, error) {
	if key == 0 {
		return Date{}, nil
	}
	y, m, d := int(key/10000), int(key/100%100), int(key%100)
	if m == 0 && d != 0 {
		return Date{}, fmt.Errorf("invalid date key %d", key)
	}
	s := fmt.Sprintf("%04d", y)
	if m != 0 {
		s += fmt.Sprintf("-%02d", m)
	}
	if d != 0 {
		s += fmt.Sprintf("-%02d", d)
	}
	if y < 1 || y > 9999 {
		return Date{}, fmt.Errorf("invalid date key %d", key)
	}
	return ParseDate(s)
}

func daysIn(year, month int) int {
	return time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// IsZero reports whether d is "no date".
func (d Date) IsZero() bool { return d.year == 0 }

// Precision returns how much of d is known.
func (d Date) Precision() Precision {
	switch {
	case d.day != 0:
		return PrecisionDay
	case d.month != 0:
		return PrecisionMonth
	default:
		return PrecisionYear
	}
}

// String formats d as it was written: "2015", "2023-07" or "2023-07-28".
func (d Date) String() string {
	switch {
	case d.IsZero():
		return ""
	case d.day != 0:
		return fmt.Sprintf("%04d-%02d-%02d", d.year, d.month, d.day)
	case d.month != 0:
		return fmt.Sprintf("%04d-%02d", d.year, d.month)
	default:
		return fmt.Sprintf("%04d", d.year)
	}
}

// Key returns the sortable storage key yyyymmdd (see Date).
func (d Date) Key() int64 {
	return int64(d.year)*10000 + int64(d.month)*100 + int64(d.day)
}

// LastKey returns the largest key of any day within the period d covers; every day of
// the period has a key in [Key, LastKey] and no day outside it does.
func (d Date) LastKey() int64 {
	switch d.Precision() {
	case PrecisionYear:
		return d.Key() + 9999
	case PrecisionMonth:
		return d.Key() + 99
	default:
		return d.Key()
	}
}

// First returns the first day of the period d covers.
func (d Date) First() time.Time {
	m, day := max(d.month, 1), max(d.day, 1)
	return time.Date(d.year, time.Month(m), day, 0, 0, 0, 0, time.UTC)
}

// Last returns the last day of the period d covers.
func (d Date) Last() time.Time {
	switch d.Precision() {
	case PrecisionYear:
		return time.Date(d.year, 12, 31, 0, 0, 0, 0, time.UTC)
	case PrecisionMonth:
		return time.Date(d.year, time.Month(d.month), daysIn(d.year, d.month), 0, 0, 0, 0, time.UTC)
	default:
		return d.First()
	}
}

// Compare orders dates by first day, then coarser before finer; it returns -1, 0 or +1.
func (d Date) Compare(o Date) int {
	a, b := d.Key(), o.Key()
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Overlaps reports whether the periods of d and o share at least one day: "2023"
// overlaps "2023-07-01".
func (d Date) Overlaps(o Date) bool {
	return d.Key() <= o.LastKey() && o.Key() <= d.LastKey()
}

// EndsBefore reports whether the period of d ends before the period of o starts, which
// is what "end must not be before start" rejects.
func (d Date) EndsBefore(o Date) bool {
	return d.LastKey() < o.Key()
}

// Contains reports whether the period of d covers the whole period of o.
func (d Date) Contains(o Date) bool {
	return d.Key() <= o.Key() && o.LastKey() <= d.LastKey()
}

// Scan implements sql.Scanner for the integer key.
func (d *Date) Scan(src any) error {
	var key int64
	switch v := src.(type) {
	case nil:
		*d = Date{}
		return nil
	case int64:
		key = v
	case int32:
		key = int64(v)
	case []byte:
		n, err := strconv.ParseInt(string(v), 10, 64)
		if err != nil {
			return fmt.Errorf("scan date: %w", err)
		}
		key = n
	case string:
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return fmt.Errorf("scan date: %w", err)
		}
		key = n
	default:
		return fmt.Errorf("scan date: unsupported type %T", src)
	}
	parsed, err := DateFromKey(key)
	if err != nil {
		return fmt.Errorf("scan date: %w", err)
	}
	*d = parsed
	return nil
}

// Value implements driver.Valuer; the zero Date is stored as NULL.
func (d Date) Value() (driver.Value, error) {
	if d.IsZero() {
		return nil, nil
	}
	return d.Key(), nil
}

// GormDataType tells GORM which column type to migrate to.
func (Date) GormDataType() string { return "bigint" }

// MarshalJSON writes d as a JSON string.
func (d Date) MarshalJSON() ([]byte, error) {
	return json.Marshal(d.String())
}

// UnmarshalJSON reads a JSON string into d.
func (d *Date) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return Errorf(EINVALID, "invalid date: expected a string")
	}
	parsed, err := ParseDate(s)
	if err != nil {
		return err
	}
	*d = parsed
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
