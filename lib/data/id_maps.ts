/**
 * Which raw MovieLens ids a matrix's dense indices stand for, and the checks that keep two id
 * spaces from being mixed up.
 *
 * Every matrix the loaders build carries its {@linkcode IdMaps} (`matrix.ids`), and every matrix
 * derived from it (splits, positives, filters) carries the same maps. A model remembers the maps of
 * its training matrix; a call that hands it a matrix whose dense indices mean other movies or
 * other users is refused by {@linkcode checkIdMaps} instead of being scored on the wrong pairs.
 * {@linkcode alignRatings} re-maps a matrix into another id space by raw ids (users and movies the
 * target does not know are appended after its own, where the models' documented fallback scores
 * them).
 *
 * @module
 */
import { fromTriplets } from "./coo.ts";
import type { IdMaps, RatingMatrix } from "./types.ts";

export type { IdMaps } from "./types.ts";

/**
 * `m` with `ids` attached (the same arrays, not copies). Throws a RangeError when the maps do not
 * have one raw id per dense user and item of `m`.
 *
 * @param m A matrix.
 * @param ids Raw userId per dense user and raw movieId per dense item; `undefined` leaves `m` as
 * it is.
 * @returns `m` itself when it already holds these maps (or `ids` is undefined), else a new
 * matrix object sharing `m`'s arrays.
 *
 * @example
 * ```ts
 * import { withIdMaps } from "./id_maps.ts";
 * import { fromTriplets } from "./coo.ts";
 * const m = withIdMaps(fromTriplets(1, 2, [0, 0], [0, 1], [4, 5], [0, 0]), {
 *   userIds: Uint32Array.of(7),
 *   itemIds: Uint32Array.of(296, 318),
 * });
 * if (m.ids?.itemIds[1] !== 318) throw new Error("dense item 1 is movieId 318");
 * ```
 */
export function withIdMaps(m: RatingMatrix, ids: IdMaps | undefined): RatingMatrix {
  if (ids === undefined || m.ids === ids) return m;
  if (ids.userIds.length !== m.nUsers || ids.itemIds.length !== m.nItems) {
    throw new RangeError(
      `withIdMaps: the maps hold ${ids.userIds.length} userIds and ${ids.itemIds.length} ` +
        `movieIds, expected ${m.nUsers} and ${m.nItems} (one per dense user and item)`,
    );
  }
  return { ...m, ids };
}

/** The first position where `a` and `b` differ within their common length, or −1. */
function firstDifference(a: Uint32Array, b: Uint32Array): number {
  if (a === b) return -1;
  const n = Math.min(a.length, b.length);
  for (let j = 0; j < n; j++) if (a[j] !== b[j]) return j;
  return -1;
}

/**
 * Whether dense indices mean the same raw ids in both maps: within the shorter map's length
 * every position holds the same raw id (a matrix aligned to a model by {@linkcode alignRatings}
 * extends the model's maps with the ids it does not know).
 *
 * @example
 * ```ts
 * import { compatibleIdMaps } from "./id_maps.ts";
 * const model = { userIds: Uint32Array.of(1, 2), itemIds: Uint32Array.of(10, 20) };
 * const extended = { userIds: Uint32Array.of(1, 2, 3), itemIds: Uint32Array.of(10, 20) };
 * const other = { userIds: Uint32Array.of(2, 1), itemIds: Uint32Array.of(10, 20) };
 * if (!compatibleIdMaps(model, extended) || compatibleIdMaps(model, other)) {
 *   throw new Error("a prefix is compatible, a permutation is not");
 * }
 * ```
 */
export function compatibleIdMaps(a: IdMaps, b: IdMaps): boolean {
  return firstDifference(a.userIds, b.userIds) < 0 && firstDifference(a.itemIds, b.itemIds) < 0;
}

/**
 * Refuses a matrix whose dense ids mean other users or movies than `expected`'s (the model's or
 * the dataset's): throws an Error naming the call, the first dense index that differs and what
 * to do instead. A matrix without maps (built by hand from dense indices) is taken as given.
 *
 * @param fn The calling function, for the message (e.g. "Als.evaluate").
 * @param expected The maps the caller works in.
 * @param m The matrix handed in.
 *
 * @example
 * ```ts
 * import { checkIdMaps, withIdMaps } from "./id_maps.ts";
 * import { fromTriplets } from "./coo.ts";
 * const model = { userIds: Uint32Array.of(1, 2), itemIds: Uint32Array.of(10, 20) };
 * const m = withIdMaps(fromTriplets(2, 2, [0], [0], [4], [0]), {
 *   userIds: Uint32Array.of(1, 2),
 *   itemIds: Uint32Array.of(20, 30), // dense item 0 is movieId 20 here, 10 in the model
 * });
 * let refused = false;
 * try {
 *   checkIdMaps("evaluate", model, m);
 * } catch {
 *   refused = true;
 * }
 * if (!refused) throw new Error("other id maps are refused");
 * ```
 */
export function checkIdMaps(fn: string, expected: IdMaps, m: RatingMatrix): void {
  const ids = m.ids;
  if (ids === undefined || ids === expected) return;
  const sides = [
    ["user", "userId", expected.userIds, ids.userIds],
    ["item", "movieId", expected.itemIds, ids.itemIds],
  ] as const;
  for (const [side, name, want, got] of sides) {
    const j = firstDifference(want, got);
    if (j < 0) continue;
    throw new Error(
      `${fn}: the matrix was built with other id maps than the model's: its dense ${side} ${j} ` +
        `is ${name} ${got[j]}, the model's is ${name} ${want[j]}. Build it in the model's ids: ` +
        `alignRatings(matrix, model), or loadRatings(path, { ids: model }) for a file`,
    );
  }
}

/**
 * `m` re-indexed into the id space of `to` by raw ids: a rating of userId u on movieId i lands on
 * `to`'s dense index of u and of i. Users and movies that `to` does not know get the next dense
 * indices after its own (in ascending raw id), so the result's maps extend `to`'s maps and a
 * model scores them with its fallback for unknown ids (and counts them in `evaluate`).
 *
 * @param m A matrix with id maps (`m.ids`, as every loaded matrix has).
 * @param to The target maps: a model, a dataset, or `{ userIds, itemIds }`.
 * @returns The re-indexed matrix, with `ids` set.
 *
 * @example
 * ```ts
 * import { alignRatings, withIdMaps } from "./id_maps.ts";
 * import { fromTriplets } from "./coo.ts";
 * const test = withIdMaps(fromTriplets(1, 2, [0, 0], [0, 1], [4, 2], [0, 0]), {
 *   userIds: Uint32Array.of(5),
 *   itemIds: Uint32Array.of(318, 999), // movieId 999 is new to the model
 * });
 * const model = { userIds: Uint32Array.of(3, 5), itemIds: Uint32Array.of(296, 318) };
 * const aligned = alignRatings(test, model);
 * if (aligned.nUsers !== 2 || aligned.nItems !== 3) throw new Error("two users, 2 + 1 movies");
 * if (aligned.userItems.join() !== "1,2" || aligned.ids?.itemIds[2] !== 999) {
 *   throw new Error(`userId 5 is dense 1; movieId 318 is 1, 999 appended as 2`);
 * }
 * ```
 */
export function alignRatings(m: RatingMatrix, to: IdMaps): RatingMatrix {
  const from = m.ids;
  if (from === undefined) {
    throw new Error(
      "alignRatings: the matrix has no id maps (it was built from dense indices); build it with " +
        "loadRatings or withIdMaps so its raw ids are known",
    );
  }
  if (from === to) return m;
  const users = extendMap(from.userIds, to.userIds);
  const items = extendMap(from.itemIds, to.itemIds);
  return reindex(m, { userIds: users.ids, itemIds: items.ids }, users.dense, items.dense);
}

/** Dense index in `to` of each id of `from`; ids `to` lacks are appended in ascending order. */
function extendMap(from: Uint32Array, to: Uint32Array): { dense: Uint32Array; ids: Uint32Array } {
  const index = new Map<number, number>();
  for (let j = 0; j < to.length; j++) index.set(to[j]!, j);
  const missing = Array.from(from).filter((id) => !index.has(id)).sort((a, b) => a - b);
  const ids = new Uint32Array(to.length + missing.length);
  ids.set(to);
  missing.forEach((id, j) => {
    ids[to.length + j] = id;
    index.set(id, to.length + j);
  });
  return { dense: Uint32Array.from(from, (id) => index.get(id)!), ids };
}

function reindex(m: RatingMatrix, ids: IdMaps, users: Uint32Array, items: Uint32Array) {
  const rows = new Uint32Array(m.nnz);
  const cols = new Uint32Array(m.nnz);
  for (let u = 0; u < m.nUsers; u++) {
    for (let e = m.userPtr[u]!; e < m.userPtr[u + 1]!; e++) {
      rows[e] = users[u]!;
      cols[e] = items[m.userItems[e]!]!;
    }
  }
  const out = fromTriplets(
    ids.userIds.length,
    ids.itemIds.length,
    rows,
    cols,
    m.userRatings,
    m.userTimes,
  );
  return withIdMaps(out, ids);
}

/** A rating scale: lowest and highest rating and the step between ratings. */
export interface RatingScale {
  /** Lowest rating. */
  readonly min: number;
  /** Highest rating. */
  readonly max: number;
  /** The grid the ratings lie on (1 for whole stars, 0.5 for half stars), 0 when none is found. */
  readonly step: number;
}

/**
 * The scale of a matrix's ratings: min, max and the coarsest step among 1, 0.5, 0.25, 0.1 and
 * 0.05 on which every rating lies (0 when none fits). ML-100K and ML-1M give 1–5 in steps of 1,
 * the CSV releases 0.5–5 in steps of 0.5.
 *
 * @param m Ratings (at least one).
 * @returns The scale.
 *
 * @example
 * ```ts
 * import { inferRatingScale } from "./id_maps.ts";
 * import { fromTriplets } from "./coo.ts";
 * const s = inferRatingScale(fromTriplets(1, 3, [0, 0, 0], [0, 1, 2], [1, 3, 5], [0, 0, 0]));
 * if (s.min !== 1 || s.max !== 5 || s.step !== 1) throw new Error(JSON.stringify(s));
 * ```
 */
export function inferRatingScale(m: RatingMatrix): RatingScale {
  if (m.nnz === 0) throw new Error("inferRatingScale: the matrix has no ratings");
  let min = Infinity, max = -Infinity;
  for (const r of m.userRatings) {
    if (r < min) min = r;
    if (r > max) max = r;
  }
  const onGrid = (step: number) =>
    m.userRatings.every((r) => Math.abs(r / step - Math.round(r / step)) < 1e-4);
  const step = [1, 0.5, 0.25, 0.1, 0.05].find(onGrid) ?? 0;
  return { min, max, step };
}
