package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSecretsStayOutOfLogs runs a team server with debug logging through logins (good and bad), API-token calls,
// CSRF-protected changes, an upload import, a gold export and its download, and LLM calls (one by one and as a batch
// rescore) whose endpoint echoes the API key back in its errors, then a backup and a feedback export from the CLI;
// it greps everything printed, the jobs' reports, the exported files, the backup and the database for each secret.
func TestSecretsStayOutOfLogs(t *testing.T) {
	const (
		apiKey      = "sk-live-ZZTOPSECRETKEY123"
		password    = "correct horse battery"
		badPassword = "wrong-password-XYZ987"
	)
	// An LLM endpoint that answers every call with an error quoting the key it was sent.
	llmSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(500)
		fmt.Fprintf(w, `{"error":{"message":"upstream failure for key %s"}}`, strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
	}))
	defer llmSrv.Close()

	dir := t.TempDir()
	db := filepath.Join(dir, "team.db")
	mustRun := func(stdin string, args ...string) string {
		t.Helper()
		cmd := cli(args...)
		cmd.Stdin = strings.NewReader(stdin)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%v: %v: %s", args, err, out)
		}
		return string(out)
	}
	var logs bytes.Buffer
	logs.WriteString(mustRun("", "demo", "--db", db, "--items", "50", "--debug"))
	logs.WriteString(mustRun(password+"\n", "users", "add", "boss", "--role", "admin", "--password-stdin", "--db", db, "--debug"))
	tokenOut := mustRun("", "users", "token", "boss", "--db", db)
	token := strings.TrimSpace(tokenOut)

	addr := freePort(t)
	cmd := cli("serve", "--db", db, "--addr", addr, "--debug", "--llm-url", llmSrv.URL, "--llm-model", "m",
		"--llm-config", writeJSON(t, dir, map[string]any{"MaxAttempts": 2, "RetryBase": 1000000, "RetryMax": 2000000}))
	cmd.Env = append(cmd.Env, "OPENAI_API_KEY="+apiKey)
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	base := "http://" + addr
	if !waitReady(base) {
		t.Fatalf("server did not start: %s", logs.String())
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	var csrf, sessionCookie string
	do := func(method, path, body string, headers ...string) (int, string) {
		req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		for i := 0; i+1 < len(headers); i += 2 {
			req.Header.Set(headers[i], headers[i+1])
		}
		if csrf != "" {
			req.Header.Set("X-CSRF-Token", csrf)
		}
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		for _, ck := range res.Cookies() {
			if ck.Name == "reviewdesk_session" && ck.Value != "" {
				sessionCookie = ck.Value
			}
		}
		return res.StatusCode, string(b)
	}
	do("POST", "/api/login", fmt.Sprintf(`{"user":"boss","password":%q}`, badPassword))
	do("POST", "/api/login", fmt.Sprintf(`{"user":"nobody","password":%q}`, badPassword))
	status, body := do("POST", "/api/login", fmt.Sprintf(`{"user":"boss","password":%q}`, password))
	if status != 200 {
		t.Fatalf("login: %d %s", status, body)
	}
	var login struct{ CSRF string }
	json.Unmarshal([]byte(body), &login)
	csrf = login.CSRF
	do("POST", "/api/queue/next", `{}`)
	do("POST", "/api/items/nope/decision", `{"verdict":"accepted"}`)
	status, body = do("POST", "/api/items/"+firstID(t, base, token)+"/rescore", `{}`)
	if status != 503 || strings.Contains(body, apiKey) {
		t.Fatalf("rescore through a failing endpoint: %d %s", status, body)
	}
	do("POST", "/api/items/"+firstID(t, base, token)+"/suggest", `{}`)
	// The long work, as jobs: an upload import, a batch rescore through the failing endpoint, a gold export and its
	// download; what each job says and what the download holds are output too.
	var outputs bytes.Buffer
	job := func(status int, body string) {
		t.Helper()
		var j struct{ ID string }
		if status != 202 || json.Unmarshal([]byte(body), &j) != nil || j.ID == "" {
			t.Fatalf("start a job: %d %s", status, body)
		}
		for range 200 {
			_, body = do("GET", "/api/jobs/"+j.ID, "")
			if !strings.Contains(body, `"state":"running"`) {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		outputs.WriteString(body)
		if strings.Contains(body, `"kind":"export"`) {
			_, file := do("GET", "/api/exports/"+j.ID+"/download", "")
			if !strings.Contains(file, `"summary"`) {
				t.Fatalf("gold export download: %.200s", file)
			}
			outputs.WriteString(file)
		}
	}
	var upload bytes.Buffer
	mw := multipart.NewWriter(&upload)
	fw, _ := mw.CreateFormFile("file", "more.jsonl")
	fmt.Fprintln(fw, `{"id":"S1","company":"株式会社秘密","summary":"株式会社秘密は大阪府の会社です。","score":8}`)
	mw.Close()
	job(do("POST", "/api/imports", upload.String(), "Content-Type", mw.FormDataContentType()))
	job(do("POST", "/api/rescores", `{"batch":""}`))
	job(do("POST", "/api/exports", `{"kind":"gold","format":"jsonl"}`))
	csrf = ""
	do("GET", "/api/stats", "", "Authorization", "Bearer "+token)
	do("POST", "/api/undo", `{}`, "Authorization", "Bearer "+token)
	do("POST", "/api/logout", `{}`, "X-CSRF-Token", login.CSRF)
	cmd.Process.Signal(os.Interrupt)
	cmd.Wait()
	backup := filepath.Join(dir, "backup.db")
	logs.WriteString(mustRun("", "backup", "--db", db, "--to", backup, "--debug"))
	logs.WriteString(mustRun("", "export", "feedback", "--db", db, "--to", filepath.Join(dir, "feedback"), "--kind", "all", "--format", "parquet", "--debug"))
	for _, f := range []string{backup, filepath.Join(dir, "feedback", "decisions.parquet")} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		outputs.Write(b)
	}

	dump, _ := os.ReadFile(db)
	wal, _ := os.ReadFile(db + "-wal")
	for name, secret := range map[string]string{"API key": apiKey, "password": password, "wrong password": badPassword,
		"API token": token, "session cookie": sessionCookie, "CSRF token": login.CSRF} {
		if secret == "" {
			t.Fatalf("the run produced no %s to look for", name)
		}
		if strings.Contains(logs.String(), secret) {
			t.Errorf("the %s appears in the server's output", name)
		}
		if strings.Contains(outputs.String(), secret) {
			t.Errorf("the %s appears in a job's report, an export or the backup", name)
		}
		if bytes.Contains(dump, []byte(secret)) || bytes.Contains(wal, []byte(secret)) {
			t.Errorf("the %s is stored in the database in clear text", name)
		}
	}
	t.Logf("server output:\n%s", logs.String())
	if logs.Len() == 0 {
		t.Fatal("the run printed nothing: the test would not see a leak")
	}
}

func writeJSON(t *testing.T, dir string, v any) string {
	t.Helper()
	path := filepath.Join(dir, "cfg.json")
	b, _ := json.Marshal(v)
	os.WriteFile(path, b, 0o644)
	return path
}

func firstID(t *testing.T, base, token string) string {
	t.Helper()
	req, _ := http.NewRequest("GET", base+"/api/items?limit=1", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var page struct{ Items []struct{ ID string } }
	json.NewDecoder(res.Body).Decode(&page)
	if len(page.Items) == 0 {
		t.Fatal("no items")
	}
	return page.Items[0].ID
}
