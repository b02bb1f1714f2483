/**
 * Filters on the movies a recommendation may contain — genres (any or all of a set), a minimum
 * number of ratings, a release-year range, movies the person has seen — as a 0/1 mask over dense
 * items. A top-N applies the mask while it chooses (`topN` in lib/models/top_n.ts and the kernel's
 * fold-in top-N), so a filtered list still holds N movies whenever N pass; nothing is cut to N
 * first and filtered after.
 *
 * @module
 */
import { itemCatalogueRows } from "./catalogue.ts";
import type { Dataset } from "./types.ts";

/** Which movies may be recommended. Every field is optional; an empty object allows all. */
export interface ItemFilters {
  /** Genre names (as in movies.csv). Default: no genre condition. */
  genres?: readonly string[];
  /** "any" (default): at least one of `genres`; "all": every one of them. */
  genreMode?: "any" | "all";
  /** Only movies with at least this many ratings in the dataset. Default 0. */
  minRatings?: number;
  /** Only movies released in or after this year (movies without a year fail). */
  yearMin?: number;
  /** Only movies released in or before this year (movies without a year fail). */
  yearMax?: number;
}

/** Per-item facts the filters read, precomputed once per dataset. */
export interface FilterIndex {
  /** Number of dense items. */
  readonly nItems: number;
  /** The genre vocabulary (≤ 32 names); a bit of `genreBits` is a position here. */
  readonly genreNames: readonly string[];
  /** Per item, bit g set when it has genre g. */
  readonly genreBits: Uint32Array;
  /** Per item, its release year (0 when unknown). */
  readonly years: Uint16Array;
  /** Per item, its number of ratings. */
  readonly counts: Uint32Array;
}

/**
 * Precomputes genres, years and rating counts per dense item.
 *
 * @param ds A loaded dataset (its catalogue and rating matrix).
 * @returns The index {@linkcode filterMask} reads.
 *
 * @example
 * ```ts
 * import { filterIndex } from "./filters.ts";
 * import { loadMovieLens } from "./load.ts";
 * const ds = await loadMovieLens("../shared/data/ml-latest-small", { cache: false });
 * const index = filterIndex(ds);
 * // Item 0 is Toy Story (1995): 215 ratings in ml-latest-small, five genres.
 * if (index.years[0] !== 1995 || index.counts[0] !== 215) throw new Error("Toy Story");
 * ```
 */
export function filterIndex(ds: Pick<Dataset, "itemIds" | "movies" | "ratings">): FilterIndex {
  const { movies, ratings } = ds;
  if (movies.genreNames.length > 32) {
    throw new RangeError(`filterIndex: ${movies.genreNames.length} genres, at most 32 supported`);
  }
  const rows = itemCatalogueRows(ds);
  const nItems = rows.length;
  const genreBits = new Uint32Array(nItems);
  const years = new Uint16Array(nItems);
  const counts = new Uint32Array(nItems);
  for (let i = 0; i < nItems; i++) {
    const r = rows[i]!;
    counts[i] = ratings.itemPtr[i + 1]! - ratings.itemPtr[i]!;
    if (r < 0) continue;
    years[i] = movies.years[r]!;
    let bits = 0;
    for (let e = movies.genrePtr[r]!; e < movies.genrePtr[r + 1]!; e++) {
      bits |= 1 << movies.genreIdx[e]!;
    }
    genreBits[i] = bits >>> 0;
  }
  return { nItems, genreNames: movies.genreNames, genreBits, years, counts };
}

/** A problem with one filter field, named for the API's error messages. */
export class FilterError extends RangeError {
  /** The offending field ("genres", "minRatings", …). */
  readonly field: string;
  /** @param field The field. @param message What is wrong. */
  constructor(field: string, message: string) {
    super(message);
    this.name = "FilterError";
    this.field = field;
  }
}

/** Checks the filters and resolves genre names to a bit mask. */
export function checkFilters(
  index: Pick<FilterIndex, "genreNames">,
  filters: ItemFilters,
): { bits: number; mode: "any" | "all"; minRatings: number; yearMin: number; yearMax: number } {
  const { genres = [], genreMode = "any", minRatings = 0, yearMin = 0, yearMax = 65535 } = filters;
  if (genreMode !== "any" && genreMode !== "all") {
    throw new FilterError("genreMode", `genreMode must be "any" or "all", got ${genreMode}`);
  }
  let bits = 0;
  for (const g of genres) {
    const j = index.genreNames.indexOf(g);
    if (j < 0) {
      throw new FilterError(
        "genres",
        `genres: unknown genre ${JSON.stringify(g)}; known: ${index.genreNames.join(", ")}`,
      );
    }
    bits |= 1 << j;
  }
  const whole = (field: string, v: number, max: number) => {
    if (!Number.isInteger(v) || v < 0 || v > max) {
      throw new FilterError(field, `${field} must be a whole number in 0..${max}, got ${v}`);
    }
  };
  whole("minRatings", minRatings, 0xffff_ffff);
  whole("yearMin", yearMin, 65535);
  whole("yearMax", yearMax, 65535);
  if (yearMin > yearMax) {
    throw new FilterError("yearMin", `yearMin (${yearMin}) is after yearMax (${yearMax})`);
  }
  return { bits: bits >>> 0, mode: genreMode, minRatings, yearMin, yearMax };
}

/**
 * The 0/1 mask of the items that pass `filters` and are not in `exclude` (e.g. the movies the
 * person rated). A bad filter throws a {@linkcode FilterError} naming the field.
 *
 * @param index From {@linkcode filterIndex}.
 * @param filters Genres (any/all), minimum ratings, year range.
 * @param options `exclude`: dense items to leave out; `out`: a reusable mask.
 * @returns The mask, one byte per dense item.
 *
 * @example
 * ```ts
 * import { filterMask } from "./filters.ts";
 * const index = {
 *   nItems: 3, genreNames: ["Action", "Comedy"], genreBits: Uint32Array.of(1, 2, 3),
 *   years: Uint16Array.of(1990, 2001, 0), counts: Uint32Array.of(5, 50, 9),
 * };
 * const all = filterMask(index, { genres: ["Action", "Comedy"], genreMode: "all" });
 * if (all.join() !== "0,0,1") throw new Error(`${all}`);
 * const recent = filterMask(index, { yearMin: 2000, minRatings: 10 });
 * if (recent.join() !== "0,1,0") throw new Error(`${recent}`);
 * const unseen = filterMask(index, {}, { exclude: [1] });
 * if (unseen.join() !== "1,0,1") throw new Error(`${unseen}`);
 * ```
 */
export function filterMask(
  index: FilterIndex,
  filters: ItemFilters,
  options: { exclude?: ArrayLike<number>; out?: Uint8Array } = {},
): Uint8Array {
  const { bits, mode, minRatings, yearMin, yearMax } = checkFilters(index, filters);
  const { nItems, genreBits, years, counts } = index;
  const out = options.out ?? new Uint8Array(nItems);
  if (out.length !== nItems) {
    throw new RangeError(`filterMask: out has ${out.length} entries, expected ${nItems}`);
  }
  const byYear = yearMin > 0 || yearMax < 65535;
  for (let i = 0; i < nItems; i++) {
    const g = genreBits[i]!;
    let ok = bits === 0 || (mode === "any" ? (g & bits) !== 0 : ((g & bits) >>> 0) === bits);
    if (ok && counts[i]! < minRatings) ok = false;
    if (ok && byYear) {
      const y = years[i]!;
      ok = y !== 0 && y >= yearMin && y <= yearMax;
    }
    out[i] = ok ? 1 : 0;
  }
  const exclude = options.exclude;
  if (exclude) {
    for (let j = 0; j < exclude.length; j++) {
      const i = exclude[j]!;
      if (Number.isInteger(i) && i >= 0 && i < nItems) out[i] = 0;
    }
  }
  return out;
}
