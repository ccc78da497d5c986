package model

import (
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"
)

var slugRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// ValidateSlug checks that s is a slug: lower-case letters and digits in groups joined by
// single hyphens, at most MaxSlugLength characters.
func ValidateSlug(field, s string) error {
	if s == "" {
		return FieldErrorf(field, "is required")
	}
	if len(s) > MaxSlugLength || !slugRE.MatchString(s) {
		return FieldErrorf(field, "%q is not a valid slug (lower-case letters and digits joined by single hyphens, e.g. \"c5-plus-1\", at most %d characters)", truncate(strings.ToValidUTF8(s, "?"), 60), MaxSlugLength)
	}
	return nil
}

// RequireText checks that s is non-blank, valid UTF-8 without NUL bytes and at most max bytes.
func RequireText(field, s string, max int) error {
	if strings.TrimSpace(s) == "" {
		return FieldErrorf(field, "is required")
	}
	return checkText(field, s, max)
}

// OptionalText is RequireText for a field that may be absent.
func OptionalText(field string, s *string, max int) error {
	if s == nil {
		return nil
	}
	return checkText(field, *s, max)
}

func checkText(field, s string, max int) error {
	if !utf8.ValidString(s) {
		return FieldErrorf(field, "is not valid UTF-8")
	}
	if strings.ContainsRune(s, 0) {
		return FieldErrorf(field, "must not contain NUL characters")
	}
	if len(s) > max {
		return FieldErrorf(field, "is longer than %d bytes", max)
	}
	return nil
}

// ValidateURL checks that an optional URL is an absolute http or https URL.
func ValidateURL(field string, s *string) error {
	if s == nil {
		return nil
	}
	if err := checkText(field, *s, MaxURLLength); err != nil {
		return err
	}
	u, err := url.Parse(*s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return FieldErrorf(field, "must be an absolute http or https URL")
	}
	return nil
}

// ValidateRange checks that end, if set, does not end before start begins. "2023" to
// "2023-07" is fine; "2023-08" to "2023-07-31" is not.
func ValidateRange(endField string, start, end *Date) error {
	if start == nil || end == nil {
		return nil
	}
	if end.EndsBefore(*start) {
		return FieldErrorf(endField, "%s is before the start %s", end, start)
	}
	return nil
}

// NormalizeCountryCode upper-cases a country code and checks its form, two ASCII letters
// in either case; whether the country exists is the store's business. The form is checked
// before upper-casing: Unicode upper-cases the dotless "ı" to "I", so "ıT" would pass for IT.
func NormalizeCountryCode(field, code string) (string, error) {
	t := strings.TrimSpace(code)
	c := strings.ToUpper(t)
	if len(t) != 2 || !validCountryCode(c) {
		return "", FieldErrorf(field, "%q is not an ISO 3166-1 alpha-2 country code", truncate(strings.ToValidUTF8(code, "?"), 20))
	}
	return c, nil
}
