package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"reviewdesk/review"
)

// loginStatus posts a login through c and returns the status.
func loginStatus(t *testing.T, c *client, user, password string) int {
	t.Helper()
	return c.try("POST", "/api/login", map[string]string{"user": user, "password": password}, nil)
}

// TestParallelLoginsRespectTheLimit sends many wrong passwords at once: each attempt is counted before its password
// is checked, so no more than the limit get to try one.
func TestParallelLoginsRespectTheLimit(t *testing.T) {
	_, srv := teamServer(t)
	const n = 40
	statuses := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := &client{t: t, url: srv.URL, http: &http.Client{}}
			statuses[i] = loginStatus(t, c, "rita", "wrong password!")
		}()
	}
	wg.Wait()
	count := map[int]int{}
	for _, s := range statuses {
		count[s]++
	}
	if count[401] < 1 || count[401] > loginFailures || count[401]+count[429] != n {
		t.Fatalf("%d parallel wrong logins: %v; want at most %d with 401 and the rest 429", n, count, loginFailures)
	}
}

// loginAs posts a login as if from addr (in X-Real-IP) with a device cookie ("" for none), and returns the status,
// the JSON answer and the device cookie it sets.
func loginAs(t *testing.T, h http.Handler, addr, device, user, password string) (int, map[string]string, string) {
	t.Helper()
	b, _ := json.Marshal(map[string]string{"user": user, "password": password})
	req := httptest.NewRequest("POST", "/api/login", bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Real-IP", addr)
	if device != "" {
		req.AddCookie(&http.Cookie{Name: deviceCookie, Value: device})
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	var e map[string]string
	json.Unmarshal(w.Body.Bytes(), &e)
	for _, c := range w.Result().Cookies() {
		if c.Name == deviceCookie {
			if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/api/login" {
				t.Fatalf("device cookie %+v", c)
			}
			device = c.Value
		}
	}
	return w.Code, e, device
}

// Behind a proxy every connection comes from the proxy: with --proxy-header, the limiter and the audit log see the
// client's address instead, so one client's failures do not hold back another's logins.
func TestProxyHeaderGivesTheClientAddress(t *testing.T) {
	svc, _ := teamServer(t)
	h := svc.ServeHandler(nil, ServeOptions{ProxyHeader: "X-Real-IP"})
	for i := range loginFailuresPerIP {
		if status, e, _ := loginAs(t, h, "203.0.113.7", "", fmt.Sprintf("guess%d", i), "wrong password!"); status != 401 {
			t.Fatalf("failure %d: %d %v", i, status, e)
		}
	}
	if status, _, _ := loginAs(t, h, "203.0.113.7", "", "ren", "correct horse ren"); status != 429 {
		t.Fatalf("the guessing address logs in past its limit: %d", status)
	}
	if status, e, _ := loginAs(t, h, "198.51.100.2", "", "ren", "correct horse ren"); status != 200 {
		t.Fatalf("another client behind the same proxy is held back: %d %v", status, e)
	}
	var client string
	if err := queryRow(t, svc, `SELECT json_extract(after, '$.client') FROM audit WHERE action = 'login.failed'
		ORDER BY id DESC LIMIT 1`).Scan(&client); err != nil || client != "203.0.113.7" {
		t.Fatalf("the audit log records the failed login from %q (%v), want 203.0.113.7", client, err)
	}

	// Without the option the header is the client's word, and ignored: everyone is the connection's address.
	svc, _ = teamServer(t)
	h = svc.Handler(nil)
	for i := range loginFailuresPerIP {
		loginAs(t, h, fmt.Sprintf("203.0.113.%d", i), "", fmt.Sprintf("guess%d", i), "wrong password!")
	}
	if status, _, _ := loginAs(t, h, "198.51.100.2", "", "ren", "correct horse ren"); status != 429 {
		t.Fatalf("an untrusted X-Real-IP header was believed: %d", status)
	}
}

// Someone guessing at a user's password, or at everyone's from a shared address, must not keep that user out of a
// browser they have logged in from before; a browser they have not waits out the window.
func TestDeviceCookieOutlastsOthersFailures(t *testing.T) {
	svc, _ := teamServer(t)
	h := svc.ServeHandler(nil, ServeOptions{ProxyHeader: "X-Real-IP"})
	const office = "203.0.113.7"
	status, e, ada := loginAs(t, h, office, "", "ada", "correct horse ada")
	if status != 200 || ada == "" {
		t.Fatalf("first login: %d %v, device cookie %q", status, e, ada)
	}
	for i := range loginFailures {
		loginAs(t, h, office, "", "ada", fmt.Sprintf("guess %d", i))
	}
	for i := range loginFailuresPerIP {
		loginAs(t, h, office, "", fmt.Sprintf("guess%d", i), "wrong password!")
	}
	if status, _, _ := loginAs(t, h, office, "", "ada", "correct horse ada"); status != 429 {
		t.Fatalf("a new browser logs in past both limits: %d", status)
	}
	if status, _, _ := loginAs(t, h, office, "", "ren", "correct horse ren"); status != 429 {
		t.Fatalf("a new browser logs in past the address's limit: %d", status)
	}
	if status, e, _ := loginAs(t, h, office, ada, "ada", "correct horse ada"); status != 200 {
		t.Fatalf("ada's own browser is held back by others' failures: %d %v", status, e)
	}
	// The cookie is ada's only: it does not lift the limits for another name.
	if status, _, _ := loginAs(t, h, office, ada, "ren", "correct horse ren"); status != 429 {
		t.Fatalf("ada's device cookie let ren's login past the address's limit: %d", status)
	}
	// And it is limited itself.
	for i := range loginFailures {
		if status, _, _ := loginAs(t, h, office, ada, "ada", fmt.Sprintf("guess %d", i)); status != 401 {
			t.Fatalf("failure %d with the device cookie: %d", i, status)
		}
	}
	if status, _, _ := loginAs(t, h, office, ada, "ada", "correct horse ada"); status != 429 {
		t.Fatalf("the device cookie has no limit of its own: %d", status)
	}
}

// A forged or another user's device cookie is no device cookie.
func TestDeviceCookieIsBoundToItsUser(t *testing.T) {
	var l loginLimiter
	c := l.newDevice("ada")
	if l.device("ada", c) == "" {
		t.Fatal("ada's own cookie is refused")
	}
	id, _, _ := strings.Cut(c, ".")
	for _, bad := range []string{"", c + "x", id + ".forged", "nodot"} {
		if l.device("ada", bad) != "" {
			t.Errorf("cookie %q accepted", bad)
		}
	}
	if l.device("ren", c) != "" {
		t.Error("ada's cookie accepted for ren")
	}
	if got := l.loginKeys("ren", "2001:db8:1:2:3:4:5:6", c); len(got) != 2 || got[1] != "ip:2001:db8:1:2::/64" {
		t.Errorf("keys for ren from an IPv6 address: %v", got)
	}
}

// The limiter's map holds keys that attackers choose; expired ones must go once new ones have doubled the map.
func TestLoginLimiterForgetsExpiredKeys(t *testing.T) {
	var l loginLimiter
	t0 := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	for i := range 5000 {
		l.reserve([]string{fmt.Sprintf("user:early%d", i), fmt.Sprintf("ip:198.51.%d.%d", i/256, i%256)}, t0)
	}
	peak := len(l.failures)
	for i := range peak + 2000 {
		l.reserve([]string{fmt.Sprintf("user:late%d", i)}, t0.Add(loginWindow+time.Duration(i)*time.Millisecond))
		if n := len(l.failures); n > 2*peak {
			t.Fatalf("%d keys, over twice the %d live ones", n, peak)
		}
	}
	for k := range l.failures {
		if !strings.HasPrefix(k, "user:late") {
			t.Fatalf("expired key %s is still there among %d", k, len(l.failures))
		}
	}
}

// TestSoloServeAnswersOnlyLocalHosts: a server without accounts refuses host names a web page could point at it
// (DNS rebinding), unless named with --allowed-host; the desktop window and team servers answer to any.
func TestSoloServeAnswersOnlyLocalHosts(t *testing.T) {
	solo := testService(t, 1)
	h := solo.ServeHandler(nil, ServeOptions{AllowedHosts: []string{"Box.Example.LAN", "other.example:8080"}})
	for host, want := range map[string]int{
		"127.0.0.1:8080": 200, "[::1]:8080": 200, "10.0.0.5": 200, "localhost:8080": 200, "LOCALHOST": 200,
		"wails.localhost": 200, "app.localhost.": 200, "box.example.lan:8080": 200, "other.example": 200,
		"attacker.example": 403, "localhost.attacker.example": 403, "127.0.0.1.nip.io": 403, "wails": 403, "": 403,
	} {
		t.Run(host, func(t *testing.T) {
			req := httptest.NewRequest("GET", "/api/me", nil)
			req.Host = host
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			if w.Code != want {
				t.Fatalf("Host %q: %d, want %d: %s", host, w.Code, want, w.Body)
			}
			if want == 403 {
				var e map[string]string
				json.Unmarshal(w.Body.Bytes(), &e)
				if e["code"] != review.Forbidden || !strings.Contains(e["message"], "--allowed-host") || strings.Contains(w.Body.String(), solo.soloCSRF) {
					t.Fatalf("refusal: %s", w.Body)
				}
			}
		})
	}
	// The desktop window mounts Handler itself, reached in process as wails://wails or http://wails.localhost.
	for _, host := range []string{"wails", "wails.localhost"} {
		req := httptest.NewRequest("GET", "/api/me", nil)
		req.Host = host
		w := httptest.NewRecorder()
		solo.Handler(nil).ServeHTTP(w, req)
		if w.Code != 200 {
			t.Fatalf("desktop window on Host %q: %d %s", host, w.Code, w.Body)
		}
	}
	team, _ := teamServer(t)
	req := httptest.NewRequest("GET", "/api/me", nil)
	req.Host = "review.example.com"
	req.Header.Set("Authorization", "Bearer token-rita")
	w := httptest.NewRecorder()
	team.ServeHandler(nil, ServeOptions{}).ServeHTTP(w, req)
	if w.Code != 200 {
		t.Fatalf("team server on its own name: %d %s", w.Code, w.Body)
	}
}

func TestTooLargeJSONBody(t *testing.T) {
	_, srv := teamServer(t)
	c := &client{t: t, url: srv.URL, http: srv.Client(), bearer: "token-rita"}
	var e map[string]string
	status := c.try("POST", "/api/hints", map[string]string{"summary": strings.Repeat("a", maxJSONBody)}, &e)
	if status != 400 || e["code"] != review.Invalid || !strings.Contains(e["message"], "larger than") {
		t.Fatalf("a body over %d bytes: %d %v", maxJSONBody, status, e)
	}
}

// TestCSRFOnEveryChange sends every state-changing endpoint a request with a valid session and no CSRF token, which
// must be refused, and one with the token, which must not be refused for CSRF.
func TestCSRFOnEveryChange(t *testing.T) {
	svc, srv := teamServer(t)
	ctx := context.Background()
	for pattern := range endpointRoles {
		method, path, _ := strings.Cut(pattern, " ")
		if method == "GET" {
			continue
		}
		path = strings.NewReplacer("{id}", "7000000000003", "{name}", "ren").Replace(path)
		for _, withToken := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s token=%v", pattern, withToken), func(t *testing.T) {
				session := randomToken()
				if err := svc.st.CreateSession(ctx, "ada", session, time.Hour); err != nil {
					t.Fatal(err)
				}
				req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader("{}"))
				req.Header.Set("Content-Type", "application/json")
				req.AddCookie(&http.Cookie{Name: sessionCookie, Value: session})
				if withToken {
					req.Header.Set(csrfHeader, svc.csrfFor(session))
				}
				res, err := srv.Client().Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer res.Body.Close()
				var e map[string]string
				json.NewDecoder(res.Body).Decode(&e)
				refused := res.StatusCode == 403 && strings.Contains(e["message"], csrfHeader)
				if refused == withToken {
					t.Fatalf("status %d %v; want refused for CSRF: %v", res.StatusCode, e, !withToken)
				}
			})
		}
	}
}

func TestHSTS(t *testing.T) {
	for _, secure := range []bool{false, true} {
		svc := testService(t, 1)
		svc.cfg.SecureCookies = secure
		w := httptest.NewRecorder()
		svc.Handler(nil).ServeHTTP(w, httptest.NewRequest("GET", "/api/health", nil))
		if got := w.Header().Get("Strict-Transport-Security"); (got != "") != secure {
			t.Errorf("secure %v: Strict-Transport-Security %q", secure, got)
		}
	}
}
