/**
 * How two quantities move together: Pearson and Spearman correlation, and the mean (and spread)
 * of y within bins of x, e.g. the mean rating of movies grouped by how often they were rated.
 *
 * @example
 * ```ts
 * import { spearman } from "./association.ts";
 * // any increasing relation has rank correlation 1
 * if (spearman([1, 2, 3, 4], [1, 8, 27, 64]) !== 1) throw new Error("monotone");
 * ```
 *
 * @module
 */

/** Mean and spread of y within bins of x. */
export interface BinnedMeans {
  /** Bin edges over x, ascending; bin k is `[edges[k], edges[k+1])`, the last one closed. */
  readonly edges: Float64Array;
  /** Number of (x, y) pairs in each bin. */
  readonly counts: Float64Array;
  /** Mean of y in each bin (NaN for an empty bin). */
  readonly means: Float64Array;
  /** Population standard deviation of y in each bin (NaN for an empty bin). */
  readonly sds: Float64Array;
}

/** Indices of the pairs where both values are finite. */
function finitePairs(x: ArrayLike<number>, y: ArrayLike<number>, caller: string): Uint32Array {
  if (x.length !== y.length) {
    throw new Error(`${caller}: x has ${x.length} values but y has ${y.length}`);
  }
  const keep: number[] = [];
  for (let i = 0; i < x.length; i++) {
    if (Number.isFinite(x[i]!) && Number.isFinite(y[i]!)) keep.push(i);
  }
  if (keep.length < 2) throw new Error(`${caller}: need at least 2 finite (x, y) pairs`);
  return Uint32Array.from(keep);
}

function pearsonOf(x: Float64Array, y: Float64Array, caller: string): number {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (!(sxx > 0) || !(syy > 0)) {
    throw new Error(`${caller}: x or y is constant, so the correlation is undefined`);
  }
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

/** Ranks 1..n with ties given their average rank. */
function ranks(values: Float64Array): Float64Array {
  const n = values.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => values[a]! - values[b]!);
  const out = new Float64Array(n);
  let start = 0;
  while (start < n) {
    let end = start + 1;
    while (end < n && values[order[end]!] === values[order[start]!]) end++;
    const rank = (start + end + 1) / 2; // mean of start+1 … end
    for (let k = start; k < end; k++) out[order[k]!] = rank;
    start = end;
  }
  return out;
}

/**
 * Pearson's correlation coefficient r of the pairs where both values are finite. Throws when
 * fewer than two pairs remain or either variable is constant.
 *
 * @example
 * ```ts
 * import { pearson } from "./association.ts";
 * if (pearson([1, 2, 3], [6, 4, 2]) !== -1) throw new Error("perfect negative line");
 * ```
 */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const keep = finitePairs(x, y, "pearson");
  return pearsonOf(
    Float64Array.from(keep, (i) => x[i]!),
    Float64Array.from(keep, (i) => y[i]!),
    "pearson",
  );
}

/**
 * Spearman's rank correlation ρ: Pearson's r of the ranks (ties share their average rank), over
 * the pairs where both values are finite. Insensitive to monotone transformations such as the
 * logarithm, so it suits skewed quantities like rating counts.
 *
 * @example
 * ```ts
 * import { spearman } from "./association.ts";
 * const rho = spearman([1, 2, 2, 3], [1, 3, 2, 4]);
 * if (!(rho > 0.9 && rho < 1)) throw new Error("nearly monotone");
 * ```
 */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const keep = finitePairs(x, y, "spearman");
  return pearsonOf(
    ranks(Float64Array.from(keep, (i) => x[i]!)),
    ranks(Float64Array.from(keep, (i) => y[i]!)),
    "spearman",
  );
}

/**
 * The count, mean and standard deviation of y within bins of x over the ascending `edges` (e.g.
 * `logBins` for a count on a log axis). Pairs with a non-finite value or x outside the edges are
 * left out.
 *
 * @example
 * ```ts
 * import { binnedMeans } from "./association.ts";
 * const b = binnedMeans([1, 2, 10, 20], [3, 5, 4, 4], [1, 10, 100]);
 * if (b.counts.join() !== "2,2" || b.means.join() !== "4,4" || b.sds.join() !== "1,0") {
 *   throw new Error("two bins");
 * }
 * ```
 */
export function binnedMeans(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  edges: ArrayLike<number>,
): BinnedMeans {
  if (x.length !== y.length) {
    throw new Error(`binnedMeans: x has ${x.length} values but y has ${y.length}`);
  }
  const e = Float64Array.from(edges);
  const bins = e.length - 1;
  if (bins < 1) throw new Error(`binnedMeans: need at least 2 edges, got ${e.length}`);
  for (let k = 0; k < bins; k++) {
    if (!(e[k + 1]! > e[k]!)) {
      throw new Error(
        `binnedMeans: edges must be strictly ascending; edge ${k + 1} is ${e[k + 1]}`,
      );
    }
  }
  const counts = new Float64Array(bins);
  const sums = new Float64Array(bins);
  const sumSq = new Float64Array(bins);
  for (let i = 0; i < x.length; i++) {
    const xi = x[i]!;
    const yi = y[i]!;
    if (!Number.isFinite(yi) || !(xi >= e[0]! && xi <= e[bins]!)) continue;
    let lo = 0;
    let hi = bins; // invariant: e[lo] <= xi, bin in [lo, hi)
    while (hi - lo > 1) {
      const mid = (lo + hi) >>> 1;
      if (e[mid]! <= xi) lo = mid;
      else hi = mid;
    }
    counts[lo]!++;
    sums[lo]! += yi;
    sumSq[lo]! += yi * yi;
  }
  const means = new Float64Array(bins);
  const sds = new Float64Array(bins);
  for (let k = 0; k < bins; k++) {
    const n = counts[k]!;
    const mean = n > 0 ? sums[k]! / n : NaN;
    means[k] = mean;
    sds[k] = n > 0 ? Math.sqrt(Math.max(0, sumSq[k]! / n - mean * mean)) : NaN;
  }
  return { edges: e, counts, means, sds };
}
