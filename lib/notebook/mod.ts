/**
 * Notebook helpers: which dataset to run on, progress reports for long loops, and number
 * formatting for printed sentences.
 *
 * @module
 */
export * from "./dataset.ts";
export * from "./format.ts";
export * from "./progress.ts";
