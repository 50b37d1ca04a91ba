// Package app holds reviewdesk's use cases (one Service), the HTTP API under /api that both the browser and the
// desktop window use, and the desktop shell. It wires store, ingest, exporter and llm together; the rules of the
// domain stay in review.
package app

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"reviewdesk/review"
	"reviewdesk/store"
)

// Config is what main passes down.
type Config struct {
	// User is who works in solo mode (the desktop, or serve without accounts).
	User string
	// Rules is the hint rule set; nil means the embedded default.
	Rules *review.RuleSet
	Log   *slog.Logger
	Now   func() time.Time
	// LocalFiles lets API clients name files on this machine to import and export to: true for the desktop window,
	// where the native dialogs choose them; false for a server, where clients upload and download instead.
	LocalFiles bool
	// Team makes the API require logins (a server with accounts); otherwise User works alone with every role.
	Team bool
	// SecureCookies marks session cookies Secure: set when the server is reached over TLS, directly or through a proxy.
	SecureCookies bool
	// Copilot is the LLM assistant; nil when none is configured.
	Copilot review.Copilot
	// RulesFromFile: Rules came from a file given at start, which takes precedence over rules saved in the database.
	RulesFromFile bool
}

// Service is every use case of reviewdesk.
type Service struct {
	st   *store.Store
	cfg  Config
	log  *slog.Logger
	now  func() time.Time
	jobs *jobs

	soloCSRF string
	logins   loginLimiter
	// indexLeft is how many items wait for the search index, as the indexer last saw.
	indexLeft atomic.Int64
	// lastWrite is when the API last took a state-changing request (Unix nanoseconds): the indexer works in
	// small batches while people are deciding and in large ones while nobody is.
	lastWrite atomic.Int64

	mu      sync.RWMutex
	rules   *review.RuleSet
	project *review.Project
	// rulesReady is closed once rules holds the rules New started compiling (see loadRules).
	rulesReady chan struct{}
}

// New returns a service on an open store.
func New(ctx context.Context, st *store.Store, cfg Config) (*Service, error) {
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.User == "" {
		cfg.User = "reviewer"
	}
	s := &Service{st: st, cfg: cfg, log: cfg.Log, now: cfg.Now, jobs: newJobs(), soloCSRF: randomToken(),
		logins: loginLimiter{failures: map[string][]time.Time{}}, rulesReady: make(chan struct{})}
	if err := s.loadProject(ctx); err != nil {
		return nil, err
	}
	if err := s.loadRules(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// Store is the service's database.
func (s *Service) Store() *store.Store { return s.st }

func (s *Service) loadProject(ctx context.Context) error {
	rubric, err := s.st.Rubric(ctx)
	if err != nil {
		return err
	}
	p := review.NewProject(rubric)
	var q review.QueuePolicy
	if ok, err := s.st.Setting(ctx, store.KeyQueue, &q); err != nil {
		return err
	} else if ok {
		p.Queue = q
	}
	s.mu.Lock()
	s.project = p
	s.mu.Unlock()
	return nil
}

// Project is the current project configuration.
func (s *Service) Project() *review.Project {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.project
}

// Rules is the current hint rule set.
func (s *Service) Rules() *review.RuleSet {
	<-s.rulesReady
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.rules
}

// SetQueuePolicy changes how the queue picks items.
func (s *Service) SetQueuePolicy(ctx context.Context, actor string, q review.QueuePolicy) error {
	if _, err := review.ParseOrder(string(q.Order)); err != nil {
		return err
	}
	if q.Lease < time.Minute || q.Lease > 24*time.Hour {
		return review.Errorf(review.Invalid, "lease %s must be between 1 minute and 24 hours", q.Lease)
	}
	if err := s.st.PutSetting(ctx, actor, store.KeyQueue, q); err != nil {
		return err
	}
	return s.loadProject(ctx)
}

// SetRubric replaces the rubric (criteria, maxima, thresholds).
func (s *Service) SetRubric(ctx context.Context, actor string, r review.Rubric) error {
	if err := r.Validate(); err != nil {
		return review.Errorf(review.Invalid, "rubric: %v", err)
	}
	if err := s.st.PutSetting(ctx, actor, store.KeyRubric, r); err != nil {
		return err
	}
	return s.loadProject(ctx)
}

// Items lists items.
func (s *Service) Items(ctx context.Context, f review.ItemFilter) (review.Page, error) {
	return s.st.Items(ctx, f)
}

// Item returns one item.
func (s *Service) Item(ctx context.Context, id string) (*review.Record, error) {
	return s.st.Item(ctx, id)
}

// History returns an item's decisions.
func (s *Service) History(ctx context.Context, id string) ([]review.Decision, error) {
	if _, err := s.st.Item(ctx, id); err != nil {
		return nil, err
	}
	return s.st.History(ctx, id)
}

// Claim leases the next item to the user.
func (s *Service) Claim(ctx context.Context, user, skip string) (*review.Record, error) {
	return s.st.Claim(ctx, user, s.Project().Queue, skip)
}

// Decide records a user's verdict on an item. An item in dispute between two reviewers is a supervisor's to decide.
func (s *Service) Decide(ctx context.Context, who Identity, id string, sub review.Submission) (review.Decision, error) {
	rec, err := s.st.Item(ctx, id)
	if err != nil {
		return review.Decision{}, err
	}
	if rec.Overlap == review.InDispute && !who.Role.Can(review.RoleSupervisor) {
		return review.Decision{}, review.Errorf(review.Forbidden, "item %s is in dispute between two reviewers; a supervisor decides it", id)
	}
	d, err := s.Project().Decide(rec, sub, who.User, s.now())
	if err != nil {
		return d, err
	}
	return s.st.SaveDecision(ctx, d, sub.Version)
}

// Undo takes back the user's last decision.
func (s *Service) Undo(ctx context.Context, user string) (review.Decision, error) {
	return s.st.Undo(ctx, user, s.Project().Queue.Lease)
}

// Reopen puts a decided item back in the queue.
func (s *Service) Reopen(ctx context.Context, user, id string) error {
	return s.st.Reopen(ctx, id, user)
}

// Hints runs the current rules over a text, as the editor does while a reviewer types. company is the item's, so
// that its own name raises nothing, as at import.
func (s *Service) Hints(summary, source, company string) []review.Hint {
	h := s.Rules().CheckItem(&review.Item{Summary: summary, Source: source, Company: company})
	if h == nil {
		h = []review.Hint{}
	}
	return h
}

// Progress is what a reviewer sees of their own work.
type Progress struct {
	User         string  `json:"user"`
	DoneToday    int     `json:"done_today"`
	Left         int     `json:"left"`
	ItemsPerHour float64 `json:"items_per_hour"`
	SecondsToday float64 `json:"seconds_today"`
}

// Progress returns a reviewer's count for today (local time), what is left in the queue and their pace.
func (s *Service) Progress(ctx context.Context, user string) (Progress, error) {
	now := s.now()
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
	p := Progress{User: user}
	act, err := s.st.Activity(ctx, user, day, day.AddDate(0, 0, 1))
	if err != nil {
		return p, err
	}
	for _, a := range act {
		p.DoneToday += a.Reviewed
		p.SecondsToday += a.Seconds
		if a.Seconds > 0 {
			p.ItemsPerHour = float64(a.Decisions) / (a.Seconds / 3600)
		}
	}
	counts, err := s.st.StatusCounts(ctx)
	if err != nil {
		return p, err
	}
	p.Left = counts[review.Pending] + counts[review.Status(review.Skipped)]
	return p, nil
}
