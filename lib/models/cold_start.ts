/**
 * Yardsticks for movies nobody has rated (notebook 05), all fitted on training data only, as
 * bias-only parameter sets (k = 0) that the scoring kernel evaluates like any model:
 *
 * - genre average: the mean training rating of the movies sharing each genre, averaged over the
 *   movie's genres (no user term);
 * - genre offset: μ + b_u + the mean item bias b_i of the training movies of each genre, averaged
 *   over the movie's genres (warm movies keep their own b_i).
 *
 * @module
 */
import type { IdMaps, Movies, RatingMatrix } from "../data/types.ts";
import { checkIdMaps } from "../data/id_maps.ts";
import { filterMatrix } from "../data/split.ts";
import { scoreMatrix } from "../ffi/kernels.ts";
import type { AlsState } from "./als_state.ts";

/** Genre indices of each item (CSR), matched through the catalogue by raw movieId. */
function itemGenres(fn: string, movies: Movies, itemIds: Uint32Array): number[][] {
  const rowOf = new Map<number, number>();
  for (let r = 0; r < movies.movieIds.length; r++) rowOf.set(movies.movieIds[r]!, r);
  return Array.from(itemIds, (id) => {
    const row = rowOf.get(id);
    if (row === undefined) throw new Error(`${fn}: movieId ${id} is not in movies.csv`);
    return Array.from(movies.genreIdx.subarray(movies.genrePtr[row], movies.genrePtr[row + 1]));
  });
}

/** Per genre: the mean of `value(i)` over rated items with the genre, weighted by `weight(i)`. */
function perGenreMeans(
  genres: number[][],
  nGenres: number,
  train: RatingMatrix,
  value: (i: number) => number,
  weight: (i: number) => number,
): Float64Array {
  const sum = new Float64Array(nGenres), total = new Float64Array(nGenres);
  for (let i = 0; i < train.nItems; i++) {
    if (train.itemPtr[i + 1] === train.itemPtr[i]) continue;
    for (const g of genres[i]!) {
      sum[g]! += value(i) * weight(i);
      total[g]! += weight(i);
    }
  }
  return sum.map((s, g) => (total[g]! > 0 ? s / total[g]! : NaN));
}

/** The mean over an item's genres of the per-genre values that exist; `fallback` if none. */
function meanOverGenres(genres: number[], perGenre: Float64Array, fallback: number): number {
  const known = genres.map((g) => perGenre[g]!).filter(Number.isFinite);
  return known.length > 0 ? known.reduce((a, b) => a + b, 0) / known.length : fallback;
}

/**
 * The genre-average yardstick as a k = 0 state: μ = 0, b_u = 0, b_i = the mean training rating of
 * each of the movie's genres (rating-weighted), averaged over its genres.
 *
 * @example
 * ```ts
 * import { genreAverageState } from "./cold_start.ts";
 * import { fromTriplets } from "../data/coo.ts";
 * import type { Movies } from "../data/types.ts";
 * const movies = { movieIds: Uint32Array.of(1, 2, 3), genreNames: ["Comedy", "Horror"],
 *   genrePtr: Uint32Array.of(0, 1, 2, 4), genreIdx: Uint8Array.of(0, 1, 0, 1) } as unknown as Movies;
 * const train = fromTriplets(1, 3, [0, 0], [0, 1], [4, 2], [0, 0]); // movie 3 is cold
 * const s = genreAverageState(train, movies, Uint32Array.of(1, 2, 3));
 * if (s.itemBias[2] !== 3) throw new Error(`${s.itemBias}`); // (4 + 2) / 2
 * ```
 */
export function genreAverageState(
  train: RatingMatrix,
  movies: Movies,
  itemIds: Uint32Array,
): AlsState {
  const genres = itemGenres("genreAverageState", movies, itemIds);
  const n = (i: number) => train.itemPtr[i + 1]! - train.itemPtr[i]!;
  const sum = (i: number) => {
    let s = 0;
    for (let e = train.itemPtr[i]!; e < train.itemPtr[i + 1]!; e++) s += train.itemRatings[e]!;
    return s / n(i);
  };
  let all = 0;
  for (const r of train.itemRatings) all += r;
  const perGenre = perGenreMeans(genres, movies.genreNames.length, train, sum, n);
  return {
    k: 0,
    mu: 0,
    userFactors: new Float32Array(0),
    itemFactors: new Float32Array(0),
    userBias: new Float32Array(train.nUsers),
    itemBias: Float32Array.from(genres, (gs) => meanOverGenres(gs, perGenre, all / train.nnz)),
  };
}

/**
 * The genre-offset yardstick as a k = 0 state: a bias model's μ and b_u; warm movies keep their
 * b_i, a movie without training ratings gets the mean b_i of the training movies of each of its
 * genres, averaged over its genres.
 *
 * @example
 * ```ts
 * import { genreOffsetState } from "./cold_start.ts";
 * import { fromTriplets } from "../data/coo.ts";
 * import type { Movies } from "../data/types.ts";
 * const movies = { movieIds: Uint32Array.of(1, 2, 3), genreNames: ["Comedy", "Horror"],
 *   genrePtr: Uint32Array.of(0, 1, 2, 3), genreIdx: Uint8Array.of(0, 1, 1) } as unknown as Movies;
 * const train = fromTriplets(1, 3, [0, 0], [0, 1], [4, 2], [0, 0]);
 * const bias = { mu: 3, userBias: Float32Array.of(0), itemBias: Float32Array.of(1, -1, 0) };
 * const s = genreOffsetState(bias, train, movies, Uint32Array.of(1, 2, 3));
 * if (s.itemBias[2] !== -1 || s.itemBias[0] !== 1) throw new Error(`${s.itemBias}`);
 * ```
 */
export function genreOffsetState(
  bias: { mu: number; userBias: Float32Array; itemBias: Float32Array },
  train: RatingMatrix,
  movies: Movies,
  itemIds: Uint32Array,
): AlsState {
  const genres = itemGenres("genreOffsetState", movies, itemIds);
  const perGenre = perGenreMeans(
    genres,
    movies.genreNames.length,
    train,
    (i) => bias.itemBias[i]!,
    () => 1,
  );
  return {
    k: 0,
    mu: bias.mu,
    userFactors: new Float32Array(0),
    itemFactors: new Float32Array(0),
    userBias: bias.userBias.slice(),
    itemBias: Float32Array.from(genres, (gs, i) => {
      if (train.itemPtr[i + 1]! > train.itemPtr[i]!) return bias.itemBias[i]!;
      return meanOverGenres(gs, perGenre, 0);
    }),
  };
}

/** A fitted model as {@linkcode predictionsOn} reads it (an `Als`, `BiasAls` or `GenreAls`). */
export interface ScoringModel extends IdMaps {
  /** The parameters. */
  readonly state: AlsState;
  /** The scale predictions are clamped to. */
  readonly ratingScale: readonly [number, number];
}

/**
 * The clamped predictions of a parameter set, or of a fitted model (whose id maps `m` must share,
 * see `checkIdMaps`, and whose rating scale is the default), for every CSR entry of `m` (the
 * scoring kernel).
 *
 * @example
 * ```ts
 * import { predictionsOn } from "./cold_start.ts";
 * import { fromTriplets } from "../data/coo.ts";
 * const m = fromTriplets(1, 2, [0, 0], [0, 1], [5, 3], [0, 0]);
 * const state = { k: 0, mu: 3, userFactors: new Float32Array(0), itemFactors: new Float32Array(0),
 *   userBias: Float32Array.of(0), itemBias: Float32Array.of(3, 0) };
 * const p = await predictionsOn(state, m);
 * if (p.join() !== "5,3") throw new Error(`${p}`); // 6 is clamped to 5
 * ```
 */
export async function predictionsOn(
  model: AlsState | ScoringModel,
  m: RatingMatrix,
  options: { ratingScale?: readonly [number, number]; threads?: number } = {},
): Promise<Float32Array> {
  const fitted = "state" in model ? model : undefined;
  const state = fitted ? fitted.state : model as AlsState;
  // A fitted model knows its id maps and scale: refuse a matrix built in other ids (its dense
  // items would be other movies) and clamp to the model's scale unless told otherwise.
  if (fitted) checkIdMaps("predictionsOn", fitted, m);
  const [ratingMin, ratingMax] = options.ratingScale ?? fitted?.ratingScale ?? [0.5, 5];
  const s = await scoreMatrix(state, m, {
    ratingMin,
    ratingMax,
    predictions: true,
    threads: options.threads,
  });
  return s.predictions!;
}

/**
 * The ratings of `test` on movies that have fewer than `maxTrainRatings` (but at least one)
 * training ratings: the "sparse warm movies" test set.
 *
 * @example
 * ```ts
 * import { sparseItemRatings } from "./cold_start.ts";
 * import { fromTriplets } from "../data/coo.ts";
 * const train = fromTriplets(2, 2, [0, 1, 0], [0, 0, 1], [4, 3, 5], [0, 0, 0]); // item 0: 2, item 1: 1
 * const test = fromTriplets(2, 2, [1, 1], [0, 1], [4, 2], [0, 0]);
 * if (sparseItemRatings(test, train, 2).nnz !== 1) throw new Error("only item 1 is sparse");
 * ```
 */
export function sparseItemRatings(
  test: RatingMatrix,
  train: RatingMatrix,
  maxTrainRatings: number,
): RatingMatrix {
  if (test.nItems !== train.nItems) {
    throw new RangeError(
      `sparseItemRatings: test has ${test.nItems} items, train ${train.nItems} (same ids expected)`,
    );
  }
  const keep = new Uint8Array(test.nnz);
  for (let e = 0; e < test.nnz; e++) {
    const i = test.userItems[e]!;
    const n = train.itemPtr[i + 1]! - train.itemPtr[i]!;
    keep[e] = n >= 1 && n < maxTrainRatings ? 1 : 0;
  }
  return filterMatrix(test, keep);
}

/**
 * The users who like a genre most: the largest gap between their mean training rating of the
 * genre's movies and their mean rating overall, among users with at least `minRatings` ratings of
 * the genre. Dense user indices, strongest first, with the gap.
 *
 * @example
 * ```ts
 * import { genreFans } from "./cold_start.ts";
 * import { fromTriplets } from "../data/coo.ts";
 * import type { Movies } from "../data/types.ts";
 * const movies = { movieIds: Uint32Array.of(1, 2), genreNames: ["Comedy", "Sci-Fi"],
 *   genrePtr: Uint32Array.of(0, 1, 2), genreIdx: Uint8Array.of(0, 1) } as unknown as Movies;
 * const train = fromTriplets(2, 2, [0, 0, 1, 1], [0, 1, 0, 1], [2, 5, 5, 2], [0, 0, 0, 0]);
 * const fans = genreFans(train, movies, Uint32Array.of(1, 2), "Sci-Fi", { minRatings: 1 });
 * if (fans[0]!.user !== 0) throw new Error("user 0 loves sci-fi");
 * ```
 */
export function genreFans(
  train: RatingMatrix,
  movies: Movies,
  itemIds: Uint32Array,
  genre: string,
  options: { minRatings?: number; n?: number } = {},
): { user: number; gap: number; ratings: number }[] {
  const { minRatings = 10, n = 10 } = options;
  const g = movies.genreNames.indexOf(genre);
  if (g < 0) {
    throw new RangeError(
      `genreFans: unknown genre "${genre}" (expected one of ${movies.genreNames.join(", ")})`,
    );
  }
  const has = Uint8Array.from(
    itemGenres("genreFans", movies, itemIds),
    (gs) => (gs.includes(g) ? 1 : 0),
  );
  const out: { user: number; gap: number; ratings: number }[] = [];
  for (let u = 0; u < train.nUsers; u++) {
    let all = 0, inGenre = 0, count = 0;
    const begin = train.userPtr[u]!, end = train.userPtr[u + 1]!;
    for (let e = begin; e < end; e++) {
      all += train.userRatings[e]!;
      if (has[train.userItems[e]!]) {
        inGenre += train.userRatings[e]!;
        count++;
      }
    }
    if (count < minRatings) continue;
    out.push({ user: u, gap: inGenre / count - all / (end - begin), ratings: count });
  }
  out.sort((a, b) => b.gap - a.gap || a.user - b.user);
  return out.slice(0, n);
}

/**
 * Where a score would rank in each user's list: for dense user `users[j]`, the share of the
 * model's movies with training ratings that the model scores below `scores[j]` for that user
 * (ties count ½). 1 means above every movie, 0.5 the middle of the catalogue. It takes the user's
 * generosity out of a comparison between users.
 *
 * @example
 * ```ts
 * import { percentileAmongWarm } from "./cold_start.ts";
 * const model = { nItems: 3, itemCounts: Uint32Array.of(1, 1, 0),
 *   predict: (_u: ArrayLike<number>, items: ArrayLike<number>) => Float32Array.from(items, (i) => i + 1) };
 * // Warm movies score 1 and 2 for the user; 1.5 sits above one of them.
 * if (percentileAmongWarm(model, [0], [1.5])[0] !== 0.5) throw new Error("middle");
 * ```
 */
export function percentileAmongWarm(
  model: {
    nItems: number;
    itemCounts: Uint32Array;
    predict(users: ArrayLike<number>, items: ArrayLike<number>): Float32Array;
  },
  users: ArrayLike<number>,
  scores: ArrayLike<number>,
): number[] {
  if (users.length !== scores.length) {
    throw new RangeError(`percentileAmongWarm: ${users.length} users but ${scores.length} scores`);
  }
  const warm = Array.from({ length: model.nItems }, (_, i) => i).filter((i) =>
    model.itemCounts[i]! > 0
  );
  if (warm.length === 0) throw new Error("percentileAmongWarm: the model has no warm movies");
  return Array.from({ length: users.length }, (_, j) => {
    const predicted = model.predict(warm.map(() => users[j]!), warm);
    let below = 0;
    for (const p of predicted) below += p < scores[j]! ? 1 : p === scores[j]! ? 0.5 : 0;
    return below / warm.length;
  });
}

/**
 * The vector G_g of the named feature `name` (e.g. `"genre:Horror"`) in a feature model's G
 * (`features × k`, row-major): where that feature sits in the space of the user factors. A view
 * into `model.featureFactors`. Throws for a name not in the vocabulary.
 *
 * @example
 * ```ts
 * import { featureFactorRow } from "./cold_start.ts";
 * const model = { k: 2, features: { spec: { groups: [], names: ["(intercept)", "genre:Horror"] } },
 *   featureFactors: Float32Array.of(0, 0, 0.5, -1) };
 * if (featureFactorRow(model, "genre:Horror").join() !== "0.5,-1") throw new Error("row 1");
 * ```
 */
export function featureFactorRow(
  model: {
    k: number;
    features: { spec: { names: readonly string[] } };
    featureFactors: Float32Array;
  },
  name: string,
): Float32Array {
  const { k } = model;
  const names = model.features.spec.names;
  const g = names.indexOf(name);
  if (g < 0) {
    throw new RangeError(
      `featureFactorRow: unknown feature "${name}" (expected one of ${names.join(", ")})`,
    );
  }
  if (model.featureFactors.length !== names.length * k) {
    throw new RangeError(
      `featureFactorRow: G has ${model.featureFactors.length} entries, expected ${names.length}×${k}`,
    );
  }
  return model.featureFactors.subarray(g * k, (g + 1) * k);
}

/**
 * The centroid of the genre `name` from `genreCentroids` (lib/models/embeddings.ts). Throws when
 * the genre is not among them (unknown, or fewer items than `minItems`).
 *
 * @example
 * ```ts
 * import { genreCentroidOf } from "./cold_start.ts";
 * const c = { names: ["Comedy", "Horror"], centroids: [Float64Array.of(1, 0), Float64Array.of(0, 1)],
 *   counts: [3, 4] };
 * if (genreCentroidOf(c, "Horror")[1] !== 1) throw new Error("Horror's centroid");
 * ```
 */
export function genreCentroidOf(
  centroids: { names: readonly string[]; centroids: readonly Float64Array[] },
  name: string,
): Float64Array {
  const g = centroids.names.indexOf(name);
  if (g < 0) {
    throw new RangeError(
      `genreCentroidOf: no centroid for "${name}" (have ${centroids.names.join(", ")})`,
    );
  }
  return centroids.centroids[g]!;
}
