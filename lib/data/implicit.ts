/**
 * Implicit feedback from explicit ratings: a rating at or above a threshold is a positive ("the
 * user watched and liked it"), every lower rating is dropped — not turned into a negative. An
 * implicit-feedback model sees only the positives; everything else is unknown (unwatched, or
 * watched and not liked), which is exactly what such models are built for.
 *
 * @module
 */
import { filterMatrix } from "./split.ts";
import type { RatingMatrix } from "./types.ts";

/** Options of {@linkcode implicitPositives}. */
export interface ImplicitOptions {
  /** A rating ≥ `threshold` is a positive. Default 4 (of 5 stars). */
  threshold?: number;
  /**
   * What the positives hold as their value: `"one"` (default) stores 1 for every positive (the
   * preference p_ui = 1 of iALS), `"rating"` keeps the star rating (e.g. for a confidence that
   * grows with it).
   */
  value?: "one" | "rating";
}

/**
 * The positives of a rating matrix: a new matrix of the same shape (same dense users and items,
 * timestamps kept) holding only the ratings ≥ `threshold`; lower ratings are dropped.
 *
 * @param m Explicit ratings.
 * @param options `threshold` (default 4) and `value` (default `"one"`).
 * @returns The positives; throws a RangeError when `threshold` is not finite or `value` unknown.
 *
 * @example
 * ```ts
 * import { implicitPositives } from "./implicit.ts";
 * import { fromTriplets } from "./coo.ts";
 * const m = fromTriplets(1, 3, [0, 0, 0], [0, 1, 2], [5, 3.5, 4], [10, 20, 30]);
 * const p = implicitPositives(m); // movies 0 and 2; the 3.5 is dropped, not a negative
 * if (p.nnz !== 2 || p.userItems.join() !== "0,2" || p.userRatings.join() !== "1,1") {
 *   throw new Error(`${p.userItems} ${p.userRatings}`);
 * }
 * if (implicitPositives(m, { threshold: 3.5, value: "rating" }).userRatings.join() !== "5,3.5,4") {
 *   throw new Error("threshold 3.5 keeps all three, with their ratings");
 * }
 * ```
 */
export function implicitPositives(m: RatingMatrix, options: ImplicitOptions = {}): RatingMatrix {
  const { threshold = 4, value = "one" } = options;
  if (typeof threshold !== "number" || !Number.isFinite(threshold)) {
    throw new RangeError(`implicitPositives: threshold must be a finite number, got ${threshold}`);
  }
  if (value !== "one" && value !== "rating") {
    throw new RangeError(`implicitPositives: value must be "one" or "rating", got ${value}`);
  }
  const keep = new Uint8Array(m.nnz);
  for (let e = 0; e < m.nnz; e++) keep[e] = m.userRatings[e]! >= threshold ? 1 : 0;
  const positives = filterMatrix(m, keep);
  if (value === "one") {
    positives.userRatings.fill(1);
    positives.itemRatings.fill(1);
  }
  return positives;
}

/**
 * `m` without the (user, item) pairs stored in `drop` (same shape): e.g. the explicit ratings
 * minus the held-out positives of an implicit split, so that a rating model can be trained on
 * everything but what the ranking is tested on.
 *
 * @param m The ratings to filter.
 * @param drop The pairs to remove (values ignored).
 * @returns A new matrix with `m`'s remaining ratings; throws a RangeError when the shapes differ.
 *
 * @example
 * ```ts
 * import { withoutPairs } from "./implicit.ts";
 * import { fromTriplets } from "./coo.ts";
 * const m = fromTriplets(2, 3, [0, 0, 1], [0, 2, 1], [5, 2, 4], [0, 0, 0]);
 * const heldOut = fromTriplets(2, 3, [0], [2], [1], [0]);
 * const rest = withoutPairs(m, heldOut);
 * if (rest.nnz !== 2 || rest.userItems.join() !== "0,1") throw new Error(`${rest.userItems}`);
 * ```
 */
export function withoutPairs(m: RatingMatrix, drop: RatingMatrix): RatingMatrix {
  if (m.nUsers !== drop.nUsers || m.nItems !== drop.nItems) {
    throw new RangeError(
      `withoutPairs: the matrices are ${m.nUsers} × ${m.nItems} and ${drop.nUsers} × ${drop.nItems}`,
    );
  }
  const keep = new Uint8Array(m.nnz).fill(1);
  for (let u = 0; u < m.nUsers; u++) {
    let d = drop.userPtr[u]!;
    const dEnd = drop.userPtr[u + 1]!;
    for (let e = m.userPtr[u]!; e < m.userPtr[u + 1]! && d < dEnd; e++) {
      while (d < dEnd && drop.userItems[d]! < m.userItems[e]!) d++;
      if (d < dEnd && drop.userItems[d] === m.userItems[e]) keep[e] = 0;
    }
  }
  return filterMatrix(m, keep);
}
