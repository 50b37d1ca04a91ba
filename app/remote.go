package app

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"time"

	"reviewdesk/review"
)

// Remote is the desktop window's way to a team server: it forwards every request of the window (the UI and /api)
// to the server, acting as the client. It keeps the session cookie itself rather than relying on the web view's
// cookie store for the window's custom scheme, and speaks to the server as the server's own origin.
type Remote struct {
	target *url.URL
	jar    http.CookieJar
	proxy  *httputil.ReverseProxy
}

// NewRemote checks that server answers as a reviewdesk and returns a handler that forwards to it.
func NewRemote(ctx context.Context, server string) (*Remote, error) {
	u, err := url.Parse(strings.TrimRight(server, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, review.Errorf(review.Invalid, "server %q: give a URL such as https://review.example.com", server)
	}
	jar, _ := cookiejar.New(nil)
	rm := &Remote{target: u, jar: jar}
	client := &http.Client{Timeout: 10 * time.Second, Jar: jar}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u.String()+"/api/health", nil)
	res, err := client.Do(req)
	if err != nil {
		return nil, review.Errorf(review.Unavailable, "cannot reach %s: %v", u, err)
	}
	defer res.Body.Close()
	var h struct {
		App, Version, Mode string
	}
	if res.StatusCode != http.StatusOK || json.NewDecoder(res.Body).Decode(&h) != nil || h.App != "reviewdesk" {
		return nil, review.Errorf(review.Unavailable, "%s does not answer as a reviewdesk server (GET /api/health: %s)", u, res.Status)
	}
	rm.proxy = &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(u)
			pr.Out.Host = u.Host
			pr.Out.Header.Del("Cookie")
			pr.Out.Header.Del("Origin")
			pr.Out.Header.Del("Referer")
			for _, c := range jar.Cookies(pr.Out.URL) {
				pr.Out.AddCookie(c)
			}
		},
		ModifyResponse: func(res *http.Response) error {
			if cs := res.Cookies(); len(cs) > 0 {
				jar.SetCookies(res.Request.URL, cs)
				res.Header.Del("Set-Cookie")
			}
			return nil
		},
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			writeJSON(w, http.StatusBadGateway, map[string]string{"code": review.Unavailable,
				"message": fmt.Sprintf("the team server %s did not answer: %v", u, err)})
		},
	}
	return rm, nil
}

// URL is the server's address.
func (rm *Remote) URL() string { return rm.target.String() }

func (rm *Remote) ServeHTTP(w http.ResponseWriter, r *http.Request) { rm.proxy.ServeHTTP(w, r) }

// Switch is the desktop window's handler: the local service, or a team server after Connect.
type Switch struct {
	mu     sync.RWMutex
	local  http.Handler
	remote *Remote
}

// NewSwitch starts on local (nil when the window was started with --server).
func NewSwitch(local http.Handler) *Switch { return &Switch{local: local} }

func (sw *Switch) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	sw.mu.RLock()
	h := sw.local
	if sw.remote != nil {
		h = sw.remote
	}
	sw.mu.RUnlock()
	if h == nil {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"code": review.Unavailable, "message": "not connected to a server"})
		return
	}
	h.ServeHTTP(w, r)
}

// Connect sends every request to a team server from now on.
func (sw *Switch) Connect(ctx context.Context, server string) error {
	rm, err := NewRemote(ctx, server)
	if err != nil {
		return err
	}
	sw.mu.Lock()
	sw.remote = rm
	sw.mu.Unlock()
	return nil
}

// Disconnect returns to the local database.
func (sw *Switch) Disconnect() error {
	sw.mu.Lock()
	defer sw.mu.Unlock()
	if sw.local == nil {
		return review.Errorf(review.Invalid, "this window was started with --server and has no local database")
	}
	sw.remote = nil
	return nil
}

// HasLocal reports whether there is a local database to go back to.
func (sw *Switch) HasLocal() bool { return sw.local != nil }

// Server is the team server in use, "" for the local database.
func (sw *Switch) Server() string {
	sw.mu.RLock()
	defer sw.mu.RUnlock()
	if sw.remote == nil {
		return ""
	}
	return sw.remote.URL()
}
