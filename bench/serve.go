package main

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// server is a running `reviewdesk serve`.
type server struct {
	cmd  *exec.Cmd
	base string
	csrf string
	http *http.Client
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

func startServer(cfg config, db string) (*server, time.Duration, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, 0, err
	}
	s := &server{base: "http://" + addr, http: &http.Client{Timeout: time.Minute}}
	s.cmd = exec.Command(cfg.bin, "serve", "--db", db, "--addr", addr, "--user", "bench")
	s.cmd.Stderr = os.Stderr
	t0 := time.Now()
	if err := s.cmd.Start(); err != nil {
		return nil, 0, err
	}
	// Start-up to first screen: the page, who I am, and the first item to review.
	for {
		if time.Since(t0) > time.Minute {
			s.stop()
			return nil, 0, fmt.Errorf("serve did not answer within a minute")
		}
		res, err := s.http.Get(s.base + "/")
		if err == nil {
			res.Body.Close()
			break
		}
		time.Sleep(2 * time.Millisecond)
	}
	var me struct{ CSRF string }
	if err := s.get("/api/me", &me); err != nil {
		s.stop()
		return nil, 0, err
	}
	s.csrf = me.CSRF
	var first struct{ Item *struct{ ID string } }
	if err := s.post("/api/queue/next", map[string]any{}, &first); err != nil {
		s.stop()
		return nil, 0, err
	}
	return s, time.Since(t0), nil
}

func (s *server) stop() {
	s.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		s.cmd.Process.Kill()
		<-done
	}
}

func (s *server) get(path string, out any) error {
	res, err := s.http.Get(s.base + path)
	if err != nil {
		return err
	}
	return decode(res, path, out)
}

func (s *server) post(path string, body, out any) error {
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", s.base+path, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", s.csrf)
	res, err := s.http.Do(req)
	if err != nil {
		return err
	}
	return decode(res, path, out)
}

func decode(res *http.Response, path string, out any) error {
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	if res.StatusCode != 200 {
		return fmt.Errorf("%s: %s: %s", path, res.Status, b)
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(b, out)
}

// rssMB reads the resident memory of a process.
func rssMB(pid int) float64 { return statusMB(pid, "VmRSS:") }

// statusMB reads one memory figure (VmRSS:, VmHWM:, ...) of a process from /proc, in MB.
func statusMB(pid int, field string) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, field) {
			f := strings.Fields(line)
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}

func percentile(xs []time.Duration, q float64) time.Duration {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	return s[min(len(s)-1, int(q*float64(len(s))))]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// commitFloor times what a claim and a decision cannot go below, each being one durable transaction: two commits in a
// row, each updating one row (WAL, synchronous=FULL, checkpoints left out as the server runs them in the background),
// 2,000 times on a fresh database in dir, on the same disk as the server's.
func commitFloor(dir string) ([]time.Duration, error) {
	path := filepath.Join(dir, "floor.db")
	removeDB(path)
	defer removeDB(path)
	db, err := sql.Open("sqlite3", "file:"+path+"?"+bareSafe+"&_txlock=immediate")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(`PRAGMA wal_autocheckpoint = 0;
		CREATE TABLE items (id INTEGER PRIMARY KEY, state TEXT, version INTEGER);
		WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000)
		INSERT INTO items SELECT i, 'pending', 1 FROM n;`); err != nil {
		return nil, err
	}
	commit := func(id int, state string) error {
		tx, err := db.Begin()
		if err != nil {
			return err
		}
		if _, err := tx.Exec(`UPDATE items SET state = ?, version = version + 1 WHERE id = ?`, state, id); err != nil {
			tx.Rollback()
			return err
		}
		return tx.Commit()
	}
	var pairs []time.Duration
	for i := range 2000 {
		t0 := time.Now()
		if err := commit(i+1, "leased"); err != nil {
			return nil, err
		}
		if err := commit(i+1, "accepted"); err != nil {
			return nil, err
		}
		pairs = append(pairs, time.Since(t0))
	}
	return pairs, nil
}

// measureServe starts the server on the imported database and measures start-up, memory, the review loop, lists
// and filters, and the dashboard.
func measureServe(cfg config, db string, r *report) error {
	logf("serve: start-up")
	s, startup, err := startServer(cfg, db)
	if err != nil {
		return err
	}
	defer s.stop()
	r.add("start-up to first screen (ms)", ms(startup), "", 0, "≤ 1000", startup <= time.Second)
	pid := s.cmd.Process.Pid
	// The search index is built in the background after an import; let it finish so it does not disturb the
	// measurements, and report how long it took.
	t0 := time.Now()
	for {
		var meta struct {
			Pending int64 `json:"search_index_pending"`
		}
		if err := s.get("/api/meta", &meta); err != nil {
			return err
		}
		if meta.Pending == 0 && time.Since(t0) > 3*time.Second {
			break
		}
		time.Sleep(time.Second)
	}
	r.note("The background search indexer took %v to index the %d items after the import.", time.Since(t0).Round(time.Second), cfg.items)
	time.Sleep(2 * time.Second)
	idle := rssMB(pid)
	peak := idle
	sample := func() { peak = max(peak, rssMB(pid)) }

	logf("serve: claim + decide")
	var claims, decides, both []time.Duration
	for i := range 2000 {
		t0 := time.Now()
		var got struct {
			Item *struct {
				ID      string `json:"id"`
				Version int64  `json:"version"`
			} `json:"item"`
		}
		if err := s.post("/api/queue/next", map[string]any{}, &got); err != nil {
			return err
		}
		t1 := time.Now()
		if got.Item == nil {
			return fmt.Errorf("the queue ran empty")
		}
		sub := map[string]any{"verdict": "accepted", "version": got.Item.Version}
		if i%5 == 4 {
			sub = map[string]any{"verdict": "rejected", "reasons": []string{"vague"}, "version": got.Item.Version}
		}
		if err := s.post("/api/items/"+url.PathEscape(got.Item.ID)+"/decision", sub, nil); err != nil {
			return err
		}
		t2 := time.Now()
		claims, decides, both = append(claims, t1.Sub(t0)), append(decides, t2.Sub(t1)), append(both, t2.Sub(t0))
		if i%100 == 0 {
			sample()
		}
	}
	floor, err := commitFloor(cfg.work)
	if err != nil {
		return err
	}
	r.add("claim + decide over HTTP, p99 (ms)", ms(percentile(both, .99)),
		"floor: two durable one-row SQLite commits in a row (WAL, synchronous=FULL), no HTTP, p99", ms(percentile(floor, .99)),
		"≤ 5", percentile(both, .99) <= 5*time.Millisecond)
	r.note("Claim + decide (2,000 sequential pairs): claim p50 %.2f ms, p99 %.2f ms; decide p50 %.2f ms, p99 %.2f ms; pair p50 %.2f ms, p99 %.2f ms. The floor, two bare durable commits (2,000 pairs on a fresh database on the same disk): p50 %.2f ms, p99 %.2f ms.",
		ms(percentile(claims, .5)), ms(percentile(claims, .99)), ms(percentile(decides, .5)), ms(percentile(decides, .99)),
		ms(percentile(both, .5)), ms(percentile(both, .99)), ms(percentile(floor, .5)), ms(percentile(floor, .99)))

	// The review screen's own path: one request records the decision and leases the next item.
	type leased struct {
		ID      string `json:"id"`
		Version int64  `json:"version"`
	}
	var first struct {
		Item *leased `json:"item"`
	}
	if err := s.post("/api/queue/next", map[string]any{}, &first); err != nil {
		return err
	}
	cur := first.Item
	var oneTrip []time.Duration
	for range 1000 {
		if cur == nil {
			return fmt.Errorf("the queue ran empty")
		}
		var res struct {
			Next *leased `json:"next"`
		}
		t0 := time.Now()
		if err := s.post("/api/items/"+url.PathEscape(cur.ID)+"/decision?next=1", map[string]any{"verdict": "accepted", "version": cur.Version}, &res); err != nil {
			return err
		}
		oneTrip = append(oneTrip, time.Since(t0))
		cur = res.Next
	}
	r.note("The review screen's path, one request that decides and leases the next item (`decision?next=1`, 1,000 in a row): p50 %.2f ms, p99 %.2f ms.",
		ms(percentile(oneTrip, .5)), ms(percentile(oneTrip, .99)))

	logf("serve: lists and filters")
	var meta struct {
		Batches []struct{ Name string } `json:"batches"`
	}
	if err := s.get("/api/meta", &meta); err != nil {
		return err
	}
	batch := ""
	if len(meta.Batches) > 0 {
		batch = meta.Batches[0].Name
	}
	filters := []struct{ name, query string }{
		{"no filter", ""},
		{"status", "status=pending"},
		{"score range", "min_score=8&max_score=9"},
		{"criterion score", "criterion=business&max_points=2"},
		{"hint rule", "rule=first_person"},
		{"batch", "batch=" + url.QueryEscape(batch)},
		{"reviewer", "reviewer=bench"},
		{"text search", "q=" + url.QueryEscape("介護")},
		{"sort by hints", "sort=-hints"},
		{"status + rule + sort", "status=pending&rule=superlative&sort=score"},
	}
	worst := time.Duration(0)
	var rows []string
	for _, f := range filters {
		var lat []time.Duration
		for i := range 60 {
			q := f.query
			if q != "" {
				q += "&"
			}
			q += fmt.Sprintf("limit=50&offset=%d", (i%6)*50)
			t0 := time.Now()
			if err := s.get("/api/items?"+q, nil); err != nil {
				return err
			}
			lat = append(lat, time.Since(t0))
		}
		sample()
		p99 := percentile(lat, .99)
		worst = max(worst, p99)
		rows = append(rows, fmt.Sprintf("| %s | `%s` | %.1f | %.1f |", f.name, f.query, ms(percentile(lat, .5)), ms(p99)))
	}
	r.add("list or filter page, worst p99 over the filters (ms)", ms(worst), "", 0, "≤ 50", worst <= 50*time.Millisecond)
	r.table("List and filter pages (50 items, pages 1–6, 60 requests each)", "| filter | query | p50 ms | p99 ms |\n|---|---|---|---|\n"+strings.Join(rows, "\n"))

	sample()
	r.add("serve resident memory, idle (MB)", idle, "", 0, "≤ 200", idle <= 200)
	r.add("serve resident memory, under load (MB)", peak, "", 0, "≤ 200", peak <= 200)
	return nil
}
