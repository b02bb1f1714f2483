/**
 * The public door of the recommender library. Notebooks and programs import from here:
 *
 * ```ts ignore
 * import { loadMovieLens, randomSplit } from "../lib/mod.ts";
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
export { defaultThreads, KernelError, kernelInfo, libraryPath } from "./ffi/kernels.ts";

// The notebooks' synthetic fallback (data/raw/synthetic-small) when no MovieLens files exist.
import { makeSyntheticFallback } from "./data/synthetic.ts";
import { setSyntheticMaker } from "./notebook/dataset.ts";
setSyntheticMaker(makeSyntheticFallback);
