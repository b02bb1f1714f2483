/**
 * Notebook helpers: which dataset to run on.
 *
 * @module
 */
export * from "./dataset.ts";
