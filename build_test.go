package main

import (
	"errors"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestServerBuildLeavesWailsOut lists the packages `go build -tags server` compiles (make server) and fails if Wails is
// among them: the server binary runs where no desktop libraries exist, and nothing else in the tests builds it. The
// desktop build is listed too, so that a renamed Wails module cannot make the check pass by matching nothing.
func TestServerBuildLeavesWailsOut(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("the go tool is not on PATH, so the server build's dependencies cannot be listed")
	}
	const wails = "github.com/wailsapp/"
	for _, tc := range []struct {
		name      string
		args      []string
		wantWails bool
	}{
		{"server", []string{"-tags", "server"}, false},
		{"desktop", nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append(append([]string{"list"}, tc.args...), "-deps", ".")
			out, err := exec.Command("go", args...).Output()
			if err != nil {
				var exit *exec.ExitError
				if errors.As(err, &exit) {
					t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, exit.Stderr)
				}
				t.Fatalf("go %s: %v", strings.Join(args, " "), err)
			}
			deps := strings.Fields(string(out))
			if !slices.Contains(deps, "reviewdesk/app") {
				t.Fatalf("go %s does not list reviewdesk/app; got %d packages", strings.Join(args, " "), len(deps))
			}
			var found []string
			for _, p := range deps {
				if strings.HasPrefix(p, wails) {
					found = append(found, p)
				}
			}
			switch {
			case tc.wantWails && len(found) == 0:
				t.Fatalf("the %s build lists no %s package: this test would no longer notice Wails in the server build", tc.name, wails)
			case !tc.wantWails && len(found) > 0:
				t.Fatalf("the %s build pulls in Wails (check the //go:build server and !server files): %s", tc.name,
					strings.Join(found, ", "))
			}
		})
	}
}
