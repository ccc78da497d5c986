package model

import "slices"

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

// String helpers used in messages.
func (k PlatformKind) String() string     { return string(k) }
func (r MembershipRole) String() string   { return string(r) }
func (k SessionKind) String() string      { return string(k) }
func (s InitiativeStatus) String() string { return string(s) }
