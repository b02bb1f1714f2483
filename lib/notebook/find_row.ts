/**
 * Picking one row out of a list of results by its settings: the trial with K = 64 and λ = 0.1,
 * the run with a weak penalty. A notebook states the claim about that row; finding it must not
 * silently return the first of two, or nothing.
 *
 * @example
 * ```ts
 * import { findRow } from "./find_row.ts";
 * const runs = [{ k: 4, lambda: 1, rmse: 0.9 }, { k: 64, lambda: 1, rmse: 0.8 }];
 * if (findRow(runs, { k: 64, lambda: 1 }).rmse !== 0.8) throw new Error("the K = 64 run");
 * ```
 *
 * @module
 */

/**
 * The one row whose fields equal every field of `where` (compared with `Object.is`, so `NaN`
 * matches `NaN` and 0 does not match -0). Throws, naming the criteria, when no row or more than
 * one matches.
 *
 * @param rows The rows to search.
 * @param where The fields and values that pick the row.
 * @returns The matching row.
 *
 * @example
 * ```ts
 * import { findRow } from "./find_row.ts";
 * const trials = [{ k: 8, lambda: 0.1 }, { k: 8, lambda: 0.2 }];
 * if (findRow(trials, { lambda: 0.2 }) !== trials[1]) throw new Error("the second trial");
 * let message = "";
 * try { findRow(trials, { k: 8 }); } catch (e) { message = (e as Error).message; }
 * if (message !== "findRow: 2 of 2 rows have k = 8; expected exactly one") throw new Error(message);
 * ```
 */
export function findRow<T extends object>(rows: readonly T[], where: Partial<T>): T {
  const keys = Object.keys(where) as (keyof T)[];
  if (keys.length === 0) throw new Error("findRow: `where` names no field");
  const matches = rows.filter((row) => keys.every((key) => Object.is(row[key], where[key])));
  if (matches.length !== 1) {
    const criteria = keys.map((key) => `${String(key)} = ${String(where[key])}`).join(", ");
    throw new Error(
      `findRow: ${matches.length} of ${rows.length} rows have ${criteria}; expected exactly one`,
    );
  }
  return matches[0]!;
}
