/**
 * Seeded subsets of a {@linkcode RatingMatrix}, for timing a model on growing data sizes (10k,
 * 100k, 1M ratings, ...) cut from one dataset. Two ways to cut:
 *
 * - `by: "rating"` draws `n` ratings uniformly without replacement: the subset is a sparser copy
 *   of the whole (almost every user keeps a few ratings);
 * - `by: "user"` takes whole users in a seeded random order until about `n` ratings are reached:
 *   each kept user keeps their full history, so the subset looks like a smaller dataset of the
 *   same kind (as ML-1M looks next to ML-32M), which is the fair input for timings.
 *
 * @module
 */

import { Rng, sampleIndices } from "../stats/rng.ts";
import { cscFromCsr } from "./coo.ts";
import { withIdMaps } from "./id_maps.ts";
import { filterMatrix } from "./split.ts";
import type { RatingMatrix } from "./types.ts";

/** Options of {@linkcode subsampleRatings}. */
export interface SubsampleOptions {
  /** Seed, a whole number in 0..2³²−1. */
  seed: number;
  /** Draw single ratings (default) or whole users; see the module documentation. */
  by?: "rating" | "user";
  /**
   * Drop users and items left without ratings and renumber the rest densely, keeping their order
   * (default true), so the subset looks like a smaller dataset of its own rather than a sparser
   * copy of the big one. With `false` the shape stays `nUsers × nItems` of the input.
   */
  compact?: boolean;
}

/**
 * A seeded subset of about `n` ratings of `m`.
 *
 * With `by: "rating"` (default) it holds exactly `min(n, m.nnz)` ratings drawn uniformly without
 * replacement (a partial Fisher–Yates shuffle of the entry indices driven by {@linkcode Rng}).
 * With `by: "user"` the users are shuffled the same way and taken whole, in that order, until the
 * total reaches `n`: it holds at least `min(n, m.nnz)` ratings and overshoots by less than the
 * last user's count. The same seed and input give the same subset; with `compact` (the default)
 * users and items that kept no rating are removed and the others renumbered in their original
 * order.
 *
 * @param m The ratings to draw from.
 * @param n How many ratings to keep, a whole number ≥ 0.
 * @param options `seed`, `by` and `compact`.
 * @returns A well-formed matrix (CSR and CSC).
 *
 * @example
 * ```ts
 * import { subsampleRatings } from "./subsample.ts";
 * import { fromTriplets } from "./coo.ts";
 * const m = fromTriplets(3, 3, [0, 0, 1, 2], [0, 1, 1, 2], [4, 3, 5, 1], [1, 2, 3, 4]);
 * const s = subsampleRatings(m, 2, { seed: 1 });
 * if (s.nnz !== 2 || s.nUsers > 2) throw new Error("unexpected");
 * ```
 */
export function subsampleRatings(
  m: RatingMatrix,
  n: number,
  options: SubsampleOptions,
): RatingMatrix {
  const { seed, by = "rating", compact = true } = options;
  if (!Number.isInteger(n) || n < 0) {
    throw new Error(`subsampleRatings: n must be a whole number ≥ 0, got ${n}`);
  }
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffff_ffff) {
    throw new Error(`subsampleRatings: seed must be a whole number in 0..4294967295, got ${seed}`);
  }
  if (by !== "rating" && by !== "user") {
    throw new Error(`subsampleRatings: by must be "rating" or "user", got ${by}`);
  }
  const keep = new Uint8Array(m.nnz);
  if (n >= m.nnz) {
    keep.fill(1);
  } else if (by === "rating") {
    for (const e of sampleIndices(new Rng(seed), m.nnz, n)) keep[e] = 1;
  } else {
    let total = 0;
    for (const u of sampleIndices(new Rng(seed), m.nUsers, m.nUsers)) {
      if (total >= n) break;
      keep.fill(1, m.userPtr[u]!, m.userPtr[u + 1]!);
      total += m.userPtr[u + 1]! - m.userPtr[u]!;
    }
  }
  const kept = filterMatrix(m, keep);
  return compact ? compactMatrix(kept) : kept;
}

/**
 * Removes users and items without ratings, renumbering the rest densely in their original order
 * (so rows' item indices and columns' user indices stay ascending).
 *
 * @param m The matrix to compact.
 * @returns A matrix whose every user and item has at least one rating.
 *
 * @example
 * ```ts
 * import { compactMatrix } from "./subsample.ts";
 * import { fromTriplets } from "./coo.ts";
 * const c = compactMatrix(fromTriplets(3, 4, [2], [3], [5], [0]));
 * if (c.nUsers !== 1 || c.nItems !== 1 || c.userItems[0] !== 0) throw new Error("unexpected");
 * ```
 */
export function compactMatrix(m: RatingMatrix): RatingMatrix {
  const itemMap = new Uint32Array(m.nItems);
  let nItems = 0;
  for (let i = 0; i < m.nItems; i++) {
    if (m.itemPtr[i + 1]! > m.itemPtr[i]!) itemMap[i] = nItems++;
  }
  let nUsers = 0;
  for (let u = 0; u < m.nUsers; u++) if (m.userPtr[u + 1]! > m.userPtr[u]!) nUsers++;
  const userPtr = new Uint32Array(nUsers + 1);
  let row = 0;
  for (let u = 0; u < m.nUsers; u++) {
    const end = m.userPtr[u + 1]!;
    if (end > m.userPtr[u]!) userPtr[++row] = end;
  }
  const userItems = new Uint32Array(m.nnz);
  for (let e = 0; e < m.nnz; e++) userItems[e] = itemMap[m.userItems[e]!]!;
  const out = cscFromCsr(
    nUsers,
    nItems,
    userPtr,
    userItems,
    m.userRatings.slice(),
    m.userTimes.slice(),
  );
  if (m.ids === undefined) return out;
  // The kept users and items keep their raw ids, in their original order.
  const userIds = m.ids.userIds.filter((_, u) => m.userPtr[u + 1]! > m.userPtr[u]!);
  const itemIds = m.ids.itemIds.filter((_, i) => m.itemPtr[i + 1]! > m.itemPtr[i]!);
  return withIdMaps(out, { userIds, itemIds });
}
