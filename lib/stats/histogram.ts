/**
 * Binning utilities: linear and logarithmic bin edges, histograms over any edges, the table of
 * distinct values with their counts, and the empirical complementary CDF.
 *
 * @example
 * ```ts
 * import { binCounts, logBins } from "./histogram.ts";
 * const h = binCounts([1, 2, 3, 10, 100], logBins(1, 100, { perDecade: 1 }));
 * if (h.counts.join() !== "3,2") throw new Error("two decades");
 * ```
 *
 * @module
 */

/** Counts per bin over the given edges. */
export interface Histogram {
  /** Bin edges, ascending, length `counts.length + 1`. Bin i is `[edges[i], edges[i+1])`; the last is closed. */
  readonly edges: Float64Array;
  /** Number of values in each bin. */
  readonly counts: Float64Array;
  /** Counts divided by (total counted × bin width): integrates to 1 over the edges. */
  readonly density: Float64Array;
  /** Values below the first edge, above the last edge, or NaN. */
  readonly outside: number;
}

/** Distinct values in ascending order with how often each occurs. */
export interface Frequencies {
  /** Distinct values, ascending. */
  readonly values: Float64Array;
  /** Occurrences of each value. */
  readonly counts: Float64Array;
  /** Total number of (non-NaN) values. */
  readonly n: number;
}

/** Points of an empirical complementary CDF. */
export interface Ccdf {
  /** Distinct values, ascending. */
  readonly x: Float64Array;
  /** Fraction of values >= x. */
  readonly p: Float64Array;
}

/**
 * `count` equal-width bins from `min` to `max`: `count + 1` edges.
 *
 * @example
 * ```ts
 * import { linearBins } from "./histogram.ts";
 * if (linearBins(0, 1, 4).join() !== "0,0.25,0.5,0.75,1") throw new Error("edges");
 * ```
 */
export function linearBins(min: number, max: number, count: number): Float64Array {
  if (!Number.isFinite(min) || !Number.isFinite(max) || !(max > min)) {
    throw new Error(`linearBins: need finite min < max, got min=${min}, max=${max}`);
  }
  if (!Number.isInteger(count) || count < 1) {
    throw new Error(`linearBins: count must be a positive integer, got ${count}`);
  }
  const edges = new Float64Array(count + 1);
  for (let i = 0; i <= count; i++) edges[i] = min + ((max - min) * i) / count;
  edges[count] = max;
  return edges;
}

/**
 * Geometric bins from `min` to `max` (both > 0) with `perDecade` bins per factor of ten (default 10).
 * The last edge is at least `max`.
 *
 * @example
 * ```ts
 * import { logBins } from "./histogram.ts";
 * const e = logBins(1, 1000, { perDecade: 1 });
 * if (e.length !== 4 || Math.abs(e[3]! - 1000) > 1e-9) throw new Error("1, 10, 100, 1000");
 * ```
 */
export function logBins(
  min: number,
  max: number,
  options: { perDecade?: number } = {},
): Float64Array {
  const perDecade = options.perDecade ?? 10;
  if (!(min > 0) || !Number.isFinite(max) || !(max > min)) {
    throw new Error(`logBins: need 0 < min < max (finite), got min=${min}, max=${max}`);
  }
  if (!(perDecade > 0) || !Number.isFinite(perDecade)) {
    throw new Error(`logBins: perDecade must be a positive number, got ${perDecade}`);
  }
  const decades = Math.log10(max / min);
  const count = Math.max(1, Math.ceil(decades * perDecade - 1e-9));
  const edges = new Float64Array(count + 1);
  for (let i = 0; i <= count; i++) edges[i] = min * Math.pow(10, i / perDecade);
  edges[0] = min;
  if (edges[count]! < max) edges[count] = max;
  return edges;
}

/**
 * Counts `values` into bins with the given ascending `edges` (binary search, so any edges work;
 * O(n log bins)). Values equal to the last edge fall into the last bin.
 *
 * @example
 * ```ts
 * import { binCounts } from "./histogram.ts";
 * const h = binCounts(new Float32Array([0.5, 1, 1.5, 5]), [0.5, 1, 5]);
 * if (h.counts.join() !== "1,3") throw new Error("counts");
 * ```
 */
export function binCounts(values: ArrayLike<number>, edges: ArrayLike<number>): Histogram {
  const e = Float64Array.from(edges);
  const bins = e.length - 1;
  if (bins < 1) throw new Error(`binCounts: need at least 2 edges, got ${e.length}`);
  for (let i = 0; i < bins; i++) {
    if (!(e[i + 1]! > e[i]!)) {
      throw new Error(`binCounts: edges must be strictly ascending; edge ${i + 1} is ${e[i + 1]}`);
    }
  }
  const counts = new Float64Array(bins);
  const first = e[0]!;
  const last = e[bins]!;
  let outside = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!(v >= first && v <= last)) {
      outside++;
      continue;
    }
    let lo = 0;
    let hi = bins; // invariant: e[lo] <= v, bin index in [lo, hi)
    while (hi - lo > 1) {
      const mid = (lo + hi) >>> 1;
      if (e[mid]! <= v) lo = mid;
      else hi = mid;
    }
    counts[lo]!++;
  }
  const total = values.length - outside;
  const density = new Float64Array(bins);
  if (total > 0) {
    for (let i = 0; i < bins; i++) density[i] = counts[i]! / (total * (e[i + 1]! - e[i]!));
  }
  return { edges: e, counts, density, outside };
}

/**
 * The distinct values of `values` (NaN dropped) in ascending order with their counts.
 *
 * @example
 * ```ts
 * import { frequencies } from "./histogram.ts";
 * const f = frequencies([3, 1, 3, 3, 2]);
 * if (f.values.join() !== "1,2,3" || f.counts.join() !== "1,1,3") throw new Error("table");
 * ```
 */
export function frequencies(values: ArrayLike<number>): Frequencies {
  const sorted = Float64Array.from(values).sort(); // NaN sorts last
  let n = sorted.length;
  while (n > 0 && Number.isNaN(sorted[n - 1]!)) n--;
  let distinct = 0;
  for (let i = 0; i < n; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct++;
  const out = new Float64Array(distinct);
  const counts = new Float64Array(distinct);
  let k = -1;
  for (let i = 0; i < n; i++) {
    if (i === 0 || sorted[i] !== sorted[i - 1]) out[++k] = sorted[i]!;
    counts[k]!++;
  }
  return { values: out, counts, n };
}

/**
 * The empirical complementary CDF P(X >= x) at each distinct value x (NaN dropped).
 *
 * @example
 * ```ts
 * import { ccdf } from "./histogram.ts";
 * const c = ccdf([1, 1, 2, 4]);
 * if (c.x.join() !== "1,2,4" || c.p.join() !== "1,0.5,0.25") throw new Error("ccdf");
 * ```
 */
export function ccdf(values: ArrayLike<number>): Ccdf {
  const f = frequencies(values);
  const p = new Float64Array(f.values.length);
  let above = f.n;
  for (let i = 0; i < p.length; i++) {
    p[i] = above / f.n;
    above -= f.counts[i]!;
  }
  return { x: f.values, p };
}
