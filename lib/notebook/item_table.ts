/**
 * Small helpers for the movie tables notebooks print: pick the items with the highest (or lowest)
 * value of some per-item array, and turn a list of items into table rows with their titles.
 *
 * @example
 * ```ts
 * import { itemRows, rankItems } from "./item_table.ts";
 * import { emptyMovies } from "../data/side_files.ts";
 * const ds = { itemIds: Uint32Array.of(10, 20, 30), movies: emptyMovies() };
 * const bias = Float32Array.of(0.1, 0.5, -0.2);
 * const rows = itemRows(ds, rankItems(bias, { n: 2 }), { bias });
 * if (rows[0]!.movie !== "movieId 20" || rows.length !== 2) throw new Error("highest first");
 * ```
 *
 * @module
 */
import { itemCatalogueRows, itemLabel } from "../data/catalogue.ts";
import type { Dataset } from "../data/types.ts";

/** Options of {@linkcode rankItems}. */
export interface RankItemsOptions {
  /** How many items to return at most. Default 10. */
  n?: number;
  /** "descending" (highest first, the default) or "ascending" (lowest first). */
  order?: "descending" | "ascending";
  /** Only items for which this returns true are ranked (e.g. "has at least 20 ratings"). */
  where?: (item: number) => boolean;
}

/**
 * The indices of the `n` items with the highest (or lowest) `values`, best first; ties go to the
 * lower index and non-finite values (NaN for "no value") are skipped.
 *
 * @param values One value per dense item.
 * @param options `n`, `order`, `where`.
 * @returns Dense item indices (fewer than `n` when fewer items qualify).
 *
 * @example
 * ```ts
 * import { rankItems } from "./item_table.ts";
 * const v = [3, NaN, 5, 3, 1];
 * if (rankItems(v, { n: 3 }).join() !== "2,0,3") throw new Error("highest, ties by index");
 * if (rankItems(v, { n: 2, order: "ascending" }).join() !== "4,0") throw new Error("lowest");
 * if (rankItems(v, { where: (i) => i !== 2 }).join() !== "0,3,4") throw new Error("filtered");
 * ```
 */
export function rankItems(values: ArrayLike<number>, options: RankItemsOptions = {}): number[] {
  const { n = 10, order = "descending", where } = options;
  if (!Number.isInteger(n) || n < 0) {
    throw new RangeError(`rankItems: n must be a whole number ≥ 0, got ${n}`);
  }
  if (order !== "descending" && order !== "ascending") {
    throw new RangeError(`rankItems: order must be "descending" or "ascending", got ${order}`);
  }
  const sign = order === "descending" ? -1 : 1;
  const items: number[] = [];
  for (let i = 0; i < values.length; i++) {
    if (Number.isFinite(values[i]!) && (where === undefined || where(i))) items.push(i);
  }
  items.sort((a, b) => sign * (values[a]! - values[b]!) || a - b);
  return items.slice(0, n);
}

/**
 * Table rows for a list of items: the movie's label ("Title (year)", see
 * {@linkcode itemLabel}) followed by one column per entry of `columns`, each read at the item's
 * index. Pass the result to `table()`.
 *
 * @param ds The dataset (ids and catalogue).
 * @param items Dense item indices, in the order to show.
 * @param columns Column name → one value per dense item (e.g. rating counts, biases).
 * @returns One row per item: `{ movie, ...columns }`.
 *
 * @example
 * ```ts
 * import { itemRows } from "./item_table.ts";
 * import { emptyMovies } from "../data/side_files.ts";
 * const ds = { itemIds: Uint32Array.of(7, 8), movies: emptyMovies() };
 * const rows = itemRows(ds, [1], { ratings: [4, 9] });
 * if (rows[0]!.movie !== "movieId 8" || rows[0]!.ratings !== 9) throw new Error("row of item 1");
 * ```
 */
export function itemRows(
  ds: Pick<Dataset, "itemIds" | "movies">,
  items: ArrayLike<number>,
  columns: Record<string, ArrayLike<number>> = {},
): Record<string, string | number>[] {
  const catalogue = itemCatalogueRows(ds);
  const out: Record<string, string | number>[] = [];
  for (let j = 0; j < items.length; j++) {
    const item = items[j]!;
    if (!Number.isInteger(item) || item < 0 || item >= ds.itemIds.length) {
      throw new RangeError(
        `itemRows: items[${j}] = ${item} is not a dense item index in 0..${ds.itemIds.length - 1}`,
      );
    }
    const row: Record<string, string | number> = { movie: itemLabel(ds, item, catalogue) };
    for (const [name, values] of Object.entries(columns)) {
      if (values.length !== ds.itemIds.length) {
        throw new RangeError(
          `itemRows: column "${name}" has ${values.length} values, expected one per item ` +
            `(${ds.itemIds.length})`,
        );
      }
      row[name] = values[item]!;
    }
    out.push(row);
  }
  return out;
}
