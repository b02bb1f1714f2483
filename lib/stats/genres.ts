/**
 * Genre statistics: how many movies carry each genre, the mean rating per genre with a 95 %
 * interval, and the co-occurrence of genres as a conditional probability matrix P(B | A).
 *
 * Ratings are indexed by dense item id, the catalogue by row; {@linkcode movieRowOfItem} links
 * the two through the raw MovieLens movieId.
 *
 * @example
 * ```ts
 * import { genreCooccurrence } from "./genres.ts";
 * import type { Movies } from "../data/types.ts";
 * const movies = {
 *   genreNames: ["Action", "Comedy"],
 *   genrePtr: new Uint32Array([0, 2, 3]),
 *   genreIdx: new Uint8Array([0, 1, 1]),
 * } as unknown as Movies;
 * const c = genreCooccurrence(movies);
 * if (c.conditional[1] !== 1 || c.conditional[2] !== 0.5) throw new Error("P(B|A)");
 * ```
 *
 * @module
 */

import type { Movies, RatingMatrix } from "../data/types.ts";

/** Rating statistics per genre. */
export interface GenreRatingStats {
  /** Genre names, as `movies.genreNames`. */
  readonly names: string[];
  /** Number of rated movies in each genre. */
  readonly movies: Float64Array;
  /** Number of ratings of movies in each genre (a rating counts once for each genre of its movie). */
  readonly ratings: Float64Array;
  /** Mean rating per genre (NaN for a genre without ratings). */
  readonly means: Float64Array;
  /** Standard deviation of the ratings per genre (population, NaN without ratings). */
  readonly sds: Float64Array;
  /** Lower end of the 95 % interval of the mean: mean − 1.96·sd/√n (normal approximation). */
  readonly lo: Float64Array;
  /** Upper end of the 95 % interval of the mean: mean + 1.96·sd/√n. */
  readonly hi: Float64Array;
}

/** Genre co-occurrence over a set of movies. */
export interface GenreCooccurrence {
  /** Genre names (rows and columns). */
  readonly names: string[];
  /** Row-major G×G counts: [a·G + b] = movies having both a and b; the diagonal counts genre a. */
  readonly counts: Float64Array;
  /** Row-major G×G: [a·G + b] = P(b | a) = counts[a, b] / counts[a, a]; NaN when a has no movies. */
  readonly conditional: Float64Array;
}

/**
 * For each dense item id, the catalogue row of its movie (matched by raw movieId), or −1 when the
 * catalogue lacks it.
 *
 * @example
 * ```ts
 * import { movieRowOfItem } from "./genres.ts";
 * import type { Movies } from "../data/types.ts";
 * const movies = { movieIds: new Uint32Array([10, 20, 30]) } as unknown as Movies;
 * if (movieRowOfItem(new Uint32Array([30, 10, 99]), movies).join() !== "2,0,-1") throw new Error("rows");
 * ```
 */
export function movieRowOfItem(itemIds: Uint32Array, movies: Movies): Int32Array {
  const rowOf = new Map<number, number>();
  for (let r = 0; r < movies.movieIds.length; r++) rowOf.set(movies.movieIds[r]!, r);
  const out = new Int32Array(itemIds.length);
  for (let i = 0; i < itemIds.length; i++) out[i] = rowOf.get(itemIds[i]!) ?? -1;
  return out;
}

function checkGenres(movies: Movies, caller: string): number {
  const G = movies.genreNames.length;
  const rows = movies.genrePtr.length - 1;
  if (rows < 0) throw new Error(`${caller}: movies.genrePtr is empty (expected rows + 1 entries)`);
  if (movies.genrePtr[rows] !== movies.genreIdx.length) {
    throw new Error(
      `${caller}: genrePtr ends at ${
        movies.genrePtr[rows]
      } but genreIdx has ${movies.genreIdx.length}`,
    );
  }
  for (let k = 0; k < movies.genreIdx.length; k++) {
    if (movies.genreIdx[k]! >= G) {
      throw new Error(`${caller}: genreIdx[${k}] = ${movies.genreIdx[k]} but only ${G} genres`);
    }
  }
  return G;
}

/**
 * Number of catalogue movies carrying each genre.
 *
 * @example
 * ```ts
 * import { genreMovieCounts } from "./genres.ts";
 * import type { Movies } from "../data/types.ts";
 * const movies = {
 *   genreNames: ["Action", "Comedy"],
 *   genrePtr: new Uint32Array([0, 2, 3]),
 *   genreIdx: new Uint8Array([0, 1, 1]),
 * } as unknown as Movies;
 * if (genreMovieCounts(movies).join() !== "1,2") throw new Error("counts");
 * ```
 */
export function genreMovieCounts(movies: Movies): Float64Array {
  const G = checkGenres(movies, "genreMovieCounts");
  const counts = new Float64Array(G);
  for (let k = 0; k < movies.genreIdx.length; k++) counts[movies.genreIdx[k]!]!++;
  return counts;
}

/**
 * Mean rating per genre with a 95 % normal-approximation interval, over the ratings in `m`
 * (columns = dense items) whose movie is found in the catalogue through `rowOfItem` (from
 * {@linkcode movieRowOfItem}).
 *
 * @example
 * ```ts
 * import { genreRatingStats } from "./genres.ts";
 * import type { Movies, RatingMatrix } from "../data/types.ts";
 * const movies = {
 *   genreNames: ["Action", "Comedy"],
 *   genrePtr: new Uint32Array([0, 1, 3]),
 *   genreIdx: new Uint8Array([0, 0, 1]),
 * } as unknown as Movies;
 * const m = {
 *   nItems: 2, itemPtr: new Uint32Array([0, 2, 3]), itemRatings: new Float32Array([4, 5, 2]),
 * } as unknown as RatingMatrix;
 * const s = genreRatingStats(m, movies, new Int32Array([0, 1]));
 * if (s.means[0] !== 11 / 3 || s.means[1] !== 2) throw new Error("means");
 * ```
 */
export function genreRatingStats(
  m: RatingMatrix,
  movies: Movies,
  rowOfItem: Int32Array,
): GenreRatingStats {
  const G = checkGenres(movies, "genreRatingStats");
  if (rowOfItem.length !== m.nItems) {
    throw new Error(
      `genreRatingStats: rowOfItem has ${rowOfItem.length} entries, nItems is ${m.nItems}`,
    );
  }
  const nMovies = new Float64Array(G);
  const n = new Float64Array(G);
  const sum = new Float64Array(G);
  const sumSq = new Float64Array(G);
  for (let i = 0; i < m.nItems; i++) {
    const row = rowOfItem[i]!;
    const begin = m.itemPtr[i]!;
    const end = m.itemPtr[i + 1]!;
    if (row < 0 || end === begin) continue;
    let s = 0;
    let s2 = 0;
    for (let k = begin; k < end; k++) {
      const r = m.itemRatings[k]!;
      s += r;
      s2 += r * r;
    }
    for (let k = movies.genrePtr[row]!; k < movies.genrePtr[row + 1]!; k++) {
      const g = movies.genreIdx[k]!;
      nMovies[g]!++;
      n[g]! += end - begin;
      sum[g]! += s;
      sumSq[g]! += s2;
    }
  }
  const means = new Float64Array(G);
  const sds = new Float64Array(G);
  const lo = new Float64Array(G);
  const hi = new Float64Array(G);
  for (let g = 0; g < G; g++) {
    const count = n[g]!;
    const mean = count > 0 ? sum[g]! / count : NaN;
    const sd = count > 0 ? Math.sqrt(Math.max(0, sumSq[g]! / count - mean * mean)) : NaN;
    const half = count > 0 ? (1.96 * sd) / Math.sqrt(count) : NaN;
    means[g] = mean;
    sds[g] = sd;
    lo[g] = mean - half;
    hi[g] = mean + half;
  }
  return { names: [...movies.genreNames], movies: nMovies, ratings: n, means, sds, lo, hi };
}

/**
 * Genre co-occurrence over the catalogue (or over the catalogue rows listed in `options.rows`,
 * e.g. only rated movies): joint counts and the conditional probability P(B | A) that a movie of
 * genre A also has genre B.
 *
 * @example
 * ```ts
 * import { genreCooccurrence } from "./genres.ts";
 * import type { Movies } from "../data/types.ts";
 * const movies = {
 *   genreNames: ["A", "B"],
 *   genrePtr: new Uint32Array([0, 2, 3]),
 *   genreIdx: new Uint8Array([0, 1, 1]),
 * } as unknown as Movies;
 * const c = genreCooccurrence(movies, { rows: [1] });
 * if (c.counts.join() !== "0,0,0,1") throw new Error("only the second movie");
 * ```
 */
export function genreCooccurrence(
  movies: Movies,
  options: { rows?: ArrayLike<number> } = {},
): GenreCooccurrence {
  const G = checkGenres(movies, "genreCooccurrence");
  const nRows = movies.genrePtr.length - 1;
  const counts = new Float64Array(G * G);
  const visit = (row: number) => {
    const begin = movies.genrePtr[row]!;
    const end = movies.genrePtr[row + 1]!;
    for (let p = begin; p < end; p++) {
      const a = movies.genreIdx[p]!;
      for (let q = begin; q < end; q++) counts[a * G + movies.genreIdx[q]!]!++;
    }
  };
  if (options.rows === undefined) {
    for (let row = 0; row < nRows; row++) visit(row);
  } else {
    for (let k = 0; k < options.rows.length; k++) {
      const row = options.rows[k]!;
      if (!Number.isInteger(row) || row < 0 || row >= nRows) {
        throw new Error(
          `genreCooccurrence: rows[${k}] = ${row} is not a catalogue row (0..${nRows - 1})`,
        );
      }
      visit(row);
    }
  }
  const conditional = new Float64Array(G * G);
  for (let a = 0; a < G; a++) {
    const na = counts[a * G + a]!;
    for (let b = 0; b < G; b++) conditional[a * G + b] = na > 0 ? counts[a * G + b]! / na : NaN;
  }
  return { names: [...movies.genreNames], counts, conditional };
}
