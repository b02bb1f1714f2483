/**
 * The typed shapes every part of the library shares: a sparse rating matrix held twice (CSR by user,
 * CSC by item), the movie catalogue, and a loaded dataset with both id mappings.
 *
 * Dense ids are `u32` indices `0..nUsers` and `0..nItems`; ratings are `f32` (0.5–5 in half stars
 * for the CSV releases, 1–5 in whole stars for ML-100K and ML-1M);
 * timestamps are whole seconds since the Unix epoch (UTC), held as `u32` (valid until 2106).
 *
 * @module
 */
import type { KernelMatrix } from "../ffi/kernels.ts";

/**
 * A user × item rating matrix stored twice: compressed rows by user (CSR) and compressed columns by
 * item (CSC). Within a row, item indices ascend; within a column, user indices ascend. It is a
 * {@linkcode KernelMatrix} (the counts and the two layouts the kernels read, declared in
 * lib/ffi/kernels.ts) with each rating's timestamp and the raw ids the dense indices stand for.
 *
 * @example
 * ```ts
 * import type { RatingMatrix } from "./types.ts";
 * function meanRating(m: RatingMatrix): number {
 *   let s = 0;
 *   for (const r of m.userRatings) s += r;
 *   return s / m.nnz;
 * }
 * ```
 */
export interface RatingMatrix extends KernelMatrix {
  /** CSR timestamp (seconds since the epoch, UTC) of each entry, length `nnz`. */
  readonly userTimes: Uint32Array;
  /** CSC timestamp of each entry, length `nnz`. */
  readonly itemTimes: Uint32Array;
  /**
   * The raw ids the dense indices stand for: set by every loader and kept by every matrix derived
   * from a loaded one (splits, positives, filters). Models refuse a matrix whose maps differ from
   * theirs (lib/data/id_maps.ts). Absent on a matrix built by hand from dense indices.
   */
  readonly ids?: IdMaps;
}

/**
 * Raw MovieLens ids of a matrix's (or a model's, or a dataset's) dense indices: `userIds[u]` is the
 * userId of dense user `u`, `itemIds[i]` the movieId of dense item `i`. A model and a dataset have
 * these two fields themselves, so either can be passed where `IdMaps` is asked for.
 *
 * @example
 * ```ts
 * import type { IdMaps } from "./types.ts";
 * const ids: IdMaps = { userIds: Uint32Array.of(1, 7), itemIds: Uint32Array.of(296, 318) };
 * const movieOf = (m: IdMaps, item: number) => m.itemIds[item];
 * if (movieOf(ids, 1) !== 318) throw new Error("dense item 1 is movieId 318");
 * ```
 */
export interface IdMaps {
  /** Raw userId of each dense user index. */
  readonly userIds: Uint32Array;
  /** Raw movieId of each dense item index. */
  readonly itemIds: Uint32Array;
}

/**
 * The movie catalogue from movies.csv (and links.csv), indexed by catalogue row, not by dense item id.
 *
 * @example
 * ```ts
 * import type { Movies } from "./types.ts";
 * const titleOf = (m: Movies, row: number) => m.titles[row] ?? "?";
 * ```
 */
export interface Movies {
  /** Raw MovieLens movieId of each catalogue row. */
  readonly movieIds: Uint32Array;
  /** Title without the trailing "(year)". */
  readonly titles: string[];
  /** Year parsed from the title's trailing "(yyyy)", or 0 where there is none. */
  readonly years: Uint16Array;
  /** Genre vocabulary, in a fixed order; "(no genres listed)" is one of them when present. */
  readonly genreNames: string[];
  /** Genre indices per movie as CSR: movie `m` has genres `genreIdx[genrePtr[m] .. genrePtr[m+1]]`. */
  readonly genrePtr: Uint32Array;
  /** Genre indices, see `genrePtr`. */
  readonly genreIdx: Uint8Array;
  /** IMDb id per row (0 where links.csv lacks it). */
  readonly imdbIds: Uint32Array;
  /** TMDb id per row (0 where links.csv leaves it empty). */
  readonly tmdbIds: Uint32Array;
}

/**
 * Free-text tags from tags.csv, one entry per row, with raw ids. The text is held once per distinct
 * tag: row `i` says `tagVocab[tagIndex[i]]`, and `tags[i]` is that same string (a reference into
 * the vocabulary, not a copy), kept for convenience.
 *
 * @example
 * ```ts
 * import type { Tags } from "./types.ts";
 * const count = (t: Tags) => t.tags.length;
 * const distinct = (t: Tags) => t.tagVocab.length;
 * ```
 */
export interface Tags {
  /** Raw userId of each tag row. */
  readonly userIds: Uint32Array;
  /** Raw movieId of each tag row. */
  readonly movieIds: Uint32Array;
  /** The tag text of each row, `tagVocab[tagIndex[i]]`. */
  readonly tags: string[];
  /** The distinct tag texts (exact, case and spaces kept), in order of first appearance. */
  readonly tagVocab: string[];
  /** Position in `tagVocab` of each row's tag. */
  readonly tagIndex: Uint32Array;
  /** Seconds since the epoch. */
  readonly times: Uint32Array;
}

/**
 * A loaded MovieLens dataset: the rating matrix, both id mappings and the side files.
 *
 * @example
 * ```ts
 * import type { Dataset } from "./types.ts";
 * const density = (d: Dataset) => d.ratings.nnz / (d.ratings.nUsers * d.ratings.nItems);
 * ```
 */
export interface Dataset {
  /** Folder name, e.g. "ml-latest-small", "ml-32m" or "synthetic-32m". */
  readonly name: string;
  /** The folder the CSV files were read from. */
  readonly dir: string;
  /** The ratings, with dense user and item indices. */
  readonly ratings: RatingMatrix;
  /** Raw MovieLens userId of each dense user index (ascending). */
  readonly userIds: Uint32Array;
  /** Raw MovieLens movieId of each dense item index (ascending). */
  readonly itemIds: Uint32Array;
  /** The catalogue (may include movies nobody rated); empty when movies.csv is absent. */
  readonly movies: Movies;
  /** Tags; empty when tags.csv is absent. */
  readonly tags: Tags;
  /**
   * Demographics, one row per dense user index (row `u` describes `userIds[u]`), for the releases
   * that carry them (ML-100K's u.user, ML-1M's users.dat); absent for the CSV releases.
   */
  readonly users?: Users;
  /** Seconds the load took (parse or cache read, plus side files). */
  readonly loadSeconds: number;
  /** Whether the ratings came from the binary cache. */
  readonly fromCache: boolean;
  /** The folder holding the binary caches (absent when caching was off or for ML-100K/ML-1M). */
  readonly cacheDir?: string;
}

/**
 * Demographics of the users of ML-100K (u.user) and ML-1M (users.dat), one row per dense user
 * index. Both releases are put on ML-1M's seven age buckets ({@linkcode AgeBucket} names in
 * `users.ts`); ML-100K keeps the exact age in `ages` too. Occupations are indices into
 * `occupationNames` (ML-100K: its 21 words; ML-1M: its codes 0–20 with their published names).
 *
 * @example
 * ```ts
 * import type { Users } from "./types.ts";
 * const women = (u: Users) => u.genders.reduce((n, g) => n + (g === 0 ? 1 : 0), 0);
 * ```
 */
export interface Users {
  /** Raw userId of each row (equal to the dataset's `userIds`). */
  readonly userIds: Uint32Array;
  /** 0 = "F", 1 = "M". */
  readonly genders: Uint8Array;
  /** Age in years (ML-100K) or the lower bound of the ML-1M bucket (1, 18, 25, 35, 45, 50, 56). */
  readonly ages: Uint8Array;
  /** Index into `AGE_BUCKETS` of `users.ts` (0 = "Under 18" … 6 = "56+"). */
  readonly ageBuckets: Uint8Array;
  /** Index into `occupationNames`. */
  readonly occupations: Uint8Array;
  /** The occupation vocabulary of the release. */
  readonly occupationNames: readonly string[];
  /** Zip code as written (some ML-100K ones are Canadian, such as "V3N4P"). */
  readonly zips: readonly string[];
}
