/**
 * Intra-list diversity: how different the items of one top-N list are from each other, as the
 * mean pairwise dissimilarity 1 − cos(v_i, v_j) of item feature vectors (genre indicators, or a
 * model's item factors), averaged over the lists.
 *
 * @module
 */
import type { RankedLists } from "./ranking.ts";

const PAD = 0xffff_ffff;

/** Options of {@linkcode intraListDiversity}. */
export interface DiversityOptions {
  /** Cut-off: the first `k` entries of each list. Default `lists.n`. */
  k?: number;
}

/**
 * Mean over lists of the mean pairwise dissimilarity 1 − cos(v_i, v_j) over the list's pairs of
 * distinct positions (padding skipped; a pair with a zero vector counts as dissimilarity 1, as
 * two items with nothing in common). Lists with fewer than two items are skipped. NaN when no list
 * has two items.
 *
 * @param lists Top-N lists (e.g. `recommendBatch`'s result).
 * @param features `nItems × dim` row-major item vectors (genre 0/1 indicators or factors).
 * @param dim Entries per vector.
 * @param options Cut-off `k`.
 * @returns The diversity, in [0, 2] (in [0, 1] for non-negative features such as genres).
 *
 * @example
 * ```ts
 * import { intraListDiversity } from "./diversity.ts";
 * // Genres (Comedy, Drama): item 0 comedy, item 1 comedy, item 2 drama.
 * const genres = Float32Array.of(1, 0, 1, 0, 0, 1);
 * const lists = { users: Uint32Array.of(0), n: 3, items: Uint32Array.of(0, 1, 2) };
 * // Pairs (0,1) 0, (0,2) 1, (1,2) 1: mean 2/3.
 * if (Math.abs(intraListDiversity(lists, genres, 2) - 2 / 3) > 1e-12) throw new Error();
 * ```
 */
export function intraListDiversity(
  lists: RankedLists,
  features: ArrayLike<number>,
  dim: number,
  options: DiversityOptions = {},
): number {
  const { users, items, n } = lists;
  if (!Number.isInteger(dim) || dim < 1 || features.length % dim !== 0) {
    throw new RangeError(
      `intraListDiversity: dim must be a whole number ≥ 1 dividing features.length ` +
        `(${features.length}), got ${dim}`,
    );
  }
  const k = options.k ?? n;
  if (!Number.isInteger(k) || k < 1 || k > n) {
    throw new RangeError(`intraListDiversity: k must be a whole number in 1..${n}, got ${k}`);
  }
  const nItems = features.length / dim;
  const norm = new Float64Array(nItems).fill(-1); // computed on first use
  const normOf = (i: number): number => {
    if (norm[i]! < 0) {
      let s = 0;
      for (let f = 0; f < dim; f++) s += features[i * dim + f]! ** 2;
      norm[i] = Math.sqrt(s);
    }
    return norm[i]!;
  };
  let sum = 0;
  let counted = 0;
  const list: number[] = [];
  for (let j = 0; j < users.length; j++) {
    list.length = 0;
    for (let r = 0; r < k; r++) {
      const i = items[j * n + r]!;
      if (i === PAD) continue;
      if (i >= nItems) {
        throw new RangeError(
          `intraListDiversity: item ${i} has no feature vector (${nItems} items)`,
        );
      }
      list.push(i);
    }
    if (list.length < 2) continue;
    let pairSum = 0;
    for (let a = 0; a < list.length; a++) {
      for (let b = a + 1; b < list.length; b++) {
        const ia = list[a]!, ib = list[b]!;
        const d = normOf(ia) * normOf(ib);
        let dot = 0;
        for (let f = 0; f < dim; f++) dot += features[ia * dim + f]! * features[ib * dim + f]!;
        pairSum += d > 0 ? 1 - dot / d : 1;
      }
    }
    sum += pairSum / ((list.length * (list.length - 1)) / 2);
    counted++;
  }
  return sum / counted;
}

/**
 * How much two models' lists agree: the mean over users of |top-k of A ∩ top-k of B| / k (padding
 * never matches). The two batches must list the same users in the same order.
 *
 * @param a Lists of one model.
 * @param b Lists of another model, same users.
 * @param k Cut-off (≤ both list lengths).
 * @returns The mean overlap in [0, 1] (NaN for no users).
 *
 * @example
 * ```ts
 * import { listOverlap } from "./diversity.ts";
 * const a = { users: Uint32Array.of(0, 1), n: 2, items: Uint32Array.of(1, 2, 3, 4) };
 * const b = { users: Uint32Array.of(0, 1), n: 2, items: Uint32Array.of(2, 1, 5, 6) };
 * if (listOverlap(a, b, 2) !== 0.5) throw new Error("user 0 agrees fully, user 1 not at all");
 * ```
 */
export function listOverlap(a: RankedLists, b: RankedLists, k: number): number {
  if (a.users.length !== b.users.length || a.users.some((u, j) => u !== b.users[j])) {
    throw new RangeError("listOverlap: the two batches must list the same users in the same order");
  }
  if (!Number.isInteger(k) || k < 1 || k > a.n || k > b.n) {
    throw new RangeError(`listOverlap: k must be a whole number in 1..${Math.min(a.n, b.n)}`);
  }
  let sum = 0;
  for (let j = 0; j < a.users.length; j++) {
    const mine = new Set(a.items.subarray(j * a.n, j * a.n + k));
    mine.delete(PAD);
    let shared = 0;
    for (const i of b.items.subarray(j * b.n, j * b.n + k)) if (mine.has(i)) shared++;
    sum += shared / k;
  }
  return sum / a.users.length;
}
