package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"reviewdesk/review"
	"reviewdesk/store"
)

// listClock is a clock the test moves by hand, so that the -updated order is known.
type listClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *listClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *listClock) tick() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Minute)
}

// listItem is one item of the list fixture, with the hints the default rules must find in its summary.
type listItem struct {
	id, company, summary, batch string
	score, business, relevance  float64 // relevance < 0: the item has no relevance points
	hints                       []string
}

// listItems are imported in this order (seq 1..9), which is neither id nor score order. Out of 10; business out of 4,
// relevance out of 3; the rubric discards totals below 2.
//
//	seq id  score business relevance batch hints            decisions                                  status
//	1   c3  8     4        2         a     -                ren edits (t2)                             edited
//	2   c1  9     4        3         a     -                rita accepts (t1); re-imported (t8)       accepted, changed
//	3   c6  5     1        2         b     first_person     -                                          pending
//	4   c2  9     3        3         b     first_person     -                                          pending
//	5   c8  10    4        -         b     -                -                                          pending
//	6   c4  7     2        3         b     first_person x2  rita rejects (t3)                          rejected
//	7   c7  3     0        1         a     -                rita accepts (t5), reopened (t6), ren      rejected
//	                                                        rejects (t7)
//	8   c5  6     2        2         a     -                ren skips (t4)                             skipped
//	9   c9  1     0        1         b     -                auto (import, t0)                          auto_discarded
//
// Current decisions, by id: c9 auto 1, c1 rita 2, c3 ren 3, c4 rita 4, c5 ren 5, c7 ren 7 (rita's 6 is not current).
var listItems = []listItem{
	{"c3", "株式会社ケアサポート", "株式会社ケアサポートは札幌市で訪問介護サービスを提供しています。", "a", 8, 4, 2, nil},
	{"c1", "株式会社イチ", "株式会社イチは大阪府で産業用ポンプを製造しています。", "a", 9, 4, 3, nil},
	{"c6", "株式会社ロク", "我々は京都府で和菓子を製造しています。", "b", 5, 1, 2, []string{"first_person"}},
	{"c2", "株式会社ニ", "我々は東京都で精密部品を製造しています。", "b", 9, 3, 3, []string{"first_person"}},
	{"c8", "株式会社ハチ", "株式会社ハチは福岡県で家具を販売しています。", "b", 10, 4, -1, nil},
	{"c4", "株式会社ヨン", "我々は神戸市で船舶を修理しています。我々の工場は港にあります。", "b", 7, 2, 3,
		[]string{"first_person", "first_person"}},
	{"c7", "株式会社ナナ", "株式会社ナナは奈良県で介護用品を製造しています。", "a", 3, 0, 1, nil},
	{"c5", "有限会社ゴトウ商店", "ゴトウ商店は静岡県で茶葉を販売しています。", "a", 6, 2, 2, nil},
	{"c9", "株式会社キュウ", "株式会社キュウは広島県で牡蠣を養殖しています。", "b", 1, 0, 1, nil},
}

// c1's second revision: "大阪府" is gone, "堺市" and "送風機" are new.
const listC1Revised = "株式会社イチは堺市で産業用ポンプと送風機を製造しています。"

func (li listItem) item() review.Item {
	scores := map[string]float64{"business": li.business}
	if li.relevance >= 0 {
		scores["relevance"] = li.relevance
	}
	return review.Item{ID: li.id, Company: li.company, Summary: li.summary, Source: li.summary, Score: li.score,
		MaxScore: 10, Scores: scores, Batch: li.batch, Generator: "gen", Judge: "judge", PromptVersion: "v1"}
}

// listService builds the database drawn above and a client for its API. The search index is left unbuilt.
func listService(t *testing.T) (*Service, *client) {
	t.Helper()
	ctx := context.Background()
	clock := &listClock{t: time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)}
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "list.db"), store.Options{Now: clock.now, DayZone: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	svc, err := New(ctx, st, Config{User: "sato", Now: clock.now, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	rules := svc.Rules()
	put := func(items ...review.Item) {
		t.Helper()
		im, err := st.BeginImport(ctx, "list.jsonl", "jsonl", "sato", review.Rubric{MaxScore: 10, DiscardBelow: ptr(2.0)})
		if err != nil {
			t.Fatal(err)
		}
		for i := range items {
			if _, err := im.Put(&items[i], rules.CheckItem(&items[i]), rules.Version); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := im.Commit("sato"); err != nil {
			t.Fatal(err)
		}
	}
	var items []review.Item
	for _, li := range listItems {
		items = append(items, li.item())
	}
	put(items...)
	for _, li := range listItems {
		rec, err := svc.Item(ctx, li.id)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, h := range rec.Hints {
			got = append(got, h.Rule)
		}
		if !slices.Equal(got, li.hints) {
			t.Fatalf("the rules found %v in %s %q, the fixture expects %v", got, li.id, li.summary, li.hints)
		}
	}

	decide := func(who, id string, sub review.Submission) {
		t.Helper()
		clock.tick()
		rec, err := svc.Item(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		sub.Version, sub.StartedAt = rec.Version, clock.now().Add(-20*time.Second)
		if _, err := svc.Decide(ctx, Identity{who, review.RoleReviewer}, id, sub); err != nil {
			t.Fatalf("%s decides %s: %v", who, id, err)
		}
	}
	decide("rita", "c1", review.Submission{Verdict: review.Accepted})                                    // t1
	decide("ren", "c3", review.Submission{Verdict: review.Edited, Text: "株式会社ケアサポートは札幌市で訪問介護を提供しています。"}) // t2
	decide("rita", "c4", review.Submission{Verdict: review.Rejected, Reasons: []string{"first_person"}}) // t3
	decide("ren", "c5", review.Submission{Verdict: review.Skipped})                                      // t4
	decide("rita", "c7", review.Submission{Verdict: review.Accepted})                                    // t5
	clock.tick()                                                                                         // t6
	if err := svc.Reopen(ctx, "sato", "c7"); err != nil {
		t.Fatal(err)
	}
	decide("ren", "c7", review.Submission{Verdict: review.Rejected, Reasons: []string{"generic"}}) // t7
	clock.tick()                                                                                   // t8
	c1 := listItems[1].item()
	c1.Summary, c1.Source = listC1Revised, listC1Revised
	put(c1)
	if rec, err := svc.Item(ctx, "c1"); err != nil || rec.Revision != 2 || !rec.Changed || rec.Status != review.Status(review.Accepted) {
		t.Fatalf("c1 after its re-import: %+v, %v", rec, err)
	}

	srv := httptest.NewServer(svc.Handler(nil))
	t.Cleanup(srv.Close)
	return svc, newClient(t, srv.URL)
}

// listIDs gets a list and returns its ids and total, checking that the page says what was asked for.
func listIDs(t *testing.T, c *client, query string) ([]string, int) {
	t.Helper()
	var page review.Page
	c.do("GET", "/api/items?"+query, nil, 200, &page)
	if page.TotalCapped {
		t.Fatalf("%s: total capped", query)
	}
	ids := []string{}
	for _, r := range page.Items {
		ids = append(ids, r.ID)
	}
	return ids, page.Total
}

// wantList checks a list's ids, in order, and its total. A page holds every match unless the query pages.
func wantList(t *testing.T, c *client, query string, want []string) {
	t.Helper()
	got, total := listIDs(t, c, query)
	if !slices.Equal(got, want) || total != len(want) {
		t.Fatalf("GET /api/items?%s = %v (total %d), want %v (total %d)", query, got, total, want, len(want))
	}
}

func TestListFilters(t *testing.T) {
	_, c := listService(t)
	tests := []struct {
		query string
		want  []string
	}{
		// sort orders; ties (c1 and c2 both score 9) in import order, reversed when ascending
		{"", []string{"c8", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c9"}},
		{"sort=-score", []string{"c8", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c9"}},
		{"sort=score", []string{"c9", "c7", "c6", "c5", "c4", "c3", "c2", "c1", "c8"}},
		{"sort=id", []string{"c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9"}},
		{"sort=imported", []string{"c3", "c1", "c6", "c2", "c8", "c4", "c7", "c5", "c9"}},
		{"sort=-hints", []string{"c4", "c2", "c6", "c8", "c1", "c3", "c5", "c7", "c9"}},
		// last change first: c1's re-import (t8), then the decisions and the reopening, then the import (t0)
		{"sort=-updated", []string{"c1", "c7", "c5", "c4", "c3", "c6", "c2", "c8", "c9"}},

		{"status=pending", []string{"c8", "c2", "c6"}},
		{"status=pending&sort=id", []string{"c2", "c6", "c8"}},
		{"status=accepted,edited", []string{"c1", "c3"}},
		{"status=rejected&status=skipped", []string{"c4", "c5", "c7"}},
		{"status=auto_discarded", []string{"c9"}},
		{"status=disputed", []string{}},

		{"min_score=7&max_score=9", []string{"c1", "c2", "c3", "c4"}},
		{"min_score=9", []string{"c8", "c1", "c2"}},
		{"min_score=9&sort=score", []string{"c2", "c1", "c8"}},
		{"max_score=3", []string{"c7", "c9"}},
		{"min_score=5.5&max_score=6.5", []string{"c5"}},
		{"min_score=8.5&max_score=8.9", []string{}},
		{"min_score=9&max_score=7", []string{}},

		// a criterion lists by its points, then by score
		{"criterion=business", []string{"c7", "c9", "c6", "c4", "c5", "c2", "c8", "c1", "c3"}},
		{"criterion=relevance", []string{"c7", "c9", "c3", "c5", "c6", "c1", "c2", "c4"}},
		{"criterion=business&max_points=2", []string{"c7", "c9", "c6", "c4", "c5"}},
		{"criterion=business&min_points=2&max_points=3", []string{"c4", "c5", "c2"}},
		{"criterion=business&min_points=4&min_score=9", []string{"c8", "c1"}},
		{"criterion=business&min_points=4&max_score=9", []string{"c1", "c3"}},
		{"criterion=business&max_points=2&status=pending", []string{"c6"}},
		{"criterion=business&min_points=4&sort=id", []string{"c1", "c3", "c8"}},
		{"criterion=relevance&max_points=1&sort=score", []string{"c9", "c7"}},
		{"criterion=relevance&min_points=2.5&sort=-hints", []string{"c4", "c2", "c1"}},
		{"criterion=tone", []string{}},
		{"criterion=business&min_points=4.5", []string{}},

		{"rule=first_person", []string{"c2", "c4", "c6"}},
		{"rule=first_person&status=pending", []string{"c2", "c6"}},
		{"rule=first_person&sort=score", []string{"c6", "c4", "c2"}},
		{"rule=first_person&min_score=6&sort=id", []string{"c2", "c4"}},
		{"rule=first_person&batch=a", []string{}},
		{"rule=placeholder", []string{}},

		{"batch=a", []string{"c1", "c3", "c5", "c7"}},
		{"batch=b", []string{"c8", "c2", "c4", "c6", "c9"}},
		{"batch=b&status=pending&sort=score", []string{"c6", "c2", "c8"}},
		{"batch=2025-10-a", []string{}},

		// the reviewer of the current decision, newest decision first: rita's acceptance of c7 was replaced
		{"reviewer=rita", []string{"c4", "c1"}},
		{"reviewer=ren", []string{"c7", "c5", "c3"}},
		{"reviewer=auto", []string{"c9"}},
		{"reviewer=rita&sort=id", []string{"c1", "c4"}},
		{"reviewer=ren&status=rejected", []string{"c7"}},
		{"reviewer=ren&sort=score&batch=a", []string{"c7", "c5", "c3"}},
		{"reviewer=sato", []string{}},

		{"changed=true", []string{"c1"}},
		{"changed=1&reviewer=rita", []string{"c1"}},
		{"changed=false", []string{"c8", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c9"}},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			wantList(t, c, tc.query, tc.want)
		})
	}
}

// TestListFiltersSearch checks q before the background indexer ran (the list scans the texts) and after it built
// the index: the answers must be the same. Only an item's current revision is found.
func TestListFiltersSearch(t *testing.T) {
	svc, c := listService(t)
	tests := []struct {
		query string
		want  []string
	}{
		{"q=介護", []string{"c3", "c7"}}, // import order
		{"q=" + url.QueryEscape("介護 奈良"), []string{"c7"}},
		{"q=我々", []string{"c6", "c2", "c4"}},
		{"q=有限会社", []string{"c5"}}, // in the company name only
		{"q=送風機", []string{"c1"}},  // c1's new revision
		{"q=大阪府", []string{}},      // c1's old revision
		{"q=介護&sort=score", []string{"c7", "c3"}},
		{"q=介護&sort=id", []string{"c3", "c7"}},
		{"q=介護&status=rejected", []string{"c7"}},
		{"q=我々&min_score=6", []string{"c2", "c4"}},
		{"q=我々&rule=first_person&sort=-hints", []string{"c4", "c2", "c6"}},
		{"q=我々&reviewer=rita", []string{"c4"}},
		{"q=製造&batch=a", []string{"c1", "c7"}},
		{"q=製造&criterion=business&max_points=1", []string{"c6", "c7"}},
		{"q=宇宙", []string{}},
	}
	for _, indexed := range []bool{false, true} {
		if indexed {
			if _, left, err := svc.st.IndexPending(context.Background(), 100); err != nil || left != 0 {
				t.Fatalf("index: %d left, %v", left, err)
			}
		}
		for _, tc := range tests {
			t.Run(fmt.Sprintf("indexed=%v/%s", indexed, tc.query), func(t *testing.T) {
				wantList(t, c, tc.query, tc.want)
			})
		}
	}
}

// TestListFiltersPaging checks that pages of every kind of list are disjoint, in order, cover the whole list and
// each say the same total.
func TestListFiltersPaging(t *testing.T) {
	svc, c := listService(t)
	if _, _, err := svc.st.IndexPending(context.Background(), 100); err != nil {
		t.Fatal(err)
	}
	t.Run("pages of four", func(t *testing.T) {
		for _, p := range []struct {
			offset int
			want   []string
		}{
			{0, []string{"c8", "c1", "c2", "c3"}},
			{4, []string{"c4", "c5", "c6", "c7"}},
			{8, []string{"c9"}},
			{9, []string{}},
			{100, []string{}},
		} {
			var page review.Page
			c.do("GET", fmt.Sprintf("/api/items?limit=4&offset=%d", p.offset), nil, 200, &page)
			got := []string{}
			for _, r := range page.Items {
				got = append(got, r.ID)
			}
			if !slices.Equal(got, p.want) || page.Total != 9 || page.Limit != 4 || page.Offset != p.offset {
				t.Errorf("offset %d: %v (total %d, limit %d, offset %d), want %v (total 9)", p.offset, got, page.Total,
					page.Limit, page.Offset, p.want)
			}
		}
	})
	for _, query := range []string{
		"sort=-score", "sort=score", "sort=id", "sort=imported", "sort=-hints", "sort=-updated",
		"status=pending,rejected,accepted", "criterion=business", "criterion=relevance&min_points=2", "rule=first_person",
		"reviewer=ren", "batch=b", "q=製造", "q=製造&sort=score", "min_score=3&sort=id",
	} {
		t.Run(query, func(t *testing.T) {
			all, total := listIDs(t, c, query)
			if len(all) < 3 || total != len(all) {
				t.Fatalf("the whole list: %v (total %d), want at least 3", all, total)
			}
			var paged []string
			for offset := 0; offset <= len(all); offset += 2 {
				page, pageTotal := listIDs(t, c, fmt.Sprintf("%s&limit=2&offset=%d", query, offset))
				if pageTotal != total {
					t.Fatalf("offset %d: total %d, want %d", offset, pageTotal, total)
				}
				if want := min(2, len(all)-offset); len(page) != want {
					t.Fatalf("offset %d: %v, want %d items", offset, page, want)
				}
				for _, id := range page {
					if slices.Contains(paged, id) {
						t.Fatalf("offset %d: %s is on an earlier page too", offset, id)
					}
				}
				paged = append(paged, page...)
			}
			if !slices.Equal(paged, all) {
				t.Fatalf("pages of two: %v, the whole list: %v", paged, all)
			}
		})
	}
}

func TestListFiltersRefuse(t *testing.T) {
	_, c := listService(t)
	for _, tc := range []struct{ query, part string }{
		{"limit=501", "limit 501 is above the page size limit 500"},
		{"limit=ten", `limit="ten" is not a whole number`},
		{"offset=-1", "offset must not be negative"},
		{"offset=1.5", `offset="1.5" is not a whole number`},
		{"status=done", `status "done" is not one of`},
		{"status=pending,Accepted", `status "Accepted" is not one of`},
		{"sort=-id", `sort "-id" is not one of`},
		{"min_score=high", `min_score="high" is not a number`},
		{"max_points=2", "min_points and max_points need a criterion"},
		{"min_points=x&criterion=business", `min_points="x" is not a number`},
		{"min_score=NaN", "min_score must be a number, not NaN"},
		{"max_score=Inf", "max_score must be a number, not +Inf"},
		{"max_points=NaN&criterion=business", "max_points must be a number, not NaN"},
	} {
		t.Run(tc.query, func(t *testing.T) {
			var e map[string]string
			c.do("GET", "/api/items?"+tc.query, nil, 400, &e)
			if e["code"] != review.Invalid || !strings.Contains(e["message"], tc.part) {
				t.Fatalf("error %v, want invalid saying %q", e, tc.part)
			}
		})
	}
}
