/**
 * Status codes and their texts, as declared in kernels/status.zig (`Status` and `text`).
 * `abi_test.ts` parses the Zig file and fails when a name, code or text here differs.
 *
 * @module
 */

/** Status codes of kernels/status.zig (snake_case there, camelCase here). */
export const Status = {
  ok: 0,
  invalidArgument: 1,
  outOfMemory: 2,
  ioError: 3,
  emptyFile: 10,
  badHeader: 11,
  tooFewFields: 12,
  tooManyFields: 13,
  notANumber: 14,
  ratingOutOfRange: 15,
  duplicatePair: 16,
  indexOutOfRange: 17,
  notFinite: 18,
  threadSpawnFailed: 19,
  notConverged: 20,
  noRatings: 21,
  ratingOffGrid: 22,
} as const;

/** The text of every status (`text` in kernels/status.zig). */
export const STATUS_TEXT: Readonly<Record<number, string>> = {
  0: "ok",
  1: "invalid argument (null pointer, wrong length or an unvalidated view)",
  2: "out of memory",
  3: "cannot open or read the file",
  10: "the file is empty; expected a header line",
  11: "wrong header",
  12: "too few fields",
  13: "too many fields",
  14: "not a number",
  15: "rating outside 0.5–5",
  16: "duplicate (user, movie) pair",
  17: "index out of range",
  18: "value is not finite",
  19: "could not start a thread",
  20: "did not converge",
  21: "no ratings after the header",
  22: "rating not on the half-star grid",
};
