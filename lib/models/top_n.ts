/**
 * The best `n` of a score vector among the allowed entries, by a bounded min-heap: O(m log n) for
 * m scores, no sort of the whole vector. A filter is applied while choosing (an item that fails it
 * is never a candidate), so a filtered list is as long as `n` whenever `n` items pass.
 *
 * @module
 */

/** Options of {@linkcode topN}. */
export interface TopNOptions {
  /** 1 where an entry may be chosen (e.g. from `filterMask` in lib/data/filters.ts); default: every entry. */
  allowed?: Uint8Array;
}

/** A top-N list: indices best first and their scores. */
export interface TopNList {
  /** Indices into the score vector, best first (ties: lower index first). */
  items: Uint32Array;
  /** Their scores. */
  scores: Float32Array;
}

/**
 * The `n` highest scores among the allowed entries, best first; ties go to the lower index and
 * NaN scores are never chosen. Shorter than `n` when fewer entries are allowed.
 *
 * @param scores One score per item.
 * @param n How many (≥ 1).
 * @param options `allowed`, a 0/1 mask as long as `scores`.
 * @returns Indices and scores, best first.
 *
 * @example
 * ```ts
 * import { topN } from "./top_n.ts";
 * const scores = Float32Array.of(0.5, 3, 2, 3, 1);
 * const all = topN(scores, 3);
 * if (all.items.join() !== "1,3,2") throw new Error(`${all.items}`); // tie 1 vs 3: lower first
 * const some = topN(scores, 3, { allowed: Uint8Array.of(1, 0, 1, 0, 1) });
 * if (some.items.join() !== "2,4,0") throw new Error(`${some.items}`);
 * ```
 */
export function topN(scores: ArrayLike<number>, n: number, options: TopNOptions = {}): TopNList {
  const { allowed } = options;
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`topN: n must be ≥ 1, got ${n}`);
  if (allowed && allowed.length !== scores.length) {
    throw new RangeError(`topN: the mask has ${allowed.length} entries, scores ${scores.length}`);
  }
  // Min-heap on (score, −index): the root is the worst kept entry.
  const heapItems = new Uint32Array(n);
  const heapScores = new Float64Array(n);
  let size = 0;
  const worse = (a: number, b: number) =>
    heapScores[a]! < heapScores[b]! ||
    (heapScores[a] === heapScores[b] && heapItems[a]! > heapItems[b]!);
  const swap = (a: number, b: number) => {
    const ti = heapItems[a]!, ts = heapScores[a]!;
    heapItems[a] = heapItems[b]!;
    heapScores[a] = heapScores[b]!;
    heapItems[b] = ti;
    heapScores[b] = ts;
  };
  const siftDown = (start: number) => {
    let p = start;
    for (;;) {
      const l = 2 * p + 1, r = l + 1;
      let m = p;
      if (l < size && worse(l, m)) m = l;
      if (r < size && worse(r, m)) m = r;
      if (m === p) return;
      swap(p, m);
      p = m;
    }
  };
  for (let i = 0; i < scores.length; i++) {
    if (allowed && allowed[i] === 0) continue;
    const s = scores[i]!;
    if (Number.isNaN(s)) continue;
    if (size < n) {
      heapItems[size] = i;
      heapScores[size] = s;
      let c = size++;
      while (c > 0) {
        const p = (c - 1) >> 1;
        if (!worse(c, p)) break;
        swap(c, p);
        c = p;
      }
    } else if (s > heapScores[0]!) {
      // Equal scores keep the earlier (lower) index already in the heap.
      heapItems[0] = i;
      heapScores[0] = s;
      siftDown(0);
    }
  }
  const items = new Uint32Array(size);
  const out = new Float32Array(size);
  for (let j = size - 1; j >= 0; j--) {
    items[j] = heapItems[0]!;
    out[j] = heapScores[0]!;
    size--;
    if (size > 0) {
      heapItems[0] = heapItems[size]!;
      heapScores[0] = heapScores[size]!;
      siftDown(0);
    }
  }
  return { items, scores: out };
}
