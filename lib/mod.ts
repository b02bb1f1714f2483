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
export { defaultThreads, KernelError, kernelInfo, libraryPath } from "./ffi/kernels.ts";
