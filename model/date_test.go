package model_test

import (
	"testing"

	"diplomacy-timeline/model"
)

func TestParseDate(t *testing.T) {
	t.Parallel()
	valid := []struct {
		in        string
		precision model.Precision
		key       int64
	}{
		{"2015", model.PrecisionYear, 20150000},
		{"0001", model.PrecisionYear, 10000},
		{"9999", model.PrecisionYear, 99990000},
		{"2023-07", model.PrecisionMonth, 20230700},
		{"2023-12", model.PrecisionMonth, 20231200},
		{"2023-07-28", model.PrecisionDay, 20230728},
		{"2024-02-29", model.PrecisionDay, 20240229}, // leap year
		{"2000-02-29", model.PrecisionDay, 20000229}, // divisible by 400
		{"2023-01-31", model.PrecisionDay, 20230131},
	}
	for _, tc := range valid {
		t.Run(tc.in, func(t *testing.T) {
			d, err := model.ParseDate(tc.in)
			if err != nil {
				t.Fatalf("ParseDate(%q): %v", tc.in, err)
			}
			if d.String() != tc.in || d.Precision() != tc.precision || d.Key() != tc.key {
				t.Fatalf("ParseDate(%q) = %s precision %d key %d, want precision %d key %d", tc.in, d, d.Precision(), d.Key(), tc.precision, tc.key)
			}
			back, err := model.DateFromKey(d.Key())
			if err != nil || back != d {
				t.Fatalf("DateFromKey(%d) = %v, %v; want %v", d.Key(), back, err, d)
			}
		})
	}
	invalid := []string{
		"", "23", "202", "99999", "0000", "2023-13", "2023-00", "2023-1", "2023-02-30", "2023-02-29",
		"1900-02-29", "2023-04-31", "2023-07-00", "2023-07-32", "2023/07/28", "2023-07-28T00:00:00Z",
		"abcd", "-202", "２０２３", "2023-07-2a", " 2023", "2023 ", "2023-07-28\x00",
	}
	for _, in := range invalid {
		t.Run("invalid "+in, func(t *testing.T) {
			_, err := model.ParseDate(in)
			if model.ErrorCode(err) != model.EINVALID {
				t.Fatalf("ParseDate(%q) error = %v, want an EINVALID error", in, err)
			}
		})
	}
}

func TestDateOrderAndOverlap(t *testing.T) {
	t.Parallel()
	d := model.MustParseDate
	order := []string{"2022-12-31", "2023", "2023-01", "2023-01-01", "2023-01-02", "2023-07", "2023-07-28", "2024"}
	for i := 1; i < len(order); i++ {
		if d(order[i-1]).Compare(d(order[i])) != -1 || d(order[i]).Compare(d(order[i-1])) != 1 {
			t.Errorf("want %s < %s", order[i-1], order[i])
		}
	}
	if d("2023").Compare(d("2023")) != 0 {
		t.Error("a date must equal itself")
	}
	overlaps := []struct {
		a, b string
		want bool
	}{
		{"2023", "2023-07-01", true},
		{"2023-07", "2023-07-31", true},
		{"2023-07", "2023-08-01", false},
		{"2023", "2024", false},
		{"2023-12-31", "2023", true},
		{"2022-12-31", "2023", false},
		{"2023-02", "2023-02-28", true},
	}
	for _, tc := range overlaps {
		if got := d(tc.a).Overlaps(d(tc.b)); got != tc.want {
			t.Errorf("%s overlaps %s = %v, want %v", tc.a, tc.b, got, tc.want)
		}
		if got := d(tc.b).Overlaps(d(tc.a)); got != tc.want {
			t.Errorf("%s overlaps %s = %v, want %v (symmetry)", tc.b, tc.a, got, tc.want)
		}
	}
	if !d("2023-07").EndsBefore(d("2023-08-01")) || d("2023-07").EndsBefore(d("2023-07-31")) {
		t.Error("EndsBefore must compare the end of the first period with the start of the second")
	}
	if got := d("2024-02").Last().Day(); got != 29 {
		t.Errorf("last day of 2024-02 = %d, want 29", got)
	}
}

func TestValidateRange(t *testing.T) {
	t.Parallel()
	d := func(s string) *model.Date { v := model.MustParseDate(s); return &v }
	cases := []struct {
		start, end string
		ok         bool
	}{
		{"2023", "2023-07", true},
		{"2023-07-28", "2023-07-28", true},
		{"2023-07", "2023-07-01", true},
		{"2023-08", "2023-07-31", false},
		{"2024", "2023", false},
	}
	for _, tc := range cases {
		err := model.ValidateRange("end", d(tc.start), d(tc.end))
		if (err == nil) != tc.ok {
			t.Errorf("ValidateRange(%s, %s) = %v, want ok=%v", tc.start, tc.end, err, tc.ok)
		}
	}
}

// TestDateSQL; the GraphQL encoding is graph's (TestUnmarshalDate there).
func TestDateSQL(t *testing.T) {
	t.Parallel()
	v, err := model.MustParseDate("2015").Value()
	if err != nil || v != int64(20150000) {
		t.Fatalf("Value = %v, %v", v, err)
	}
	var back model.Date
	if err := back.Scan(int64(20150000)); err != nil || back.String() != "2015" {
		t.Fatalf("Scan = %v, %v", back, err)
	}
	if err := back.Scan(int64(20150031)); err == nil {
		t.Fatal("Scan of an impossible key must fail")
	}
}
