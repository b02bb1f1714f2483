/**
 * The one symbol table of the Zig kernel library (kernels/root.zig). Only `kernels.ts` opens it.
 *
 * Conventions: every array is a `buffer` (a TypedArray allocated on the TypeScript side), every
 * length a u32, every function returns an i32 status (0 = ok) and reports details through a
 * 4-word `BigUint64Array` error buffer. Calls that take more than a few milliseconds on large data
 * are `nonblocking` so a notebook kernel stays responsive.
 *
 * @module
 */

/** The symbols of librecsys, in the order of kernels/root.zig. */
export const symbols = {
  rs_abi_version: { parameters: [], result: "u32" },
  rs_simd_f32_lanes: { parameters: [], result: "u32" },
  rs_advise_huge: { parameters: ["buffer", "u32"], result: "i32" },
  rs_ratings_scan: {
    parameters: ["buffer", "u32", "u32", "buffer", "buffer", "buffer"],
    result: "i32",
    nonblocking: true,
  },
  rs_ratings_parse: {
    parameters: [
      "buffer",
      "u32",
      "u32",
      "buffer",
      "buffer",
      "u32",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
    ],
    result: "i32",
    nonblocking: true,
  },
  rs_ids_distinct: { parameters: ["buffer", "u32", "buffer"], result: "i32" },
  rs_ids_densify: { parameters: ["buffer", "u32", "u32", "buffer", "u32"], result: "i32" },
  rs_matrix_build: {
    parameters: [
      "u32",
      "u32",
      "u32",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "u32",
      "buffer",
    ],
    result: "i32",
    nonblocking: true,
  },
  // --- Synthetic MovieLens (kernels/synth.zig) ---
  rs_synth_alias: { parameters: ["buffer", "u32", "buffer", "buffer"], result: "i32" },
  rs_synth_ratings_csv: {
    parameters: [
      "u64", // seed
      "u32", // n_users
      "u32", // n_items
      "u32", // k
      "u32", // user_begin
      "u32", // user_end
      "buffer", // user_counts
      "buffer", // user_time_begin
      "buffer", // user_time_span
      "buffer", // user_bias
      "buffer", // user_factors
      "buffer", // movie_ids
      "buffer", // item_weights
      "buffer", // item_prob
      "buffer", // item_alias
      "buffer", // item_bias
      "buffer", // item_factors
      "f64", // mu
      "f64", // noise_sd
      "u32", // whole_stars_before
      "u32", // crlf
      "u32", // threads
      "buffer", // out
      "u32", // out_len
      "buffer", // item_counts
      "buffer", // result
      "buffer", // info
    ],
    result: "i32",
    nonblocking: true,
  },
  // --- end of synthetic MovieLens ---
  // --- Explicit-feedback models (kernels/bias_als.zig, als.zig, score.zig) ---
  rs_rows_validate: {
    parameters: [
      "buffer", // view: ?*abi.RowsView (marked validated on success)
      "buffer", // record: ?*ErrorRecord
    ],
    result: "i32",
    nonblocking: true,
  },
  rs_bias_als_epoch: {
    parameters: [
      "buffer", // users: ?*const abi.RowsView (CSR, validated)
      "buffer", // items: ?*const abi.RowsView (CSC, validated)
      "buffer", // model: ?*const abi.ModelView (biases updated in place)
      "f32", // lambda: f32
      "u32", // weighted: u32 (0 or 1)
      "u32", // threads: u32
      "buffer", // record: ?*ErrorRecord
    ],
    result: "i32",
    nonblocking: true,
  },
  rs_als_epoch: {
    parameters: [
      "buffer", // users: ?*const abi.RowsView (CSR, validated)
      "buffer", // items: ?*const abi.RowsView (CSC, validated)
      "buffer", // model: ?*const abi.ModelView (all four arrays updated in place)
      "f32", // lambda_factors: f32
      "f32", // lambda_bias: f32
      "u32", // weighted: u32 (0 or 1)
      "u32", // threads: u32
      "buffer", // record: ?*ErrorRecord
    ],
    result: "i32",
    nonblocking: true,
  },
  rs_predict_pairs: {
    parameters: [
      "buffer", // model: ?*const abi.ModelView
      "u32", // count: u32
      "buffer", // users: ?[*]const u32 (count)
      "buffer", // items: ?[*]const u32 (count)
      "f32", // rating_min: f32
      "f32", // rating_max: f32
      "buffer", // out: ?[*]f32 (count)
      "u32", // threads: u32
      "buffer", // record: ?*ErrorRecord
    ],
    result: "i32",
  },
  rs_score_matrix: {
    parameters: [
      "buffer", // model: ?*const abi.ModelView
      "buffer", // matrix: ?*const abi.RowsView (CSR, validated)
      "f32", // rating_min: f32
      "f32", // rating_max: f32
      "buffer", // out: ?[*]f32 (nnz, nullable)
      "buffer", // sums: ?*[2]f64
      "u32", // threads: u32
      "buffer", // record: ?*ErrorRecord
    ],
    result: "i32",
    nonblocking: true,
  },
  rs_recommend: {
    parameters: [
      "buffer", // model: ?*const abi.ModelView
      "u32", // count: u32
      "buffer", // users: ?[*]const u32 (count)
      "u32", // top: u32
      "buffer", // exclude: ?*const abi.RowsView (CSR, validated; null for none)
      "buffer", // out_items: ?[*]u32 (count × top)
      "buffer", // out_scores: ?[*]f32 (count × top)
      "u32", // threads: u32
      "buffer", // record: ?*ErrorRecord
    ],
    result: "i32",
    nonblocking: true,
  },
  // --- end of explicit-feedback models ---
  // --- Genre ALS (kernels/genre_als.zig) ---
  rs_genre_als_epoch: {
    parameters: [
      "buffer", // users: ?*const abi.RowsView (CSR, validated)
      "buffer", // items: ?*const abi.RowsView (CSC, validated)
      "buffer", // features: ?*const abi.RowsView (items × features, validated)
      "buffer", // model: ?*const abi.ModelView (all four arrays updated in place)
      "buffer", // feature_factors: ?[*]f32 (G, n_features × k, updated)
      "buffer", // feature_bias: ?[*]f32 (w, n_features, updated)
      "f32", // lambda_factors: f32
      "f32", // lambda_bias: f32
      "u32", // weighted: u32 (0 or 1)
      "f32", // tau: f32
      "f32", // tau_bias: f32
      "f32", // lambda_features: f32
      "u32", // threads: u32
      "buffer", // record: ?*ErrorRecord
    ],
    result: "i32",
    nonblocking: true,
  },
  // --- end of genre ALS ---
} as const satisfies Deno.ForeignLibraryInterface;

/** The ABI version this symbol table matches (`abi_version` in kernels/root.zig). */
export const ABI_VERSION = 5;
