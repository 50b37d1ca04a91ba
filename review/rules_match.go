package review

// matcher finds every occurrence of many patterns in one pass: an Aho-Corasick automaton compiled to a dense DFA over
// byte classes. Patterns are lower-case; the class table maps upper-case ASCII to the same class as lower-case, so
// matching ignores ASCII case without copying the text. Bytes that occur in no pattern share class 0.
//
// One pass costs a table load per byte whatever the number of patterns, which is what lets every rule's word list
// run on every imported item.
type matcher struct {
	class  [256]uint8
	nclass uint32
	// delta[state*nclass+class] is the next state, premultiplied by nclass and shifted left once; the low bit says
	// that the state ends at least one pattern.
	delta []uint32
	// outs[outStart[state]:outStart[state+1]] are the patterns that end in state, longest first.
	outStart []int32
	outs     []int32
	lens     []int32 // byte length of each pattern
}

// newMatcher compiles patterns (non-empty, already folded and lower-cased). Pattern i is reported as i.
func newMatcher(patterns []string) *matcher {
	m := &matcher{lens: make([]int32, len(patterns))}
	var seen [256]bool
	for _, p := range patterns {
		for i := 0; i < len(p); i++ {
			seen[p[i]] = true
		}
	}
	n := uint32(1)
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
		fail int32
		out  []int32
	}
	nodes := []node{{next: map[uint8]int32{}}}
	for pi, p := range patterns {
		m.lens[pi] = int32(len(p))
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

	// Breadth-first: fail links, inherited outputs and the dense table, each state's row filled from its fail row.
	m.delta = make([]uint32, len(nodes)*int(n))
	order := make([]int32, 0, len(nodes))
	order = append(order, 0)
	for q := 0; q < len(order); q++ {
		s := order[q]
		row := m.delta[int(s)*int(n) : int(s+1)*int(n)]
		if s != 0 {
			copy(row, m.delta[int(nodes[s].fail)*int(n):int(nodes[s].fail+1)*int(n)])
			nodes[s].out = append(nodes[s].out, nodes[nodes[s].fail].out...)
		}
		for c, nx := range nodes[s].next {
			if s == 0 {
				nodes[nx].fail = 0
			} else {
				nodes[nx].fail = int32(m.delta[int(s)*int(n)+int(c)]>>1) / int32(n)
			}
			row[c] = uint32(nx) * n << 1
			order = append(order, nx)
		}
	}
	m.outStart = make([]int32, len(nodes)+1)
	for s := range nodes {
		m.outStart[s] = int32(len(m.outs))
		m.outs = append(m.outs, nodes[s].out...)
	}
	m.outStart[len(nodes)] = int32(len(m.outs))
	for i := range m.delta {
		if len(nodes[m.delta[i]>>1/n].out) > 0 {
			m.delta[i] |= 1
		}
	}
	return m
}

// scan calls found for every occurrence of every pattern in text, with the pattern and the byte span, in order of
// end offset.
func (m *matcher) scan(text string, found func(pattern int32, start, end int)) {
	delta, class, n := m.delta, &m.class, m.nclass
	st := uint32(0)
	for i := 0; i < len(text); i++ {
		st = delta[st>>1+uint32(class[text[i]])]
		if st&1 != 0 {
			s := (st >> 1) / n
			for _, p := range m.outs[m.outStart[s]:m.outStart[s+1]] {
				found(p, i+1-int(m.lens[p]), i+1)
			}
		}
	}
}
