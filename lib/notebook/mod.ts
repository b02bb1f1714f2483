/**
 * Notebook helpers: which dataset to run on, progress reports for long loops, number formatting
 * for printed sentences, ranked item tables, picking one result row by its settings, and the
 * cost-model point of a timed epoch.
 *
 * @module
 */
export * from "./dataset.ts";
export * from "./demographics_dataset.ts";
export * from "./epoch_cost.ts";
export * from "./find_row.ts";
export * from "./format.ts";
export * from "./item_table.ts";
export * from "./live_progress.ts";
export * from "./progress.ts";
