/**
 * Rating-prediction error: root mean squared error and mean absolute error. Sums are in f64 over
 * the arrays in order.
 *
 * @module
 */

function checkPair(fn: string, actual: ArrayLike<number>, predicted: ArrayLike<number>): void {
  if (actual.length !== predicted.length) {
    throw new RangeError(
      `${fn}: actual has ${actual.length} values but predicted has ${predicted.length}; ` +
        "expected one prediction per rating",
    );
  }
  if (actual.length === 0) throw new RangeError(`${fn}: no ratings; expected at least one`);
}

/**
 * Root mean squared error √(Σ (actual − predicted)² / n).
 *
 * @param actual The true ratings.
 * @param predicted One prediction per rating, in the same order.
 * @returns The RMSE; throws when the lengths differ or are zero, or a value is not finite.
 *
 * @example
 * ```ts
 * import { rmse } from "./rmse.ts";
 * // errors 1, -1, 2, 0: √((1 + 1 + 4 + 0) / 4) = √1.5
 * if (Math.abs(rmse([4, 3, 5, 1], [3, 4, 3, 1]) - Math.sqrt(1.5)) > 1e-12) throw new Error();
 * ```
 */
export function rmse(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  checkPair("rmse", actual, predicted);
  let sum = 0;
  for (let j = 0; j < actual.length; j++) {
    const e = actual[j]! - predicted[j]!;
    sum += e * e;
  }
  if (!Number.isFinite(sum)) throw new RangeError("rmse: a rating or prediction is not finite");
  return Math.sqrt(sum / actual.length);
}

/**
 * Mean absolute error Σ |actual − predicted| / n.
 *
 * @param actual The true ratings.
 * @param predicted One prediction per rating, in the same order.
 * @returns The MAE; throws when the lengths differ or are zero, or a value is not finite.
 *
 * @example
 * ```ts
 * import { mae } from "./rmse.ts";
 * if (mae([4, 3, 5, 1], [3, 4, 3, 1]) !== 1) throw new Error(); // (1 + 1 + 2 + 0) / 4
 * ```
 */
export function mae(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  checkPair("mae", actual, predicted);
  let sum = 0;
  for (let j = 0; j < actual.length; j++) sum += Math.abs(actual[j]! - predicted[j]!);
  if (!Number.isFinite(sum)) throw new RangeError("mae: a rating or prediction is not finite");
  return sum / actual.length;
}
