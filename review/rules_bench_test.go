package review

import (
	"strings"
	"sync/atomic"
	"testing"
)

// benchItems builds importer-sized items from the evaluation set: summaries of about 1 KB and sources of about 2 KB,
// each stitched from consecutive eval items. With all items they carry about 8 hints each, more than most real
// summaries (the eval set is mostly flawed on purpose); with clean ones only they show the common case.
func benchItems(b *testing.B, cleanOnly bool) (summaries, sources []string, avg int64) {
	b.Helper()
	all, err := readEval("testdata/hints/eval.jsonl")
	if err != nil {
		b.Fatal(err)
	}
	var eval []evalItem
	for _, it := range all {
		if !cleanOnly || len(it.Expect) == 0 {
			eval = append(eval, it)
		}
	}
	var total int
	for start := 0; start < len(eval); start += 3 {
		// the source holds the sources of every summary stitched in, as a company's pages hold what its summary says
		var sum, src strings.Builder
		k := start
		for ; sum.Len() < 1024; k++ {
			sum.WriteString(eval[k%len(eval)].Summary)
			src.WriteString(eval[k%len(eval)].Source)
		}
		for ; src.Len() < 2048; k++ {
			src.WriteString(eval[k%len(eval)].Source)
		}
		summaries = append(summaries, sum.String())
		sources = append(sources, src.String())
		total += sum.Len()
	}
	return summaries, sources, int64(total / len(summaries))
}

// BenchmarkCheck measures one core: MB/s is summary text through all default rules, each call with its ~2 KB source.
func BenchmarkCheck(b *testing.B) { benchmarkCheck(b, false) }

// BenchmarkCheckClean is BenchmarkCheck on summaries with nothing to flag.
func BenchmarkCheckClean(b *testing.B) { benchmarkCheck(b, true) }

func benchmarkCheck(b *testing.B, cleanOnly bool) {
	rs := DefaultRules()
	summaries, sources, avg := benchItems(b, cleanOnly)
	b.SetBytes(avg)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		rs.Check(summaries[i], sources[i])
		if i++; i == len(summaries) {
			i = 0
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "items/s")
}

// BenchmarkCheckParallel measures all cores (GOMAXPROCS) sharing one RuleSet, as the importer does.
func BenchmarkCheckParallel(b *testing.B) {
	rs := DefaultRules()
	summaries, sources, avg := benchItems(b, false)
	b.SetBytes(avg)
	b.ReportAllocs()
	var next atomic.Int64
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := int(next.Add(1)) % len(summaries)
			rs.Check(summaries[i], sources[i])
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "items/s")
}

// BenchmarkDefaultRules measures compiling the embedded rules, which a process does once.
func BenchmarkDefaultRules(b *testing.B) {
	for b.Loop() {
		DefaultRules()
	}
}
