package app

import (
	"context"
	"encoding/json"
	"maps"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"reviewdesk/review"
	"reviewdesk/store"
)

// withPumpRule is the default rules file with one more rule, which flags ポンプ: every item of testService has it.
func withPumpRule(t *testing.T) []byte {
	t.Helper()
	var file map[string]any
	if err := json.Unmarshal(review.DefaultRulesFile(), &file); err != nil {
		t.Fatal(err)
	}
	file["rules"] = append(file["rules"].([]any), map[string]any{"id": "pump", "kind": "words", "severity": "low",
		"reason": "other", "message": map[string]string{"ja": "ポンプ", "en": "Pump"}, "words": []string{"ポンプ"}})
	b, _ := json.Marshal(file)
	return b
}

func pollJob(t *testing.T, c *client, id string) Job {
	t.Helper()
	for range 200 {
		var j Job
		c.do("GET", "/api/jobs/"+id, nil, 200, &j)
		if j.State != "running" {
			return j
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Fatalf("job %s still running", id)
	return Job{}
}

func rulesFired(t *testing.T, st *store.Store) map[string]int {
	t.Helper()
	c, err := st.DashboardCounts(context.Background(), store.DashboardFilter{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, f := range c.RulesFired {
		out[f.Name] = f.Count
	}
	return out
}

// TestRulesChangeRehints: a supervisor's rules change starts a job that gives the open items the new rules'
// hints, so that the rule filter, the hints order and the dashboard's rule counts follow; decided items keep theirs,
// and a decision after the change records the version of the hints the reviewer was shown.
func TestRulesChangeRehints(t *testing.T) {
	svc := testService(t, 6)
	ctx := context.Background()
	old := svc.Rules().Version
	srv := httptest.NewServer(svc.Handler(nil))
	defer srv.Close()
	c := newClient(t, srv.URL)

	// item 1 (我々, first_person) is decided before the change
	decided := "7000000000001"
	rec, err := svc.Item(ctx, decided)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Decide(ctx, Identity{User: "sato", Role: review.RoleSupervisor}, decided,
		review.Submission{Verdict: review.Accepted, Version: rec.Version}); err != nil {
		t.Fatal(err)
	}

	var view rulesView
	c.do("PUT", "/api/rules", json.RawMessage(withPumpRule(t)), 200, &view)
	if view.Rehint == nil || view.Rehint.Kind != "rehint" {
		t.Fatalf("PUT /api/rules started no re-hint job: %+v", view.Rehint)
	}
	j := pollJob(t, c, view.Rehint.ID)
	if j.State != "done" {
		t.Fatalf("job %+v", j)
	}
	var rep RehintReport
	b, _ := json.Marshal(j.Result)
	json.Unmarshal(b, &rep)
	if rep.RulesVersion != view.Version || rep.Stale != 5 || rep.Updated != 5 || rep.Held != 0 || j.Done != 5 || j.Total != 5 {
		t.Fatalf("re-hint report %+v, job %d of %d; want the 5 open items updated to %s", rep, j.Done, j.Total, view.Version)
	}

	var page review.Page
	c.do("GET", "/api/items?rule=pump&sort=id", nil, 200, &page)
	var ids []string
	for _, r := range page.Items {
		ids = append(ids, r.ID)
		if r.RulesVersion != view.Version || !slices.ContainsFunc(r.Hints, func(h review.Hint) bool { return h.Rule == "pump" }) {
			t.Errorf("%s: rules %s, hints %v", r.ID, r.RulesVersion, r.Hints)
		}
	}
	if want := []string{"7000000000000", "7000000000002", "7000000000003", "7000000000004", "7000000000005"}; !slices.Equal(ids, want) {
		t.Errorf("items with a pump hint %v, want the open ones %v", ids, want)
	}
	got, err := svc.Item(ctx, decided)
	if err != nil {
		t.Fatal(err)
	}
	if got.RulesVersion != old || slices.ContainsFunc(got.Hints, func(h review.Hint) bool { return h.Rule == "pump" }) {
		t.Errorf("decided item re-hinted: rules %s, hints %v", got.RulesVersion, got.Hints)
	}
	c.do("GET", "/api/items?rule=first_person", nil, 200, &page)
	if page.Total != 1 || page.Items[0].ID != decided {
		t.Errorf("first_person items %+v; want the decided one only", page.Items)
	}
	// the hints order of the queue reads hint_count
	var count int
	if err := queryRow(t, svc, `SELECT hint_count FROM items WHERE id = '7000000000000'`).Scan(&count); err != nil || count != 1 {
		t.Errorf("hint_count %d, %v; want 1", count, err)
	}

	// the dashboard's counts, and the same after a rebuild from the base tables
	fired := rulesFired(t, svc.st)
	if fired["pump"] != 5 || fired["first_person"] != 1 {
		t.Errorf("rules fired %v; want pump 5, first_person 1", fired)
	}
	if err := svc.st.RebuildAggregates(ctx); err != nil {
		t.Fatal(err)
	}
	if again := rulesFired(t, svc.st); !maps.Equal(again, fired) {
		t.Errorf("rules fired after a rebuild %v, maintained %v", again, fired)
	}

	// A decision now records the version of the hints on the item, the new rules'.
	rec, err = svc.Item(ctx, "7000000000002")
	if err != nil {
		t.Fatal(err)
	}
	rec.RulesVersion = "stale" // what a caller read earlier does not matter
	d, err := svc.Project().Decide(rec, review.Submission{Verdict: review.Accepted}, "sato", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if d, err = svc.st.SaveDecision(ctx, d, rec.Version); err != nil {
		t.Fatal(err)
	}
	if d.RulesVersion != view.Version {
		t.Errorf("decision records rules %s, want %s", d.RulesVersion, view.Version)
	}
}

// TestRehintWaitsForHeldItems: an item a reviewer holds keeps the hints on their screen until they decide it.
func TestRehintWaitsForHeldItems(t *testing.T) {
	svc := testService(t, 3)
	ctx := context.Background()
	held, err := svc.Claim(ctx, "sato", "")
	if err != nil {
		t.Fatal(err)
	}
	rs, err := review.ParseRules(withPumpRule(t))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := svc.Rehint(ctx, rs, RehintOptions{Actor: "test"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Updated != 2 || rep.Held != 1 {
		t.Fatalf("report %+v; want 2 updated and the claimed item held", rep)
	}
	if rec, _ := svc.Item(ctx, held.ID); rec.RulesVersion == rs.Version {
		t.Fatal("the held item was re-hinted")
	}
	// With a wait, the pass comes back for it once the reviewer has skipped it (it stays open).
	done := make(chan RehintReport)
	go func() {
		rep, err := svc.Rehint(ctx, rs, RehintOptions{Actor: "test", WaitHeld: time.Minute, retry: 20 * time.Millisecond}, nil)
		if err != nil {
			t.Error(err)
		}
		done <- rep
	}()
	time.Sleep(100 * time.Millisecond)
	if _, err := svc.Decide(ctx, Identity{User: "sato", Role: review.RoleReviewer}, held.ID,
		review.Submission{Verdict: review.Skipped, Version: held.Version}); err != nil {
		t.Fatal(err)
	}
	select {
	case rep := <-done:
		if rep.Updated != 1 || rep.Held != 0 {
			t.Errorf("report %+v; want the released item updated", rep)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Rehint did not come back for the released item")
	}
	if rec, _ := svc.Item(ctx, held.ID); rec.RulesVersion != rs.Version {
		t.Errorf("the skipped item has rules %s, want %s", rec.RulesVersion, rs.Version)
	}
}
