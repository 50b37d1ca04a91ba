package llm

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"reviewdesk/review"
)

func testRubric() review.Rubric {
	return review.Rubric{MaxScore: 10, Criteria: []review.Criterion{
		{Name: "business", Max: 4, Description: "事業・製品・サービスが明確"},
		{Name: "third_person", Max: 3, Description: "三人称で書かれている"},
		{Name: "relevance", Max: 3, Description: "会社概要と無関係な内容がない"},
	}}
}

func judgeInput() review.JudgeInput {
	in := fixInput()
	return review.JudgeInput{Company: in.Company, Summary: fixed, Source: in.Source, Rubric: testRubric()}
}

func TestParseJudge(t *testing.T) {
	tests := []struct {
		name      string
		answer    string
		scores    map[string]float64
		total     float64
		rationale string
		err       string
	}{
		{name: "strict", answer: `{"scores":{"business":4,"third_person":3,"relevance":2.5},"rationale":"事業は明確。"}`,
			scores: map[string]float64{"business": 4, "third_person": 3, "relevance": 2.5}, total: 9.5, rationale: "事業は明確。"},
		{name: "code fence and chatter", answer: "採点結果です。\n```json\n{\"scores\": {\"business\": 2, \"third_person\": 0, \"relevance\": 1}, \"rationale\": \"一人称がある\"}\n```\n以上です。",
			scores: map[string]float64{"business": 2, "third_person": 0, "relevance": 1}, total: 3, rationale: "一人称がある"},
		{name: "braces in chatter before the object", answer: `Scores {as asked}: {"scores":{"business":1,"third_person":1,"relevance":1}}`,
			scores: map[string]float64{"business": 1, "third_person": 1, "relevance": 1}, total: 3},
		{name: "numbers as strings, names in other case", answer: `{"scores":{"Business":"3","THIRD_PERSON":" 2 ","relevance":0}}`,
			scores: map[string]float64{"business": 3, "third_person": 2, "relevance": 0}, total: 5},
		{name: "flat object with total", answer: `{"business":1,"third_person":2,"relevance":3,"total":6,"rationale":"ok"}`,
			scores: map[string]float64{"business": 1, "third_person": 2, "relevance": 3}, total: 6, rationale: "ok"},
		{name: "zero for broken Japanese", answer: `{"scores":{"business":0,"third_person":0,"relevance":0},"rationale":"日本語として不自然"}`,
			scores: map[string]float64{"business": 0, "third_person": 0, "relevance": 0}, total: 0, rationale: "日本語として不自然"},
		{name: "above the maximum", answer: `{"scores":{"business":5,"third_person":3,"relevance":3}}`, err: `score 5 for "business" is outside 0..4`},
		{name: "negative", answer: `{"scores":{"business":1,"third_person":-1,"relevance":3}}`, err: `score -1 for "third_person" is outside 0..3`},
		{name: "unknown criterion", answer: `{"scores":{"business":1,"third_person":1,"relevance":1,"style":2}}`, err: `unknown criteria ["style"]`},
		{name: "missing criterion", answer: `{"scores":{"business":1,"third_person":1}}`, err: `no score for criteria ["relevance"]`},
		{name: "not a number", answer: `{"scores":{"business":"high","third_person":1,"relevance":1}}`, err: `score for "business": "high" is not a number`},
		{name: "boolean score", answer: `{"scores":{"business":true,"third_person":1,"relevance":1}}`, err: `true is not a number`},
		{name: "twice under two spellings", answer: `{"scores":{"business":1,"Business":2,"third_person":1,"relevance":1}}`, err: "scored twice"},
		{name: "no JSON", answer: "この会社概要は良いと思います。", err: "no JSON object in the answer"},
		{name: "truncated JSON", answer: `{"scores":{"business":1,"third_person":`, err: "no JSON object"},
		{name: "scores not an object", answer: `{"scores":[1,2,3]}`, err: "unknown criteria"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := parseJudge(tc.answer, testRubric())
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error = %v, want one containing %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			if len(r.Scores) != len(tc.scores) {
				t.Errorf("scores = %v, want %v", r.Scores, tc.scores)
			}
			for k, v := range tc.scores {
				if r.Scores[k] != v {
					t.Errorf("scores[%s] = %v, want %v", k, r.Scores[k], v)
				}
			}
			if r.Total != tc.total || r.Max != 10 || r.Rationale != tc.rationale {
				t.Errorf("total %v max %v rationale %q, want %v, 10, %q", r.Total, r.Max, r.Rationale, tc.total, tc.rationale)
			}
		})
	}
}

func FuzzParseJudge(f *testing.F) {
	for _, s := range []string{`{"scores":{"business":4,"third_person":3,"relevance":2.5}}`, "```json\n{\"business\":1}\n```",
		`{"scores":{"business":"3"}} trailing {`, `{{{{`, ""} {
		f.Add(s)
	}
	rubric := testRubric()
	f.Fuzz(func(t *testing.T, answer string) {
		r, err := parseJudge(answer, rubric)
		if err != nil {
			return
		}
		sum := 0.0
		for _, c := range rubric.Criteria {
			v, ok := r.Scores[c.Name]
			if !ok || v < 0 || v > c.Max {
				t.Fatalf("accepted %q with scores %v", answer, r.Scores)
			}
			sum += v
		}
		if len(r.Scores) != len(rubric.Criteria) || r.Total != sum {
			t.Fatalf("accepted %q with scores %v total %v", answer, r.Scores, r.Total)
		}
	})
}

func TestRescore(t *testing.T) {
	good := "```json\n{\"scores\":{\"business\":4,\"third_person\":3,\"relevance\":2},\"rationale\":\"事業内容が明確で三人称。\"}\n```"
	tests := []struct {
		name   string
		answer reply
		in     func(*review.JudgeInput)
		json   bool
		reason Reason
		code   string
		detail string
	}{
		{name: "scored", answer: reply{text: good, in: 900, out: 40}},
		{name: "scored in JSON mode", answer: reply{text: good, in: 900, out: 40}, json: true},
		{name: "score out of range", answer: reply{text: `{"scores":{"business":9,"third_person":3,"relevance":2}}`},
			reason: Malformed, code: review.Unavailable, detail: `score 9 for "business" is outside 0..4`},
		{name: "unknown criterion", answer: reply{text: `{"scores":{"business":1,"third_person":3,"relevance":2,"grammar":1}}`},
			reason: Malformed, code: review.Unavailable, detail: `unknown criteria ["grammar"]`},
		{name: "prose instead of JSON", answer: reply{text: "良い会社概要です。"}, reason: Malformed, code: review.Unavailable,
			detail: "no JSON object"},
		{name: "content filter", answer: reply{finish: "content_filter"}, reason: ContentFilter, code: review.Invalid},
		{name: "rubric without criteria", answer: reply{text: good}, in: func(in *review.JudgeInput) { in.Rubric = review.Rubric{} },
			code: review.Invalid, detail: "no criteria"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeServer(t, script(tc.answer))
			cfg := testConfig(f)
			cfg.JSONMode = tc.json
			c := newTestClient(t, cfg)
			in := judgeInput()
			if tc.in != nil {
				tc.in(&in)
			}
			r, err := c.Rescore(context.Background(), in)
			if tc.code != "" {
				if ReasonOf(err) != tc.reason || review.ErrorCode(err) != tc.code || !strings.Contains(err.Error(), tc.detail) {
					t.Fatalf("error = %v (reason %q, code %q), want reason %q code %q saying %q", err, ReasonOf(err), review.ErrorCode(err), tc.reason, tc.code, tc.detail)
				}
				if tc.reason != "" && (r.Call.Err != err.Error() || r.Call.Attempts != 1) {
					t.Errorf("call = %+v, want the error recorded after one attempt", r.Call)
				}
				return
			}
			if err != nil {
				t.Fatalf("rescore: %v", err)
			}
			if r.Total != 9 || r.Max != 10 || r.Scores["business"] != 4 || r.Rationale != "事業内容が明確で三人称。" {
				t.Errorf("rescore = %+v", r)
			}
			model, version := c.JudgeVersion()
			if r.Call.Kind != review.CallJudge || r.Call.Model != "judge-model" || model != "judge-model" ||
				r.Call.TemplateVersion != version || r.Call.TokensIn != 900 || r.Call.TokensOut != 40 {
				t.Errorf("call = %+v, want judge-model, template %s, 900/40 tokens", r.Call, version)
			}
			req := f.requests()[0]
			if req.Body.Model != "judge-model" || req.Body.Stream {
				t.Errorf("request model %q stream %t, want judge-model without stream", req.Body.Model, req.Body.Stream)
			}
			rf, hasRF := req.Raw["response_format"].(map[string]any)
			if tc.json != hasRF || (hasRF && rf["type"] != "json_object") {
				t.Errorf("response_format = %v, want json_object only in JSON mode", req.Raw["response_format"])
			}
			user := req.user()
			for _, want := range []string{`- business: 4点 — 事業・製品・サービスが明確`, `- third_person: 3点`,
				`{"scores": {"business": <0〜4の数値>, "third_person": <0〜3の数値>, "relevance": <0〜3の数値>}`,
				in.Summary, in.Source, "すべての項目を 0 点とする"} {
				if !strings.Contains(user, want) {
					t.Errorf("judge prompt lacks %q:\n%s", want, user)
				}
			}
		})
	}
}

// The judge answers the way chat models often do despite the prompt: a heading, a fenced block, a remark after it.
func TestRescoreFixtureAnswer(t *testing.T) {
	answer, err := os.ReadFile(filepath.Join("testdata", "judge_answer.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var rubric review.Rubric
	b, err := os.ReadFile(filepath.Join("testdata", "rubric.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &rubric); err != nil {
		t.Fatal(err)
	}
	f := newFakeServer(t, script(reply{text: string(answer), in: 1500, out: 120}))
	c := newTestClient(t, testConfig(f))
	in := judgeInput()
	in.Rubric = rubric
	r, err := c.Rescore(context.Background(), in)
	if err != nil {
		t.Fatalf("rescore: %v", err)
	}
	if r.Total != 7 || r.Scores["first_person"] != 0 || !strings.Contains(r.Rationale, "我々") {
		t.Errorf("rescore = %+v, want total 7 with first_person 0", r)
	}
}
