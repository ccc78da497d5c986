package graph_test

import (
	"diplomacy-timeline/httpapi/apitest"
	"testing"
)

func TestFixtures(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServer(t, true)
	p := s.MustCreatePlatform(t, "p", nil)
	o := s.MustCreateOfficial(t, "o", map[string]any{"countryCode": "kz"})
	top := s.MustCreateTopic(t, "t", nil)
	sess := s.MustCreateSession(t, "s", "2020-05", map[string]any{"platformId": p, "topicIds": []string{top}})
	s.MustCreateStatement(t, o, "2020-05-01", map[string]any{"sessionId": sess})
	s.MustCreateInitiative(t, "i", map[string]any{"proposedById": o, "proposedOn": "2019"})
	s.MustCreateSource(t, "src", nil)
}
