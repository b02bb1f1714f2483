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
} as const satisfies Deno.ForeignLibraryInterface;

/** The ABI version this symbol table matches (`abi_version` in kernels/root.zig). */
export const ABI_VERSION = 1;
