/**
 * Joins between the rating matrix's dense item indices and the movie catalogue (movies.csv): the
 * catalogue row of each item, its genres, a printable label, and lookup by title.
 *
 * @module
 */

import { movieRowOfItem } from "../stats/genres.ts";
import type { Dataset } from "./types.ts";

/**
 * The catalogue row of every dense item (`-1` where movies.csv lacks the movie), found by raw
 * movieId (a dataset-level wrapper of {@linkcode movieRowOfItem}).
 *
 * @param ds A loaded dataset.
 * @returns One row index per dense item.
 *
 * @example
 * ```ts
 * import { itemCatalogueRows } from "./catalogue.ts";
 * import { emptyMovies } from "./side_files.ts";
 * if (itemCatalogueRows({ itemIds: Uint32Array.of(5), movies: emptyMovies() })[0] !== -1) {
 *   throw new Error("no catalogue, no row");
 * }
 * ```
 */
export function itemCatalogueRows(ds: Pick<Dataset, "itemIds" | "movies">): Int32Array {
  return movieRowOfItem(ds.itemIds, ds.movies);
}

/** Genres per dense item as CSR, with the genre vocabulary. */
export interface ItemGenres {
  /** Genre names; a genre index is a position here. */
  readonly names: readonly string[];
  /** Item `i` has genres `idx[ptr[i] .. ptr[i+1]]`; length `nItems + 1`. */
  readonly ptr: Uint32Array;
  /** Genre indices. */
  readonly idx: Uint8Array;
}

/**
 * The genres of every dense item (none for items missing from movies.csv).
 *
 * @param ds A loaded dataset.
 * @returns Genres per dense item.
 *
 * @example
 * ```ts
 * import { itemGenres } from "./catalogue.ts";
 * import { loadMovieLens } from "./load.ts";
 * const ds = await loadMovieLens("../shared/data/ml-latest-small", { cache: false });
 * const g = itemGenres(ds);
 * // Item 0 is movieId 1, Toy Story: Adventure|Animation|Children|Comedy|Fantasy.
 * const genres = Array.from(g.idx.subarray(g.ptr[0], g.ptr[1]), (j) => g.names[j]);
 * if (genres.join("|") !== "Adventure|Animation|Children|Comedy|Fantasy") {
 *   throw new Error("Toy Story's five genres, in vocabulary order");
 * }
 * ```
 */
export function itemGenres(ds: Pick<Dataset, "itemIds" | "movies">): ItemGenres {
  const rows = itemCatalogueRows(ds);
  const { genrePtr, genreIdx, genreNames } = ds.movies;
  const ptr = new Uint32Array(rows.length + 1);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    ptr[i + 1] = ptr[i]! + (r < 0 ? 0 : genrePtr[r + 1]! - genrePtr[r]!);
  }
  const idx = new Uint8Array(ptr[rows.length]!);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    if (r >= 0) idx.set(genreIdx.subarray(genrePtr[r]!, genrePtr[r + 1]!), ptr[i]!);
  }
  return { names: genreNames, ptr, idx };
}

/**
 * A printable label for a dense item: "Title (year)", or "movieId N" when the catalogue lacks it.
 *
 * @param ds A loaded dataset.
 * @param item A dense item index.
 * @param rows The result of {@linkcode itemCatalogueRows} (computed when omitted).
 * @returns The label.
 *
 * @example
 * ```ts
 * import { itemLabel } from "./catalogue.ts";
 * import { emptyMovies } from "./side_files.ts";
 * if (itemLabel({ itemIds: Uint32Array.of(42), movies: emptyMovies() }, 0) !== "movieId 42") {
 *   throw new Error("unexpected");
 * }
 * ```
 */
export function itemLabel(
  ds: Pick<Dataset, "itemIds" | "movies">,
  item: number,
  rows: Int32Array = itemCatalogueRows(ds),
): string {
  const row = rows[item] ?? -1;
  if (row < 0) return `movieId ${ds.itemIds[item]}`;
  const year = ds.movies.years[row] ?? 0;
  const title = ds.movies.titles[row] ?? "?";
  return year > 0 ? `${title} (${year})` : title;
}

/**
 * Dense item indices for the given titles, each written as in movies.csv without the year ("Toy
 * Story", "Matrix, The") or with it ("Toy Story (1995)"). When several movies share a title the most
 * rated one wins; titles not present in the rating matrix are left out (so the result may be shorter).
 *
 * @param ds A loaded dataset.
 * @param titles The titles to look up.
 * @returns `{ title, item }` for each title found, in the order asked.
 *
 * @example
 * ```ts
 * import { findItemsByTitle, itemLabel } from "./catalogue.ts";
 * import { loadMovieLens } from "./load.ts";
 * const ds = await loadMovieLens("../shared/data/ml-latest-small", { cache: false });
 * const found = findItemsByTitle(ds, ["Toy Story (1995)", "Matrix, The", "No Such Movie"]);
 * const labels = found.map((f) => itemLabel(ds, f.item));
 * if (labels.join(" / ") !== "Toy Story (1995) / Matrix, The (1999)") throw new Error("two found");
 * ```
 */
export function findItemsByTitle(
  ds: Pick<Dataset, "itemIds" | "movies" | "ratings">,
  titles: readonly string[],
): { title: string; item: number }[] {
  const rows = itemCatalogueRows(ds);
  const byTitle = new Map<string, number>();
  const degree = (i: number) => ds.ratings.itemPtr[i + 1]! - ds.ratings.itemPtr[i]!;
  const offer = (key: string, item: number) => {
    const seen = byTitle.get(key);
    if (seen === undefined || degree(item) > degree(seen)) byTitle.set(key, item);
  };
  for (let item = 0; item < rows.length; item++) {
    const row = rows[item]!;
    if (row < 0) continue;
    offer(ds.movies.titles[row]!, item);
    offer(itemLabel(ds, item, rows), item);
  }
  const found: { title: string; item: number }[] = [];
  for (const title of titles) {
    const item = byTitle.get(title);
    if (item !== undefined) found.push({ title, item });
  }
  return found;
}
