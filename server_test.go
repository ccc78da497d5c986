package main

import "testing"

func TestParseConfig(t *testing.T) {
	t.Setenv("ADDR", ":9999")
	t.Setenv("DATABASE_URL", "env.db")
	t.Setenv("API_TOKEN", "from-env")
	c, err := parseConfig(nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.addr != ":9999" || c.dsn != "env.db" || c.token != "from-env" {
		t.Fatalf("environment not used: %+v", c)
	}
	c, err = parseConfig([]string{"--addr", ":1", "--db", "flag.db", "--token", "from-flag"})
	if err != nil {
		t.Fatal(err)
	}
	if c.addr != ":1" || c.dsn != "flag.db" || c.token != "from-flag" {
		t.Fatalf("flags must win over the environment: %+v", c)
	}
	if _, err := parseConfig([]string{"--nope"}); err == nil {
		t.Fatal("an unknown flag must be an error")
	}
	if c, err := parseConfig([]string{"--public-url", "https://timeline.example/dt/"}); err != nil || c.publicURL != "https://timeline.example/dt" {
		t.Fatalf("--public-url https://timeline.example/dt/: %q, %v", c.publicURL, err)
	}
	for _, bad := range []string{"timeline.example", "ftp://timeline.example", "https://", "https://a.example/?x=1", "https://a.example/#top"} {
		if _, err := parseConfig([]string{"--public-url", bad}); err == nil {
			t.Errorf("--public-url %q: no error", bad)
		}
	}
}

func TestRedact(t *testing.T) {
	if got := redact("postgres://u:secret@h/db"); got != "postgres://u:xxxxx@h/db" {
		t.Fatalf("redact = %q", got)
	}
	if got := redact("diplomacy.db"); got != "diplomacy.db" {
		t.Fatalf("redact = %q", got)
	}
}
