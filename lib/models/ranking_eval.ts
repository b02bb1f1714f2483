/**
 * The ranking protocol of implicit feedback in one call: every user with a held-out positive gets
 * a top-100 list of items they did not interact with in train (all unseen items are candidates —
 * no sampled negatives), and the lists are scored with precision@10, recall@20 (plain and
 * normalised), NDCG@10 and @100, MAP@10, catalogue coverage@50, intra-list diversity of genres,
 * and the per-user AUC over all unseen items.
 *
 * Works for every model, explicit or implicit, through the parameters the scoring kernel reads
 * (`model.state` of an explicit model, `model.arrays()` of an implicit one).
 *
 * @module
 */
import { checkIdMaps } from "../data/id_maps.ts";
import type { ItemGenres } from "../data/catalogue.ts";
import type { RatingMatrix } from "../data/types.ts";
import { predictPairs, recommendTopN } from "../ffi/kernels.ts";
import type { AlsState } from "./als_state.ts";
import { meanAuc } from "../metrics/auc.ts";
import { intraListDiversity } from "../metrics/diversity.ts";
import { rankingMetrics } from "../metrics/ranking.ts";

/** What {@linkcode evaluateRanking} measures (means over the evaluated users). */
export interface RankingReport {
  /** Users with at least one held-out positive. */
  users: number;
  /** Hits in the top 10 / 10. */
  precision10: number;
  /** Hits in the top 20 / held-out positives (plain recall). */
  recall20: number;
  /** Hits in the top 20 / min(20, held-out positives) (the normalised recall of Liang et al.). */
  recall20Normalised: number;
  /** NDCG@10, binary relevance. */
  ndcg10: number;
  /** NDCG@100. */
  ndcg100: number;
  /** MAP@10. */
  map10: number;
  /** Mean per-user AUC over all unseen items (on `aucUsers` users). */
  auc: number;
  /** Distinct items in all top-50 lists / items. */
  coverage50: number;
  /** Mean pairwise genre dissimilarity (1 − cosine) within each top 10 (NaN without genres). */
  diversity10: number;
}

/** Options of {@linkcode evaluateRanking}. */
export interface EvaluateRankingOptions {
  /** Genres per item for the intra-list diversity (`itemGenres(dataset)`). */
  genres?: ItemGenres;
  /** At most this many users (evenly spaced) for the AUC, which scores every item. Default all. */
  aucUsers?: number;
  /** Kernel threads. */
  threads?: number;
}

/**
 * One row per item of 0/1 genre indicators (`nItems × names.length`), for diversity.
 *
 * @example
 * ```ts
 * import { genreVectors } from "./ranking_eval.ts";
 * const g = { names: ["Comedy", "Drama"], ptr: Uint32Array.of(0, 1, 3), idx: Uint8Array.of(0, 0, 1) };
 * if (genreVectors(g).join() !== "1,0,1,1") throw new Error("item 0 comedy; item 1 both");
 * ```
 */
export function genreVectors(genres: ItemGenres): Float32Array {
  const dim = genres.names.length;
  const nItems = genres.ptr.length - 1;
  const out = new Float32Array(nItems * dim);
  for (let i = 0; i < nItems; i++) {
    for (let p = genres.ptr[i]!; p < genres.ptr[i + 1]!; p++) out[i * dim + genres.idx[p]!] = 1;
  }
  return out;
}

/** The widest f32 range: predictPairs then clamps nothing (ranking scores, not star ratings). */
const UNCLAMPED = { ratingMin: -3.4e38, ratingMax: 3.4e38 };

/**
 * A `scoreUser(u)` for meanAuc over `users` (in that order): μ + b_u + b_i + x_u·y_i of every item,
 * computed by the Zig kernel for a block of users at a time (about 4M scores per call).
 */
function blockScorer(
  model: AlsState,
  users: readonly number[],
  threads: number | undefined,
): (u: number) => Float32Array {
  const nItems = model.itemBias.length;
  const block = Math.max(1, Math.floor(4_000_000 / Math.max(1, nItems)));
  const rowOf = new Map<number, number>();
  let scores: Float32Array = new Float32Array(0);
  return (u) => {
    let row = rowOf.get(u);
    if (row === undefined) {
      const start = users.indexOf(u);
      const batch = start < 0 ? [u] : users.slice(start, start + block);
      const pairUsers = new Uint32Array(batch.length * nItems);
      const pairItems = new Uint32Array(batch.length * nItems);
      for (let j = 0; j < batch.length; j++) {
        pairUsers.fill(batch[j]!, j * nItems, (j + 1) * nItems);
        for (let i = 0; i < nItems; i++) pairItems[j * nItems + i] = i;
      }
      scores = predictPairs(model, pairUsers, pairItems, { ...UNCLAMPED, threads });
      rowOf.clear();
      batch.forEach((v, j) => rowOf.set(v, j));
      row = 0;
    }
    return scores.subarray(row * nItems, (row + 1) * nItems);
  };
}

/**
 * Scores a model's top-N lists against held-out positives with the implicit protocol (every
 * held-out entry of `test` is relevant; the user's `train` items are never recommended).
 *
 * @param model The parameters (`model.state` or `model.arrays()`), over the same dense ids.
 * @param train The interactions to exclude from each list (and from the AUC's candidates).
 * @param test Held-out positives.
 * @param options Genres for diversity, users for AUC, threads.
 * @returns The report.
 *
 * @example
 * ```ts
 * import { evaluateRanking } from "./ranking_eval.ts";
 * import { Popularity } from "./popularity.ts";
 * import { fromTriplets } from "../data/coo.ts";
 * const train = fromTriplets(2, 3, [0, 1, 1], [0, 0, 1], [1, 1, 1], [0, 0, 0]);
 * const test = fromTriplets(2, 3, [0], [1], [1], [0]); // user 0 watched item 1 next
 * const r = await evaluateRanking(Popularity.fit(train).arrays(), train, test);
 * // Popularity ranks item 1 (one positive) above item 2 (none) for user 0: a hit at rank 1.
 * if (r.users !== 1 || r.ndcg10 !== 1 || r.auc !== 1) throw new Error(JSON.stringify(r));
 * ```
 */
export async function evaluateRanking(
  model: AlsState,
  train: RatingMatrix,
  test: RatingMatrix,
  options: EvaluateRankingOptions = {},
): Promise<RankingReport> {
  if (train.ids) checkIdMaps("evaluateRanking (test against train)", train.ids, test);
  if (
    train.nUsers !== test.nUsers || train.nItems !== test.nItems ||
    model.itemBias.length !== train.nItems || model.userBias.length !== train.nUsers
  ) {
    throw new RangeError(
      `evaluateRanking: model ${model.userBias.length} × ${model.itemBias.length}, train ` +
        `${train.nUsers} × ${train.nItems} and test ${test.nUsers} × ${test.nItems} must agree`,
    );
  }
  const users: number[] = [];
  for (let u = 0; u < test.nUsers; u++) if (test.userPtr[u + 1]! > test.userPtr[u]!) users.push(u);
  const dense = Uint32Array.from(users);
  const top = await recommendTopN(model, dense, 100, { exclude: train, threads: options.threads });
  const lists = { users: dense, n: 100, items: top.items };
  const at = (k: number) => rankingMetrics(lists, test, { k, threshold: -Number.MAX_VALUE });
  const [m10, m20, m50, m100] = [at(10), at(20), at(50), at(100)];
  const step = Math.max(1, Math.ceil(users.length / (options.aucUsers ?? users.length)));
  const aucUsers = users.filter((_, j) => j % step === 0);
  const scoreUser = blockScorer(model, aucUsers, options.threads);
  const { auc } = meanAuc(scoreUser, train, test, { users: aucUsers });
  const diversity10 = options.genres
    ? intraListDiversity(lists, genreVectors(options.genres), options.genres.names.length, {
      k: 10,
    })
    : NaN;
  return {
    users: m10.users,
    precision10: m10.precision,
    recall20: m20.recall,
    recall20Normalised: m20.recallCapped,
    ndcg10: m10.ndcg,
    ndcg100: m100.ndcg,
    map10: m10.map,
    auc,
    coverage50: m50.coverage,
    diversity10,
  };
}
