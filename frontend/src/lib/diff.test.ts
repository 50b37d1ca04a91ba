import { describe, expect, it } from 'vitest';
import { diffChars, diffStats, type Chunk } from './diff';

const side = (chunks: Chunk[], keep: 'delete' | 'insert') =>
  chunks
    .filter((c) => c.op === 'equal' || c.op === keep)
    .map((c) => c.text)
    .join('');

const edits = (chunks: Chunk[]) => {
  const s = diffStats(chunks);
  return s.inserted + s.deleted;
};

// The length of the longest common subsequence, by dynamic programming: the reference a minimal diff must match.
function lcs(a: string[], b: string[]): number {
  const dp = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      dp[i][j] = a[i - 1] === b[j - 1] ? dp[i - 1][j - 1] + 1 : Math.max(dp[i - 1][j], dp[i][j - 1]);
  return dp[a.length][b.length];
}

// A small deterministic generator, so a failure can be replayed.
function rng(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
}

describe('diffChars', () => {
  const cases: { name: string; a: string; b: string; want: Chunk[] }[] = [
    { name: 'identical', a: '同社は', b: '同社は', want: [{ op: 'equal', text: '同社は' }] },
    { name: 'both empty', a: '', b: '', want: [] },
    { name: 'from empty', a: '', b: 'abc', want: [{ op: 'insert', text: 'abc' }] },
    { name: 'to empty', a: 'abc', b: '', want: [{ op: 'delete', text: 'abc' }] },
    {
      name: 'first person replaced',
      a: '我々は大阪府でポンプを製造しています。',
      b: '同社は大阪府でポンプを製造しています。',
      want: [
        { op: 'delete', text: '我々' },
        { op: 'insert', text: '同社' },
        { op: 'equal', text: 'は大阪府でポンプを製造しています。' },
      ],
    },
    {
      name: 'exclamation removed in the middle',
      a: '実現します！同社は',
      b: '実現します。同社は',
      want: [
        { op: 'equal', text: '実現します' },
        { op: 'delete', text: '！' },
        { op: 'insert', text: '。' },
        { op: 'equal', text: '同社は' },
      ],
    },
    {
      name: 'insertion',
      a: '札幌で介護サービス',
      b: '札幌など全国で介護サービス',
      want: [
        { op: 'equal', text: '札幌' },
        { op: 'insert', text: 'など全国' },
        { op: 'equal', text: 'で介護サービス' },
      ],
    },
    {
      name: 'astral characters are never split',
      a: '𠮷野家',
      b: '𠮷田屋',
      want: [
        { op: 'equal', text: '𠮷' },
        { op: 'delete', text: '野家' },
        { op: 'insert', text: '田屋' },
      ],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(diffChars(c.a, c.b)).toEqual(c.want);
    });
  }

  it('spells both texts and is minimal on random edits', () => {
    const next = rng(7);
    const alphabet = Array.from('あいうえお社はです。AB𠮷');
    for (let round = 0; round < 300; round++) {
      const len = Math.floor(next() * 24);
      const a = Array.from({ length: len }, () => alphabet[Math.floor(next() * alphabet.length)]);
      const b = [...a];
      const nEdits = Math.floor(next() * 6);
      for (let e = 0; e < nEdits; e++) {
        const pos = Math.floor(next() * (b.length + 1));
        if (next() < 0.5 && b.length > 0) b.splice(Math.min(pos, b.length - 1), 1);
        else b.splice(pos, 0, alphabet[Math.floor(next() * alphabet.length)]);
      }
      const as = a.join('');
      const bs = b.join('');
      const d = diffChars(as, bs);
      expect(side(d, 'delete'), `round ${round}`).toBe(as);
      expect(side(d, 'insert'), `round ${round}`).toBe(bs);
      expect(edits(d), `round ${round}: ${as} -> ${bs}`).toBe(a.length + b.length - 2 * lcs(a, b));
      for (let i = 1; i < d.length; i++) expect(d[i].op === d[i - 1].op, `round ${round}: adjacent ops merge`).toBe(false);
    }
  });

  it('gives up on a rewrite past maxEdits but still spells both texts', () => {
    const a = 'あいうえおかきくけこ';
    const b = 'さしすせそたちつてと';
    const d = diffChars(a, b, 3);
    expect(d).toEqual([
      { op: 'delete', text: a },
      { op: 'insert', text: b },
    ]);
  });

  it('finds scattered edits in a long summary', () => {
    const base = '株式会社サンプルは、愛知県名古屋市に本社を置く産業用ポンプのメーカーです。'.repeat(40);
    const edited = base.replace(/ポンプ/g, 'バルブ').replace('愛知県', '岐阜県');
    const d = diffChars(base, edited);
    expect(side(d, 'delete')).toBe(base);
    expect(side(d, 'insert')).toBe(edited);
    expect(diffStats(d)).toEqual({ inserted: 2 + 40 * 3, deleted: 2 + 40 * 3 });
  });
});
