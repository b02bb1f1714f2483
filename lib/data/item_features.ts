/**
 * Side features of movies for feature-augmented models (lib/models/genre_als.ts): a sparse row
 * f_i per movie over a fixed, named vocabulary.
 *
 * | group       | features                                                                 |
 * | ----------- | ------------------------------------------------------------------------ |
 * | (always)    | `(intercept)` = 1 for every movie                                        |
 * | `genres`    | `genre:<name>` = 1 for each genre (multi-hot; "(no genres listed)" is one) |
 * | `decade`    | `decade:<1990s>` = 1 for the release decade from the title, `decade:unknown` when the title has no year; decades before 1930 are one bucket `decade:<1930` |
 * | `tags`      | `tag:<text>` = 1 for each of the top-N user tags (lower-cased, trimmed) the movie carries |
 *
 * The tag vocabulary and each movie's tags are taken only from the tag rows of the movies passed
 * as `tagMovieIds` (the training movies): a movie held out as cold has no tags, as a new release
 * has none. The top N are the tags applied to the most distinct movies (ties by text).
 *
 * A {@linkcode FeatureSpec} (the groups and names) encodes any movie of the catalogue, also one
 * the model never saw, so a saved model can score a new movie from its genres and year.
 *
 * @module
 */
import type { Movies, Tags } from "./types.ts";

/** The switchable feature groups. */
export type FeatureGroup = "genres" | "decade" | "tags";

/** Every feature group, in encoding order. */
export const FEATURE_GROUPS: readonly FeatureGroup[] = Object.freeze(["genres", "decade", "tags"]);

/** Options of {@linkcode buildItemFeatures}. */
export interface ItemFeatureOptions {
  /** Feature groups to use. Default: all of {@linkcode FEATURE_GROUPS}. */
  groups?: readonly string[];
  /** Tag rows (tags.csv); required when `groups` has "tags". */
  tags?: Tags;
  /** Raw movieIds whose tag rows may be used (the training movies). Default: every movie. */
  tagMovieIds?: ArrayLike<number>;
  /** How many tags to keep (the most widely applied). Default 50. */
  topTags?: number;
}

/** The named vocabulary of a feature encoding. */
export interface FeatureSpec {
  /** The groups used, in {@linkcode FEATURE_GROUPS} order. */
  groups: FeatureGroup[];
  /** Feature names: `(intercept)`, then `genre:…`, `decade:…`, `tag:…`. */
  names: string[];
}

/** Sparse feature rows, one per item (CSR with f32 values). */
export interface ItemFeatures {
  /** The vocabulary. */
  spec: FeatureSpec;
  /** Number of rows (items). */
  nItems: number;
  /** Number of features (columns). */
  nFeatures: number;
  /** Row pointers, `nItems + 1`. */
  ptr: Uint32Array;
  /** Feature indices, ascending within a row. */
  index: Uint32Array;
  /** Feature values. */
  values: Float32Array;
}

const INTERCEPT = "(intercept)";
const DECADE_FIRST = 1930;

function decadeName(year: number): string {
  if (year === 0) return "decade:unknown";
  if (year < DECADE_FIRST) return `decade:<${DECADE_FIRST}`;
  return `decade:${Math.floor(year / 10) * 10}s`;
}

function normaliseTag(text: string): string {
  return text.trim().toLowerCase();
}

function checkGroups(fn: string, groups: readonly string[]): FeatureGroup[] {
  for (const g of groups) {
    if (!(FEATURE_GROUPS as readonly string[]).includes(g)) {
      throw new RangeError(
        `${fn}: unknown feature group "${g}" (expected some of ${FEATURE_GROUPS.join(", ")})`,
      );
    }
  }
  return FEATURE_GROUPS.filter((g) => groups.includes(g));
}

/** Each movie's normalised tag set, from the rows of allowed movies. */
function movieTags(tags: Tags, allowed: Set<number> | undefined): Map<number, Set<string>> {
  const out = new Map<number, Set<string>>();
  for (let r = 0; r < tags.movieIds.length; r++) {
    const movieId = tags.movieIds[r]!;
    if (allowed && !allowed.has(movieId)) continue;
    const text = normaliseTag(tags.tags[r]!);
    if (text === "") continue;
    let set = out.get(movieId);
    if (!set) out.set(movieId, set = new Set());
    set.add(text);
  }
  return out;
}

function topTagNames(perMovie: Map<number, Set<string>>, topTags: number): string[] {
  const counts = new Map<string, number>();
  for (const set of perMovie.values()) for (const t of set) counts.set(t, (counts.get(t) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, topTags).map(([t]) => `tag:${t}`);
}

/**
 * Encodes catalogue rows with a spec: one sparse feature row per entry of `rows` (a catalogue row
 * of `movies`). Names of the spec that the movie does not carry are 0; a movie whose decade or tag
 * is not in the spec simply lacks that feature.
 *
 * @param spec The vocabulary (from {@linkcode buildItemFeatures} or a saved model).
 * @param movies The catalogue.
 * @param rows Catalogue rows, one per output row; −1 is an error naming `movieIds[j]`.
 * @param options `movieIds` (for error messages) and each movie's tag set by movieId.
 * @returns The feature rows.
 *
 * @example
 * ```ts
 * import { encodeMovies } from "./item_features.ts";
 * import type { Movies } from "./types.ts";
 * const movies = {
 *   movieIds: Uint32Array.of(7), titles: ["Alien"], years: Uint16Array.of(1979),
 *   genreNames: ["Horror", "Sci-Fi"], genrePtr: Uint32Array.of(0, 2), genreIdx: Uint8Array.of(0, 1),
 * } as unknown as Movies;
 * const spec = { groups: ["genres" as const, "decade" as const], names: ["(intercept)", "genre:Sci-Fi", "decade:1970s"] };
 * const f = encodeMovies(spec, movies, [0]);
 * if (f.index.join() !== "0,1,2") throw new Error(`${f.index}`);
 * ```
 */
export function encodeMovies(
  spec: FeatureSpec,
  movies: Movies,
  rows: ArrayLike<number>,
  options: { movieIds?: ArrayLike<number>; tags?: Map<number, Set<string>> } = {},
): ItemFeatures {
  const column = new Map(spec.names.map((name, j) => [name, j]));
  if (column.get(INTERCEPT) !== 0) {
    throw new Error(`encodeMovies: the first feature must be "${INTERCEPT}"`);
  }
  const use = new Set(spec.groups);
  const ptr = new Uint32Array(rows.length + 1);
  const index: number[] = [];
  const nGenreRows = movies.genrePtr.length - 1;
  for (let j = 0; j < rows.length; j++) {
    const row = rows[j]!;
    const cols = [0];
    if (!(Number.isInteger(row) && row >= 0 && row < movies.movieIds.length)) {
      const id = options.movieIds?.[j];
      throw new Error(
        `encodeMovies: movieId ${id ?? `of item ${j}`} is not in movies.csv (features need its ` +
          "genres and title)",
      );
    }
    const movieId = movies.movieIds[row]!;
    if (use.has("genres")) {
      if (row >= nGenreRows) throw new Error(`encodeMovies: movie row ${row} has no genre entry`);
      const begin = movies.genrePtr[row]!, end = movies.genrePtr[row + 1]!;
      if (begin === end) {
        throw new Error(
          `encodeMovies: movieId ${movieId} has an empty genre list (expected at least one ` +
            'genre, or "(no genres listed)")',
        );
      }
      for (let e = begin; e < end; e++) {
        const c = column.get(`genre:${movies.genreNames[movies.genreIdx[e]!]}`);
        if (c !== undefined) cols.push(c);
      }
    }
    if (use.has("decade")) {
      const c = column.get(decadeName(movies.years[row] ?? 0));
      if (c !== undefined) cols.push(c);
    }
    if (use.has("tags")) {
      for (const t of options.tags?.get(movieId) ?? []) {
        const c = column.get(`tag:${t}`);
        if (c !== undefined) cols.push(c);
      }
    }
    const sorted = [...new Set(cols)].sort((a, b) => a - b);
    index.push(...sorted);
    ptr[j + 1] = index.length;
  }
  return {
    spec,
    nItems: rows.length,
    nFeatures: spec.names.length,
    ptr,
    index: Uint32Array.from(index),
    values: new Float32Array(index.length).fill(1),
  };
}

/**
 * Builds the feature rows of the items `itemIds` (raw movieIds, e.g. `dataset.itemIds`) from the
 * catalogue and tags: the vocabulary is every genre of the catalogue, every decade that occurs
 * (plus `decade:unknown`), and the top-N tags of the allowed movies.
 *
 * @param itemIds Raw movieId of each item row.
 * @param movies The catalogue (movies.csv).
 * @param options Groups, tags, which movies' tags count, N.
 * @returns The features (throws on an unknown group, a movie missing from the catalogue, an empty
 *   genre list, or "tags" without tag rows).
 *
 * @example
 * ```ts
 * import { buildItemFeatures } from "./item_features.ts";
 * import type { Movies } from "./types.ts";
 * const movies = {
 *   movieIds: Uint32Array.of(1, 2), titles: ["A", "B"], years: Uint16Array.of(1995, 0),
 *   genreNames: ["Comedy", "Horror"], genrePtr: Uint32Array.of(0, 1, 3),
 *   genreIdx: Uint8Array.of(0, 0, 1),
 * } as unknown as Movies;
 * const f = buildItemFeatures(Uint32Array.of(2, 1), movies, { groups: ["genres", "decade"] });
 * // (intercept), genre:Comedy, genre:Horror, decade:1990s, decade:unknown
 * if (f.nFeatures !== 5 || f.index.join() !== "0,1,2,4,0,1,3") throw new Error(`${f.index}`);
 * ```
 */
export function buildItemFeatures(
  itemIds: Uint32Array,
  movies: Movies,
  options: ItemFeatureOptions = {},
): ItemFeatures {
  const fn = "buildItemFeatures";
  const groups = checkGroups(fn, options.groups ?? FEATURE_GROUPS);
  const { topTags = 50 } = options;
  if (!Number.isInteger(topTags) || topTags < 0) {
    throw new RangeError(`${fn}: topTags must be a whole number ≥ 0, got ${topTags}`);
  }
  if (groups.includes("tags") && options.tags === undefined) {
    throw new Error(`${fn}: the "tags" group needs the tag rows (options.tags)`);
  }
  const names = [INTERCEPT];
  if (groups.includes("genres")) { for (const g of movies.genreNames) names.push(`genre:${g}`); }
  if (groups.includes("decade")) {
    const decades = new Set<string>();
    for (const y of movies.years) decades.add(decadeName(y));
    decades.add(decadeName(0));
    names.push(...[...decades].sort());
  }
  let perMovie: Map<number, Set<string>> | undefined;
  if (groups.includes("tags")) {
    const allowed = options.tagMovieIds ? new Set(Array.from(options.tagMovieIds)) : undefined;
    perMovie = movieTags(options.tags!, allowed);
    names.push(...topTagNames(perMovie, topTags));
  }
  const rowOf = new Map<number, number>();
  for (let r = 0; r < movies.movieIds.length; r++) rowOf.set(movies.movieIds[r]!, r);
  const rows = Int32Array.from(itemIds, (id) => rowOf.get(id) ?? -1);
  return encodeMovies({ groups, names }, movies, rows, { movieIds: itemIds, tags: perMovie });
}

/**
 * The features of item `i` as (index, value) pairs.
 *
 * @example
 * ```ts
 * import { featureRow } from "./item_features.ts";
 * const f = { ptr: Uint32Array.of(0, 2), index: Uint32Array.of(0, 3), values: Float32Array.of(1, 1) };
 * if (featureRow(f, 0).index.join() !== "0,3") throw new Error("row 0");
 * ```
 */
export function featureRow(
  f: Pick<ItemFeatures, "ptr" | "index" | "values">,
  i: number,
): { index: Uint32Array; values: Float32Array } {
  const begin = f.ptr[i]!, end = f.ptr[i + 1]!;
  return { index: f.index.subarray(begin, end), values: f.values.subarray(begin, end) };
}

/** A movie to add to a catalogue (see {@linkcode withMovie}). */
export interface NewMovie {
  /** A movieId not in the catalogue. */
  movieId: number;
  /** Title without the year. */
  title: string;
  /** Release year (0: unknown). */
  year: number;
  /** Genre names from the catalogue's vocabulary. */
  genres: readonly string[];
}

/**
 * A copy of the catalogue with one more movie (e.g. a new release nobody has rated), so that a
 * feature model can score it. Throws for a movieId already present or a genre not in the
 * vocabulary.
 *
 * @example
 * ```ts
 * import { withMovie } from "./item_features.ts";
 * import { emptyMovies } from "./side_files.ts";
 * const m = withMovie(emptyMovies(), { movieId: 9, title: "New", year: 2024, genres: ["Horror", "Sci-Fi"] });
 * if (m.movieIds.join() !== "9" || m.genrePtr.join() !== "0,2") throw new Error("added");
 * ```
 */
export function withMovie(movies: Movies, movie: NewMovie): Movies {
  if (movies.movieIds.includes(movie.movieId)) {
    throw new RangeError(`withMovie: movieId ${movie.movieId} is already in the catalogue`);
  }
  if (movie.genres.length === 0) {
    throw new RangeError('withMovie: a movie needs at least one genre (or "(no genres listed)")');
  }
  const genreIdx = movie.genres.map((g) => {
    const j = movies.genreNames.indexOf(g);
    if (j < 0) {
      throw new RangeError(
        `withMovie: unknown genre "${g}" (expected one of ${movies.genreNames.join(", ")})`,
      );
    }
    return j;
  }).sort((a, b) => a - b);
  const append = <T extends Uint32Array | Uint16Array | Uint8Array>(a: T, values: number[]): T => {
    const out = new (a.constructor as { new (n: number): T })(a.length + values.length);
    out.set(a);
    out.set(values, a.length);
    return out;
  };
  const total = movies.genrePtr[movies.genrePtr.length - 1]!;
  return {
    ...movies,
    movieIds: append(movies.movieIds, [movie.movieId]),
    titles: [...movies.titles, movie.title],
    years: append(movies.years, [movie.year]),
    genrePtr: append(movies.genrePtr, [total + genreIdx.length]),
    genreIdx: append(movies.genreIdx, genreIdx),
    imdbIds: append(movies.imdbIds, [0]),
    tmdbIds: append(movies.tmdbIds, [0]),
  };
}
