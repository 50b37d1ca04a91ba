package main

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"os/user"
	"path/filepath"
	"runtime"

	"github.com/spf13/cobra"

	"reviewdesk/app"
	"reviewdesk/review"
	"reviewdesk/store"
)

//go:embed all:frontend/dist
var frontendDist embed.FS

// globals are the flags every command takes.
type globals struct {
	db    string
	user  string
	rules string
	debug bool
	// localFiles lets the API read and write paths on this machine (the desktop window's native dialogs).
	localFiles bool
	// server is the team server the desktop window works on instead of a local database.
	server string
	// team is set by open when the database has accounts: the API then requires logins.
	team          bool
	secureCookies bool
	llm           llmFlags
}

func rootCommand() *cobra.Command {
	g := &globals{}
	root := &cobra.Command{
		Use:   "reviewdesk",
		Short: "Review LLM-written company summaries before they are released",
		Long: `reviewdesk is where people review LLM-written company summaries before release: reviewers accept,
edit or reject each summary beside its source text, with the judge's scores and hints that mark suspect spans;
supervisors watch yield rates; exports write the approved rows to the gold table.

With no command, reviewdesk opens the desktop window on the database (--db). Use "reviewdesk serve" to serve the
same UI to browsers, for example on a machine without a display.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runDesktop(cmd.Context(), g)
		},
	}
	pf := root.PersistentFlags()
	pf.StringVar(&g.db, "db", defaultDB(), "database file (env REVIEWDESK_DB); created if missing")
	pf.StringVar(&g.user, "user", defaultUser(), "who you are in solo mode: recorded on every decision")
	pf.StringVar(&g.rules, "rules", "", "hint rules file (JSON) replacing the built-in rules; see docs/rules.md")
	pf.BoolVar(&g.debug, "debug", false, "log debug messages")
	root.Flags().StringVar(&g.server, "server", "", "open the window on a team server (the URL a reviewdesk serve answers on) instead of a local database")
	g.llm.register(pf)
	root.AddCommand(importCommand(g), hintsCommand(g), statsCommand(g), reportCommand(g), serveCommand(g), demoCommand(g),
		usersCommand(g), judgeCommand(g), backupCommand(g), restoreCommand(g), exportCommand(g), promptsCommand(g),
		keyCommand(g), rehintCommand(g))
	return root
}

// defaultDB is reviewdesk.db in the user's data directory: $XDG_DATA_HOME/reviewdesk on Linux,
// ~/Library/Application Support/reviewdesk on macOS, %AppData%\reviewdesk on Windows.
func defaultDB() string {
	if p := os.Getenv("REVIEWDESK_DB"); p != "" {
		return p
	}
	var dir string
	if runtime.GOOS == "linux" || runtime.GOOS == "freebsd" {
		dir = os.Getenv("XDG_DATA_HOME")
		if dir == "" {
			if home, err := os.UserHomeDir(); err == nil {
				dir = filepath.Join(home, ".local", "share")
			}
		}
	} else if d, err := os.UserConfigDir(); err == nil {
		dir = d
	}
	if dir == "" {
		return "reviewdesk.db"
	}
	return filepath.Join(dir, "reviewdesk", "reviewdesk.db")
}

func defaultUser() string {
	if u, err := user.Current(); err == nil && review.CheckUserName(u.Username) == nil {
		return u.Username
	}
	return "reviewer"
}

func (g *globals) logger() *slog.Logger {
	level := slog.LevelInfo
	if g.debug {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
}

// ruleSet reads the --rules file; nil without one, which means the built-in rules (as app.Config.Rules takes it:
// the service compiles them itself, without holding up its start).
func (g *globals) ruleSet() (*review.RuleSet, error) {
	if g.rules == "" {
		return nil, nil
	}
	b, err := os.ReadFile(g.rules)
	if err != nil {
		return nil, fmt.Errorf("read rules: %w", err)
	}
	rs, err := review.ParseRules(b)
	if err != nil {
		return nil, review.Errorf(review.Invalid, "%s: %v", g.rules, err)
	}
	return rs, nil
}

// open opens the database and the service on it. The caller closes the store.
func (g *globals) open(ctx context.Context) (*store.Store, *app.Service, error) {
	if err := review.CheckUserName(g.user); err != nil {
		return nil, nil, err
	}
	rules, err := g.ruleSet()
	if err != nil {
		return nil, nil, err
	}
	st, err := store.Open(ctx, g.db, store.Options{})
	if err != nil {
		return nil, nil, err
	}
	// A database with accounts is a team's: the API requires logins. The desktop window on a local database is one
	// person's and needs none.
	if !g.localFiles {
		if g.team, err = st.HasUsers(ctx); err != nil {
			st.Close()
			return nil, nil, err
		}
	}
	copilot, err := g.llm.client()
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	svc, err := app.New(ctx, st, app.Config{User: g.user, Rules: rules, RulesFromFile: g.rules != "", Log: g.logger(),
		LocalFiles: g.localFiles, Team: g.team, SecureCookies: g.secureCookies, Copilot: copilot})
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	return st, svc, nil
}

// ui is the embedded frontend, or nil when the binary was built without one.
func ui() fs.FS {
	sub, err := fs.Sub(frontendDist, "frontend/dist")
	if err != nil {
		return nil
	}
	if _, err := fs.Stat(sub, "index.html"); err != nil {
		return nil
	}
	return sub
}
