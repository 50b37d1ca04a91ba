package app

import (
	"context"
	"database/sql"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"reviewdesk/store"
)

// TestAuditLog does every audited action through the API and checks its entry: who, what, on what, and the state
// before and after where there is one. The log refuses to be changed.
func TestAuditLog(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir()) // the export's download directory
	svc, srv := teamServer(t)
	ctx := context.Background()
	as := func(user string) *client {
		return &client{t: t, url: srv.URL, http: srv.Client(), bearer: "token-" + user}
	}
	rita, suki, ada := as("rita"), as("suki"), as("ada")
	// find returns the newest entry for action on target, failing the test if there is none.
	find := func(action, target string) store.AuditEntry {
		t.Helper()
		entries, err := svc.st.AuditLog(ctx, 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if e.Action == action && e.Target == target {
				return e
			}
		}
		t.Fatalf("no audit entry %s on %s among %d", action, target, len(entries))
		return store.AuditEntry{}
	}
	field := func(raw json.RawMessage, name string) any {
		t.Helper()
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
		return m[name]
	}
	check := func(e store.AuditEntry, actor string, want map[string]any) {
		t.Helper()
		if e.Actor != actor {
			t.Errorf("%s on %s: actor %q, want %q", e.Action, e.Target, e.Actor, actor)
		}
		for k, v := range want {
			side, name, _ := strings.Cut(k, ".")
			raw := e.After
			if side == "before" {
				raw = e.Before
			}
			if got := field(raw, name); got != v {
				t.Errorf("%s on %s: %s is %v, want %v (before %s, after %s)", e.Action, e.Target, k, got, v, e.Before, e.After)
			}
		}
	}

	t.Run("login and failed login", func(t *testing.T) {
		c := newClient(t, srv.URL)
		c.do("POST", "/api/login", map[string]string{"user": "ren", "password": "not it"}, 401, nil)
		check(find("login.failed", "ren"), "ren", map[string]any{"after.client": "127.0.0.1"})
		c.do("POST", "/api/login", map[string]string{"user": "ren", "password": "correct horse ren"}, 200, nil)
		check(find("login", "ren"), "ren", nil)
	})

	var item claimed
	t.Run("decide, edit, reopen, undo", func(t *testing.T) {
		rita.do("POST", "/api/queue/next", nil, 200, &item)
		id := item.Item.ID
		var dr decisionResponse
		rita.do("POST", "/api/items/"+id+"/decision", map[string]any{"verdict": "accepted", "version": item.Item.Version}, 200, &dr)
		check(find("decide", id), "rita", map[string]any{"before.status": "pending", "after.verdict": "accepted"})

		var rec map[string]any
		suki.do("POST", "/api/items/"+id+"/reopen", nil, 200, &rec)
		check(find("reopen", id), "suki", map[string]any{"before.status": "accepted", "after.status": "pending"})

		rita.do("POST", "/api/queue/next", nil, 200, &item)
		if item.Item.ID != id {
			t.Fatalf("the reopened item %s is not next: %s", id, item.Item.ID)
		}
		edited := "株式会社サンプルは、大阪府で産業用ポンプを製造しています。"
		rita.do("POST", "/api/items/"+id+"/decision", map[string]any{"verdict": "edited", "text": edited,
			"version": item.Item.Version}, 200, &dr)
		check(find("decide", id), "rita", map[string]any{"before.status": "pending", "after.verdict": "edited", "after.text": edited})

		rita.do("POST", "/api/undo", nil, 200, nil)
		check(find("undo", id), "rita", map[string]any{"before.verdict": "edited"})
	})

	t.Run("rules and settings", func(t *testing.T) {
		var view rulesView
		suki.do("GET", "/api/rules", nil, 200, &view)
		suki.do("PUT", "/api/rules", view.File, 200, nil)
		suki.do("PUT", "/api/rules", view.File, 200, nil)
		e := find("setting", store.KeyRules)
		check(e, "suki", nil)
		if len(e.Before) == 0 || len(e.After) == 0 || field(e.After, "rules") == nil {
			t.Errorf("rules change without before and after: %s / %s", e.Before, e.After)
		}
		suki.do("PUT", "/api/settings/overlap", map[string]any{"rate": 0.25}, 200, nil)
		if e := find("setting", overlapSetting); e.Actor != "suki" || string(e.After) != "0.25" {
			t.Errorf("overlap setting entry: %+v", e)
		}
	})

	t.Run("export", func(t *testing.T) {
		var j Job
		suki.do("POST", "/api/exports", map[string]any{"kind": "gold", "format": "jsonl"}, 202, &j)
		for range 500 {
			if j, _ = svc.Job(j.ID); j.State != "running" {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		if j.State != "done" {
			t.Fatalf("export job: %+v", j)
		}
		res := j.Result.(ExportResult)
		check(find("export", res.Path), "suki", map[string]any{"after.rows": float64(res.Rows)})
	})

	t.Run("users", func(t *testing.T) {
		ada.do("POST", "/api/users", map[string]any{"name": "mio", "role": "reviewer", "password": "correct horse mio"}, 201, nil)
		check(find("user.add", "mio"), "ada", map[string]any{"after.role": "reviewer"})
		ada.do("PATCH", "/api/users/mio", map[string]any{"role": "supervisor"}, 200, nil)
		check(find("user.update", "mio"), "ada", map[string]any{"before.role": "reviewer", "after.role": "supervisor"})
		ada.do("PATCH", "/api/users/mio", map[string]any{"disabled": true}, 200, nil)
		check(find("user.update", "mio"), "ada", map[string]any{"before.disabled": false, "after.disabled": true})
		ada.do("PATCH", "/api/users/mio", map[string]any{"password": "another horse mio"}, 200, nil)
		check(find("user.update", "mio"), "ada", map[string]any{"after.password": "changed"})
	})

	t.Run("append-only", func(t *testing.T) {
		db, err := sql.Open("sqlite3", "file:"+svc.st.Path()+"?_busy_timeout=5000")
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		for _, q := range []string{`UPDATE audit SET actor = 'mallory'`, `DELETE FROM audit`, `DELETE FROM audit WHERE action = 'login.failed'`} {
			if _, err := db.Exec(q); err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: %v, want refused as append-only", q, err)
			}
		}
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM audit WHERE actor = 'mallory'`).Scan(&n); err != nil || n != 0 {
			t.Errorf("changed entries: %d (%v)", n, err)
		}
	})
}

// A failed login that cannot be recorded is not answered as an ordinary failure: the client gets an error, and the
// cause is logged once by the edge.
func TestFailedLoginAuditWriteError(t *testing.T) {
	svc, srv := teamServer(t)
	db, err := sql.Open("sqlite3", "file:"+svc.st.Path()+"?_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE TRIGGER no_failed_logins BEFORE INSERT ON audit WHEN NEW.action = 'login.failed'
		BEGIN SELECT RAISE(ABORT, 'audit disk full'); END`); err != nil {
		t.Fatal(err)
	}
	var logs strings.Builder
	svc.log = slog.New(slog.NewTextHandler(&logs, nil))
	c := newClient(t, srv.URL)
	var e map[string]string
	if status := c.try("POST", "/api/login", map[string]string{"user": "ren", "password": "not it"}, &e); status != 500 || e["code"] != "internal" {
		t.Fatalf("failed login with a failing audit log: %d %v", status, e)
	}
	if n := strings.Count(logs.String(), "audit disk full"); n != 1 {
		t.Fatalf("the audit failure is logged %d times, want once:\n%s", n, logs.String())
	}
}
