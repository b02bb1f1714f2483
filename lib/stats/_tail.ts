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
