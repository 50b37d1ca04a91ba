// Command reviewdesk is where people review LLM-written company summaries before they are released.
//
// With no arguments it opens the desktop window on the default database; subcommands import data, serve the same
// UI to browsers, print statistics, run the hint rules, and manage users. `reviewdesk CMD --help` explains each.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"reviewdesk/review"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := rootCommand().ExecuteContext(ctx)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "reviewdesk:", err)
		os.Exit(exitCode(err))
	}
}

// Exit codes: 1 for failures, 2 for bad usage or bad input, 3 for conflicts.
func exitCode(err error) int {
	switch review.ErrorCode(err) {
	case review.Invalid:
		return 2
	case review.Conflict:
		return 3
	}
	var u usageError
	if errors.As(err, &u) {
		return 2
	}
	return 1
}

type usageError struct{ error }
