// Package demo generates a realistic, deterministic Japanese dataset for reviewdesk: companies across industries
// and prefectures, their web pages as source texts, LLM-style summaries with the failure classes of DOMAIN.md
// injected at realistic rates, judge scores that follow quality only in part, and reviewers' decisions.
//
// Everything is a pure function of the Config and the index: Item(i) regenerates any item without the ones before
// it, which is what lets a benchmark generate millions of items, drop them, and check them again later. (Items
// takes part because it splits the indexes into batches; Reviewed and Start change decisions, never items.)
package demo

import (
	"strings"
	"sync"
	"time"

	"reviewdesk/review"
)

// Defaults of `reviewdesk demo`.
const (
	DefaultItems    = 2000
	DefaultReviewed = 0.3
)

// MaxItems is the most items one generator makes: corporate numbers stay unique up to it.
const MaxItems = idSpace

// Config says what to generate.
type Config struct {
	// Items is how many items Next returns; New caps it at MaxItems.
	Items int
	Seed  int64
	// Reviewed is the share of items with decisions, 0 to 1.
	Reviewed float64
	// Start is the base clock: decisions fall on the ten working days before it. Zero means defaultStart, so
	// that a zero Config is deterministic too.
	Start time.Time
}

// defaultStart is the clock a zero Config.Start stands for: the Monday after the last batch was reviewed.
func defaultStart() time.Time { return time.Date(2025, 12, 1, 9, 0, 0, 0, jst()) }

// jst is Japan's clock: working hours are Japanese working hours, whatever zone Start is in.
func jst() *time.Location { return time.FixedZone("JST", 9*3600) }

// Generator makes the items and decisions of one Config. Item and Decisions are safe for concurrent use; Next
// is a cursor and is not.
type Generator struct {
	cfg      Config
	t        *tables
	next     int
	batches  []batch
	days     []time.Time // working days before Start, oldest first, at 00:00 JST
	idOffset uint64
	buffers  sync.Pool // of *buffers
}

// batch is one generation run: later batches use a newer generator model and prompt, with other defect rates,
// so that yield over time has a story to tell.
type batch struct {
	name, generator, prompt string
	rates                   [numClasses]float64
}

// buffers are the text buffers items are rendered in, kept between items.
type buffers struct{ sum, src, tmp text }

// work is what one item is built from and in. It lives on the stack of Item and Decisions, so that filling it
// costs no GC write barriers.
type work struct {
	co            company
	plan          summaryPlan
	sum, src, tmp text
}

func (g *Generator) getWork(w *work) *buffers {
	bufs := g.buffers.Get().(*buffers)
	w.sum, w.src, w.tmp = bufs.sum, bufs.src, bufs.tmp
	w.sum.reset()
	w.src.reset()
	w.tmp.reset()
	return bufs
}

// putWork returns the buffers, which may have grown, to the pool.
func (g *Generator) putWork(w *work, bufs *buffers) {
	bufs.sum, bufs.src, bufs.tmp = w.sum, w.src, w.tmp
	g.buffers.Put(bufs)
}

// New returns a generator for cfg.
func New(cfg Config) *Generator {
	cfg.Items = min(max(cfg.Items, 0), MaxItems)
	cfg.Reviewed = min(max(cfg.Reviewed, 0), 1)
	if cfg.Start.IsZero() {
		cfg.Start = defaultStart()
	}
	g := &Generator{cfg: cfg, t: newTables(), idOffset: mix(uint64(cfg.Seed)^0x5eed) % idSpace}
	g.buffers.New = func() any {
		return &buffers{sum: newText(1600), src: newText(4096), tmp: newText(2400)}
	}
	g.batches = newBatches(int(3 + mix(uint64(cfg.Seed))%3))
	g.days = workingDaysBefore(cfg.Start, reviewDays)
	return g
}

func newBatches(n int) []batch {
	names := []string{"2025-10-a", "2025-10-b", "2025-11-a", "2025-11-b", "2025-12-a"}
	out := make([]batch, n)
	for i := range out {
		b := &out[i]
		b.name = names[i]
		for c := range numClasses {
			b.rates[c] = baseRate(c)
		}
		switch i {
		case 0: // the first prompt did not insist on the third person
			b.generator, b.prompt = "gen-a-2025-06", "v1"
			for c := range numClasses {
				b.rates[c] *= 1.15
			}
			b.rates[firstPerson] = baseRate(firstPerson) * 1.8
		case 1:
			b.generator, b.prompt = "gen-a-2025-06", "v2"
			b.rates[firstPerson] *= 0.9
		default: // a newer model: fewer slips, but fond of superlatives
			b.generator, b.prompt = "gen-b-2025-09", "v2"
			for c := range numClasses {
				b.rates[c] *= 0.8
			}
			b.rates[firstPerson] = baseRate(firstPerson) * 0.5
			b.rates[superlative] = baseRate(superlative) * 1.4
		}
	}
	return out
}

// Judge is the judge model of every item.
const Judge = "judge-x-2025-05"

// batchOf splits the items into equal runs of consecutive indexes, one per batch.
func (g *Generator) batchOf(i int) int {
	if g.cfg.Items == 0 {
		return 0
	}
	return int(int64(min(i, g.cfg.Items-1)) * int64(len(g.batches)) / int64(g.cfg.Items))
}

// Next returns the next item, or false once Items items were returned.
func (g *Generator) Next() (review.Item, bool) {
	if g.next >= g.cfg.Items {
		return review.Item{}, false
	}
	it := g.Item(g.next)
	g.next++
	return it, true
}

// Item returns the i-th item, the same as the i-th Next; i must be in [0, Items).
func (g *Generator) Item(i int) review.Item {
	var w work
	bufs := g.getWork(&w)
	defer g.putWork(&w, bufs)
	b := &g.batches[g.draw(i, &w)]
	co, p := &w.co, &w.plan
	r := newRNG(g.cfg.Seed, streamJudge, i)
	sc := judge(&r, p.defects)
	g.writeSource(&w.src, co)

	meta := map[string]any{"industry": g.t.indKeys[co.indIx], "prefecture": g.t.prefNames[co.prefIx], "lang": "ja"}
	if co.en {
		meta["lang"] = "en"
	}
	if p.defects.empty() {
		meta["defects"] = g.t.noDefects
	} else {
		meta["defects"] = p.defects.codes()
	}
	// One allocation holds both texts: they live and die together in an item, and at millions of items every
	// allocation shows.
	var both strings.Builder
	both.Grow(w.src.len + w.sum.len)
	both.Write(w.src.bytes())
	both.Write(w.sum.bytes())
	source, summary := both.String()[:w.src.len], both.String()[w.src.len:]
	return review.Item{
		ID:      g.corporateNumber(i, co.form),
		Company: co.name,
		Source:  source,
		Summary: summary,
		Scores: map[string]float64{
			"business":     float64(sc[critBusiness]),
			"third_person": float64(sc[critThirdPerson]),
			"relevance":    float64(sc[critRelevance]),
		},
		Score:         float64(sc[critBusiness] + sc[critThirdPerson] + sc[critRelevance]),
		MaxScore:      10,
		Generator:     b.generator,
		Judge:         Judge,
		PromptVersion: b.prompt,
		Batch:         b.name,
		Meta:          meta,
	}
}

// draw makes the company and the summary plan of item i, renders the fitted summary into w.sum and returns the
// item's batch.
func (g *Generator) draw(i int, w *work) int {
	if i < 0 {
		panic("demo: negative item index")
	}
	b := g.batchOf(i)
	r := newRNG(g.cfg.Seed, streamItem, i)
	g.t.drawCompany(&r, &w.co)
	g.t.drawPlan(&r, &w.co, &w.plan, &g.batches[b].rates)
	g.fit(w)
	return b
}

// Corporate numbers (法人番号): a check digit and the 12-digit 会社法人等番号, which is a registry office code
// (4 digits), the company type (2) and a serial (6). Items get distinct numbers by a bijection of their index onto
// (office, serial); the seed shifts it.
const (
	idSpace = 100 * 1_000_000 // 100 office codes × 10^6 serials
	idStep  = 48_271_529      // coprime to idSpace, so i -> i*idStep mod idSpace is a bijection
)

func (g *Generator) corporateNumber(i int, f form) string {
	v := (uint64(i)*idStep + g.idOffset) % idSpace
	office := (v/1_000_000/2+1)*100 + v/1_000_000%2 // 0100, 0101, ..., 5001: regional offices and their branches
	base := office*100_000_000 + f.code()*1_000_000 + v%1_000_000
	var d [13]byte
	sum := uint64(0)
	for k := 12; k >= 1; k-- {
		digit := base % 10
		base /= 10
		d[k] = byte('0' + digit)
		if (12-k)%2 == 0 { // the n-th digit from the right weighs 1 when n is odd, 2 when even
			sum += digit
		} else {
			sum += 2 * digit
		}
	}
	d[0] = byte('0' + 9 - sum%9)
	return string(d[:])
}
