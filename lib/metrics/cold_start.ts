/**
 * How well a model scores movies it has no ratings for (notebook 05): besides RMSE and MAE on
 * the cold movies' ratings, two views that RMSE hides.
 *
 * - Per movie: the Pearson and Spearman correlation, over the cold movies, between the mean
 *   predicted and the mean actual rating (does the model tell the good new movies from the bad?).
 * - Per user (ranking): for each user with at least one cold movie rated ≥ `relevant` and one
 *   rated below, the AUC of their cold movies — the share of (liked, other) pairs the predictions
 *   order correctly, ties counting ½ — averaged over those users (does the model put a user's
 *   liked new movies above the others?). 0.5 is chance.
 *
 * @module
 */
import type { RatingMatrix } from "../data/types.ts";
import { pearson, spearman } from "../stats/association.ts";

/** What {@linkcode coldStartMetrics} returns. */
export interface ColdStartMetrics {
  /** RMSE of the predictions. */
  rmse: number;
  /** MAE of the predictions. */
  mae: number;
  /** Ratings scored. */
  count: number;
  /** Pearson correlation of mean predicted and mean actual rating per movie (NaN when the
   * predictions are the same for every movie, as the global mean's). */
  moviePearson: number;
  /** Spearman correlation of the same. */
  movieSpearman: number;
  /** Movies in the correlations. */
  movies: number;
  /** Mean per-user AUC (liked cold movies against the user's other cold movies). */
  auc: number;
  /** Users in the AUC (with at least one liked and one other cold movie). */
  aucUsers: number;
}

/**
 * The metrics above for `predictions`, one per CSR entry of `test` (e.g. from `scoreMatrix` with
 * `predictions: true`).
 *
 * @param test The held-out ratings (typically all ratings of the cold movies).
 * @param predictions r̂ per CSR entry of `test`.
 * @param options `relevant`: the rating from which a movie counts as liked (default 4).
 * @returns RMSE, MAE, per-movie correlations and the mean per-user AUC.
 *
 * @example
 * ```ts
 * import { coldStartMetrics } from "./cold_start.ts";
 * import { fromTriplets } from "../data/coo.ts";
 * // One user, three movies rated 5, 2, 4; the predictions order 5 > 4 > 2 correctly.
 * const test = fromTriplets(1, 3, [0, 0, 0], [0, 1, 2], [5, 2, 4], [0, 0, 0]);
 * const m = coldStartMetrics(test, Float32Array.of(4.5, 2.5, 3.5));
 * if (m.auc !== 1 || m.aucUsers !== 1 || Math.abs(m.rmse - 0.5) > 1e-9) throw new Error(JSON.stringify(m));
 * ```
 */
export function coldStartMetrics(
  test: RatingMatrix,
  predictions: ArrayLike<number>,
  options: { relevant?: number } = {},
): ColdStartMetrics {
  const { relevant = 4 } = options;
  if (predictions.length !== test.nnz) {
    throw new RangeError(
      `coldStartMetrics: ${predictions.length} predictions for ${test.nnz} ratings`,
    );
  }
  if (test.nnz === 0) throw new Error("coldStartMetrics: the test matrix has no ratings");
  let sse = 0, sae = 0;
  const sumPred = new Float64Array(test.nItems), sumTrue = new Float64Array(test.nItems);
  const count = new Uint32Array(test.nItems);
  for (let e = 0; e < test.nnz; e++) {
    const p = predictions[e]!, r = test.userRatings[e]!, i = test.userItems[e]!;
    if (!Number.isFinite(p)) throw new RangeError(`coldStartMetrics: prediction ${e} is ${p}`);
    sse += (p - r) ** 2;
    sae += Math.abs(p - r);
    sumPred[i]! += p;
    sumTrue[i]! += r;
    count[i]!++;
  }
  const meanPred: number[] = [], meanTrue: number[] = [];
  for (let i = 0; i < test.nItems; i++) {
    if (count[i]! === 0) continue;
    meanPred.push(sumPred[i]! / count[i]!);
    meanTrue.push(sumTrue[i]! / count[i]!);
  }
  const movies = meanPred.length;
  let aucSum = 0, aucUsers = 0;
  for (let u = 0; u < test.nUsers; u++) {
    const liked: number[] = [], other: number[] = [];
    for (let e = test.userPtr[u]!; e < test.userPtr[u + 1]!; e++) {
      (test.userRatings[e]! >= relevant ? liked : other).push(predictions[e]!);
    }
    if (liked.length === 0 || other.length === 0) continue;
    let wins = 0;
    for (const a of liked) for (const b of other) wins += a > b ? 1 : a === b ? 0.5 : 0;
    aucSum += wins / (liked.length * other.length);
    aucUsers++;
  }
  return {
    rmse: Math.sqrt(sse / test.nnz),
    mae: sae / test.nnz,
    count: test.nnz,
    moviePearson: correlation(pearson, meanPred, meanTrue),
    movieSpearman: correlation(spearman, meanPred, meanTrue),
    movies,
    auc: aucUsers > 0 ? aucSum / aucUsers : NaN,
    aucUsers,
  };
}

/** The correlation, or NaN when it is undefined (fewer than two movies, a constant variable). */
function correlation(
  f: (x: ArrayLike<number>, y: ArrayLike<number>) => number,
  x: number[],
  y: number[],
): number {
  if (x.length < 2 || x.every((v) => v === x[0]) || y.every((v) => v === y[0])) return NaN;
  return f(x, y);
}

/**
 * The rows of a cold-start table, one per model, with the column names notebook 05 prints:
 * RMSE, MAE, the per-movie Pearson and Spearman correlations and the per-user AUC.
 *
 * @example
 * ```ts
 * import { coldStartMetrics, coldStartRows } from "./cold_start.ts";
 * import { fromTriplets } from "../data/coo.ts";
 * const test = fromTriplets(1, 3, [0, 0, 0], [0, 1, 2], [5, 2, 4], [0, 0, 0]);
 * const rows = coldStartRows([{ model: "m", ...coldStartMetrics(test, Float32Array.of(4.5, 2.5, 3.5)) }]);
 * if (rows[0]!["AUC (users)"] !== 1 || rows[0]!.model !== "m") throw new Error(JSON.stringify(rows));
 * ```
 */
export function coldStartRows(
  rows: readonly ({ model: string } & ColdStartMetrics)[],
): Record<string, string | number>[] {
  return rows.map((r) => ({
    model: r.model,
    RMSE: r.rmse,
    MAE: r.mae,
    "Pearson (movies)": r.moviePearson,
    "Spearman (movies)": r.movieSpearman,
    "AUC (users)": r.auc,
  }));
}
