package httpapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/coder/websocket"

	"diplomacy-timeline/httpapi"
	"diplomacy-timeline/httpapi/apitest"
)

// TestWebsocketOrigin: a browser may open a websocket from the server's own pages or a
// configured origin, scheme and host both; http://dash.example is not https://dash.example.
func TestWebsocketOrigin(t *testing.T) {
	t.Parallel()
	s := apitest.MustOpenServerWith(t, true, httpapi.Options{CORSOrigins: []string{"https://dash.example"}})
	url := "ws" + strings.TrimPrefix(s.URL, "http") + "/graphql"
	for _, c := range []struct {
		origin string
		ok     bool
	}{
		{"", true},
		{"https://dash.example", true},
		{"HTTPS://DASH.EXAMPLE", true},
		{s.URL, true}, // the server's own pages
		{"http://dash.example", false},
		{"https://dash.example.evil", false},
		{"https://evil.example", false},
		{"null", false},
	} {
		header := http.Header{}
		if c.origin != "" {
			header.Set("Origin", c.origin)
		}
		conn, res, err := websocket.Dial(context.Background(), url, &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}, HTTPHeader: header})
		if conn != nil {
			conn.CloseNow()
		}
		switch {
		case c.ok && err != nil:
			t.Errorf("Origin %q: refused (%v), want accepted", c.origin, err)
		case !c.ok && err == nil:
			t.Errorf("Origin %q: accepted, want refused", c.origin)
		case !c.ok && (res == nil || res.StatusCode != http.StatusForbidden):
			t.Errorf("Origin %q: %v, want 403", c.origin, res)
		}
	}
}
