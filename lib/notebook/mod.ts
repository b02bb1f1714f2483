/**
 * Notebook helpers: which dataset to run on, and progress reports for long loops.
 *
 * @module
 */
export * from "./dataset.ts";
export * from "./progress.ts";
