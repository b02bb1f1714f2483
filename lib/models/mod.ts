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
 * ```ts
 * import { Als, GlobalMean } from "./mod.ts";
 * import { loadMovieLens, randomSplit } from "../data/mod.ts";
 * const ds = await loadMovieLens("../shared/data/ml-latest-small", { cache: false });
 * const { train, test } = randomSplit(ds.ratings, { testFraction: 0.1, seed: 42 });
 * const ids = { userIds: ds.userIds, itemIds: ds.itemIds };
 * const model = await Als.fit(train, { k: 16, epochs: 8, progress: false, ...ids });
 * const mean = await GlobalMean.fit(train);
 * const [als, base] = [await model.evaluate(test), await mean.evaluate(test)];
 * if (!(als.rmse < base.rmse - 0.1)) throw new Error("ALS beats the global mean");
 * const top = await model.recommend(0, { n: 10, exclude: train }); // user 0's unseen top 10
 * const seen = new Set(train.userItems.subarray(train.userPtr[0], train.userPtr[1]));
 * if (top.items.length !== 10 || top.items.some((i) => seen.has(i))) throw new Error("top 10");
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
export * from "./baseline_comparison.ts";
export * from "./tuning.ts";
export * from "./embeddings.ts";
export * from "./genre_als_state.ts";
export * from "./genre_als.ts";
export * from "./cold_start.ts";
export { ExplicitModel, MOVIELENS_SCALE, RankingModel } from "./explicit_model.ts";
export type {
  CommonFitOptions,
  EpochRecord,
  Evaluation,
  ModelKind,
  Recommendation,
  RecommendationBatch,
  RecommendOptions,
  SaveOptions,
} from "./explicit_model.ts";
export type { LoopOptions } from "./_fit_loop.ts";
export { MODEL_FORMAT_VERSION } from "./_model_file.ts";
export * from "./load_model.ts";
export * from "./fold_in.ts";
export * from "./fold_in_implicit.ts";
export * from "./explain.ts";
export * from "./top_n.ts";
export * from "./popularity.ts";
export * from "./ials.ts";
export * from "./bpr.ts";
export * from "./ranking_eval.ts";
export { ImplicitModel, loadImplicitParts } from "./implicit_model.ts";
export type { ImplicitEpochRecord, ImplicitKind, ImplicitParts } from "./implicit_model.ts";
