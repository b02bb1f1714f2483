/**
 * From a timed ALS epoch to a point of the two-term cost model (notebook 00): the epoch's
 * ratings, its rows (users + items: one solve each) and its seconds.
 *
 * @example
 * ```ts
 * import { costPoint } from "./epoch_cost.ts";
 * const p = costPoint({ ratings: 1000, users: 30, items: 70, secondsPerEpoch: 0.5 });
 * if (p.ratings !== 1000 || p.rows !== 100 || p.seconds !== 0.5) throw new Error("the point");
 * ```
 *
 * @module
 */
import type { CostPoint, EpochTiming } from "../models/baseline_comparison.ts";

/**
 * The cost-model point of one timing (`fitCostModel` fits a list of them):
 * `{ ratings, rows: users + items, seconds: secondsPerEpoch }`.
 *
 * @param timing From `timeKernelAls` or `timeNaiveAls` (any object with those four fields).
 * @returns The point.
 *
 * @example
 * ```ts
 * import { costPoint } from "./epoch_cost.ts";
 * import { fitCostModel } from "../models/baseline_comparison.ts";
 * // Two sizes at 1 µs per rating and 10 µs per row: the fit recovers both terms.
 * const timing = (ratings: number, users: number, items: number) =>
 *   ({ ratings, users, items, secondsPerEpoch: 1e-6 * ratings + 1e-5 * (users + items) });
 * const model = fitCostModel([costPoint(timing(1e4, 500, 500)), costPoint(timing(1e6, 2e3, 8e3))]);
 * if (Math.abs(model.secondsPerRow - 1e-5) > 1e-12) throw new Error("10 µs per row");
 * ```
 */
export function costPoint(
  timing: Pick<EpochTiming, "ratings" | "users" | "items" | "secondsPerEpoch">,
): CostPoint {
  return {
    ratings: timing.ratings,
    rows: timing.users + timing.items,
    seconds: timing.secondsPerEpoch,
  };
}
