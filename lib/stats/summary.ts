/**
 * Descriptive statistics of a numeric array: mean and standard deviation, quantiles, and a
 * one-call summary.
 *
 * @example
 * ```ts
 * import { meanSd } from "./summary.ts";
 * const { mean, sd } = meanSd([2, 4, 4, 4, 5, 5, 7, 9]);
 * if (mean !== 5 || sd !== 2) throw new Error("textbook example");
 * ```
 *
 * @module
 */

/** A one-call summary of a numeric array. */
export interface Summary {
  /** Number of values. */
  readonly n: number;
  /** Arithmetic mean. */
  readonly mean: number;
  /** Population standard deviation (divide by n). */
  readonly sd: number;
  /** Smallest value. */
  readonly min: number;
  /** 25th percentile. */
  readonly q25: number;
  /** Median. */
  readonly median: number;
  /** 75th percentile. */
  readonly q75: number;
  /** Largest value. */
  readonly max: number;
}

/**
 * Mean and population standard deviation (divide by n), in two passes in float64. Throws on
 * an empty input or a non-finite value.
 *
 * @example
 * ```ts
 * import { meanSd } from "./summary.ts";
 * if (meanSd(new Float32Array([1, 3])).sd !== 1) throw new Error("sd");
 * ```
 */
export function meanSd(values: ArrayLike<number>): { mean: number; sd: number; n: number } {
  const n = values.length;
  if (n === 0) throw new Error("meanSd: no values");
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const x = values[i]!;
    if (!Number.isFinite(x)) throw new Error(`meanSd: value[${i}] is ${x}`);
    sum += x;
  }
  const mean = sum / n;
  let m2 = 0;
  for (let i = 0; i < n; i++) m2 += (values[i]! - mean) ** 2;
  return { mean, sd: Math.sqrt(m2 / n), n };
}

/**
 * The p-quantile (0 <= p <= 1) of values sorted ascending, with linear interpolation between
 * order statistics (type 7, as numpy's default).
 *
 * @example
 * ```ts
 * import { quantileSorted } from "./summary.ts";
 * if (quantileSorted([1, 2, 3, 4], 0.5) !== 2.5) throw new Error("median");
 * ```
 */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) throw new Error("quantileSorted: no values");
  if (!(p >= 0 && p <= 1)) throw new Error(`quantileSorted: p must be in [0, 1], got ${p}`);
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/**
 * n, mean, sd, min, quartiles and max of `values` (sorts a float64 copy).
 *
 * @example
 * ```ts
 * import { summary } from "./summary.ts";
 * const s = summary([5, 1, 3]);
 * if (s.median !== 3 || s.min !== 1 || s.max !== 5) throw new Error("summary");
 * ```
 */
export function summary(values: ArrayLike<number>): Summary {
  const { mean, sd, n } = meanSd(values);
  const sorted = Float64Array.from(values).sort();
  return {
    n,
    mean,
    sd,
    min: sorted[0]!,
    q25: quantileSorted(sorted, 0.25),
    median: quantileSorted(sorted, 0.5),
    q75: quantileSorted(sorted, 0.75),
    max: sorted[n - 1]!,
  };
}
