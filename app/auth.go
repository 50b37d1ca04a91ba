package app

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"

	"reviewdesk/review"
)

// Team mode: accounts log in with a password and get a session cookie (HttpOnly, SameSite=Strict, Secure behind
// TLS); every state-changing request then carries the session's CSRF token in X-CSRF-Token. Scripts use API tokens
// (Authorization: Bearer), which need no CSRF token because no browser sends them on its own. Solo mode (the desktop
// window, or a server without accounts) has one user with every role, and still checks a CSRF token so that other
// web pages open in the same browser cannot post to it.

const (
	sessionCookie = "reviewdesk_session"
	csrfHeader    = "X-CSRF-Token"
	sessionTTL    = 12 * time.Hour
)

// csrfFor derives a session's CSRF token from its secret token, so that neither is stored: the database keeps only a
// hash of the session token.
func (s *Service) csrfFor(session string) string {
	mac := hmac.New(sha256.New, []byte(session))
	mac.Write([]byte("reviewdesk csrf"))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

func randomToken() string {
	var b [32]byte
	rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// principal is an authenticated request: who, and the CSRF token its state-changing requests must carry ("" for
// API tokens).
type principal struct {
	Identity
	csrf string
}

type principalKey struct{}

func principalOf(r *http.Request) principal {
	p, _ := r.Context().Value(principalKey{}).(principal)
	return p
}

// authenticate sets the request's identity from the session cookie or API token (team mode) or the configured user
// (solo mode).
func (s *Service) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := s.principal(r)
		if err != nil {
			writeError(w, r, err, s)
			return
		}
		ctx := context.WithValue(r.Context(), principalKey{}, p)
		ctx = context.WithValue(ctx, identityKey{}, p.Identity)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

func (s *Service) principal(r *http.Request) (principal, error) {
	if !s.cfg.Team {
		return principal{Identity{User: s.cfg.User, Role: review.RoleAdmin}, s.soloCSRF}, nil
	}
	if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") {
		u, err := s.st.UserByToken(r.Context(), strings.TrimPrefix(h, "Bearer "))
		if err != nil {
			return principal{}, err
		}
		return principal{Identity: Identity{User: u.Name, Role: u.Role}}, nil
	}
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return principal{}, nil
	}
	ss, err := s.st.SessionByToken(r.Context(), c.Value)
	if review.ErrorCode(err) == review.Unauthorized {
		return principal{}, nil // an ended session is the same as none: public endpoints still work
	}
	if err != nil {
		return principal{}, err
	}
	return principal{Identity{User: ss.User.Name, Role: ss.User.Role}, s.csrfFor(c.Value)}, nil
}

// checkCSRF refuses a state-changing request made with a session but without its token.
func checkCSRF(r *http.Request, p principal) error {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return nil
	}
	if p.User == "" || p.csrf == "" {
		return nil // anonymous (public endpoints) or an API token
	}
	if subtle.ConstantTimeCompare([]byte(r.Header.Get(csrfHeader)), []byte(p.csrf)) != 1 {
		return review.Errorf(review.Forbidden, "missing or wrong %s header: reload the page (the token comes with GET /api/me)", csrfHeader)
	}
	return nil
}

// loginLimiter counts failed logins per key and refuses attempts past a key's limit. Keys are:
//
//   - user:NAME, 5 failures: guessing one account's password, from anywhere;
//   - ip:ADDRESS, 20 failures: trying many names from one address (an IPv6 address counts by its /64, which one
//     attacker usually has whole); more than a name, since an office may share one address behind NAT;
//   - device:ID, 5 failures, instead of both: a browser holding a device cookie, which only a successful login of
//     that user gives. So an attacker who exhausts the limits of a name or of an office's address keeps out neither
//     that user nor colleagues on browsers they have logged in from before; only a first login from a new browser
//     waits out the window. The cookie's key lives in memory, so a restart sends everyone back to the first two.
//
// Each attempt is counted before its password is checked (bcrypt takes about 50 ms), so that parallel attempts
// cannot all pass a check made before any of them failed; a success takes its count back.
type loginLimiter struct {
	mu       sync.Mutex
	failures map[string][]time.Time
	// sweepAt is the number of keys at which expired ones are next dropped. Attackers choose the names and the
	// addresses, so the map would otherwise grow for ever; live keys are bounded by the attempts let through in
	// one window, 20 per address and a bcrypt each.
	sweepAt int

	deviceKeyOnce sync.Once
	deviceKey     []byte
}

const (
	loginWindow        = 5 * time.Minute
	loginFailures      = 5
	loginFailuresPerIP = 20
	// loginSweepMin is the map size below which expired keys are left alone.
	loginSweepMin = 1024

	deviceCookie = "reviewdesk_device"
	deviceTTL    = 90 * 24 * time.Hour
)

func loginLimit(key string) int {
	if strings.HasPrefix(key, "ip:") {
		return loginFailuresPerIP
	}
	return loginFailures
}

// reserve counts an attempt against every key, or, if a key is at its limit, counts nothing and returns how long
// until it is not.
func (l *loginLimiter) reserve(keys []string, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.failures == nil {
		l.failures = map[string][]time.Time{}
	}
	l.sweep(now)
	var longest time.Duration
	for _, k := range keys {
		recent := l.failures[k][:0]
		for _, t := range l.failures[k] {
			if now.Sub(t) < loginWindow {
				recent = append(recent, t)
			}
		}
		if len(recent) == 0 {
			delete(l.failures, k)
			continue
		}
		l.failures[k] = recent
		if len(recent) >= loginLimit(k) {
			longest = max(longest, loginWindow-now.Sub(recent[0]))
		}
	}
	if longest > 0 {
		return longest
	}
	for _, k := range keys {
		l.failures[k] = append(l.failures[k], now)
	}
	return 0
}

// succeed takes back the attempt reserved at now: a name or a device starts afresh, while an address keeps its
// other failures, so that logging in to one's own account cannot wipe the count of guesses at others.
func (l *loginLimiter) succeed(keys []string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, k := range keys {
		if !strings.HasPrefix(k, "ip:") {
			delete(l.failures, k)
			continue
		}
		ts := l.failures[k]
		for i := len(ts) - 1; i >= 0; i-- {
			if ts[i].Equal(now) {
				l.failures[k] = append(ts[:i], ts[i+1:]...)
				break
			}
		}
		if len(l.failures[k]) == 0 {
			delete(l.failures, k)
		}
	}
}

// sweep drops keys whose failures have all expired, once the map has doubled since the last sweep, so that its cost
// is spread over the attempts that grew it.
func (l *loginLimiter) sweep(now time.Time) {
	if len(l.failures) < max(l.sweepAt, loginSweepMin) {
		return
	}
	for k, ts := range l.failures {
		if len(ts) == 0 || now.Sub(ts[len(ts)-1]) >= loginWindow {
			delete(l.failures, k)
		}
	}
	l.sweepAt = 2 * len(l.failures)
}

func (l *loginLimiter) deviceMAC(id, user string) string {
	l.deviceKeyOnce.Do(func() {
		l.deviceKey = make([]byte, 32)
		rand.Read(l.deviceKey)
	})
	mac := hmac.New(sha256.New, l.deviceKey)
	mac.Write([]byte(id + "\x00" + user))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// newDevice returns a device cookie value for a browser that user just logged in from.
func (l *loginLimiter) newDevice(user string) string {
	id := randomToken()
	return id + "." + l.deviceMAC(id, user)
}

// device returns the id of a device cookie value if it was given to user, or "".
func (l *loginLimiter) device(user, cookie string) string {
	id, mac, ok := strings.Cut(cookie, ".")
	if !ok || id == "" || !hmac.Equal([]byte(mac), []byte(l.deviceMAC(id, user))) {
		return ""
	}
	return id
}

// loginKeys are the limiter keys of an attempt to log in as user from client with a device cookie ("" for none).
func (l *loginLimiter) loginKeys(user, client, device string) []string {
	if id := l.device(user, device); id != "" {
		return []string{"device:" + id}
	}
	return []string{"user:" + user, "ip:" + addressKey(client)}
}

// addressKey is the part of a client address that one client controls: all of an IPv4 address, the /64 prefix of
// an IPv6 one.
func addressKey(client string) string {
	a, err := netip.ParseAddr(client)
	if err != nil || !a.Unmap().Is6() {
		return client
	}
	p, _ := a.Prefix(64)
	return p.String()
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// dummyHash makes a login for an unknown user cost as much as one for a known user, so timing does not reveal
// which names exist. It is made on first use: at bcryptCost it takes about 100 ms, which every command and every
// start of the window would otherwise wait for.
var dummyHash = sync.OnceValue(func() []byte {
	h, _ := bcrypt.GenerateFromPassword([]byte("reviewdesk-no-such-user"), bcryptCost)
	return h
})

// Session is what a successful login gives the browser.
type Session struct {
	User  review.User
	Token string
	CSRF  string
	// Device is the device cookie that exempts this browser from the limits other people's failures reach.
	Device string
}

// Login checks a password from client (an address, for the limiter and the audit log) and starts a session. device
// is the browser's device cookie, "" for none.
func (s *Service) Login(ctx context.Context, user, password, client, device string) (Session, error) {
	keys := s.logins.loginKeys(user, client, device)
	at := s.now()
	if d := s.logins.reserve(keys, at); d > 0 {
		return Session{}, review.Errorf(review.RateLimited, "too many failed logins; try again in %d seconds", int(d.Seconds())+1)
	}
	u, hash, err := s.st.User(ctx, user)
	if err != nil && review.ErrorCode(err) != review.NotFound {
		return Session{}, err
	}
	if err != nil {
		hash = string(dummyHash())
	}
	if bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) != nil || err != nil || u.Disabled {
		// Recorded even if the client hangs up meanwhile: the entry must not depend on the guesser waiting for it.
		if err := s.st.Audit(context.WithoutCancel(ctx), user, "login.failed", user, map[string]string{"client": client}); err != nil {
			return Session{}, fmt.Errorf("login: record the failed login of %q: %w", user, err)
		}
		return Session{}, review.Errorf(review.Unauthorized, "wrong user name or password")
	}
	s.logins.succeed(keys, at)
	token := randomToken()
	if err := s.st.CreateSession(ctx, u.Name, token, sessionTTL); err != nil {
		return Session{}, err
	}
	return Session{User: u, Token: token, CSRF: s.csrfFor(token), Device: s.logins.newDevice(u.Name)}, nil
}

func (s *Service) handleLogin(w http.ResponseWriter, r *http.Request) error {
	if !s.cfg.Team {
		return review.Errorf(review.Invalid, "this reviewdesk runs without accounts; there is nothing to log in to")
	}
	if o := r.Header.Get("Origin"); o != "" && !sameOrigin(o, r) {
		return review.Errorf(review.Forbidden, "login from another site (%s) refused", o)
	}
	var req struct {
		User     string `json:"user"`
		Password string `json:"password"`
	}
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	var device string
	if c, err := r.Cookie(deviceCookie); err == nil {
		device = c.Value
	}
	ss, err := s.Login(r.Context(), req.User, req.Password, clientIP(r), device)
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: ss.Token, Path: "/", HttpOnly: true, Secure: s.cfg.SecureCookies,
		SameSite: http.SameSiteStrictMode, MaxAge: int(sessionTTL.Seconds())})
	http.SetCookie(w, &http.Cookie{Name: deviceCookie, Value: ss.Device, Path: "/api/login", HttpOnly: true,
		Secure: s.cfg.SecureCookies, SameSite: http.SameSiteStrictMode, MaxAge: int(deviceTTL.Seconds())})
	return writeJSON(w, http.StatusOK, map[string]any{"user": ss.User.Name, "role": ss.User.Role, "csrf": ss.CSRF})
}

func sameOrigin(origin string, r *http.Request) bool {
	o := strings.TrimPrefix(strings.TrimPrefix(origin, "https://"), "http://")
	return o == r.Host
}

func (s *Service) handleLogout(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := s.st.DeleteSession(r.Context(), c.Value); err != nil {
			return err
		}
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true, Secure: s.cfg.SecureCookies,
		SameSite: http.SameSiteStrictMode, MaxAge: -1})
	return writeJSON(w, http.StatusOK, map[string]bool{"logged_out": true})
}
