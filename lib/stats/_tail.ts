/**
 * Private helper: the frequency table of non-negative integer data (degrees, counts), validated,
 * and the index where the tail x >= xMin starts.
 *
 * @module
 */

import { type Frequencies, frequencies } from "./histogram.ts";

/** Frequencies of integer data >= 0; throws naming the first offending value otherwise. */
export function integerFrequencies(values: ArrayLike<number>, caller: string): Frequencies {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!(v >= 0) || !Number.isInteger(v)) {
      throw new Error(`${caller}: values must be non-negative integers; value[${i}] is ${v}`);
    }
  }
  return frequencies(values);
}

/** First index j with `sorted[j] >= x` (sorted ascending); `sorted.length` when none. */
export function lowerBound(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * About `points` distinct integers from `lo` to `hi` (both included), evenly spaced on a log
 * scale: the x values at which a fitted CCDF is drawn on log–log axes.
 */
export function logSpacedIntegers(lo: number, hi: number, points: number): Float64Array {
  if (!Number.isInteger(lo) || lo < 1 || !(hi >= lo) || !Number.isFinite(hi)) {
    throw new Error(`need integers 1 <= lo <= hi, got lo=${lo}, hi=${hi}`);
  }
  if (!Number.isInteger(points) || points < 2) {
    throw new Error(`points must be an integer >= 2, got ${points}`);
  }
  const top = Math.floor(hi);
  const out: number[] = [];
  const ratio = Math.log(top / lo) / (points - 1);
  for (let k = 0; k < points; k++) {
    const x = k === points - 1 ? top : Math.round(lo * Math.exp(ratio * k));
    if (out.length === 0 || x > out[out.length - 1]!) out.push(x);
  }
  return Float64Array.from(out);
}
