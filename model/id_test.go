package model_test

import (
	"encoding/base64"
	"testing"

	"diplomacy-timeline/model"
)

func TestGlobalIDs(t *testing.T) {
	t.Parallel()
	id := model.IntID(model.TypeSession, 42)
	g, err := model.DecodeID(id)
	if err != nil || g.Type != model.TypeSession || g.Key != "42" {
		t.Fatalf("DecodeID(IntID) = %+v, %v", g, err)
	}
	if n, err := model.DecodeIntID("id", model.TypeSession, id); err != nil || n != 42 {
		t.Fatalf("DecodeIntID = %d, %v", n, err)
	}
	if _, err := model.DecodeIntID("id", model.TypePlatform, id); model.ErrorCode(err) != model.EINVALID {
		t.Fatalf("a Session ID as a Platform ID: %v, want EINVALID", err)
	}
	enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	for _, bad := range []string{"", "abc", "!!!!", enc("Nope:1"), enc("Session:"), enc("Session:abc"),
		enc("Session:-1"), enc("Session:0"), enc("Session:007"), enc("Country:kz"), enc("Country:KAZ"), enc("Session"),
		enc("Session:99999999999999999999"), string(make([]byte, 200))} {
		if _, err := model.DecodeID(bad); model.ErrorCode(err) != model.EINVALID {
			t.Errorf("DecodeID(%q) = %v, want EINVALID", bad, err)
		}
	}
	if g, err := model.DecodeID(model.EncodeID(model.TypeCountry, "KZ")); err != nil || g.Key != "KZ" {
		t.Fatalf("country ID: %+v %v", g, err)
	}
}
