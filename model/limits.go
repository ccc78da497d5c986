package model

// The caps of the domain's validation rules. Package limits lists them with the server's
// other limits; they are defined here because model checks them.
const (
	// MaxRefs bounds a list of references in one input.
	MaxRefs = 100
	// MaxFilterValues bounds each list of a filter: enough for every country, and far
	// below the databases' limits on bound parameters.
	MaxFilterValues = 300
	// MaxTimelineFilterValues bounds the timeline filter's lists other than countries.
	MaxTimelineFilterValues = 100
	// MaxTextFilterWords bounds the words of a timeline text filter, each a LIKE over
	// every entry a page reads.
	MaxTextFilterWords = 8
	// MaxTextFilterLength bounds a timeline text filter, in bytes.
	MaxTextFilterLength = 500

	// The caps of the records' text, in bytes (a slug's in characters, all ASCII): roomy
	// for any real value, and small enough that no field can fill the database or a
	// page.

	// MaxSlugLength bounds a slug.
	MaxSlugLength = 100
	// MaxNameLength bounds a name: of a country, a platform, an official (and each of
	// their other names) or a topic; and a city.
	MaxNameLength = 200
	// MaxLabelLength bounds a short label: a position's title and organization, a
	// source's publisher, a participant's role.
	MaxLabelLength = 300
	// MaxTitleLength bounds a title (of a session, an initiative, a source), a platform's
	// full name and a venue.
	MaxTitleLength = 500
	// MaxURLLength bounds a URL: a platform's website, a source's address.
	MaxURLLength = 2000
	// MaxNoteLength bounds a topic's description and the note of an initiative's status
	// change.
	MaxNoteLength = 5000
	// MaxTextLength bounds long text: a platform's or an initiative's description, a
	// session's summary, a source's or a citation's excerpt, a statement's text.
	MaxTextLength = 20000
	// MaxOtherNames bounds the other names of an official.
	MaxOtherNames = 50
)
