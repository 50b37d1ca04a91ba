package llm

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"reviewdesk/review"
)

// The API key must not leave the client: not through the config, the client, an error or a recorded call, even
// when an endpoint echoes it back.
func TestKeyNeverShown(t *testing.T) {
	echo := func(req seenRequest, _ int) reply {
		auth := req.Header.Get("Authorization")
		switch {
		case strings.Contains(req.user(), "case=json-error"):
			return reply{status: 401, body: fmt.Sprintf(`{"error":{"message":"Incorrect API key provided: %s","type":"invalid_request_error"}}`, auth)}
		case strings.Contains(req.user(), "case=text-error"):
			return reply{status: 403, body: "forbidden for " + auth}
		case strings.Contains(req.user(), "case=server-error"):
			return reply{status: 502, body: "bad gateway; request had " + auth}
		default: // the model repeats the key in an answer the judge parser cannot read
			return reply{text: "I saw " + auth + " in the headers", in: 1, out: 1}
		}
	}
	f := newFakeServer(t, echo)
	cfg := testConfig(f)
	c := newTestClient(t, cfg)

	var shown []string
	show := func(v ...any) {
		for _, x := range v {
			for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
				shown = append(shown, fmt.Sprintf(verb, x))
			}
		}
	}
	show(cfg, c.Config(), c, *c)
	for _, marker := range []string{"case=json-error", "case=text-error", "case=server-error"} {
		in := fixInput()
		in.Summary += marker
		s, err := c.SuggestFix(context.Background(), in, nil)
		if err == nil {
			t.Fatalf("%s: no error", marker)
		}
		show(err, s.Call, review.ErrorMessage(err))
		b, _ := json.Marshal(s)
		shown = append(shown, string(b), s.Call.Err)
	}
	r, err := c.Rescore(context.Background(), judgeInput())
	if ReasonOf(err) != Malformed {
		t.Fatalf("rescore error = %v, want malformed", err)
	}
	show(err, r.Call, review.ErrorMessage(err))

	// The endpoint did get the key, and the echoes did come back, so hiding it was the client's doing.
	for _, req := range f.requests() {
		if req.Header.Get("Authorization") != "Bearer "+testKey {
			t.Fatalf("the server did not receive the key")
		}
	}
	all := strings.Join(shown, "\n")
	if !strings.Contains(all, "[redacted]") {
		t.Errorf("no echo reached the errors, so the test proves nothing:\n%s", all)
	}
	if strings.Contains(all, testKey) || strings.Contains(all, testKey[8:20]) || strings.Contains(all, hex.EncodeToString([]byte(testKey[8:20]))) {
		t.Errorf("the key shows in printed output:\n%s", all)
	}
}
