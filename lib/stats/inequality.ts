/**
 * Concentration of a non-negative quantity (ratings per item, per user): the Lorenz curve, the Gini
 * coefficient, the share held by the top fraction, and how many fall below a threshold.
 *
 * @example
 * ```ts
 * import { gini } from "./inequality.ts";
 * if (gini([1, 1, 1, 1]) !== 0) throw new Error("equal shares");
 * if (Math.abs(gini([0, 0, 0, 1]) - 0.75) > 1e-12) throw new Error("one holds all: (n-1)/n");
 * ```
 *
 * @module
 */

/** Points of a Lorenz curve, both axes in [0, 1]. */
export interface LorenzCurve {
  /** Cumulative fraction of the population, poorest first, starting at 0 and ending at 1. */
  readonly x: Float64Array;
  /** Cumulative fraction of the total held by them. */
  readonly y: Float64Array;
  /** The Gini coefficient of the same values. */
  readonly gini: number;
}

function sortedNonNegative(values: ArrayLike<number>, caller: string): Float64Array {
  const sorted = Float64Array.from(values);
  for (let i = 0; i < sorted.length; i++) {
    const v = sorted[i]!;
    if (!(v >= 0) || !Number.isFinite(v)) {
      throw new Error(`${caller}: values must be finite and >= 0; value[${i}] is ${v}`);
    }
  }
  return sorted.sort();
}

function giniOfSorted(sorted: Float64Array): number {
  const n = sorted.length;
  let total = 0;
  let weighted = 0;
  for (let i = 0; i < n; i++) {
    total += sorted[i]!;
    weighted += (i + 1) * sorted[i]!;
  }
  if (n === 0 || total === 0) return 0;
  return (2 * weighted) / (n * total) - (n + 1) / n;
}

/**
 * The Gini coefficient G = Σ_i Σ_j |x_i − x_j| / (2 n² mean), computed from the sorted values as
 * 2 Σ i·x_(i) / (n Σ x) − (n + 1)/n. 0 when all are equal, (n − 1)/n when one holds everything;
 * 0 for an empty or all-zero input. Throws on negative or non-finite values.
 *
 * @example
 * ```ts
 * import { gini } from "./inequality.ts";
 * if (Math.abs(gini([1, 2, 3]) - 2 / 9) > 1e-12) throw new Error("gini");
 * ```
 */
export function gini(values: ArrayLike<number>): number {
  return giniOfSorted(sortedNonNegative(values, "gini"));
}

/**
 * The Lorenz curve of `values` (poorest first), thinned to at most `points` (default 512) evenly
 * spaced population fractions plus the end points, and its Gini coefficient.
 *
 * @example
 * ```ts
 * import { lorenzCurve } from "./inequality.ts";
 * const l = lorenzCurve([1, 1, 2]);
 * if (l.x.join() !== "0,0.3333333333333333,0.6666666666666666,1" || l.y[2] !== 0.5) {
 *   throw new Error("lorenz");
 * }
 * ```
 */
export function lorenzCurve(
  values: ArrayLike<number>,
  options: { points?: number } = {},
): LorenzCurve {
  const sorted = sortedNonNegative(values, "lorenzCurve");
  const n = sorted.length;
  if (n === 0) throw new Error("lorenzCurve: no values");
  const points = Math.max(1, Math.min(n, options.points ?? 512));
  const cumulative = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) cumulative[i + 1] = cumulative[i]! + sorted[i]!;
  const total = cumulative[n]!;
  const x = new Float64Array(points + 1);
  const y = new Float64Array(points + 1);
  for (let k = 0; k <= points; k++) {
    const i = Math.round((k * n) / points);
    x[k] = i / n;
    y[k] = total > 0 ? cumulative[i]! / total : i / n;
  }
  return { x, y, gini: giniOfSorted(sorted) };
}

/**
 * The share of the total held by the largest `fraction` of the values (e.g. 0.01 → top 1 %); the
 * top group has `ceil(fraction × n)` members.
 *
 * @example
 * ```ts
 * import { topShare } from "./inequality.ts";
 * if (topShare([1, 1, 1, 7], 0.25) !== 0.7) throw new Error("top quarter holds 70 %");
 * ```
 */
export function topShare(values: ArrayLike<number>, fraction: number): number {
  if (!(fraction >= 0 && fraction <= 1)) {
    throw new Error(`topShare: fraction must be in [0, 1], got ${fraction}`);
  }
  const sorted = sortedNonNegative(values, "topShare");
  const n = sorted.length;
  const k = Math.min(n, Math.ceil(fraction * n - 1e-12));
  let total = 0;
  let top = 0;
  for (let i = 0; i < n; i++) {
    total += sorted[i]!;
    if (i >= n - k) top += sorted[i]!;
  }
  return total > 0 ? top / total : 0;
}

/**
 * How many values are strictly below `threshold` (NaN never counts).
 *
 * @example
 * ```ts
 * import { countBelow } from "./inequality.ts";
 * if (countBelow(new Uint32Array([1, 5, 20, 3]), 5) !== 2) throw new Error("1 and 3");
 * ```
 */
export function countBelow(values: ArrayLike<number>, threshold: number): number {
  let count = 0;
  for (let i = 0; i < values.length; i++) if (values[i]! < threshold) count++;
  return count;
}
