package graph_test

import (
	"fmt"
	"maps"
	"testing"
)

// fixture creates a record through its create mutation with a valid default input that
// fields override, and returns its global ID.
func (s *Server) fixture(tb testing.TB, mutation, inputType string, defaults, fields map[string]any) string {
	tb.Helper()
	input := maps.Clone(defaults)
	maps.Copy(input, fields)
	var out map[string]struct{ ID string }
	s.Mutate(tb, fmt.Sprintf("mutation($in: %s!) { r: %s(input: $in) { id } }", inputType, mutation), map[string]any{"in": input}, &out)
	return out["r"].ID
}

// MustCreatePlatform creates a FORMAT platform with the slug.
func (s *Server) MustCreatePlatform(tb testing.TB, slug string, fields map[string]any) string {
	tb.Helper()
	return s.fixture(tb, "createPlatform", "PlatformInput", map[string]any{"slug": slug, "name": "Platform " + slug, "kind": "FORMAT"}, fields)
}

// MustCreateSession creates an OTHER session with the slug starting on start.
func (s *Server) MustCreateSession(tb testing.TB, slug, start string, fields map[string]any) string {
	tb.Helper()
	return s.fixture(tb, "createSession", "SessionInput", map[string]any{"slug": slug, "title": "Session " + slug, "kind": "OTHER", "start": start}, fields)
}

// MustCreateOfficial creates an official with the slug.
func (s *Server) MustCreateOfficial(tb testing.TB, slug string, fields map[string]any) string {
	tb.Helper()
	return s.fixture(tb, "createOfficial", "OfficialInput", map[string]any{"slug": slug, "name": "Official " + slug}, fields)
}

// MustCreateTopic creates a topic with the slug.
func (s *Server) MustCreateTopic(tb testing.TB, slug string, fields map[string]any) string {
	tb.Helper()
	return s.fixture(tb, "createTopic", "TopicInput", map[string]any{"slug": slug, "name": "Topic " + slug}, fields)
}

// MustCreateSource creates a source with the title.
func (s *Server) MustCreateSource(tb testing.TB, title string, fields map[string]any) string {
	tb.Helper()
	return s.fixture(tb, "createSource", "SourceInput", map[string]any{"title": title}, fields)
}

// MustCreateInitiative creates an initiative with the slug.
func (s *Server) MustCreateInitiative(tb testing.TB, slug string, fields map[string]any) string {
	tb.Helper()
	return s.fixture(tb, "createInitiative", "InitiativeInput", map[string]any{"slug": slug, "title": "Initiative " + slug}, fields)
}

// MustCreateStatement creates a statement by the official on the date.
func (s *Server) MustCreateStatement(tb testing.TB, officialID, date string, fields map[string]any) string {
	tb.Helper()
	return s.fixture(tb, "createStatement", "StatementInput", map[string]any{"officialId": officialID, "date": date, "text": "Said on " + date}, fields)
}
