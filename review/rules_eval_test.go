package review

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// evalItem is one labelled summary of testdata/hints/eval.jsonl. Expect lists what a careful reviewer marks: the
// rule and the span text. An item with no expectations is clean: nothing should be flagged.
type evalItem struct {
	ID      string `json:"id"`
	Company string `json:"company"`
	Summary string `json:"summary"`
	Source  string `json:"source"`
	Expect  []struct {
		Rule string `json:"rule"`
		Text string `json:"text"`
	} `json:"expect"`
	Note string `json:"note"`
}

func loadEval(t *testing.T) []evalItem {
	t.Helper()
	items, err := readEval("testdata/hints/eval.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	return items
}

func readEval(path string) ([]evalItem, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var items []evalItem
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for line := 1; sc.Scan(); line++ {
		var it evalItem
		if err := json.Unmarshal(sc.Bytes(), &it); err != nil {
			return nil, fmt.Errorf("%s line %d: %w", path, line, err)
		}
		for _, e := range it.Expect {
			if e.Text != "" && !strings.Contains(it.Summary, e.Text) {
				return nil, fmt.Errorf("%s line %d (%s): expected text %q is not in the summary", path, line, it.ID, e.Text)
			}
		}
		items = append(items, it)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if len(items) == 0 {
		return nil, fmt.Errorf("%s: no items", path)
	}
	return items, nil
}

// overlapsText reports whether a hint overlaps an occurrence of text in the summary (any occurrence; all of them
// if text is empty).
func overlapsText(summary, text string, h Hint) bool {
	if text == "" {
		return true
	}
	for off := 0; ; {
		i := strings.Index(summary[off:], text)
		if i < 0 {
			return false
		}
		s := utf8.RuneCountInString(summary[:off+i])
		e := s + utf8.RuneCountInString(text)
		if h.Start < e && s < h.End {
			return true
		}
		off += i + 1
	}
}

type ruleScore struct {
	labels, found     int // span labels, and those a hint of the rule overlaps
	hints, rightHints int // hints of the rule, and those on items that expect the rule
	items             int // items that expect the rule
}

func (s ruleScore) recall() float64    { return share(s.found, s.labels) }
func (s ruleScore) precision() float64 { return share(s.rightHints, s.hints) }

// share is a/b, and 1 when there is nothing to count (no labels: nothing missed).
func share(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

// setScore is what the default rules score on one labelled set.
type setScore struct {
	items, clean, cleanFlagged int
	rules                      map[string]*ruleScore
	report                     string
}

func (s setScore) cleanRate() float64 { return share(s.cleanFlagged, s.clean) }

// scoreSet runs the rules over a labelled set: recall per rule (a label counts as found when a hint of its rule
// overlaps its text), precision per rule (a hint counts as right when its item expects its rule) and the share of
// clean summaries with any hint. It logs the figures, per id prefix (batch) too.
func scoreSet(t *testing.T, rs *RuleSet, items []evalItem) setScore {
	t.Helper()
	sc := setScore{items: len(items), rules: map[string]*ruleScore{}}
	for _, id := range rs.RuleIDs() {
		sc.rules[id] = &ruleScore{}
	}
	var report strings.Builder
	type batchScore struct{ labels, found, clean, flagged int }
	batches := map[string]*batchScore{}
	var batchOrder []string
	for _, it := range items {
		hints := rs.CheckItem(&Item{Company: it.Company, Summary: it.Summary, Source: it.Source})
		prefix, _, _ := strings.Cut(it.ID, "-")
		b, ok := batches[prefix]
		if !ok {
			b = &batchScore{}
			batches[prefix] = b
			batchOrder = append(batchOrder, prefix)
		}
		expected := map[string]bool{}
		for _, e := range it.Expect {
			s, ok := sc.rules[e.Rule]
			if !ok {
				t.Fatalf("%s: expects unknown rule %q", it.ID, e.Rule)
			}
			s.labels++
			if !expected[e.Rule] {
				s.items++
			}
			expected[e.Rule] = true
			b.labels++
			if slices.ContainsFunc(hints, func(h Hint) bool { return h.Rule == e.Rule && overlapsText(it.Summary, e.Text, h) }) {
				s.found++
				b.found++
			} else {
				fmt.Fprintf(&report, "  miss %-16s %s %q\n", e.Rule, it.ID, e.Text)
			}
		}
		for _, h := range hints {
			s := sc.rules[h.Rule]
			s.hints++
			if expected[h.Rule] {
				s.rightHints++
			} else {
				fmt.Fprintf(&report, "  extra %-15s %s %q\n", h.Rule, it.ID, h.Text)
			}
		}
		if len(it.Expect) == 0 {
			sc.clean++
			b.clean++
			if len(hints) > 0 {
				sc.cleanFlagged++
				b.flagged++
			}
		}
	}
	t.Logf("%d summaries, %d clean", sc.items, sc.clean)
	t.Logf("%-17s %6s %6s %7s %7s %9s", "rule", "items", "labels", "recall", "hints", "precision")
	for _, id := range rs.RuleIDs() {
		s := sc.rules[id]
		t.Logf("%-17s %6d %6d %7.3f %7d %9.3f", id, s.items, s.labels, s.recall(), s.hints, s.precision())
	}
	t.Logf("clean summaries with a hint: %d of %d (%.1f%%)", sc.cleanFlagged, sc.clean, 100*sc.cleanRate())
	if len(batchOrder) > 1 {
		for _, p := range batchOrder {
			b := batches[p]
			t.Logf("batch %-3s labels found %3d of %3d (%.3f), clean flagged %d of %d", p, b.found, b.labels, share(b.found, b.labels), b.flagged, b.clean)
		}
	}
	sc.report = report.String()
	if sc.report != "" {
		t.Logf("misses and hints no label expects:\n%s", sc.report)
	}
	return sc
}

// TestEvalSet measures the default rules on the labelled tuning set (eval.jsonl, which rule changes are made
// against) and fails below the bars of issue 4: recall 0.9 and precision 0.8 per rule, at most 5 % of clean
// summaries with a hint.
func TestEvalSet(t *testing.T) {
	items := loadEval(t)
	sc := scoreSet(t, DefaultRules(), items)
	if sc.items < 150 || sc.clean < 40 {
		t.Errorf("the evaluation set has %d summaries and %d clean ones; it needs at least 150 and 40", sc.items, sc.clean)
	}
	for id, s := range sc.rules {
		if s.items < 15 {
			t.Errorf("rule %s: only %d summaries expect it; the set needs at least 15 per rule", id, s.items)
		}
		if s.recall() < 0.9 {
			t.Errorf("rule %s: recall %.3f is below 0.9", id, s.recall())
		}
		if s.precision() < 0.8 {
			t.Errorf("rule %s: precision %.3f is below 0.8", id, s.precision())
		}
	}
	if sc.cleanRate() > 0.05 {
		t.Errorf("%.1f%% of clean summaries get a hint; at most 5%% may", 100*sc.cleanRate())
	}
}

// TestHeldOutSet measures the default rules on the frozen held-out set (heldout.jsonl): written before the
// precision fixes it was measured against, and never used to choose words or patterns, so its figures estimate how
// the rules do on text they were not tuned on. docs/rules.md records them. Its bars are lower than the tuning set's,
// because word lists miss paraphrases they have not seen: at most 10 % of clean summaries with a hint, recall at
// least 0.8 over all labels and 0.5 per rule, precision at least 0.8 per rule.
func TestHeldOutSet(t *testing.T) {
	items, err := readEval("testdata/hints/heldout.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	sc := scoreSet(t, DefaultRules(), items)
	if sc.clean < 40 || sc.items-sc.clean < 40 {
		t.Errorf("the held-out set has %d clean and %d flawed summaries; it needs at least 40 of each", sc.clean, sc.items-sc.clean)
	}
	labels, found := 0, 0
	for id, s := range sc.rules {
		labels += s.labels
		found += s.found
		if s.recall() < 0.5 {
			t.Errorf("held out: rule %s: recall %.3f is below 0.5", id, s.recall())
		}
		if s.precision() < 0.8 {
			t.Errorf("held out: rule %s: precision %.3f is below 0.8", id, s.precision())
		}
	}
	t.Logf("held out: labels found %d of %d (%.3f)", found, labels, share(found, labels))
	if share(found, labels) < 0.8 {
		t.Errorf("held out: recall %.3f over all labels is below 0.8", share(found, labels))
	}
	if sc.cleanRate() > 0.10 {
		t.Errorf("held out: %.1f%% of clean summaries get a hint; at most 10%% may", 100*sc.cleanRate())
	}
}
