package review

import (
	"maps"
	"slices"
)

// matcher finds every occurrence of many patterns in one pass: an Aho-Corasick automaton compiled to a dense DFA over
// byte classes. Patterns are lower-case; the class table maps upper-case ASCII to the same class as lower-case, so
// matching ignores ASCII case without copying the text. Bytes that occur in no pattern share class 0.
//
// One pass costs a table load per byte whatever the number of patterns, which is what lets every rule's word list
// run on every imported item. States are numbered breadth-first, so the shallow states that Japanese text keeps
// passing through (a lead byte, a lead and a second byte, the first character of a pattern) share a few cache lines;
// the whole default table is about 2.5 MB, but the part most text touches is small.
type matcher struct {
	class  [256]uint8
	nclass int
	// delta[state*nclass+class] is the next state times nclass, so that the next lookup needs no multiplication,
	// with outFlag set when that state ends a pattern.
	delta []uint32
	// outs[outStart[state]:outStart[state+1]] are the patterns that end in state, longest first.
	outStart []int32
	outs     []int32
	lens     []int32 // byte length of each pattern
	maxLen   int     // of the longest pattern
}

const outFlag = 1 << 31

// newMatcher compiles patterns (non-empty, already folded and lower-cased). Pattern i is reported as i.
func newMatcher(patterns []string) *matcher {
	m := &matcher{lens: make([]int32, len(patterns))}
	var seen [256]bool
	for _, p := range patterns {
		for i := 0; i < len(p); i++ {
			seen[p[i]] = true
		}
	}
	n := 1
	for b := range 256 {
		if seen[b] && !('A' <= b && b <= 'Z') {
			m.class[b] = uint8(n)
			n++
		}
	}
	for b := 'A'; b <= 'Z'; b++ {
		m.class[b] = m.class[b+'a'-'A']
	}
	m.nclass = n

	// The trie, with sparse edges while building.
	type node struct {
		next map[uint8]int32
		out  []int32
	}
	nodes := []node{{next: map[uint8]int32{}}}
	for pi, p := range patterns {
		m.lens[pi] = int32(len(p))
		m.maxLen = max(m.maxLen, len(p))
		s := int32(0)
		for i := 0; i < len(p); i++ {
			c := m.class[p[i]]
			nx, ok := nodes[s].next[c]
			if !ok {
				nx = int32(len(nodes))
				nodes = append(nodes, node{next: map[uint8]int32{}})
				nodes[s].next[c] = nx
			}
			s = nx
		}
		nodes[s].out = append(nodes[s].out, int32(pi))
	}

	// Breadth-first order gives the new state numbers; each state's row is its fail state's row with its own edges
	// written over it, and a child's fail state is what the parent's row said for that class before the override.
	// Each node's edges in class order: walking them, not every class of every node, keeps compiling the default
	// rules' thousands of states at a few milliseconds.
	edges := make([][]uint8, len(nodes))
	for i := range nodes {
		edges[i] = slices.Sorted(maps.Keys(nodes[i].next))
	}
	order := make([]int32, 0, len(nodes))
	order = append(order, 0)
	id := make([]int32, len(nodes)) // trie node -> state number
	for q := 0; q < len(order); q++ {
		for _, c := range edges[order[q]] {
			nx := nodes[order[q]].next[c]
			id[nx] = int32(len(order))
			order = append(order, nx)
		}
	}
	states := len(nodes)
	rows := make([]int32, states*n) // next state numbers, before packing
	fail := make([]int32, states)
	outs := make([][]int32, states)
	for q, node := range order {
		row := rows[q*n : (q+1)*n]
		outs[q] = slices.Clone(nodes[node].out)
		if q != 0 {
			f := int(fail[q])
			copy(row, rows[f*n:(f+1)*n])
			outs[q] = append(outs[q], outs[f]...)
		}
		for _, c := range edges[node] {
			nx := nodes[node].next[c]
			if q != 0 {
				fail[id[nx]] = row[c]
			}
			row[c] = id[nx]
		}
	}
	m.outStart = make([]int32, states+1)
	for q := range states {
		m.outStart[q] = int32(len(m.outs))
		m.outs = append(m.outs, outs[q]...)
	}
	m.outStart[states] = int32(len(m.outs))
	m.delta = make([]uint32, len(rows))
	for i, st := range rows {
		m.delta[i] = uint32(int(st) * n)
		if len(outs[st]) > 0 {
			m.delta[i] |= outFlag
		}
	}
	return m
}

func (m *matcher) report(st, end int, found func(pattern int32, start, end int)) {
	for _, p := range m.outs[m.outStart[st]:m.outStart[st+1]] {
		found(p, end-int(m.lens[p]), end)
	}
}

// scan calls found for every occurrence of every pattern in text, with the pattern and the byte span, in no
// particular order. Each step of the automaton waits for the table load of the step before, so the text is cut in
// two halves that run as independent state chains in one loop and the CPU overlaps their loads (about 1.6 times as
// fast). The second chain starts maxLen-1 bytes early to warm up and reports only matches that end in its half.
func (m *matcher) scan(text string, found func(pattern int32, start, end int)) {
	if len(text) < 256 {
		m.scanSerial(text, found)
		return
	}
	class, delta := &m.class, m.delta
	mid := len(text) / 2
	warm := max(mid-m.maxLen+1, 0)
	n1, n2 := mid, len(text)-warm
	var a, b uint32
	i := 0
	for ; i < n1 && i < n2; i++ {
		na := delta[a+uint32(class[text[i]])]
		nb := delta[b+uint32(class[text[warm+i]])]
		a, b = na&^outFlag, nb&^outFlag
		if na&outFlag != 0 {
			m.report(int(a)/m.nclass, i+1, found)
		}
		if nb&outFlag != 0 && warm+i+1 > mid {
			m.report(int(b)/m.nclass, warm+i+1, found)
		}
	}
	for ; i < n2; i++ {
		nb := delta[b+uint32(class[text[warm+i]])]
		b = nb &^ outFlag
		if nb&outFlag != 0 && warm+i+1 > mid {
			m.report(int(b)/m.nclass, warm+i+1, found)
		}
	}
}

// scanSerial is scan in one chain, for short texts.
func (m *matcher) scanSerial(text string, found func(pattern int32, start, end int)) {
	class, delta := &m.class, m.delta
	st := uint32(0)
	for i := 0; i < len(text); i++ {
		next := delta[st+uint32(class[text[i]])]
		st = next &^ outFlag
		if next&outFlag != 0 {
			m.report(int(st)/m.nclass, i+1, found)
		}
	}
}
