/**
 * The one symbol table of the Zig kernel library (kernels/root.zig). Only `kernels.ts` opens it.
 *
 * Conventions: every array is a `buffer` (a TypedArray allocated on the TypeScript side), every
 * length a u32, every function returns an i32 status (0 = ok) and reports details through an
 * `ErrorRecord` (kernels/abi.zig; 8 named u64 fields). Matrices and models cross as packed
 * `extern struct` views (lib/ffi/_abi.ts). Each parameter is commented with its Zig name and type;
 * `abi_test.ts` checks the kinds against kernels/root.zig. Calls that take more than a few milliseconds on large data
 * are `nonblocking` so a notebook kernel stays responsive.
 *
 * @module
 */

/** The symbols of librecsys, in the order of kernels/root.zig. */
export const symbols = {
  rs_abi_version: { parameters: [], result: "u32" },
  rs_simd_f32_lanes: { parameters: [], result: "u32" },
  rs_advise_huge: {
    parameters: [
      "buffer", // bytes: ?[*]u8
      "u32", // len: u32
      "buffer", // record: ?*ErrorRecord
    ],
    result: "i32",
  },
  // --- Ingestion (kernels/parse.zig, sparse.zig) ---
  rs_ratings_scan: {
    parameters: [
      "buffer", // path_ptr: ?[*]const u8 (UTF-8)
      "u32", // path_len: u32
      "u32", // parts: u32 (1..64)
      "buffer", // offsets_ptr: ?[*]u64 (parts + 1)
      "buffer", // lines_ptr: ?[*]u64 (parts)
      "buffer", // mapping: ?*abi.MappingView (filled: the file stays mapped for the parse)
      "buffer", // record: ?*ErrorRecord
    ],
    result: "i32",
    nonblocking: true,
  },
  rs_ratings_parse: {
    parameters: [
      "buffer", // mapping: ?*abi.MappingView (from the scan; unmapped on return)
      "u32", // parts: u32
      "buffer", // offsets_ptr: ?[*]const u64 (parts + 1, from the scan)
      "buffer", // lines_ptr: ?[*]const u64 (parts, from the scan)
      "buffer", // columns: ?*abi.RatingColumnsView (filled, with max_user and max_movie)
      "buffer", // record: ?*ErrorRecord
    ],
    result: "i32",
    nonblocking: true,
  },
  rs_ratings_unmap: {
    parameters: [
      "buffer", // mapping: ?*abi.MappingView (released; a released one is left alone)
      "buffer", // record: ?*ErrorRecord
    ],
    result: "i32",
  },
  rs_ids_densify: {
    parameters: [
      "buffer", // columns: ?[*]abi.IdColumnView (count; raw rewritten in place, ids filled)
      "u32", // count: u32 (1..8)
      "buffer", // record: ?*ErrorRecord
    ],
    result: "i32",
  },
  rs_matrix_build: {
    parameters: [
      "buffer", // coordinates: ?*const abi.CoordinatesView
      "buffer", // by_user: ?*const abi.LayoutView (CSR, filled)
      "buffer", // by_item: ?*const abi.LayoutView (CSC, filled)
      "u32", // threads: u32
      "buffer", // record: ?*ErrorRecord
    ],
    result: "i32",
    nonblocking: true,
  },
  rs_matrix_transpose: {
    parameters: [
      "buffer", // from: ?*const abi.LayoutView (validated in full first)
      "buffer", // to: ?*const abi.LayoutView (filled)
      "u32", // threads: u32
      "buffer", // record: ?*ErrorRecord
    ],
    result: "i32",
  },
  // --- end of ingestion ---
  // --- Synthetic MovieLens (kernels/synth.zig) ---
  rs_synth_alias: {
    parameters: [
      "buffer", // weights: ?[*]const f64 (n)
      "u32", // n: u32
      "buffer", // prob: ?[*]f64 (n)
      "buffer", // alias: ?[*]u32 (n)
      "buffer", // record: ?*ErrorRecord
    ],
    result: "i32",
  },
  rs_synth_ratings_csv: {
    parameters: [
      "buffer", // model: ?*const abi.SynthModelView
      "u32", // user_begin: u32
      "u32", // user_end: u32 (≤ model.n_users)
      "u32", // threads: u32
      "buffer", // out: ?[*]u8 (out_len)
      "u32", // out_len: u32
      "buffer", // item_counts: ?[*]u32 (model.n_items)
      "buffer", // result: ?*synth.Result ([13]u64)
      "buffer", // record: ?*ErrorRecord
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
  // --- Implicit-feedback models and CG row solves (issue 14) ---
  rs_ials_epoch: {
    parameters: [
      "buffer", // users: ?*const abi.RowsView (CSR of the interactions, validated)
      "buffer", // items: ?*const abi.RowsView (CSC, validated)
      "buffer", // model: ?*const abi.ModelView (factors updated in place)
      "f32", // lambda: f32
      "f32", // alpha: f32
      "u32", // solver: u32 (0 Cholesky, 1 CG)
      "u32", // cg_steps: u32
      "u32", // threads: u32
      "buffer", // record: ?*ErrorRecord
    ],
    result: "i32",
    nonblocking: true,
  },
  rs_bpr_epoch: {
    parameters: [
      "buffer", // users: ?*const abi.RowsView (CSR of the positives, validated)
      "buffer", // model: ?*const abi.ModelView (factors and item bias updated in place)
      "f32", // learning_rate: f32
      "f32", // lambda: f32
      "f32", // lambda_bias: f32
      "u32", // negatives: u32 (0 uniform, 1 popularity)
      "u32", // verify: u32 (0 or 1)
      "u32", // seed: u32
      "u32", // epoch: u32
      "u32", // samples: u32
      "u32", // threads: u32
      "buffer", // result: ?*[3]u64
      "buffer", // record: ?*ErrorRecord
    ],
    result: "i32",
    nonblocking: true,
  },
  rs_als_cg_epoch: {
    parameters: [
      "buffer", // users: ?*const abi.RowsView (CSR, validated)
      "buffer", // items: ?*const abi.RowsView (CSC, validated)
      "buffer", // model: ?*const abi.ModelView (all four arrays updated in place)
      "f32", // lambda_factors: f32
      "f32", // lambda_bias: f32
      "u32", // weighted: u32 (0 or 1)
      "u32", // cg_steps: u32
      "u32", // threads: u32
      "buffer", // record: ?*ErrorRecord
    ],
    result: "i32",
    nonblocking: true,
  },
  // --- end of implicit-feedback models ---
  // --- Fold-in, the recommender's fast path (issue 15) ---
  rs_fold_in_recommend: {
    parameters: [
      "buffer", // model: ?*const abi.ModelView (item side, μ and k read; n_users may be 0)
      "u32", // count: u32
      "buffer", // items: ?[*]const u32 (count dense items, distinct)
      "buffer", // ratings: ?[*]const f32 (count; not read when solve = 0)
      "f32", // lambda_factors: f32
      "f32", // lambda_bias: f32
      "u32", // weighted: u32 (0 or 1)
      "u32", // solve: u32 (1 solve the row from the ratings, 0 the row is given)
      "buffer", // row: ?[*]f32 (k + 1: factors, then bias; in/out)
      "buffer", // allowed: ?[*]const u8 (n_items, or null for every item)
      "u32", // top: u32
      "u32", // exclude_rated: u32 (0 or 1)
      "buffer", // out_items: ?[*]u32 (top)
      "buffer", // out_scores: ?[*]f32 (top)
      "buffer", // all_scores: ?[*]f32 (n_items, or null)
      "u32", // threads: u32
      "buffer", // record: ?*ErrorRecord
    ],
    result: "i32",
  },
  // --- end of fold-in ---
} as const satisfies Deno.ForeignLibraryInterface;

/** The ABI version this symbol table matches (`abi_version` in kernels/root.zig). */
export const ABI_VERSION = 9;
