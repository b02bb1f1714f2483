/**
 * Evaluation metrics: {@linkcode rmse} and {@linkcode mae} of rating predictions.
 *
 * ```ts
 * import { mae, rmse } from "./mod.ts";
 * console.log(rmse([4, 3], [3.5, 3]), mae([4, 3], [3.5, 3]));
 * ```
 *
 * @module
 */
export * from "./rmse.ts";
