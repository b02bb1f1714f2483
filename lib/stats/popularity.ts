/**
 * Popularity against quality: the number of ratings and the mean rating of every item (or user).
 *
 * @example
 * ```ts
 * import { itemPopularity } from "./popularity.ts";
 * import type { RatingMatrix } from "../data/types.ts";
 * const m = {
 *   nItems: 2, itemPtr: new Uint32Array([0, 2, 2]), itemRatings: new Float32Array([3, 4]),
 * } as unknown as RatingMatrix;
 * const p = itemPopularity(m);
 * if (p.counts.join() !== "2,0" || p.means[0] !== 3.5) throw new Error("popularity");
 * ```
 *
 * @module
 */

import type { RatingMatrix } from "../data/types.ts";

/** Number of ratings and mean rating per row of a compressed matrix. */
export interface Popularity {
  /** Number of ratings of each item (or user). */
  readonly counts: Uint32Array;
  /** Mean rating of each item (or user); NaN where there is none. */
  readonly means: Float64Array;
}

function perSegment(ptr: Uint32Array, ratings: Float32Array): Popularity {
  const n = ptr.length - 1;
  const counts = new Uint32Array(n);
  const means = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const begin = ptr[i]!;
    const end = ptr[i + 1]!;
    let s = 0;
    for (let k = begin; k < end; k++) s += ratings[k]!;
    counts[i] = end - begin;
    means[i] = end > begin ? s / (end - begin) : NaN;
  }
  return { counts, means };
}

/**
 * Number of ratings and mean rating of every item (columns of `m`).
 *
 * @example
 * ```ts
 * import { itemPopularity } from "./popularity.ts";
 * import type { RatingMatrix } from "../data/types.ts";
 * const m = {
 *   nItems: 1, itemPtr: new Uint32Array([0, 3]), itemRatings: new Float32Array([1, 2, 3]),
 * } as unknown as RatingMatrix;
 * if (itemPopularity(m).means[0] !== 2) throw new Error("mean");
 * ```
 */
export function itemPopularity(m: RatingMatrix): Popularity {
  if (m.itemPtr.length !== m.nItems + 1) {
    throw new Error(`itemPopularity: itemPtr has ${m.itemPtr.length} entries, expected nItems + 1`);
  }
  return perSegment(m.itemPtr, m.itemRatings);
}

/**
 * Number of ratings and mean rating of every user (rows of `m`).
 *
 * @example
 * ```ts
 * import { userActivity } from "./popularity.ts";
 * import type { RatingMatrix } from "../data/types.ts";
 * const m = {
 *   nUsers: 1, userPtr: new Uint32Array([0, 2]), userRatings: new Float32Array([5, 4]),
 * } as unknown as RatingMatrix;
 * if (userActivity(m).means[0] !== 4.5) throw new Error("mean");
 * ```
 */
export function userActivity(m: RatingMatrix): Popularity {
  if (m.userPtr.length !== m.nUsers + 1) {
    throw new Error(`userActivity: userPtr has ${m.userPtr.length} entries, expected nUsers + 1`);
  }
  return perSegment(m.userPtr, m.userRatings);
}
