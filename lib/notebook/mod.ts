/**
 * Notebook helpers: which dataset to run on, progress reports for long loops, number formatting
 * for printed sentences, and ranked item tables.
 *
 * @module
 */
export * from "./dataset.ts";
export * from "./demographics_dataset.ts";
export * from "./format.ts";
export * from "./item_table.ts";
export * from "./live_progress.ts";
export * from "./progress.ts";
