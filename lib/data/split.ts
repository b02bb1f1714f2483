/**
 * Train/test splits of a {@linkcode RatingMatrix}.
 *
 * Every split returns two full matrices with the input's `nUsers` and `nItems` (both CSR and CSC
 * filled, rows' item indices and columns' user indices ascending), so a model trained on `train` can
 * be scored on `test` with the same dense ids. Each rating lands in exactly one of the two.
 *
 * | split | unit | question it answers |
 * | --- | --- | --- |
 * | {@linkcode randomSplit} | rating | how well do we fill in missing ratings? |
 * | {@linkcode temporalSplit} | global time cut | how well do we predict the future? |
 * | {@linkcode leaveLastNSplit} | each user's newest ratings | what will this user rate next? |
 * | {@linkcode leaveLastFractionSplit} | each user's newest share | what will they watch next (ranking)? |
 * | {@linkcode coldItemSplit} | whole items | what about movies nobody has rated yet? |
 *
 * All of them work on typed arrays in a few linear passes (32 million ratings take seconds).
 *
 * @module
 */

import { Rng, sampleIndices } from "../stats/rng.ts";
import { cscFromCsr } from "./coo.ts";
import { withIdMaps } from "./id_maps.ts";
import type { RatingMatrix } from "./types.ts";

/** A train/test pair over the same users and items. */
export interface Split {
  /** Ratings to fit on. */
  readonly train: RatingMatrix;
  /** Held-out ratings to evaluate on. */
  readonly test: RatingMatrix;
}

/** A cold-item split: the held-out items and all their ratings. */
export interface ColdItemSplit extends Split {
  /** Dense indices of the held-out items, ascending. */
  readonly coldItems: Uint32Array;
}

/** Options of {@linkcode randomSplit}. */
export interface RandomSplitOptions {
  /** Probability that a rating goes to test, in [0, 1]. Default 0.1. */
  testFraction?: number;
  /** Seed, a whole number in 0..2³²−1. */
  seed: number;
}

/** Options of {@linkcode temporalSplit}. */
export interface TemporalSplitOptions {
  /** Share of all ratings (the oldest ones) that go to train, in [0, 1]. Default 0.8. */
  trainFraction?: number;
}

/** Options of {@linkcode leaveLastNSplit}. */
export interface LeaveLastNOptions {
  /** How many of each user's newest ratings go to test, a whole number ≥ 0. Default 1. */
  n?: number;
}

/** Options of {@linkcode coldItemSplit}. */
export interface ColdItemSplitOptions {
  /** Share of the rated items to hold out, in [0, 1]. Default 0.1. */
  itemFraction?: number;
  /** Seed, a whole number in 0..2³²−1. */
  seed: number;
}

/** Options of {@linkcode validationSplit}. */
export interface ValidationSplitOptions {
  /** Probability that a training rating goes to validation, in [0, 1]. Default 0.1. */
  validationFraction?: number;
  /** Seed, a whole number in 0..2³²−1 (it may equal the seed of the test split). */
  seed: number;
}

/** What {@linkcode validationSplit} returns. */
export interface ValidationSplit {
  /** Ratings to fit on. */
  readonly train: RatingMatrix;
  /** Ratings for tuning and early stopping. */
  readonly validation: RatingMatrix;
}

function checkFraction(fn: string, name: string, value: number): void {
  if (typeof value !== "number" || !(value >= 0 && value <= 1)) {
    throw new Error(`${fn}: ${name} must be a number in [0, 1], got ${value}`);
  }
}

function checkSeed(fn: string, seed: number): void {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffff_ffff) {
    throw new Error(`${fn}: seed must be a whole number in 0..4294967295, got ${seed}`);
  }
}

/** murmur3's 32-bit finaliser: a bijection on u32 with full avalanche. */
function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85eb_ca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2_ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Threshold for "hash < fraction · 2³²", exact at the ends (0 → never, 1 → always). */
function hashThreshold(fraction: number): number {
  return Math.round(fraction * 0x1_0000_0000);
}

/**
 * Keep the entries whose flag is non-zero: a new matrix with the same shape holding exactly those
 * ratings. `keep` has one flag per CSR entry (`keep.length === m.nnz`). The rows are compacted in
 * order and the columns rebuilt from them by a counting sort, so both stay ascending.
 *
 * @param m The matrix to filter.
 * @param keep One flag per CSR entry: non-zero keeps the rating.
 * @returns A matrix with `nnz` equal to the number of non-zero flags.
 *
 * @example
 * ```ts
 * import { filterMatrix } from "./split.ts";
 * import { fromTriplets } from "./coo.ts";
 * const m = fromTriplets(1, 3, [0, 0, 0], [0, 1, 2], [1, 2, 3], [1, 2, 3]);
 * const odd = filterMatrix(m, Uint8Array.of(1, 0, 1));
 * if (odd.nnz !== 2 || odd.userItems[1] !== 2) throw new Error("unexpected");
 * ```
 */
export function filterMatrix(m: RatingMatrix, keep: Uint8Array): RatingMatrix {
  if (keep.length !== m.nnz) {
    throw new Error(`filterMatrix: keep has length ${keep.length}, expected nnz = ${m.nnz}`);
  }
  const csr = new Uint8Array(m.nnz);
  for (let e = 0; e < m.nnz; e++) csr[e] = keep[e] !== 0 ? 1 : 0;
  const rows = compactLayout(m.nUsers, m.userPtr, m.userItems, m.userRatings, m.userTimes, csr, 1);
  const out = cscFromCsr(m.nUsers, m.nItems, rows.ptr, rows.idx, rows.ratings, rows.times);
  return withIdMaps(out, m.ids);
}

/** One compressed layout (CSR or CSC) restricted to the entries whose flag equals `want`. */
interface Layout {
  ptr: Uint32Array;
  idx: Uint32Array;
  ratings: Float32Array;
  times: Uint32Array;
}

function compactLayout(
  nOuter: number,
  ptr: Uint32Array,
  idx: Uint32Array,
  ratings: Float32Array,
  times: Uint32Array,
  flags: Uint8Array,
  want: 0 | 1,
): Layout {
  let ones = 0;
  for (let e = 0; e < flags.length; e++) ones += flags[e]!;
  const count = want === 1 ? ones : flags.length - ones;
  const out: Layout = {
    ptr: new Uint32Array(nOuter + 1),
    idx: new Uint32Array(count),
    ratings: new Float32Array(count),
    times: new Uint32Array(count),
  };
  let k = 0;
  for (let o = 0; o < nOuter; o++) {
    const end = ptr[o + 1]!;
    for (let e = ptr[o]!; e < end; e++) {
      if (flags[e] === want) {
        out.idx[k] = idx[e]!;
        out.ratings[k] = ratings[e]!;
        out.times[k] = times[e]!;
        k++;
      }
    }
    out.ptr[o + 1] = k;
  }
  return out;
}

/**
 * The entries whose flag equals `want`, given the same flags once per CSR entry and once per CSC
 * entry. Both layouts are copied in order (sequential reads and writes only).
 */
function compact(m: RatingMatrix, csr: Uint8Array, csc: Uint8Array, want: 0 | 1): RatingMatrix {
  const rows = compactLayout(
    m.nUsers,
    m.userPtr,
    m.userItems,
    m.userRatings,
    m.userTimes,
    csr,
    want,
  );
  const cols = compactLayout(
    m.nItems,
    m.itemPtr,
    m.itemUsers,
    m.itemRatings,
    m.itemTimes,
    csc,
    want,
  );
  if (rows.idx.length !== cols.idx.length) {
    throw new Error(
      `split: internal error, ${rows.idx.length} CSR entries selected but ${cols.idx.length} CSC`,
    );
  }
  return {
    nUsers: m.nUsers,
    nItems: m.nItems,
    nnz: rows.idx.length,
    userPtr: rows.ptr,
    userItems: rows.idx,
    userRatings: rows.ratings,
    userTimes: rows.times,
    itemPtr: cols.ptr,
    itemUsers: cols.idx,
    itemRatings: cols.ratings,
    itemTimes: cols.times,
    ...(m.ids === undefined ? {} : { ids: m.ids }),
  };
}

/** Train = entries flagged 0, test = entries flagged 1 (flags given per CSR and per CSC entry). */
function partition(m: RatingMatrix, csr: Uint8Array, csc: Uint8Array): Split {
  return { train: compact(m, csr, csc, 0), test: compact(m, csr, csc, 1) };
}

/**
 * Random split per rating: each rating goes to test with probability `testFraction`, decided by a
 * 32-bit integer hash of (seed, user, item). The decision for a rating therefore depends only on the
 * seed and its (user, item) pair: it is the same whatever order the ratings are stored in, and a
 * rating present in two matrices lands on the same side in both. Different seeds give independent
 * splits. The test share is `testFraction` up to binomial noise (about ±0.1 percentage points
 * for 100,000 ratings).
 *
 * @param m The ratings to split.
 * @param options `testFraction` (default 0.1) and `seed`.
 * @returns `{ train, test }`.
 *
 * @example
 * ```ts
 * import { randomSplit } from "./split.ts";
 * import { fromTriplets } from "./coo.ts";
 * const m = fromTriplets(2, 2, [0, 0, 1, 1], [0, 1, 0, 1], [1, 2, 3, 4], [1, 2, 3, 4]);
 * const { train, test } = randomSplit(m, { testFraction: 0.5, seed: 7 });
 * if (train.nnz + test.nnz !== 4) throw new Error("a rating went missing");
 * ```
 */
export function randomSplit(m: RatingMatrix, options: RandomSplitOptions): Split {
  const { testFraction = 0.1, seed } = options;
  checkFraction("randomSplit", "testFraction", testFraction);
  checkSeed("randomSplit", seed);
  const threshold = hashThreshold(testFraction);
  const { userPtr, userItems, itemPtr, itemUsers } = m;
  // hash(seed, user, item) = mix(mix(mix(seed ^ c0) ^ user + c1) ^ item + c2); the first two
  // rounds depend on the user only and are computed once per user.
  const hSeed = mix32((seed ^ 0x243f_6a88) >>> 0);
  const hUser = new Uint32Array(m.nUsers);
  for (let u = 0; u < m.nUsers; u++) hUser[u] = mix32(((hSeed ^ u) + 0x9e37_79b9) >>> 0);
  const csr = new Uint8Array(m.nnz);
  for (let u = 0; u < m.nUsers; u++) {
    const h = hUser[u]!, end = userPtr[u + 1]!;
    for (let e = userPtr[u]!; e < end; e++) {
      csr[e] = mix32(((h ^ userItems[e]!) + 0x7f4a_7c15) >>> 0) < threshold ? 1 : 0;
    }
  }
  const csc = new Uint8Array(m.nnz);
  for (let i = 0; i < m.nItems; i++) {
    const end = itemPtr[i + 1]!;
    for (let c = itemPtr[i]!; c < end; c++) {
      csc[c] = mix32(((hUser[itemUsers[c]!]! ^ i) + 0x7f4a_7c15) >>> 0) < threshold ? 1 : 0;
    }
  }
  return partition(m, csr, csc);
}

/**
 * Validation split: exactly {@linkcode randomSplit} applied to a training matrix, returned as
 * `{ train, validation }`. The seed is first scrambled (`seed` → murmur3-mixed `seed ^ 0x5bd1e995`),
 * so passing the same seed as the test split still gives a fresh random draw; with the identical hash
 * every surviving training rating would have passed the same threshold and validation would be empty.
 *
 * @param train The training ratings (typically `randomSplit(...).train`).
 * @param options `validationFraction` (default 0.1) and `seed`.
 * @returns `{ train, validation }`.
 *
 * @example
 * ```ts
 * import { randomSplit, validationSplit } from "./split.ts";
 * import { fromTriplets } from "./coo.ts";
 * const n = 200;
 * const users = Array.from({ length: n }, (_, k) => k % 10);
 * const items = Array.from({ length: n }, (_, k) => Math.floor(k / 10));
 * const m = fromTriplets(10, 20, users, items, users.map(() => 4), users.map(() => 0));
 * const { train } = randomSplit(m, { seed: 1 });
 * const { validation } = validationSplit(train, { seed: 1 });
 * if (validation.nnz === 0) throw new Error("empty validation");
 * ```
 */
export function validationSplit(
  train: RatingMatrix,
  options: ValidationSplitOptions,
): ValidationSplit {
  const { validationFraction = 0.1, seed } = options;
  checkFraction("validationSplit", "validationFraction", validationFraction);
  checkSeed("validationSplit", seed);
  const split = randomSplit(train, {
    testFraction: validationFraction,
    seed: mix32((seed ^ 0x5bd1_e995) >>> 0),
  });
  return { train: split.train, validation: split.test };
}

/**
 * Global temporal split: the oldest `trainFraction` of all ratings (rounded to a whole count) go to
 * train, the rest to test, so every training time is ≤ every test time. Ratings are ordered by
 * (time, user index, item index); ratings sharing the cut-off second are therefore taken into train
 * in CSR order (lower user first, then lower item) until the train count is reached.
 *
 * The cut-off second is found by a two-pass radix select on the timestamps (16 high bits, then 16
 * low bits), so no sort of all ratings is needed.
 *
 * @param m The ratings to split.
 * @param options `trainFraction` (default 0.8).
 * @returns `{ train, test }` with `train.nnz === Math.round(trainFraction * m.nnz)`.
 *
 * @example
 * ```ts
 * import { temporalSplit } from "./split.ts";
 * import { fromTriplets } from "./coo.ts";
 * const m = fromTriplets(1, 5, [0, 0, 0, 0, 0], [0, 1, 2, 3, 4], [1, 2, 3, 4, 5], [50, 40, 30, 20, 10]);
 * const { test } = temporalSplit(m, { trainFraction: 0.8 });
 * if (test.nnz !== 1 || test.userItems[0] !== 0) throw new Error("the newest rating is item 0");
 * ```
 */
export function temporalSplit(m: RatingMatrix, options: TemporalSplitOptions = {}): Split {
  const { trainFraction = 0.8 } = options;
  checkFraction("temporalSplit", "trainFraction", trainFraction);
  const nnz = m.nnz;
  const nTrain = Math.round(trainFraction * nnz);
  const csr = new Uint8Array(nnz);
  const csc = new Uint8Array(nnz);
  if (nTrain === 0) {
    csr.fill(1);
    csc.fill(1);
  }
  if (nTrain === 0 || nTrain === nnz) return partition(m, csr, csc);

  const { cut, below } = radixSelect(m.userTimes, nTrain - 1);
  // Ratings at the cut second go to train in CSR order until the quota (≥ 1) is met; (lastUser,
  // lastItem) is the last of them, so a tied rating trains iff (user, item) ≤ (lastUser, lastItem).
  let quota = nTrain - below;
  let lastUser = 0, lastItem = 0;
  for (let u = 0; u < m.nUsers; u++) {
    const end = m.userPtr[u + 1]!;
    for (let e = m.userPtr[u]!; e < end; e++) {
      const t = m.userTimes[e]!;
      if (t > cut) csr[e] = 1;
      else if (t === cut) {
        if (quota > 0) {
          quota--;
          lastUser = u;
          lastItem = m.userItems[e]!;
        } else csr[e] = 1;
      }
    }
  }
  for (let i = 0; i < m.nItems; i++) {
    const end = m.itemPtr[i + 1]!;
    for (let c = m.itemPtr[i]!; c < end; c++) {
      const t = m.itemTimes[c]!;
      if (t > cut) csc[c] = 1;
      else if (t === cut) {
        const u = m.itemUsers[c]!;
        if (u > lastUser || (u === lastUser && i > lastItem)) csc[c] = 1;
      }
    }
  }
  return partition(m, csr, csc);
}

/**
 * The `k`-th smallest value (0-based) of `values`, and how many values are strictly below it.
 */
function radixSelect(values: Uint32Array, k: number): { cut: number; below: number } {
  const hist = new Uint32Array(65536);
  for (let e = 0; e < values.length; e++) hist[values[e]! >>> 16]!++;
  let below = 0;
  let high = 0;
  while (below + hist[high]! <= k) below += hist[high++]!;
  hist.fill(0);
  for (let e = 0; e < values.length; e++) {
    const v = values[e]!;
    if (v >>> 16 === high) hist[v & 0xffff]!++;
  }
  let low = 0;
  while (below + hist[low]! <= k) below += hist[low++]!;
  return { cut: ((high << 16) | low) >>> 0, below };
}

/**
 * Leave-last-N split per user: each user's `n` most recent ratings go to test, the rest to train.
 * "Most recent" orders a user's ratings by (time, item index): among ratings with the same
 * timestamp, the higher item index counts as the newer. Users with `n` or fewer ratings keep all of
 * them in train (they would otherwise have nothing to learn from), so such users have no test
 * ratings.
 *
 * Each row's cut-off time is found with a linear-time three-way quickselect on a scratch copy of the
 * row's timestamps.
 *
 * @param m The ratings to split.
 * @param options `n` (default 1).
 * @returns `{ train, test }`.
 *
 * @example
 * ```ts
 * import { leaveLastNSplit } from "./split.ts";
 * import { fromTriplets } from "./coo.ts";
 * const m = fromTriplets(1, 3, [0, 0, 0], [0, 1, 2], [5, 4, 3], [300, 100, 200]);
 * const { test } = leaveLastNSplit(m, { n: 1 });
 * if (test.nnz !== 1 || test.userItems[0] !== 0) throw new Error("item 0 is the newest");
 * ```
 */
export function leaveLastNSplit(m: RatingMatrix, options: LeaveLastNOptions = {}): Split {
  const { n = 1 } = options;
  if (!Number.isInteger(n) || n < 0) {
    throw new Error(`leaveLastNSplit: n must be a whole number ≥ 0, got ${n}`);
  }
  return splitNewest(m, (len) => (len <= n ? 0 : n));
}

/** Options of {@linkcode leaveLastFractionSplit}. */
export interface LeaveLastFractionOptions {
  /** Share of each user's ratings (the newest) that go to test, in [0, 1). Default 0.2. */
  fraction?: number;
  /** At least this many of each user's newest ratings go to test, a whole number ≥ 0. Default 1. */
  min?: number;
}

/**
 * Per-user temporal leave-last-fraction split, the protocol of implicit-feedback ranking: each
 * user's newest `max(min, round(fraction × n_u))` ratings go to test, but never all of them — at
 * least one rating of every user stays in train, so every user is in train (a user with a single
 * rating has no test ratings). "Newest" orders a user's ratings by (time, item index), as in
 * {@linkcode leaveLastNSplit}.
 *
 * @param m The ratings (typically the positives of `implicitPositives`, lib/data/implicit.ts).
 * @param options `fraction` (default 0.2) and `min` (default 1).
 * @returns `{ train, test }`.
 *
 * @example
 * ```ts
 * import { leaveLastFractionSplit } from "./split.ts";
 * import { fromTriplets } from "./coo.ts";
 * // User 0 has 10 ratings at times 0..9, user 1 a single one.
 * const u = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
 * const i = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0];
 * const m = fromTriplets(2, 10, u, i, u.map(() => 1), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 5]);
 * const { train, test } = leaveLastFractionSplit(m, { fraction: 0.2 });
 * // User 0's two newest (items 8 and 9) are held out; user 1 keeps its only rating in train.
 * if (test.userItems.join() !== "8,9" || train.userPtr[2]! - train.userPtr[1]! !== 1) {
 *   throw new Error(`test ${test.userItems}`);
 * }
 * ```
 */
export function leaveLastFractionSplit(
  m: RatingMatrix,
  options: LeaveLastFractionOptions = {},
): Split {
  const { fraction = 0.2, min = 1 } = options;
  if (typeof fraction !== "number" || !(fraction >= 0 && fraction < 1)) {
    throw new Error(`leaveLastFractionSplit: fraction must be a number in [0, 1), got ${fraction}`);
  }
  if (!Number.isInteger(min) || min < 0) {
    throw new Error(`leaveLastFractionSplit: min must be a whole number ≥ 0, got ${min}`);
  }
  return splitNewest(m, (len) => Math.min(len - 1, Math.max(min, Math.round(fraction * len))));
}

/**
 * Each user's `held(n_u)` newest ratings (by time, then item index) go to test. `held` must return
 * a whole number in 0..n_u for every row length.
 */
function splitNewest(m: RatingMatrix, held: (len: number) => number): Split {
  const { userPtr, userTimes, userItems } = m;
  const csr = new Uint8Array(m.nnz);
  // Per user: ratings newer than cutTime[u], and those at cutTime[u] with item ≥ cutItem[u], test.
  // The defaults (u32 max, above every time and item index) keep a user's ratings all in train.
  const cutTime = new Uint32Array(m.nUsers).fill(0xffff_ffff);
  const cutItem = new Uint32Array(m.nUsers).fill(0xffff_ffff);
  let maxRow = 0;
  for (let u = 0; u < m.nUsers; u++) maxRow = Math.max(maxRow, userPtr[u + 1]! - userPtr[u]!);
  const scratch = new Uint32Array(maxRow);
  for (let u = 0; u < m.nUsers; u++) {
    const start = userPtr[u]!, end = userPtr[u + 1]!, len = end - start;
    const n = held(len);
    if (n <= 0 || len === 0) continue;
    for (let j = 0; j < len; j++) scratch[j] = userTimes[start + j]!;
    const cut = selectKth(scratch, len, len - n); // the n-th newest time
    let ties = n;
    for (let e = start; e < end; e++) {
      if (userTimes[e]! > cut) {
        csr[e] = 1;
        ties--;
      }
    }
    // Ratings at the cut second: the highest item indices (the row's tail) are the newest.
    cutTime[u] = cut;
    for (let e = end - 1; ties > 0 && e >= start; e--) {
      if (userTimes[e] === cut) {
        csr[e] = 1;
        cutItem[u] = userItems[e]!;
        ties--;
      }
    }
  }
  const csc = new Uint8Array(m.nnz);
  for (let i = 0; i < m.nItems; i++) {
    const end = m.itemPtr[i + 1]!;
    for (let c = m.itemPtr[i]!; c < end; c++) {
      const u = m.itemUsers[c]!, t = m.itemTimes[c]!, tu = cutTime[u]!;
      if (t > tu || (t === tu && i >= cutItem[u]!)) csc[c] = 1;
    }
  }
  return partition(m, csr, csc);
}

/** The `k`-th smallest (0-based) of `a[0..len)`, reordering `a` in place (three-way quickselect). */
function selectKth(a: Uint32Array, len: number, k: number): number {
  let lo = 0, hi = len - 1;
  while (lo < hi) {
    const x = a[lo]!, y = a[(lo + hi) >>> 1]!, z = a[hi]!;
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : (x < z ? x : y < z ? z : y);
    let lt = lo, i = lo, gt = hi;
    while (i <= gt) {
      const v = a[i]!;
      if (v < pivot) {
        a[i++] = a[lt]!;
        a[lt++] = v;
      } else if (v > pivot) {
        a[i] = a[gt]!;
        a[gt--] = v;
      } else i++;
    }
    if (k < lt) hi = lt - 1;
    else if (k > gt) lo = gt + 1;
    else return pivot;
  }
  return a[lo]!;
}

/**
 * Cold-item split: a seeded random set of items is held out whole, so every rating of a cold item
 * is in test and none in train; all other ratings are in train. Only items with at least one rating
 * are candidates, and `Math.round(itemFraction × rated items)` of them are drawn without
 * replacement (partial Fisher–Yates, `sampleIndices` of `../stats/rng.ts` seeded with `seed`).
 *
 * @param m The ratings to split.
 * @param options `itemFraction` (default 0.1) and `seed`.
 * @returns `{ train, test, coldItems }` with `coldItems` ascending.
 *
 * @example
 * ```ts
 * import { coldItemSplit } from "./split.ts";
 * import { fromTriplets } from "./coo.ts";
 * const m = fromTriplets(2, 2, [0, 1, 1], [0, 0, 1], [3, 4, 5], [1, 2, 3]);
 * const { train, coldItems } = coldItemSplit(m, { itemFraction: 0.5, seed: 3 });
 * if (coldItems.length !== 1 || train.itemPtr[coldItems[0]! + 1] !== train.itemPtr[coldItems[0]!]) {
 *   throw new Error("a cold item kept training ratings");
 * }
 * ```
 */
export function coldItemSplit(m: RatingMatrix, options: ColdItemSplitOptions): ColdItemSplit {
  const { itemFraction = 0.1, seed } = options;
  checkFraction("coldItemSplit", "itemFraction", itemFraction);
  checkSeed("coldItemSplit", seed);
  const { itemPtr, nItems } = m;
  let nRated = 0;
  for (let i = 0; i < nItems; i++) if (itemPtr[i + 1]! > itemPtr[i]!) nRated++;
  const candidates = new Uint32Array(nRated);
  for (let i = 0, c = 0; i < nItems; i++) if (itemPtr[i + 1]! > itemPtr[i]!) candidates[c++] = i;

  const nCold = Math.round(itemFraction * nRated);
  const picks = sampleIndices(new Rng(seed), nRated, nCold);
  const coldItems = new Uint32Array(nCold);
  for (let j = 0; j < nCold; j++) coldItems[j] = candidates[picks[j]!]!;
  coldItems.sort();

  const isCold = new Uint8Array(nItems);
  for (const i of coldItems) isCold[i] = 1;
  const csr = new Uint8Array(m.nnz);
  for (let e = 0; e < m.nnz; e++) csr[e] = isCold[m.userItems[e]!]!;
  const csc = new Uint8Array(m.nnz);
  for (let i = 0; i < nItems; i++) csc.fill(isCold[i]!, itemPtr[i]!, itemPtr[i + 1]!);
  return { ...partition(m, csr, csc), coldItems };
}
