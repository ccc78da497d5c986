package graph

import (
	"encoding/json"
	"io"
	"math"
	"strconv"

	"github.com/99designs/gqlgen/graphql"

	"diplomacy-timeline/model"
)

// The GraphQL marshalers of the scalars and enums whose Go types are the domain's own.
// gqlgen.yml binds each GraphQL type to the pair of functions named after it (MarshalX
// and UnmarshalX), so model needs no GraphQL import: it keeps the rules (model.ParseDate,
// the enums' IsValid), and this file reads GraphQL input values into them.

// MarshalDate writes a Date as a GraphQL string.
func MarshalDate(d model.Date) graphql.Marshaler { return quoted(d.String()) }

// UnmarshalDate reads a GraphQL string into a Date.
func UnmarshalDate(v any) (model.Date, error) {
	s, ok := v.(string)
	if !ok {
		return model.Date{}, model.Errorf(model.EINVALID, "invalid date: expected a string such as \"2023-07-28\", got %s", jsonKind(v))
	}
	return model.ParseDate(s)
}

// MarshalInt writes a GraphQL Int.
func MarshalInt(i int) graphql.Marshaler { return graphql.MarshalInt(i) }

// UnmarshalInt reads a GraphQL Int, which the specification bounds to 32 bits: a larger
// value is an error, not a silent wrap-around. As the specification asks, only an integer
// is an Int: not a string of digits, not a fraction.
func UnmarshalInt(v any) (int, error) {
	var n int64
	switch x := v.(type) {
	case int:
		n = int64(x)
	case int32:
		n = int64(x)
	case int64:
		n = x
	case json.Number:
		if i, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			n = i
			break
		}
		f, _ := x.Float64() // 12.0 or 1e2 are whole; ±Inf when beyond float64
		return UnmarshalInt(f)
	case float64:
		if x != math.Trunc(x) {
			return 0, model.Errorf(model.EINVALID, "%v is not an Int: an Int is a whole number", x)
		}
		if math.Abs(x) > math.MaxInt32 {
			return 0, model.Errorf(model.EINVALID, "%v is outside the 32-bit range of Int", x)
		}
		n = int64(x)
	default:
		return 0, model.Errorf(model.EINVALID, "an Int must be a whole number, got %s", jsonKind(v))
	}
	if n < math.MinInt32 || n > math.MaxInt32 {
		return 0, model.Errorf(model.EINVALID, "%d is outside the 32-bit range of Int", n)
	}
	return int(n), nil
}

// MarshalPlatformKind writes the enum value.
func MarshalPlatformKind(k model.PlatformKind) graphql.Marshaler { return quoted(string(k)) }

// UnmarshalPlatformKind reads and checks an enum value.
func UnmarshalPlatformKind(v any) (model.PlatformKind, error) {
	return enumValue[model.PlatformKind](v, "PlatformKind")
}

// MarshalMembershipRole writes the enum value.
func MarshalMembershipRole(r model.MembershipRole) graphql.Marshaler { return quoted(string(r)) }

// UnmarshalMembershipRole reads and checks an enum value.
func UnmarshalMembershipRole(v any) (model.MembershipRole, error) {
	return enumValue[model.MembershipRole](v, "MembershipRole")
}

// MarshalSessionKind writes the enum value.
func MarshalSessionKind(k model.SessionKind) graphql.Marshaler { return quoted(string(k)) }

// UnmarshalSessionKind reads and checks an enum value.
func UnmarshalSessionKind(v any) (model.SessionKind, error) {
	return enumValue[model.SessionKind](v, "SessionKind")
}

// MarshalInitiativeStatus writes the enum value.
func MarshalInitiativeStatus(s model.InitiativeStatus) graphql.Marshaler { return quoted(string(s)) }

// UnmarshalInitiativeStatus reads and checks an enum value.
func UnmarshalInitiativeStatus(v any) (model.InitiativeStatus, error) {
	return enumValue[model.InitiativeStatus](v, "InitiativeStatus")
}

// MarshalTimelineEntryKind writes the enum value.
func MarshalTimelineEntryKind(k model.TimelineEntryKind) graphql.Marshaler { return quoted(string(k)) }

// UnmarshalTimelineEntryKind reads and checks an enum value.
func UnmarshalTimelineEntryKind(v any) (model.TimelineEntryKind, error) {
	return enumValue[model.TimelineEntryKind](v, "TimelineEntryKind")
}

// MarshalGranularity writes the enum value.
func MarshalGranularity(g model.Granularity) graphql.Marshaler { return quoted(string(g)) }

// UnmarshalGranularity reads and checks an enum value.
func UnmarshalGranularity(v any) (model.Granularity, error) {
	return enumValue[model.Granularity](v, "Granularity")
}

// quoted writes s as a GraphQL string.
func quoted(s string) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(s)) })
}

// enumValue reads a value of the enum T, which the GraphQL schema calls name. The
// validator has checked the value against the schema already, but case-insensitively for
// variables: "summit" reaches this and is refused here.
func enumValue[T interface {
	~string
	IsValid() bool
}](v any, name string) (T, error) {
	s, ok := v.(string)
	if !ok {
		return "", model.Errorf(model.EINVALID, "%s must be a string, got %s", name, jsonKind(v))
	}
	if !T(s).IsValid() {
		return "", model.Errorf(model.EINVALID, "%q is not a valid %s", clip(s, 40), name)
	}
	return T(s), nil
}

// jsonKind names the kind of a decoded GraphQL input value as a client would: a number, a
// boolean, a list, an object or null.
func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case string:
		return "a string"
	case int, int32, int64, float32, float64, json.Number:
		return "a number"
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	}
	return "a value of another kind"
}

// clip shortens a client's string to n bytes for a message.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// The sort enums, like the others, refuse an unknown value as BAD_USER_INPUT: a variable
// such as "desc" gets past the validator's case-insensitive check and is the client's
// mistake, not an internal error.

// MarshalSortOrder writes the enum value.
func MarshalSortOrder(o model.SortOrder) graphql.Marshaler { return quoted(string(o)) }

// UnmarshalSortOrder reads and checks an enum value.
func UnmarshalSortOrder(v any) (model.SortOrder, error) {
	return enumValue[model.SortOrder](v, "SortOrder")
}

// MarshalCountryOrderField writes the enum value.
func MarshalCountryOrderField(f model.CountryOrderField) graphql.Marshaler { return quoted(string(f)) }

// UnmarshalCountryOrderField reads and checks an enum value.
func UnmarshalCountryOrderField(v any) (model.CountryOrderField, error) {
	return enumValue[model.CountryOrderField](v, "CountryOrderField")
}

// MarshalPlatformOrderField writes the enum value.
func MarshalPlatformOrderField(f model.PlatformOrderField) graphql.Marshaler {
	return quoted(string(f))
}

// UnmarshalPlatformOrderField reads and checks an enum value.
func UnmarshalPlatformOrderField(v any) (model.PlatformOrderField, error) {
	return enumValue[model.PlatformOrderField](v, "PlatformOrderField")
}

// MarshalSessionOrderField writes the enum value.
func MarshalSessionOrderField(f model.SessionOrderField) graphql.Marshaler { return quoted(string(f)) }

// UnmarshalSessionOrderField reads and checks an enum value.
func UnmarshalSessionOrderField(v any) (model.SessionOrderField, error) {
	return enumValue[model.SessionOrderField](v, "SessionOrderField")
}

// MarshalOfficialOrderField writes the enum value.
func MarshalOfficialOrderField(f model.OfficialOrderField) graphql.Marshaler {
	return quoted(string(f))
}

// UnmarshalOfficialOrderField reads and checks an enum value.
func UnmarshalOfficialOrderField(v any) (model.OfficialOrderField, error) {
	return enumValue[model.OfficialOrderField](v, "OfficialOrderField")
}

// MarshalInitiativeOrderField writes the enum value.
func MarshalInitiativeOrderField(f model.InitiativeOrderField) graphql.Marshaler {
	return quoted(string(f))
}

// UnmarshalInitiativeOrderField reads and checks an enum value.
func UnmarshalInitiativeOrderField(v any) (model.InitiativeOrderField, error) {
	return enumValue[model.InitiativeOrderField](v, "InitiativeOrderField")
}

// MarshalStatementOrderField writes the enum value.
func MarshalStatementOrderField(f model.StatementOrderField) graphql.Marshaler {
	return quoted(string(f))
}

// UnmarshalStatementOrderField reads and checks an enum value.
func UnmarshalStatementOrderField(v any) (model.StatementOrderField, error) {
	return enumValue[model.StatementOrderField](v, "StatementOrderField")
}

// MarshalTopicOrderField writes the enum value.
func MarshalTopicOrderField(f model.TopicOrderField) graphql.Marshaler { return quoted(string(f)) }

// UnmarshalTopicOrderField reads and checks an enum value.
func UnmarshalTopicOrderField(v any) (model.TopicOrderField, error) {
	return enumValue[model.TopicOrderField](v, "TopicOrderField")
}

// MarshalSourceOrderField writes the enum value.
func MarshalSourceOrderField(f model.SourceOrderField) graphql.Marshaler { return quoted(string(f)) }

// UnmarshalSourceOrderField reads and checks an enum value.
func UnmarshalSourceOrderField(v any) (model.SourceOrderField, error) {
	return enumValue[model.SourceOrderField](v, "SourceOrderField")
}
