package model

import "slices"

// TimelineEntryKind says what happened at a timeline entry.
type TimelineEntryKind string

// Timeline entry kinds.
const (
	EntryPlatformFounded         TimelineEntryKind = "PLATFORM_FOUNDED"
	EntrySession                 TimelineEntryKind = "SESSION"
	EntryInitiativeProposed      TimelineEntryKind = "INITIATIVE_PROPOSED"
	EntryInitiativeStatusChanged TimelineEntryKind = "INITIATIVE_STATUS_CHANGED"
	EntryPositionStarted         TimelineEntryKind = "POSITION_STARTED"
	EntryPositionEnded           TimelineEntryKind = "POSITION_ENDED"
	EntryStatement               TimelineEntryKind = "STATEMENT"
)

// TimelineEntryKinds lists every TimelineEntryKind.
var TimelineEntryKinds = []TimelineEntryKind{EntryPlatformFounded, EntrySession, EntryInitiativeProposed,
	EntryInitiativeStatusChanged, EntryPositionStarted, EntryPositionEnded, EntryStatement}

// IsValid reports whether k is a known kind.
func (k TimelineEntryKind) IsValid() bool { return slices.Contains(TimelineEntryKinds, k) }

// TimelineEntry is one dated event of the timeline, derived from a record: a platform's
// founding, a session, an initiative's proposal or status change, the start or end of a
// position, a statement. Entries are kept in step with their records by every write, in
// the same transaction, so the timeline is one indexed table that pages and filters fast
// instead of a union computed per request.
type TimelineEntry struct {
	ID      int64
	Kind    TimelineEntryKind
	Date    Date  `gorm:"column:date_key"`
	EndDate *Date `gorm:"column:end_key"`
	// LastKey is the last-day key of the whole period the entry covers (its end date's, or
	// its date's), so that a "from" filter is one indexed comparison.
	LastKey int64
	Title   string
	Summary *string
	// TextKey is the lower-cased title and summary, which the text filter matches.
	TextKey    string
	PlatformID *int64
	// Origin identifies the fact the entry comes from ("session:12", "position:5:ended");
	// a rewrite of the record updates the entry in place, so its ID stays stable.
	Origin string
	// Exactly one subject is set.
	SubjectPlatformID   *int64
	SubjectSessionID    *int64
	SubjectInitiativeID *int64
	SubjectOfficialID   *int64
	SubjectStatementID  *int64
	// PositionID and StatusChangeID tie entries to the rows they come from.
	PositionID     *int64
	StatusChangeID *int64

	// Countries, Topics and Officials are what the entry is about, for filtering; they are
	// stored in link tables, not columns.
	Countries []string `gorm:"-"`
	Topics    []int64  `gorm:"-"`
	Officials []int64  `gorm:"-"`
}

// NodeID returns the entry's opaque global ID.
func (e *TimelineEntry) NodeID() string { return IntID(TypeTimelineEntry, e.ID) }

// IsNode marks TimelineEntry as a GraphQL Node.
func (TimelineEntry) IsNode() {}

// Granularity is the period length of timeline buckets.
type Granularity string

// Granularities.
const (
	GranularityYear  Granularity = "YEAR"
	GranularityMonth Granularity = "MONTH"
	GranularityDay   Granularity = "DAY"
)

// IsValid reports whether g is a known granularity.
func (g Granularity) IsValid() bool {
	return g == GranularityYear || g == GranularityMonth || g == GranularityDay
}

// TimelineBucket counts the entries whose date starts in one period.
type TimelineBucket struct {
	Start  Date
	Count  int
	ByKind []*TimelineKindCount
}

// TimelineKindCount counts the entries of one kind in a bucket.
type TimelineKindCount struct {
	Kind  TimelineEntryKind
	Count int
}

// SubjectRef returns the type and key of the record the entry comes from.
func (e *TimelineEntry) SubjectRef() (typ string, id int64) {
	switch {
	case e.SubjectPlatformID != nil:
		return TypePlatform, *e.SubjectPlatformID
	case e.SubjectSessionID != nil:
		return TypeSession, *e.SubjectSessionID
	case e.SubjectInitiativeID != nil:
		return TypeInitiative, *e.SubjectInitiativeID
	case e.SubjectOfficialID != nil:
		return TypeOfficial, *e.SubjectOfficialID
	case e.SubjectStatementID != nil:
		return TypeStatement, *e.SubjectStatementID
	}
	return "", 0
}
