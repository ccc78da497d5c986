package main

import (
	"strings"
	"testing"
)

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

// TestConfigEnvironmentIsStrict: a variable that its flag does not take, or a negative
// limit, stops the server with an error naming the variable; a flag given on the command
// line wins over its variable.
func TestConfigEnvironmentIsStrict(t *testing.T) {
	for _, c := range []struct {
		env, value string
		ok         bool
		check      func(config) bool
	}{
		{"TRUST_PROXY", "yes", false, nil},
		{"TRUST_PROXY", "true", true, func(c config) bool { return c.limits.TrustProxy }},
		{"NO_INTROSPECTION", "1", true, func(c config) bool { return c.noIntrospection }},
		{"RATE_LIMIT", "off", false, nil},
		{"RATE_LIMIT", "0", true, func(c config) bool { return c.limits.Rate == 0 }},
		{"RATE_LIMIT", "-1", false, nil},
		{"MAX_DEPTH", "twelve", false, nil},
		{"MAX_DEPTH", "-3", false, nil},
		{"MAX_DEPTH", "7", true, func(c config) bool { return c.limits.MaxDepth == 7 }},
		{"MAX_BODY_BYTES", "1MiB", false, nil},
		{"REQUEST_TIMEOUT", "10", false, nil},
		{"REQUEST_TIMEOUT", "3s", true, func(c config) bool { return c.limits.Timeout.Seconds() == 3 }},
		{"DB_MAX_CONNS", "many", false, nil},
		{"MAX_FRAGMENTS", "7", true, func(c config) bool { return c.limits.MaxFragments == 7 }},
		{"MAX_VALUES", "lots", false, nil},
		{"QUERY_CACHE_BYTES", "16MiB", false, nil},
		{"APQ_CACHE_BYTES", "1048576", true, func(c config) bool { return c.limits.APQCacheBytes == 1<<20 && c.limits.QueryCacheBytes == 16<<20 }},
		{"MAX_CACHED_QUERY_BYTES", "-1", false, nil},
	} {
		t.Run(c.env+"="+c.value, func(t *testing.T) {
			t.Setenv(c.env, c.value)
			got, err := parseConfig(nil)
			if !c.ok {
				if err == nil || !strings.Contains(err.Error(), c.env) {
					t.Fatalf("want an error naming %s, got %v", c.env, err)
				}
				return
			}
			if err != nil || !c.check(got) {
				t.Fatalf("err %v, config %+v", err, got)
			}
		})
	}
	t.Run("flag wins", func(t *testing.T) {
		t.Setenv("MAX_DEPTH", "not a number")
		c, err := parseConfig([]string{"--max-depth", "5"})
		if err != nil || c.limits.MaxDepth != 5 {
			t.Fatalf("--max-depth 5 over MAX_DEPTH: %d, %v", c.limits.MaxDepth, err)
		}
	})
	t.Run("negative flag", func(t *testing.T) {
		if _, err := parseConfig([]string{"--burst", "-1"}); err == nil || !strings.Contains(err.Error(), "--burst") {
			t.Fatalf("--burst -1: %v", err)
		}
	})
}

// TestCommands: --help and help list every command of the table; an unknown command is
// refused with exit status 2 and the same list, without starting a server.
func TestCommands(t *testing.T) {
	listsAll := func(t *testing.T, out string) {
		t.Helper()
		for _, c := range commands {
			if !strings.Contains(out, "  "+c.name+" ") {
				t.Errorf("command %q missing from:\n%s", c.name, out)
			}
		}
	}
	for _, n := range []string{"serve", "import", "export", "generate", "help"} {
		if lookup(n) == nil {
			t.Errorf("no command %q", n)
		}
	}
	for _, args := range [][]string{{"--help"}, {"-h"}} {
		var out strings.Builder
		if code := dispatch(args, &out, nil); code != 0 {
			t.Errorf("%v: exit %d", args, code)
		}
		listsAll(t, out.String())
	}
	var out strings.Builder
	if code := dispatch([]string{"nope"}, &out, nil); code != 2 {
		t.Errorf("unknown command: exit %d, want 2", code)
	}
	if !strings.Contains(out.String(), `unknown command "nope"`) {
		t.Errorf("unknown command: %q", out.String())
	}
	listsAll(t, out.String())
	out.Reset()
	usage(&out)
	listsAll(t, out.String())
}

// TestHelpCommand: help lists the commands (help help too) and refuses an unknown one.
func TestHelpCommand(t *testing.T) {
	for _, c := range []struct {
		args []string
		code int
		has  string
	}{
		{[]string{"help"}, 0, "commands:"},
		{[]string{"help", "help"}, 0, "commands:"},
		{[]string{"help", "nope"}, 2, `unknown command "nope"`},
	} {
		var out strings.Builder
		if code := dispatch(c.args, &out, nil); code != c.code || !strings.Contains(out.String(), c.has) {
			t.Errorf("%v: exit %d, want %d; output %q, want it to hold %q", c.args, code, c.code, out.String(), c.has)
		}
	}
}
