package app

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net"
	"net/http"
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

// loginLimiter counts failed logins per user name and per client address; past the limit, logins wait.
type loginLimiter struct {
	mu       sync.Mutex
	failures map[string][]time.Time
}

// A name gets few tries; an address more, since an office may share one address behind NAT.
const (
	loginWindow        = 5 * time.Minute
	loginFailures      = 5
	loginFailuresPerIP = 20
)

func (l *loginLimiter) wait(keys []string, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	var longest time.Duration
	for _, k := range keys {
		limit := loginFailures
		if strings.HasPrefix(k, "ip:") {
			limit = loginFailuresPerIP
		}
		recent := l.failures[k][:0]
		for _, t := range l.failures[k] {
			if now.Sub(t) < loginWindow {
				recent = append(recent, t)
			}
		}
		l.failures[k] = recent
		if len(recent) >= limit {
			longest = max(longest, loginWindow-now.Sub(recent[0]))
		}
	}
	return longest
}

func (l *loginLimiter) fail(keys []string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, k := range keys {
		l.failures[k] = append(l.failures[k], now)
	}
}

func (l *loginLimiter) reset(keys []string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, k := range keys {
		delete(l.failures, k)
	}
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

// Login checks a password and starts a session, returning its token and CSRF token.
func (s *Service) Login(ctx context.Context, user, password, client string) (review.User, string, string, error) {
	keys := []string{"user:" + user, "ip:" + client}
	if d := s.logins.wait(keys, s.now()); d > 0 {
		return review.User{}, "", "", review.Errorf(review.RateLimited, "too many failed logins; try again in %d seconds", int(d.Seconds())+1)
	}
	u, hash, err := s.st.User(ctx, user)
	if err != nil && review.ErrorCode(err) != review.NotFound {
		return u, "", "", err
	}
	if err != nil {
		hash = string(dummyHash())
	}
	if bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) != nil || err != nil || u.Disabled {
		s.logins.fail(keys, s.now())
		s.st.Audit(ctx, user, "login.failed", user, map[string]string{"client": client})
		return u, "", "", review.Errorf(review.Unauthorized, "wrong user name or password")
	}
	s.logins.reset(keys[:1])
	token := randomToken()
	if err := s.st.CreateSession(ctx, u.Name, token, sessionTTL); err != nil {
		return u, "", "", err
	}
	return u, token, s.csrfFor(token), nil
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
	u, token, csrf, err := s.Login(r.Context(), req.User, req.Password, clientIP(r))
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true, Secure: s.cfg.SecureCookies,
		SameSite: http.SameSiteStrictMode, MaxAge: int(sessionTTL.Seconds())})
	return writeJSON(w, http.StatusOK, map[string]any{"user": u.Name, "role": u.Role, "csrf": csrf})
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
