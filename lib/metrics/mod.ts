/**
 * Evaluation metrics: {@linkcode rmse} and {@linkcode mae} of rating predictions, and
 * {@linkcode rankingMetrics} (precision, recall, NDCG, hit rate, coverage) of top-N lists against
 * held-out ratings.
 *
 * ```ts
 * import { mae, rmse } from "./mod.ts";
 * if (Math.abs(rmse([4, 3], [3.5, 3]) - Math.sqrt(0.125)) > 1e-12) throw new Error("rmse");
 * if (mae([4, 3], [3.5, 3]) !== 0.25) throw new Error("mae");
 * ```
 *
 * @module
 */
export * from "./rmse.ts";
export * from "./ranking.ts";
export * from "./cold_start.ts";
export * from "./auc.ts";
export * from "./diversity.ts";
