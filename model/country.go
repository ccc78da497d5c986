package model

import "sync"

// Country is a country or territory with an ISO 3166-1 alpha-2 code. Every assigned code
// is preloaded, so inputs reference countries by code and never create them.
type Country struct {
	Code string `gorm:"primaryKey"`
	Name string
}

// NodeID returns the country's opaque global ID.
func (c *Country) NodeID() string { return EncodeID(TypeCountry, c.Code) }

// IsNode marks Country as a GraphQL Node.
func (Country) IsNode() {}

// Countries returns every ISO 3166-1 country, sorted by code.
func Countries() []Country {
	out := make([]Country, len(iso3166))
	for i, c := range iso3166 {
		out[i] = Country{Code: c.Code, Name: c.Name}
	}
	return out
}

// IsCountryCode reports whether code is an assigned ISO 3166-1 alpha-2 code, in upper
// case: a filter naming any other is a typo ("UK" for GB) that would match nothing.
func IsCountryCode(code string) bool { return countryCodes()[code] }

var countryCodes = sync.OnceValue(func() map[string]bool {
	set := make(map[string]bool, len(iso3166))
	for _, c := range iso3166 {
		set[c.Code] = true
	}
	return set
})

// Location is where something took place. Any part may be unknown.
type Location struct {
	City        *string
	CountryCode *string
	Venue       *string
	Latitude    *float64
	Longitude   *float64
}

// IsZero reports whether nothing is known of the location.
func (l Location) IsZero() bool {
	return l.City == nil && l.CountryCode == nil && l.Venue == nil && l.Latitude == nil && l.Longitude == nil
}

// Validate checks coordinates; the country's existence is checked by the store.
func (l Location) Validate(field string) error {
	if l.Latitude != nil && (*l.Latitude < -90 || *l.Latitude > 90) {
		return FieldErrorf(field+".latitude", "latitude must be between -90 and 90")
	}
	if l.Longitude != nil && (*l.Longitude < -180 || *l.Longitude > 180) {
		return FieldErrorf(field+".longitude", "longitude must be between -180 and 180")
	}
	if (l.Latitude == nil) != (l.Longitude == nil) {
		return FieldErrorf(field, "latitude and longitude go together")
	}
	return nil
}
