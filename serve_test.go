package main

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The server bounds how long a client may take over each part of a request, so that slow or stuck clients cannot
// hold connections for ever (Slowloris).
func TestHTTPServerTimeouts(t *testing.T) {
	srv := newHTTPServer(http.NotFoundHandler())
	for name, d := range map[string]time.Duration{"ReadHeaderTimeout": srv.ReadHeaderTimeout, "ReadTimeout": srv.ReadTimeout,
		"WriteTimeout": srv.WriteTimeout, "IdleTimeout": srv.IdleTimeout} {
		if d <= 0 || d > time.Hour {
			t.Errorf("%s is %v; want a bound of at most an hour", name, d)
		}
	}
	if srv.ReadHeaderTimeout > 30*time.Second {
		t.Errorf("ReadHeaderTimeout is %v; headers need seconds, not minutes", srv.ReadHeaderTimeout)
	}
	if srv.MaxHeaderBytes <= 0 || srv.MaxHeaderBytes > 1<<20 {
		t.Errorf("MaxHeaderBytes is %d", srv.MaxHeaderBytes)
	}
}

func TestServeHelpNamesTheProxyAndHostFlags(t *testing.T) {
	cmd := rootCommand()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs([]string{"serve", "--help"})
	if err := cmd.ExecuteContext(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"--proxy-header", "--allowed-host", "X-Real-IP"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("serve --help does not mention %s:\n%s", want, out.String())
		}
	}
}

// `serve` without accounts refuses a host name a web page could point at it, and answers one named with
// --allowed-host.
func TestServeWithoutAccountsChecksTheHost(t *testing.T) {
	addr := freePort(t)
	cmd := cli("serve", "--db", filepath.Join(t.TempDir(), "solo.db"), "--addr", addr, "--user", "kim",
		"--allowed-host", "box.example.lan,desk.example.lan")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
	}()
	base := "http://" + addr
	if !waitReady(base) {
		t.Fatalf("server did not start: %s", stderr.String())
	}
	for host, want := range map[string]int{"": 200, "attacker.example": 403, "desk.example.lan:8080": 200} {
		req, _ := http.NewRequest("GET", base+"/api/me", nil)
		if host != "" {
			req.Host = host
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != want {
			t.Errorf("Host %q: %d, want %d", host, res.StatusCode, want)
		}
	}
}
