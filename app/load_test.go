//go:build !race

package app

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"reviewdesk/review"
	"reviewdesk/store"
)

// TestLoad50Reviewers runs 50 reviewer clients at once against a team server over loopback HTTP for a bounded
// time. Each reviewer looks at an item for 50–300 ms before deciding and pauses as long before the next, a hundred
// times faster than a person. It checks that no item is ever held by two reviewers at once, that every decision the
// server acknowledged is in the database, and that claim and decide stay under 20 ms at the 95th percentile. A second
// run without any pause measures what the server sustains when saturated; its latency is reported, not asserted,
// because with no pause 50 clients simply queue. (Latency is meaningless under the race detector, so this test is
// built without it.)
func TestLoad50Reviewers(t *testing.T) {
	if testing.Short() {
		t.Skip("load test")
	}
	for _, tc := range []struct {
		name   string
		think  time.Duration
		assert bool
	}{{"reviewers", 50 * time.Millisecond, true}, {"saturated", 0, false}} {
		t.Run(tc.name, func(t *testing.T) { loadTest(t, tc.think, tc.assert) })
	}
}

func loadTest(t *testing.T, think time.Duration, assert bool) {
	const (
		clients  = 50
		items    = 20000
		duration = 6 * time.Second
	)
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "load.db"), store.Options{ReadConns: 8})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	svc, err := New(ctx, st, Config{Team: true})
	if err != nil {
		t.Fatal(err)
	}
	im, err := st.BeginImport(ctx, "load", "jsonl", "setup", review.Rubric{})
	if err != nil {
		t.Fatal(err)
	}
	rules := svc.Rules()
	for i := range items {
		it := review.Item{ID: fmt.Sprintf("L%07d", i), Company: "株式会社ロード", Summary: fmt.Sprintf("株式会社ロード%dは大阪府の会社です。", i),
			Score: float64(i % 11), MaxScore: 10}
		if _, err := im.Put(&it, rules.Check(it.Summary, ""), rules.Version); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := im.Commit("setup"); err != nil {
		t.Fatal(err)
	}
	for i := range clients {
		name := fmt.Sprintf("r%02d", i)
		if err := st.AddUser(ctx, "setup", review.User{Name: name, Role: review.RoleReviewer}, "unused"); err != nil {
			t.Fatal(err)
		}
		if err := st.AddToken(ctx, "setup", name, "load", "tok-"+name); err != nil {
			t.Fatal(err)
		}
	}
	srv := httptest.NewServer(svc.Handler(nil))
	defer srv.Close()
	transport := &http.Transport{MaxIdleConnsPerHost: clients}

	var (
		mu         sync.Mutex
		holder     = map[string]string{}
		violations []string
		acked      = map[string]review.Verdict{}
		claimLat   []time.Duration
		decideLat  []time.Duration
	)
	deadline := time.Now().Add(duration)
	var wg sync.WaitGroup
	for i := range clients {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			name := fmt.Sprintf("r%02d", i)
			c := &client{t: t, url: srv.URL, http: &http.Client{Transport: transport}, bearer: "tok-" + name}
			rng := rand.New(rand.NewPCG(uint64(i), 1))
			pause := func() {
				if think > 0 {
					time.Sleep(think + time.Duration(rng.Int64N(int64(5*think))))
				}
			}
			for n := 0; time.Now().Before(deadline); n++ {
				pause()
				var got claimed
				t0 := time.Now()
				if status := c.try("POST", "/api/queue/next", nil, &got); status != 200 || got.Item == nil {
					t.Errorf("%s: claim: status %d", name, status)
					return
				}
				d := time.Since(t0)
				id := got.Item.ID
				mu.Lock()
				claimLat = append(claimLat, d)
				if other, held := holder[id]; held && other != name {
					violations = append(violations, fmt.Sprintf("%s claimed %s while %s held it", name, id, other))
				}
				holder[id] = name
				mu.Unlock()
				verdict := review.Accepted
				sub := map[string]any{"verdict": "accepted", "version": got.Item.Version}
				if n%4 == 3 {
					verdict = review.Rejected
					sub = map[string]any{"verdict": "rejected", "reasons": []string{"vague"}, "version": got.Item.Version}
				}
				pause()
				var dr decisionResponse
				t0 = time.Now()
				status := c.try("POST", "/api/items/"+id+"/decision", sub, &dr)
				d = time.Since(t0)
				mu.Lock()
				decideLat = append(decideLat, d)
				delete(holder, id)
				if status == 200 {
					acked[id] = verdict
				} else {
					violations = append(violations, fmt.Sprintf("%s: decision on %s: status %d", name, id, status))
				}
				mu.Unlock()
			}
		}(i)
	}
	wg.Wait()
	for _, v := range violations {
		t.Error(v)
	}
	for id, v := range acked {
		rec, err := st.Item(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if rec.Decision == nil || rec.Decision.Verdict != v {
			t.Errorf("acknowledged decision on %s (%s) is not in the database: %+v", id, v, rec.Decision)
		}
	}
	p := func(xs []time.Duration, q float64) time.Duration {
		slices.Sort(xs)
		return xs[int(q*float64(len(xs)-1))]
	}
	c50, c95, d50, d95 := p(claimLat, .5), p(claimLat, .95), p(decideLat, .5), p(decideLat, .95)
	msg := fmt.Sprintf("%s: %d clients, %.0fs: %d decisions (%.0f/s); claim p50 %v p95 %v; decide p50 %v p95 %v",
		t.Name(), clients, duration.Seconds(), len(acked), float64(len(acked))/duration.Seconds(), c50, c95, d50, d95)
	t.Log(msg)
	if out := os.Getenv("REVIEWDESK_LOAD_REPORT"); out != "" {
		f, err := os.OpenFile(out, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err == nil {
			fmt.Fprintln(f, msg)
			f.Close()
		}
	}
	if assert && (c95 > 20*time.Millisecond || d95 > 20*time.Millisecond) {
		t.Errorf("95th percentile over 20 ms: %s", msg)
	}
}
