package model

import (
	"encoding/json"
	"io"
	"slices"
	"strconv"
)

// PlatformKind says what sort of platform it is.
type PlatformKind string

// Platform kinds.
const (
	PlatformKindFormat       PlatformKind = "FORMAT"
	PlatformKindOrganization PlatformKind = "ORGANIZATION"
	PlatformKindForum        PlatformKind = "FORUM"
	PlatformKindDialogue     PlatformKind = "DIALOGUE"
)

// PlatformKinds lists every PlatformKind.
var PlatformKinds = []PlatformKind{PlatformKindFormat, PlatformKindOrganization, PlatformKindForum, PlatformKindDialogue}

// MembershipRole is the standing of a country in a platform.
type MembershipRole string

// Membership roles.
const (
	MembershipRoleMember   MembershipRole = "MEMBER"
	MembershipRolePartner  MembershipRole = "PARTNER"
	MembershipRoleObserver MembershipRole = "OBSERVER"
)

// MembershipRoles lists every MembershipRole.
var MembershipRoles = []MembershipRole{MembershipRoleMember, MembershipRolePartner, MembershipRoleObserver}

// SessionKind says what sort of occurrence a session is.
type SessionKind string

// Session kinds.
const (
	SessionKindSummit           SessionKind = "SUMMIT"
	SessionKindMinisterial      SessionKind = "MINISTERIAL"
	SessionKindSpecialSession   SessionKind = "SPECIAL_SESSION"
	SessionKindWorkingGroup     SessionKind = "WORKING_GROUP"
	SessionKindBilateralMeeting SessionKind = "BILATERAL_MEETING"
	SessionKindVisit            SessionKind = "VISIT"
	SessionKindOther            SessionKind = "OTHER"
)

// SessionKinds lists every SessionKind.
var SessionKinds = []SessionKind{SessionKindSummit, SessionKindMinisterial, SessionKindSpecialSession,
	SessionKindWorkingGroup, SessionKindBilateralMeeting, SessionKindVisit, SessionKindOther}

// InitiativeStatus is where an initiative stands.
type InitiativeStatus string

// Initiative statuses.
const (
	InitiativeStatusProposed    InitiativeStatus = "PROPOSED"
	InitiativeStatusEndorsed    InitiativeStatus = "ENDORSED"
	InitiativeStatusAdopted     InitiativeStatus = "ADOPTED"
	InitiativeStatusImplemented InitiativeStatus = "IMPLEMENTED"
	InitiativeStatusStalled     InitiativeStatus = "STALLED"
	InitiativeStatusWithdrawn   InitiativeStatus = "WITHDRAWN"
)

// InitiativeStatuses lists every InitiativeStatus.
var InitiativeStatuses = []InitiativeStatus{InitiativeStatusProposed, InitiativeStatusEndorsed, InitiativeStatusAdopted,
	InitiativeStatusImplemented, InitiativeStatusStalled, InitiativeStatusWithdrawn}

// IsValid reports whether k is a known kind.
func (k PlatformKind) IsValid() bool { return slices.Contains(PlatformKinds, k) }

// IsValid reports whether r is a known role.
func (r MembershipRole) IsValid() bool { return slices.Contains(MembershipRoles, r) }

// IsValid reports whether k is a known kind.
func (k SessionKind) IsValid() bool { return slices.Contains(SessionKinds, k) }

// IsValid reports whether s is a known status.
func (s InitiativeStatus) IsValid() bool { return slices.Contains(InitiativeStatuses, s) }

// MarshalGQL writes the enum value.
func (k PlatformKind) MarshalGQL(w io.Writer) { writeEnum(w, k) }

// UnmarshalGQL reads and checks an enum value.
func (k *PlatformKind) UnmarshalGQL(v any) error { return readEnum(v, k, "PlatformKind") }

// MarshalGQL writes the enum value.
func (r MembershipRole) MarshalGQL(w io.Writer) { writeEnum(w, r) }

// UnmarshalGQL reads and checks an enum value.
func (r *MembershipRole) UnmarshalGQL(v any) error { return readEnum(v, r, "MembershipRole") }

// MarshalGQL writes the enum value.
func (k SessionKind) MarshalGQL(w io.Writer) { writeEnum(w, k) }

// UnmarshalGQL reads and checks an enum value.
func (k *SessionKind) UnmarshalGQL(v any) error { return readEnum(v, k, "SessionKind") }

// MarshalGQL writes the enum value.
func (s InitiativeStatus) MarshalGQL(w io.Writer) { writeEnum(w, s) }

// UnmarshalGQL reads and checks an enum value.
func (s *InitiativeStatus) UnmarshalGQL(v any) error { return readEnum(v, s, "InitiativeStatus") }

type enum interface {
	~string
	IsValid() bool
}

func writeEnum[T ~string](w io.Writer, v T) {
	_, _ = io.WriteString(w, strconv.Quote(string(v)))
}

func readEnum[T enum](v any, dst *T, name string) error {
	s, ok := v.(string)
	if !ok {
		return Errorf(EINVALID, "%s must be a string, got %s", name, jsonKind(v))
	}
	if !T(s).IsValid() {
		return Errorf(EINVALID, "%q is not a valid %s", truncate(s, 40), name)
	}
	*dst = T(s)
	return nil
}

// String helpers used in messages.
func (k PlatformKind) String() string     { return string(k) }
func (r MembershipRole) String() string   { return string(r) }
func (k SessionKind) String() string      { return string(k) }
func (s InitiativeStatus) String() string { return string(s) }

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
