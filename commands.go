package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
)

// command is one subcommand of the binary. The table below is the one list of them:
// dispatch, `help` and `--help` all read it.
type command struct {
	name    string
	summary string
	// run runs the command with the arguments after its name and returns the exit
	// status: 0 on success, 1 on failure, 2 for a bad command line.
	run func(args []string, stderr io.Writer, log *slog.Logger) int
}

// commands lists every command; serve is the default when the first argument is a flag
// or there is none. (It is filled in init: help reads the table it is in.)
var commands []command

func init() {
	commands = []command{
		{"serve", "serve the API, the dashboard and the exports (the default)", serveCommand},
		{"import", "load a dataset file into a database, in one transaction", importCommand},
		{"export", "write a whole database as a dataset file to standard output", exportCommand},
		{"generate", "fill an empty database with a deterministic synthetic world", generateCommand},
		{"help", "list the commands, or show one command's flags: help <command>", helpCommand},
	}
}

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	slog.SetDefault(log)
	os.Exit(dispatch(os.Args[1:], os.Stderr, log))
}

// dispatch runs the command args name, serve when they start with a flag or are empty.
func dispatch(args []string, stderr io.Writer, log *slog.Logger) int {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
			usage(stderr)
			return 0
		}
		return serveCommand(args, stderr, log)
	}
	if c := lookup(args[0]); c != nil {
		return c.run(args[1:], stderr, log)
	}
	fmt.Fprintf(stderr, "unknown command %q\n\n", args[0])
	usage(stderr)
	return 2
}

func lookup(name string) *command {
	for i := range commands {
		if commands[i].name == name {
			return &commands[i]
		}
	}
	return nil
}

// usage lists the commands.
func usage(w io.Writer) {
	fmt.Fprintf(w, "usage: diplomacy-timeline [command] [flags]\n\ncommands:\n")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "\n`diplomacy-timeline help <command>` (or `<command> --help`) shows a command's flags.\n")
}

// helpCommand lists the commands, or shows the flags of the one named (help's own help is
// the list).
func helpCommand(args []string, stderr io.Writer, log *slog.Logger) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stderr)
		return 0
	}
	c := lookup(args[0])
	if c == nil {
		fmt.Fprintf(stderr, "unknown command %q\n\n", args[0])
		usage(stderr)
		return 2
	}
	return c.run([]string{"--help"}, stderr, log)
}

// serveCommand parses the server's configuration and serves until a signal stops it.
func serveCommand(args []string, stderr io.Writer, log *slog.Logger) int {
	cfg, err := parseConfig(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		return 0
	case err != nil:
		fmt.Fprintf(stderr, "diplomacy-timeline: %v\n", err)
		return 2
	}
	if err := run(cfg, log); err != nil {
		log.Error("exiting", "err", err)
		return 1
	}
	return 0
}

// generateCommand runs generate.
func generateCommand(args []string, _ io.Writer, log *slog.Logger) int {
	return exitStatus(generate(args, log), func(err error) {
		log.Error("generate failed", "err", err)
	})
}

// exitStatus is the exit status of a command that returned err: 0 on success and for
// --help, 2 for a bad command line (errUsage: the usage was printed), and 1 for any other
// failure, after report has told it, each command in its own way.
func exitStatus(err error, report func(error)) int {
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	}
	report(err)
	return 1
}
