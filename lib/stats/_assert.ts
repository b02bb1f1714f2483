/**
 * Private test helpers: tiny assertions on top of `node:assert` (no network needed), with
 * messages that say what was expected.
 *
 * @module
 */

import { deepStrictEqual, ok } from "node:assert/strict";

/** Throws `message` unless `condition` holds. */
export function assert(condition: unknown, message = "assertion failed"): asserts condition {
  ok(condition, message);
}

/** Deep strict equality (typed arrays compare element-wise with their type). */
export function assertEquals(actual: unknown, expected: unknown, message?: string): void {
  deepStrictEqual(actual, expected, message);
}

/** |actual − expected| <= tolerance. */
export function assertClose(actual: number, expected: number, tolerance: number, what = "value") {
  if (!(Math.abs(actual - expected) <= tolerance)) {
    throw new Error(`${what}: expected ${expected} ± ${tolerance}, got ${actual}`);
  }
}

/** Throws unless `fn` throws an Error whose message includes `includes`. */
export function assertThrows(fn: () => unknown, includes: string): void {
  try {
    fn();
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (!message.includes(includes)) {
      throw new Error(`expected an error mentioning "${includes}", got "${message}"`);
    }
    return;
  }
  throw new Error(`expected an error mentioning "${includes}", but nothing was thrown`);
}
