// A character-level diff (Myers' O(ND) algorithm) for the editor's live view of what the reviewer changed. It
// works on code points, so that a character outside the BMP (𠮷) is never split into half surrogates, and Japanese,
// which has no spaces to diff words by, reads naturally.

export type Op = 'equal' | 'insert' | 'delete';

export interface Chunk {
  op: Op;
  text: string;
}

/**
 * diffChars returns the chunks that turn a into b: equal and delete chunks spell a, equal and insert chunks spell b.
 * Past maxEdits differences (a rewrite, not an edit) it stops searching and reports the differing middle as one
 * deletion and one insertion, which keeps the work bounded while the reviewer types.
 */
export function diffChars(a: string, b: string, maxEdits = 1000): Chunk[] {
  const x = Array.from(a);
  const y = Array.from(b);
  let pre = 0;
  while (pre < x.length && pre < y.length && x[pre] === y[pre]) pre++;
  let suf = 0;
  while (suf < x.length - pre && suf < y.length - pre && x[x.length - 1 - suf] === y[y.length - 1 - suf]) suf++;

  const out: Chunk[] = [];
  const push = (op: Op, text: string) => {
    if (!text) return;
    const last = out[out.length - 1];
    if (last && last.op === op) last.text += text;
    else out.push({ op, text });
  };
  push('equal', x.slice(0, pre).join(''));
  const xm = x.slice(pre, x.length - suf);
  const ym = y.slice(pre, y.length - suf);
  const mid = myers(xm, ym, maxEdits);
  if (mid) for (const c of mid) push(c.op, c.text);
  else {
    push('delete', xm.join(''));
    push('insert', ym.join(''));
  }
  push('equal', x.slice(x.length - suf).join(''));
  return deletionsFirst(out);
}

/** Within each run of changes, shows what was removed before what replaced it, as a reader expects. */
function deletionsFirst(chunks: Chunk[]): Chunk[] {
  const out: Chunk[] = [];
  let del = '';
  let ins = '';
  const flush = () => {
    if (del) out.push({ op: 'delete', text: del });
    if (ins) out.push({ op: 'insert', text: ins });
    del = ins = '';
  };
  for (const c of chunks) {
    if (c.op === 'delete') del += c.text;
    else if (c.op === 'insert') ins += c.text;
    else {
      flush();
      out.push(c);
    }
  }
  flush();
  return out;
}

/** The shortest edit script between x and y, or null when it needs more than maxEdits edits. */
function myers(x: string[], y: string[], maxEdits: number): Chunk[] | null {
  const n = x.length;
  const m = y.length;
  if (n === 0 && m === 0) return [];
  if (n === 0) return [{ op: 'insert', text: y.join('') }];
  if (m === 0) return [{ op: 'delete', text: x.join('') }];
  const max = Math.min(n + m, maxEdits);
  const offset = max + 1;
  // v[k + offset] is the furthest x reached on diagonal k; trace keeps each round's v for the walk back.
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= max; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let i: number;
      if (k === -d || (k !== d && v[k - 1 + offset] < v[k + 1 + offset])) i = v[k + 1 + offset];
      else i = v[k - 1 + offset] + 1;
      let j = i - k;
      while (i < n && j < m && x[i] === y[j]) {
        i++;
        j++;
      }
      v[k + offset] = i;
      if (i >= n && j >= m) return backtrack(trace, x, y, d, offset);
    }
  }
  return null;
}

function backtrack(trace: Int32Array[], x: string[], y: string[], dEnd: number, offset: number): Chunk[] {
  const rev: Chunk[] = [];
  const add = (op: Op, ch: string) => {
    const last = rev[rev.length - 1];
    // built backwards: prepend to the chunk being grown
    if (last && last.op === op) last.text = ch + last.text;
    else rev.push({ op, text: ch });
  };
  let i = x.length;
  let j = y.length;
  for (let d = dEnd; d > 0; d--) {
    const v = trace[d];
    const k = i - j;
    const down = k === -d || (k !== d && v[k - 1 + offset] < v[k + 1 + offset]);
    const pk = down ? k + 1 : k - 1;
    const pi = v[pk + offset];
    const pj = pi - pk;
    // the snake: the diagonal run that followed this round's one edit
    while (i > pi && j > pj) {
      add('equal', x[i - 1]);
      i--;
      j--;
    }
    if (down) {
      add('insert', y[j - 1]);
      j--;
    } else {
      add('delete', x[i - 1]);
      i--;
    }
    i = pi;
    j = pj;
  }
  while (i > 0 && j > 0) {
    add('equal', x[i - 1]);
    i--;
    j--;
  }
  return rev.reverse();
}

/** How many characters a diff inserts and deletes: the editor's "+3 −1". */
export function diffStats(chunks: Chunk[]): { inserted: number; deleted: number } {
  let inserted = 0;
  let deleted = 0;
  for (const c of chunks) {
    const n = Array.from(c.text).length;
    if (c.op === 'insert') inserted += n;
    else if (c.op === 'delete') deleted += n;
  }
  return { inserted, deleted };
}
