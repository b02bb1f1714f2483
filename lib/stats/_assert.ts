/**
 * Private test helpers of lib/stats and lib/plot: the project's shared assertions
 * (tests/_assert.ts) plus two shorthands these tests use.
 *
 * @module
 */
import { assertAlmostEquals, assertThrows as assertThrowsShared } from "../../tests/_assert.ts";

export { assert, assertEquals } from "../../tests/_assert.ts";

/** |actual − expected| <= tolerance; `what` names the quantity in the message. */
export function assertClose(actual: number, expected: number, tolerance: number, what = "value") {
  assertAlmostEquals(
    actual,
    expected,
    tolerance,
    `${what}: expected ${expected} ± ${tolerance}, got ${actual}`,
  );
}

/** Throws unless `fn` throws an Error whose message includes `includes`. */
export function assertThrows(fn: () => unknown, includes: string): void {
  assertThrowsShared(fn, Error, includes);
}
