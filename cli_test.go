package main

import (
	"net"
	"net/http"
	"os"
	"os/exec"
	"testing"
	"time"
)

// Tests that need reviewdesk as a real process (crashes, logs) run this test binary again as the CLI.
func TestMain(m *testing.M) {
	if os.Getenv("REVIEWDESK_AS_CLI") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// cli returns a command that runs reviewdesk with args.
func cli(args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "REVIEWDESK_AS_CLI=1")
	return cmd
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func waitReady(base string) bool {
	for range 200 {
		res, err := http.Get(base + "/api/health")
		if err == nil {
			res.Body.Close()
			return true
		}
		time.Sleep(10 * time.Millisecond)
	}
	return false
}
