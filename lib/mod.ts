/**
 * The public door of the recommender library. Notebooks and programs import from here:
 *
 * ```ts
 * // In a notebook: import { … } from "../lib/mod.ts";
 * import { GlobalMean, loadMovieLens, randomSplit } from "./mod.ts";
 * const ds = await loadMovieLens("../shared/data/ml-latest-small", { cache: false });
 * const { train, test } = randomSplit(ds.ratings, { testFraction: 0.1, seed: 42 });
 * const { rmse } = await (await GlobalMean.fit(train)).evaluate(test);
 * if (!(rmse > 1 && rmse < 1.1)) throw new Error("predicting the mean misses by about one star");
 * ```
 *
 * @module
 */
export * from "./data/mod.ts";
export * from "./notebook/mod.ts";
export * from "./models/mod.ts";
export * from "./metrics/mod.ts";
export * from "./plot/mod.ts";
export * from "./stats/mod.ts";
export * from "./experiments/mod.ts";
export * from "./app/mod.ts";
export * from "./spark/mod.ts";
export { defaultThreads, KernelError, kernelInfo, libraryPath } from "./ffi/kernels.ts";
// The implicit baseline model (the stats layer has a `Popularity` record type of its own, which
// stays reachable from lib/stats/mod.ts).
export { Popularity } from "./models/popularity.ts";
