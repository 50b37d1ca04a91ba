package llm

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"reviewdesk/review"
)

// judgeByItem answers each rescore with scores derived from the item id written into the summary, so that a
// result can be checked against its job; an item whose summary says "broken" gets prose instead of JSON.
func judgeByItem(delay time.Duration) func(seenRequest, int) reply {
	return func(req seenRequest, _ int) reply {
		if strings.Contains(req.user(), "broken") {
			return reply{text: "採点できません。", in: 100, out: 5, delay: delay}
		}
		return reply{text: `{"scores":{"business":4,"third_person":3,"relevance":1}}`, in: 100, out: 20, delay: delay}
	}
}

func jobs(ids ...string) []review.JudgeJob {
	out := make([]review.JudgeJob, len(ids))
	for i, id := range ids {
		in := judgeInput()
		in.Summary = "item " + id + ": " + in.Summary
		out[i] = review.JudgeJob{ItemID: id, Input: in}
	}
	return out
}

func ids(n int, prefix string) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%02d", prefix, i)
	}
	return out
}

// runBatch feeds jobs to a batch and collects its results.
func runBatch(t *testing.T, c *Client, js []review.JudgeJob) ([]review.JudgeResult, error) {
	t.Helper()
	in := make(chan review.JudgeJob)
	out := make(chan review.JudgeResult)
	go func() {
		defer close(in)
		for _, j := range js {
			in <- j
		}
	}()
	errc := make(chan error, 1)
	go func() { errc <- c.RescoreBatch(context.Background(), in, out) }()
	var results []review.JudgeResult
	for {
		select {
		case r := <-out:
			results = append(results, r)
		case err := <-errc:
			return results, err
		}
	}
}

func TestRescoreBatch(t *testing.T) {
	f := newFakeServer(t, judgeByItem(20*time.Millisecond))
	cfg := testConfig(f)
	cfg.Concurrency = 3
	c := newTestClient(t, cfg)
	all := ids(12, "item")
	all[5] = "broken05"
	results, err := runBatch(t, c, jobs(all...))
	if err != nil {
		t.Fatalf("batch: %v", err)
	}
	if len(results) != len(all) {
		t.Fatalf("%d results for %d jobs", len(results), len(all))
	}
	model, version := c.JudgeVersion()
	seen := map[string]bool{}
	for _, r := range results {
		if seen[r.ItemID] {
			t.Errorf("item %s has two results", r.ItemID)
		}
		seen[r.ItemID] = true
		if r.Rescore.Call.Model != model || r.Rescore.Call.TemplateVersion != version {
			t.Errorf("item %s: call %+v, want model %s template %s", r.ItemID, r.Rescore.Call, model, version)
		}
		if r.ItemID == "broken05" {
			if ReasonOf(r.Err) != Malformed || r.Rescore.Call.Err == "" {
				t.Errorf("broken item: err %v call %+v, want a malformed error recorded", r.Err, r.Rescore.Call)
			}
			continue
		}
		if r.Err != nil || r.Rescore.Total != 8 {
			t.Errorf("item %s: %v, total %v", r.ItemID, r.Err, r.Rescore.Total)
		}
	}
	// Each request names its item; a result must carry the id of the job whose text was scored.
	for _, req := range f.requests() {
		if !strings.Contains(req.user(), "item ") {
			t.Errorf("request without an item marker: %.80s", req.user())
		}
	}
	if p := f.peak.Load(); p != 3 {
		t.Errorf("peak concurrent requests = %d, want the 3 workers", p)
	}
}

func TestRescoreBatchRequestsPerMinute(t *testing.T) {
	f := newFakeServer(t, judgeByItem(0))
	cfg := testConfig(f)
	cfg.Concurrency = 2
	cfg.RPM = 600 // 10 a second after a burst of 2 (one per worker)
	c := newTestClient(t, cfg)
	start := time.Now()
	results, err := runBatch(t, c, jobs(ids(5, "r")...))
	elapsed := time.Since(start)
	if err != nil || len(results) != 5 {
		t.Fatalf("batch: %v, %d results", err, len(results))
	}
	// Two go at once, the other three 100 ms apart.
	if elapsed < 280*time.Millisecond || elapsed > 2*time.Second {
		t.Errorf("5 requests at 600 RPM took %s, want about 300ms", elapsed)
	}
}

// The token limit learns from reported usage: a call that used far more than its estimate delays the next one.
func TestTokensPerMinuteSettlesWithUsage(t *testing.T) {
	probe := newTestClient(t, testConfig(newFakeServer(t, script(reply{}))))
	msgs, err := probe.judge.render(newJudgeData(judgeInput(), probe.cfg.MaxSourceRunes))
	if err != nil {
		t.Fatal(err)
	}
	estimate := 40*len(testRubric().Criteria) + 120
	for _, m := range msgs {
		estimate += estimateTokens(m.content) + messageOverhead
	}
	// Refill 5 estimates a second into a bucket of 50: a call reported at 54 leaves the bucket 4 estimates short,
	// and the next waits for those and its own, 1 s. The bounds leave room for a loaded machine under -race.
	tests := []struct {
		name     string
		used     int
		min, max time.Duration
	}{
		{"usage as estimated", estimate, 0, 500 * time.Millisecond},
		{"usage far over the estimate", 54 * estimate, 700 * time.Millisecond, 3 * time.Second},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeServer(t, script(reply{text: `{"scores":{"business":4,"third_person":3,"relevance":1}}`, in: tc.used}))
			cfg := testConfig(f)
			cfg.Concurrency = 1
			cfg.TPM = 300 * estimate
			c := newTestClient(t, cfg)
			for range 2 {
				if _, err := c.Rescore(context.Background(), judgeInput()); err != nil {
					t.Fatalf("rescore: %v", err)
				}
			}
			reqs := f.requests()
			if gap := reqs[1].Start.Sub(reqs[0].End); gap < tc.min || gap > tc.max {
				t.Errorf("second call came %s after the first, want %s..%s", gap, tc.min, tc.max)
			}
		})
	}
}

// An interrupted batch resumes with the items that have no result: every item ends up scored once, and the
// interruption stops the workers at once even while their requests hang.
func TestRescoreBatchResumes(t *testing.T) {
	var mu sync.Mutex
	hanging := false
	f := newFakeServer(t, func(req seenRequest, n int) reply {
		mu.Lock()
		defer mu.Unlock()
		if hanging {
			return reply{hang: true}
		}
		return judgeByItem(0)(req, n)
	})
	cfg := testConfig(f)
	cfg.Concurrency = 3
	c := newTestClient(t, cfg)
	all := ids(10, "res")
	// The first run scores 4 items; then the endpoint stalls and the reviewer's supervisor interrupts.
	var first []review.JudgeResult
	{
		ctx, cancel := context.WithCancel(context.Background())
		in := make(chan review.JudgeJob, len(all))
		for _, j := range jobs(all...) {
			in <- j
		}
		close(in)
		out := make(chan review.JudgeResult)
		errc := make(chan error, 1)
		go func() { errc <- c.RescoreBatch(ctx, in, out) }()
		for len(first) < 4 {
			first = append(first, <-out)
		}
		mu.Lock()
		hanging = true
		mu.Unlock()
		// Keep taking results while the workers run into the stalled endpoint.
		for settle := time.After(150 * time.Millisecond); ; {
			select {
			case r := <-out:
				first = append(first, r)
				continue
			case <-settle:
			}
			break
		}
		if got := f.inflight.Load(); got != 3 {
			t.Errorf("%d requests hang at the interruption, want all 3 workers'", got)
		}
		start := time.Now()
		cancel()
		// Nothing is left to come but the end of the batch; collect until then all the same.
		var err error
		for waiting := true; waiting; {
			select {
			case r := <-out:
				first = append(first, r)
			case err = <-errc:
				waiting = false
			}
		}
		if !errors.Is(err, context.Canceled) {
			t.Errorf("interrupted batch returned %v, want context.Canceled", err)
		}
		if d := time.Since(start); d > 500*time.Millisecond {
			t.Errorf("workers took %s to stop", d)
		}
	}
	done := map[string]bool{}
	for _, r := range first {
		if r.Err != nil {
			t.Errorf("item %s failed in the first run: %v", r.ItemID, r.Err)
		}
		done[r.ItemID] = true
	}
	if len(done) < 4 || len(done) == len(all) {
		t.Fatalf("first run finished %d of %d items; the test needs an interruption in between", len(done), len(all))
	}
	mu.Lock()
	hanging = false
	mu.Unlock()
	var rest []string
	for _, id := range all {
		if !done[id] {
			rest = append(rest, id)
		}
	}
	second, err := runBatch(t, c, jobs(rest...))
	if err != nil {
		t.Fatalf("resumed batch: %v", err)
	}
	for _, r := range second {
		if done[r.ItemID] {
			t.Errorf("item %s scored twice", r.ItemID)
		}
		if r.Err != nil {
			t.Errorf("item %s: %v", r.ItemID, r.Err)
		}
		done[r.ItemID] = true
	}
	if len(done) != len(all) {
		t.Errorf("%d of %d items scored after resuming", len(done), len(all))
	}
}
