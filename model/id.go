package model

import (
	"encoding/base64"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Node type names used in global IDs; they are the GraphQL type names.
const (
	TypeCountry    = "Country"
	TypePlatform   = "Platform"
	TypeSession    = "Session"
	TypeOfficial   = "Official"
	TypeInitiative = "Initiative"
	TypeStatement  = "Statement"
	TypeTopic      = "Topic"
	TypeSource     = "Source"
	// TypeTimelineEntry is derived data, but its entries are nodes too.
	TypeTimelineEntry = "TimelineEntry"
)

// GlobalID is the decoded form of an opaque node ID: the type and its key (a numeric
// primary key, or the ISO code for a country). IDs are opaque to clients so that the
// storage keys can change without breaking them.
type GlobalID struct {
	Type string
	Key  string
}

// EncodeID returns the opaque ID of the record of type typ with key key.
func EncodeID(typ, key string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(typ + ":" + key))
}

// IntID returns the opaque ID of a record with a numeric primary key.
func IntID(typ string, id int64) string {
	return EncodeID(typ, strconv.FormatInt(id, 10))
}

// DecodeID parses an opaque ID. Anything that is not an ID this API issued is an
// EINVALID error.
func DecodeID(id string) (GlobalID, error) {
	bad := Errorf(EINVALID, "invalid ID %q", truncate(strings.ToValidUTF8(id, "?"), 60))
	if len(id) == 0 || len(id) > 100 {
		return GlobalID{}, bad
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(id, "="))
	if err != nil || !utf8.Valid(raw) {
		return GlobalID{}, bad
	}
	typ, key, ok := strings.Cut(string(raw), ":")
	if !ok || key == "" {
		return GlobalID{}, bad
	}
	switch typ {
	case TypeCountry:
		if !validCountryCode(key) {
			return GlobalID{}, bad
		}
	case TypePlatform, TypeSession, TypeOfficial, TypeInitiative, TypeStatement, TypeTopic, TypeSource, TypeTimelineEntry:
		if n, err := strconv.ParseInt(key, 10, 64); err != nil || n <= 0 || strconv.FormatInt(n, 10) != key {
			return GlobalID{}, bad
		}
	default:
		return GlobalID{}, bad
	}
	return GlobalID{Type: typ, Key: key}, nil
}

// DecodeIntID decodes an opaque ID that must be of type typ and returns its numeric key.
// field names the input argument, for the error.
func DecodeIntID(field, typ, id string) (int64, error) {
	g, err := DecodeID(id)
	if err != nil {
		return 0, &Error{Code: EINVALID, Field: field, Message: err.(*Error).Message}
	}
	if g.Type != typ {
		return 0, FieldErrorf(field, "ID %q is a %s, expected a %s", id, g.Type, typ)
	}
	n, _ := strconv.ParseInt(g.Key, 10, 64)
	return n, nil
}

func validCountryCode(s string) bool {
	return len(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z'
}
