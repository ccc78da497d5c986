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
)
