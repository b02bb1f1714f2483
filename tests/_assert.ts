/**
 * Test assertions for `deno test`, in the shape of @std/assert (which lives on JSR, out of reach
 * here), built on Node's `assert/strict` that Deno ships.
 *
 * @module
 */
import nodeAssert from "node:assert/strict";

/** Throws when `condition` is falsy. */
export function assert(condition: unknown, message = "assertion failed"): asserts condition {
  if (!condition) throw new nodeAssert.AssertionError({ message });
}

/** Deep, strict equality (typed arrays compared element by element). */
export function assertEquals<T>(actual: unknown, expected: T, message?: string): void {
  nodeAssert.deepStrictEqual(actual, expected, message);
}

/** Deep, strict inequality. */
export function assertNotEquals(actual: unknown, expected: unknown, message?: string): void {
  nodeAssert.notDeepStrictEqual(actual, expected, message);
}

/** `|actual - expected| <= tolerance` (absolute), and neither is NaN. */
export function assertAlmostEquals(
  actual: number,
  expected: number,
  tolerance = 1e-7,
  message?: string,
): void {
  const ok = Number.isFinite(actual) && Math.abs(actual - expected) <= tolerance;
  assert(ok, message ?? `expected ${actual} to be within ${tolerance} of ${expected}`);
}

type ErrorClass<E extends Error> = new (...args: never[]) => E;

function checkError<E extends Error>(
  error: unknown,
  ErrorType?: ErrorClass<E>,
  includes?: string,
): E {
  if (ErrorType && !(error instanceof ErrorType)) {
    throw new nodeAssert.AssertionError({
      message: `expected ${ErrorType.name}, got ${String(error)}`,
    });
  }
  if (!(error instanceof Error)) {
    throw new nodeAssert.AssertionError({ message: `expected an Error, got ${String(error)}` });
  }
  if (includes !== undefined && !error.message.includes(includes)) {
    throw new nodeAssert.AssertionError({
      message: `expected the message to include "${includes}", got "${error.message}"`,
    });
  }
  return error as E;
}

/**
 * Expects `fn` to throw (optionally an `ErrorType` whose message includes `includes`; a string
 * second argument is `includes` for any Error).
 */
export function assertThrows<E extends Error = Error>(
  fn: () => unknown,
  ErrorType?: ErrorClass<E> | string,
  includes?: string,
): E {
  const [type, text] = typeof ErrorType === "string"
    ? [Error as unknown as ErrorClass<E>, ErrorType]
    : [ErrorType, includes];
  try {
    fn();
  } catch (error) {
    return checkError(error, type, text);
  }
  throw new nodeAssert.AssertionError({ message: "expected the function to throw" });
}

/** |actual − expected| <= tolerance; `what` names the quantity in the message. */
export function assertClose(actual: number, expected: number, tolerance: number, what = "value") {
  assertAlmostEquals(
    actual,
    expected,
    tolerance,
    `${what}: expected ${expected} ± ${tolerance}, got ${actual}`,
  );
}

/** Expects the promise from `fn` to reject (optionally with an `ErrorType` including `includes`). */
export async function assertRejects<E extends Error = Error>(
  fn: () => PromiseLike<unknown>,
  ErrorType?: ErrorClass<E>,
  includes?: string,
): Promise<E> {
  try {
    await fn();
  } catch (error) {
    return checkError(error, ErrorType, includes);
  }
  throw new nodeAssert.AssertionError({ message: "expected the promise to reject" });
}

/** Equality of the JSON serialisations of `actual` and `expected`. */
export function assertJsonEquals<T>(actual: T, expected: T, message = ""): void {
  const a = JSON.stringify(actual), e = JSON.stringify(expected);
  if (a !== e) {
    throw new nodeAssert.AssertionError({ message: `${message} expected ${e}, got ${a}` });
  }
}

/** Expects the promise from `fn` to reject with an Error whose message includes every part. */
export async function assertRejectsIncluding(
  fn: () => PromiseLike<unknown>,
  ...parts: string[]
): Promise<Error> {
  let error: unknown;
  try {
    await fn();
  } catch (e) {
    error = e;
  }
  assert(error instanceof Error, `expected an Error containing ${JSON.stringify(parts)}`);
  for (const part of parts) {
    assert(error.message.includes(part), `error "${error.message}" lacks "${part}"`);
  }
  return error;
}
