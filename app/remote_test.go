package app

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestRemoteKeepsTheSession drives a team server through the desktop window's forwarder as the web view does:
// without a cookie store of its own, and with the window's origin on every request.
func TestRemoteKeepsTheSession(t *testing.T) {
	_, team := teamServer(t)
	sw := NewSwitch(nil)
	if err := sw.Connect(context.Background(), team.URL); err != nil {
		t.Fatal(err)
	}
	window := httptest.NewServer(sw)
	defer window.Close()
	c := &client{t: t, url: window.URL, http: &http.Client{}} // no jar: the forwarder keeps the cookie
	c.do("GET", "/api/me", nil, 401, nil)
	var login struct{ CSRF string }
	c.do("POST", "/api/login", map[string]string{"user": "rita", "password": "correct horse rita"}, 200, &login)
	c.refresh()
	if c.csrf != login.CSRF {
		t.Fatalf("after login through the forwarder, /api/me should know the session")
	}
	var next claimed
	c.do("POST", "/api/queue/next", nil, 200, &next)
	if next.Item == nil {
		t.Fatal("no item from the team server")
	}
	if sw.Server() != team.URL {
		t.Fatalf("Server() = %q", sw.Server())
	}
	if err := sw.Disconnect(); err == nil || sw.HasLocal() {
		t.Fatal("a window started on a server has no local database to go back to")
	}
	if !NewSwitch(http.NotFoundHandler()).HasLocal() {
		t.Fatal("a window on a local database has one to go back to")
	}
}

func TestRemoteRefusesNonReviewdesk(t *testing.T) {
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"ok":true}`))
	}))
	defer other.Close()
	if _, err := NewRemote(context.Background(), other.URL); err == nil {
		t.Fatal("connected to a server that is not reviewdesk")
	}
	if _, err := NewRemote(context.Background(), "ftp://example"); err == nil {
		t.Fatal("accepted a non-HTTP URL")
	}
}
