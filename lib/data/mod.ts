/**
 * Data: loading MovieLens folders, the binary cache, side files, splits, downloads and the
 * synthetic generator.
 *
 * @module
 */
export * from "./types.ts";
export * from "./coo.ts";
export * from "./load.ts";
export * from "./load_classic.ts";
export * from "./load_ratings.ts";
export * from "./id_maps.ts";
export * from "./users.ts";
export * from "./summary.ts";
export * from "./side_files.ts";
export * from "./split.ts";
export * from "./download.ts";
export * from "./synthetic.ts";
export * from "./synthetic_classic.ts";
export * from "./catalogue.ts";
export * from "./subsample.ts";
export * from "./ladder.ts";
export * from "./item_features.ts";
export * from "./search.ts";
export * from "./filters.ts";
export * from "./implicit.ts";
