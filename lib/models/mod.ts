/**
 * Explicit-feedback rating models, all with the same shape (as in Surprise and implicit):
 * `await Model.fit(train, options)`, `predict` / `predictIds`, `evaluate`, `recommend` /
 * `recommendBatch`, `save` and `await Model.load(path)`.
 *
 * | model | prediction |
 * | --- | --- |
 * | {@linkcode GlobalMean} | μ |
 * | {@linkcode BiasAls} | μ + b_u + b_i |
 * | {@linkcode Als} | μ + b_u + b_i + x_u·y_i |
 *
 * ```ts ignore
 * import { Als, randomSplit } from "../mod.ts";
 * const { train, test } = randomSplit(ds.ratings, { testFraction: 0.1, seed: 42 });
 * const model = await Als.fit(train, { k: 32, lambda: 0.05, userIds: ds.userIds, itemIds: ds.itemIds });
 * console.log(await model.evaluate(test));
 * const top = await model.recommend(0, { n: 10, exclude: train });
 * ```
 *
 * @module
 */
export * from "./als_state.ts";
export * from "./global_mean.ts";
export * from "./bias_als.ts";
export * from "./als.ts";
export * from "./als_row.ts";
export * from "./naive_als.ts";
export * from "./baseline.ts";
export * from "./tuning.ts";
export * from "./embeddings.ts";
export { ExplicitModel, MOVIELENS_SCALE, RankingModel } from "./_explicit.ts";
export type {
  CommonFitOptions,
  EpochRecord,
  Evaluation,
  ModelKind,
  Recommendation,
  RecommendationBatch,
  RecommendOptions,
} from "./_explicit.ts";
export type { LoopOptions } from "./_fit_loop.ts";
export { MODEL_FORMAT_VERSION } from "./_model_file.ts";
