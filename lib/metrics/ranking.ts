/**
 * Top-N ranking quality of recommendation lists against held-out ratings, the usual offline
 * protocol: a test rating ≥ a threshold marks an item relevant to its user, each user's list is cut
 * at `k`, and precision, recall, NDCG and hit rate are averaged over the users that have at least
 * one relevant test item; catalogue coverage is taken over all lists.
 *
 * @example
 * ```ts
 * import { rankingMetrics } from "./ranking.ts";
 * import { fromTriplets } from "../data/coo.ts";
 * // One user, five movies; held out: movie 0 (5 stars), movie 2 (4), movie 4 (2, not relevant).
 * const test = fromTriplets(1, 5, [0, 0, 0], [0, 2, 4], [5, 4, 2], [0, 0, 0]);
 * const lists = { users: Uint32Array.of(0), n: 3, items: Uint32Array.of(0, 1, 2) };
 * const m = rankingMetrics(lists, test);
 * if (m.users !== 1 || m.precision !== 2 / 3 || m.recall !== 1) throw new Error("2 of 3 hit");
 * ```
 *
 * @module
 */
import type { IdMaps, RatingMatrix } from "../data/types.ts";
import { checkIdMaps } from "../data/id_maps.ts";

const PAD = 0xffff_ffff;

/**
 * Top-N lists of many users in flat arrays: user `users[j]`'s list, best first, is
 * `items[j·n .. (j+1)·n]`. The `RecommendationBatch` that `recommendBatch` of a ranking model
 * returns has this shape, so it can be passed straight in.
 *
 * @example
 * ```ts
 * import type { RankedLists } from "./ranking.ts";
 * // Users 3 and 7, two items each; user 7's list ran out after one item.
 * const lists: RankedLists = {
 *   users: Uint32Array.of(3, 7),
 *   n: 2,
 *   items: Uint32Array.of(4, 1, 2, 0xffff_ffff),
 * };
 * if (lists.items.length !== lists.users.length * lists.n) throw new Error("n per user");
 * ```
 */
export interface RankedLists {
  /** Dense user index of each list. */
  readonly users: Uint32Array;
  /** Length of each list. */
  readonly n: number;
  /** Dense item indices, `users.length × n`, row-major; 0xFFFFFFFF pads a list that ran out. */
  readonly items: Uint32Array;
  /**
   * The id maps of the model that made the lists (set by `recommendBatch`): a test matrix built
   * with other id maps is refused (lib/data/id_maps.ts) instead of being matched to other movies.
   */
  readonly ids?: IdMaps;
}

/** Options of {@linkcode rankingMetrics}. */
export interface RankingOptions {
  /**
   * A held-out rating ≥ `threshold` makes the item relevant to its user. Default 4 (of 5 stars).
   *
   * @example
   * ```ts
   * import { rankingMetrics } from "./ranking.ts";
   * import { fromTriplets } from "../data/coo.ts";
   * const test = fromTriplets(1, 2, [0], [0], [3.5], [0]); // a 3.5-star rating of movie 0
   * const lists = { users: Uint32Array.of(0), n: 1, items: Uint32Array.of(0) };
   * if (rankingMetrics(lists, test).users !== 0) throw new Error("3.5 < 4: nothing relevant");
   * if (rankingMetrics(lists, test, { threshold: 3.5 }).precision !== 1) throw new Error("hit");
   * ```
   */
  threshold?: number;
  /**
   * Cut-off: only the first `k` entries of each list count. A whole number in 1..n; default n.
   *
   * @example
   * ```ts
   * import { rankingMetrics } from "./ranking.ts";
   * import { fromTriplets } from "../data/coo.ts";
   * const test = fromTriplets(1, 3, [0], [2], [5], [0]); // movie 2 is relevant
   * const lists = { users: Uint32Array.of(0), n: 3, items: Uint32Array.of(0, 1, 2) };
   * if (rankingMetrics(lists, test, { k: 2 }).hitRate !== 0) throw new Error("rank 3 > k");
   * if (rankingMetrics(lists, test, { k: 3 }).hitRate !== 1) throw new Error("rank 3 ≤ k");
   * ```
   */
  k?: number;
}

/**
 * Ranking quality at cut-off `k`. The means are over the evaluated users (those with at least one
 * relevant test item); with no such user they are NaN.
 *
 * @example
 * ```ts
 * import { rankingMetrics, type RankingMetrics } from "./ranking.ts";
 * import { fromTriplets } from "../data/coo.ts";
 * const test = fromTriplets(1, 4, [0], [1], [4], [0]);
 * const lists = { users: Uint32Array.of(0), n: 2, items: Uint32Array.of(1, 3) };
 * const m: RankingMetrics = rankingMetrics(lists, test);
 * // The one relevant movie at rank 1; two of four movies recommended.
 * if (m.ndcg !== 1 || m.recall !== 1 || m.precision !== 0.5 || m.coverage !== 0.5) {
 *   throw new Error(JSON.stringify(m));
 * }
 * ```
 */
export interface RankingMetrics {
  /** Users evaluated: lists whose user has ≥ 1 relevant test item (the others are skipped). */
  users: number;
  /** Mean of hits@k / k (a padded list still divides by k). */
  precision: number;
  /** Mean of hits@k / relevant (plain recall: at most k / relevant when relevant > k). */
  recall: number;
  /** Mean of hits@k / min(k, relevant) (reaches 1 for a perfect list even when relevant > k). */
  recallCapped: number;
  /**
   * Mean NDCG@k with binary relevance: DCG = Σ over hit ranks r (1-based) of 1 / log2(r + 1),
   * divided by the ideal DCG of min(k, relevant) hits at ranks 1, 2, ….
   */
  ndcg: number;
  /**
   * Mean average precision at k: AP@k = Σ over hit ranks r of (hits in the top r) / r, divided by
   * min(k, relevant) (so a perfect list scores 1).
   */
  map: number;
  /** Share of evaluated users with at least one hit in their top k. */
  hitRate: number;
  /** Distinct items in the top k of all lists (skipped users' too) / test.nItems. */
  coverage: number;
}

/**
 * Top-N ranking metrics of recommendation lists against held-out ratings (see
 * {@linkcode RankingMetrics} for the definitions). Ranks are positions in a list; padding entries
 * (0xFFFFFFFF) are never hits and are not counted in coverage, and an item repeated within one list
 * counts as a hit at most once. A user listed twice is evaluated twice.
 *
 * Time O(total length of the top-k lists + test ratings of the listed users), plus one pass to
 * allocate two arrays of `test.nItems` (a stamp per item marks the current user's relevant items,
 * so no per-user set is built).
 *
 * @param lists Top-N lists of dense item indices, e.g. the result of `recommendBatch`.
 * @param test Held-out ratings with the same dense user and item indices.
 * @param options `threshold` (default 4) and cut-off `k` (default `lists.n`).
 * @returns The metrics; throws a RangeError naming the argument when `k` is not a whole number in
 * 1..n, `threshold` is not finite, `lists.n` is not a whole number ≥ 1, `lists.items` does not
 * hold `users.length × n` entries, or a user or item index is outside `test`.
 *
 * @example
 * ```ts
 * import { rankingMetrics } from "./ranking.ts";
 * import { fromTriplets } from "../data/coo.ts";
 * // User 0 holds out movies 0 (5 stars) and 2 (4 stars), both relevant at the default threshold 4.
 * const test = fromTriplets(1, 5, [0, 0], [0, 2], [5, 4], [0, 0]);
 * const lists = { users: Uint32Array.of(0), n: 3, items: Uint32Array.of(0, 1, 2) };
 * const m = rankingMetrics(lists, test);
 * // Hits at ranks 1 and 3: DCG = 1 + 1/log2(4) = 1.5; ideal DCG of 2 hits = 1 + 1/log2(3).
 * if (Math.abs(m.ndcg - 1.5 / (1 + 1 / Math.log2(3))) > 1e-12) throw new Error(`${m.ndcg}`);
 * if (m.precision !== 2 / 3 || m.recall !== 1 || m.coverage !== 3 / 5) throw new Error();
 * // AP@3 = (1/1 + 2/3) / min(3, 2): precision at each hit rank, over the relevant count.
 * if (Math.abs(m.map - (1 + 2 / 3) / 2) > 1e-12) throw new Error(`${m.map}`);
 * ```
 */
export function rankingMetrics(
  lists: RankedLists,
  test: RatingMatrix,
  options: RankingOptions = {},
): RankingMetrics {
  const { users, items, n } = lists;
  if (lists.ids) checkIdMaps("rankingMetrics (test against the lists' model)", lists.ids, test);
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(`rankingMetrics: lists.n must be a whole number ≥ 1, got ${n}`);
  }
  if (items.length !== users.length * n) {
    throw new RangeError(
      `rankingMetrics: lists.items has ${items.length} entries, expected lists.users.length × ` +
        `lists.n = ${users.length} × ${n} = ${users.length * n}`,
    );
  }
  const k = options.k ?? n;
  if (!Number.isInteger(k) || k < 1 || k > n) {
    throw new RangeError(`rankingMetrics: k must be a whole number in 1..${n} (n), got ${k}`);
  }
  const threshold = options.threshold ?? 4;
  if (!Number.isFinite(threshold)) {
    throw new RangeError(`rankingMetrics: threshold must be a finite number, got ${threshold}`);
  }

  // discount[r] = 1 / log2(r + 2) for 0-based rank r; ideal[m] = DCG of m hits at ranks 1..m.
  const discount = new Float64Array(k);
  const ideal = new Float64Array(k + 1);
  for (let r = 0; r < k; r++) {
    discount[r] = 1 / Math.log2(r + 2);
    ideal[r + 1] = ideal[r]! + discount[r]!;
  }

  const { nUsers, nItems, userPtr, userItems, userRatings } = test;
  // mark[i] === j + 1 while list j is scored and item i is relevant to its user (not yet hit).
  const mark = new Uint32Array(nItems);
  const seen = new Uint8Array(nItems);
  let distinct = 0;
  let evaluated = 0;
  let precision = 0;
  let recall = 0;
  let recallCapped = 0;
  let ndcg = 0;
  let map = 0;
  let hitUsers = 0;

  for (let j = 0; j < users.length; j++) {
    const u = users[j]!;
    if (u >= nUsers) {
      throw new RangeError(
        `rankingMetrics: lists.users[${j}] = ${u} is not a user of test (nUsers ${nUsers})`,
      );
    }
    const stamp = j + 1;
    let relevant = 0;
    for (let p = userPtr[u]!, end = userPtr[u + 1]!; p < end; p++) {
      const i = userItems[p]!;
      if (userRatings[p]! >= threshold && mark[i] !== stamp) {
        mark[i] = stamp;
        relevant++;
      }
    }
    let hits = 0;
    let dcg = 0;
    let precisionSum = 0;
    for (let r = 0, base = j * n; r < k; r++) {
      const i = items[base + r]!;
      if (i === PAD) continue;
      if (i >= nItems) {
        throw new RangeError(
          `rankingMetrics: lists.items[${base + r}] = ${i} is not an item of test ` +
            `(nItems ${nItems}) nor padding (0xFFFFFFFF)`,
        );
      }
      if (seen[i] === 0) {
        seen[i] = 1;
        distinct++;
      }
      if (mark[i] === stamp) {
        mark[i] = 0; // a repeat of this item in the list is no second hit
        hits++;
        dcg += discount[r]!;
        precisionSum += hits / (r + 1);
      }
    }
    if (relevant === 0) continue;
    evaluated++;
    const capped = Math.min(k, relevant);
    precision += hits / k;
    recall += hits / relevant;
    recallCapped += hits / capped;
    ndcg += dcg / ideal[capped]!;
    map += precisionSum / capped;
    if (hits > 0) hitUsers++;
  }

  return {
    users: evaluated,
    precision: precision / evaluated,
    recall: recall / evaluated,
    recallCapped: recallCapped / evaluated,
    ndcg: ndcg / evaluated,
    map: map / evaluated,
    hitRate: hitUsers / evaluated,
    coverage: nItems === 0 ? 0 : distinct / nItems,
  };
}
