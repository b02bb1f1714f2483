/**
 * The recommender page's engine: one loaded dataset and one trained ALS model, with everything a
 * request needs precomputed (title index, filter index, rating counts and means, genre names),
 * and the operations behind the JSON API — recommend for a person given as ratings (fold-in, no
 * retraining), explain one movie for them, similar movies, one movie's card, and a new movie
 * nobody has rated. Pure computation: no HTTP here (lib/app/api.ts turns requests into calls and
 * errors into status codes), so every operation is unit-tested in-process.
 *
 * @module
 */
import { itemCatalogueRows } from "../data/catalogue.ts";
import { type FilterIndex, filterIndex, filterMask, type ItemFilters } from "../data/filters.ts";
import { encodeMovies, withMovie } from "../data/item_features.ts";
import { displayTitle, type SearchHit, TitleIndex } from "../data/search.ts";
import { emptyMovies } from "../data/side_files.ts";
import type { Dataset } from "../data/types.ts";
import type { Als } from "../models/als.ts";
import type { AlsState } from "../models/als_state.ts";
import { explain, type Explanation, explanationSentence } from "../models/explain.ts";
import { predictPairs } from "../ffi/kernels.ts";
import { foldIn, type Person, recommendPerson } from "../models/fold_in.ts";
import type { GenreAls } from "../models/genre_als.ts";
import { featurePrior } from "../models/genre_als_state.ts";
import { topN } from "../models/top_n.ts";

/** A bad request: HTTP status, the offending field and a message naming it. */
export class ApiError extends Error {
  /** 400, 404 or 413. */
  readonly status: number;
  /** The field at fault (e.g. "ratings[2].rating", "n", "body"). */
  readonly field: string;
  /** @param status HTTP status. @param field Field name. @param message What is wrong. */
  constructor(status: number, field: string, message: string) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.field = field;
  }
}

/** The most ratings one person may send. */
export const MAX_PERSON_RATINGS = 1000;
/** The longest list one request may ask for. */
export const MAX_N = 100;

/** One rating of the person, by raw MovieLens movieId. */
export interface PersonRating {
  /** Raw MovieLens movieId. */
  movieId: number;
  /** Stars on the model's rating scale. */
  rating: number;
}

/** A movie as the API shows it. */
export interface MovieCard {
  /** Raw MovieLens movieId. */
  movieId: number;
  /** Title with a trailing article moved to the front ("The Matrix"). */
  title: string;
  /** Release year (0 when unknown). */
  year: number;
  /** Genre names. */
  genres: string[];
  /** Number of ratings in the dataset. */
  ratings: number;
  /** Mean rating in the dataset (0 when unrated). */
  meanRating: number;
}

/** One recommended movie. */
export interface RecommendedMovie extends MovieCard {
  /** Predicted stars, clamped to the rating scale. */
  predicted: number;
  /** The unclamped score the list is ranked by. */
  score: number;
  /** A short reason. */
  because: string;
  /** The prediction's parts (the largest contributions first, at most 5). */
  parts: ExplanationParts;
}

/** The parts of a prediction, with titles, for display. */
export interface ExplanationParts {
  /** μ. */
  mu: number;
  /** The person's bias b_u. */
  userBias: number;
  /** The movie's bias b_i. */
  itemBias: number;
  /** x·y_i. */
  factorTerm: number;
  /** The unclamped prediction μ + b_u + b_i + x·y_i. */
  prediction: number;
  /** Per rated movie: its share of b_u + x·y_i, largest magnitude first. */
  contributions: { movieId: number; title: string; rating: number; total: number }[];
}

/** Input of {@linkcode RecommenderApp.recommend}. */
export interface RecommendInput {
  /** The person's ratings. */
  ratings: PersonRating[];
  /** List length, 1..100. Default 10. */
  n?: number;
  /** Genres, years, minimum ratings. */
  filters?: ItemFilters;
  /** Leave out the movies the person rated. Default true. */
  excludeSeen?: boolean;
}

/** What {@linkcode RecommenderApp.recommend} returns. */
export interface RecommendOutput {
  /** The folded-in person: bias and number of ratings used. */
  person: { bias: number; ratings: number };
  /** The list, best first. */
  items: RecommendedMovie[];
  /** How many movies passed the filters (before taking the top n). */
  candidates: number;
}

/** A movie nobody has rated, described by its features (the New movie view). */
export interface NewMovieInput {
  /** Genre names. */
  genres: string[];
  /** Release year (optional). */
  year?: number;
  /** User tags (only when the genre-ALS model has tag features; at most 20). */
  tags?: string[];
}

/** The predicted appeal of a new movie. */
export interface NewMovieOutput {
  /** "genre-als" (Practical 5's model) or "feature-average" (the fallback without it). */
  model: "genre-als" | "feature-average";
  /** Which model made the prediction, in words. */
  method: string;
  /** How many rated movies the estimate was built from (genre ALS: those that fitted G, w). */
  basedOn: number;
  /** Genre ALS: the movie's features and each one's share w_g of its bias (empty otherwise). */
  features: { feature: string; bias: number }[];
  /** Tags given that are not in the model's tag vocabulary (they add nothing). */
  unknownTags: string[];
  /** μ + b (the movie's predicted mean before user effects). */
  baseline: number;
  /** The mean predicted rating over all users. */
  meanPredicted: number;
  /** Share of users predicted to rate it ≥ 4. */
  shareAbove4: number;
  /** Histogram of predicted ratings over users: counts per half-star bin from 0.5 to 5. */
  histogram: number[];
  /** The users it suits best, with their predicted rating and their favourite movie. */
  users: { userId: number; predicted: number; ratings: number; favourite: string }[];
  /** The most similar rated movies (by factor cosine to the estimated vector). */
  similar: MovieCard[];
}

/** Options of {@linkcode RecommenderApp}. */
export interface AppOptions {
  /** A name for the model shown on the page (e.g. its file). */
  modelName?: string;
  /**
   * Practical 5's genre ALS fitted on the same dataset, for the New movie view (a new movie's
   * factors and bias are its feature prior v = Gᵀf, b = wᵀf). Without it the view uses the
   * feature-average fallback.
   */
  genreModel?: GenreAls;
}

/** The most tags a new movie may carry. */
export const MAX_NEW_MOVIE_TAGS = 20;

/**
 * The page's engine for one dataset and one ALS model fitted on it (same dense ids).
 *
 * @example
 * ```ts
 * import { RecommenderApp } from "./app.ts";
 * import { Als } from "../models/als.ts";
 * import { loadMovieLens } from "../data/load.ts";
 * const ds = await loadMovieLens("../shared/data/ml-latest-small", { cache: false });
 * const model = await Als.fit(ds.ratings, {
 *   k: 16, lambda: 10, lambdaBias: 3, weighted: false, epochs: 6, progress: false,
 *   userIds: ds.userIds, itemIds: ds.itemIds,
 * });
 * const app = new RecommenderApp(ds, model);
 * const matrix = app.search("matrix")[0]!; // The Matrix (1999), movieId 2571
 * const out = app.recommend({ ratings: [{ movieId: matrix.movieId, rating: 5 }], n: 5 });
 * if (out.items.length !== 5 || out.items.some((m) => m.movieId === 2571)) throw new Error("5 new");
 * ```
 */
export class RecommenderApp {
  /** The dataset. */
  readonly ds: Dataset;
  /** The model (fitted on `ds`). */
  readonly model: Als;
  /** Shown on the page. */
  readonly modelName: string;
  /** Per-item facts for the filters. */
  readonly filters: FilterIndex;
  /** Catalogue row per dense item (−1 when movies.csv lacks it). */
  readonly rows: Int32Array;
  /** Mean rating per dense item. */
  readonly meanRatings: Float32Array;
  /** The New movie view's model, when one was given. */
  readonly genreModel: GenreAls | undefined;
  #titles: TitleIndex | undefined;
  #masks = new Map<string, { mask: Uint8Array; count: number }>();
  #pairs: { users: Uint32Array; items: Uint32Array } | undefined;
  #itemOf: Map<number, number>;

  /** Checks that the model belongs to the dataset and precomputes the indexes. */
  constructor(ds: Dataset, model: Als, options: AppOptions = {}) {
    for (const m of [model, options.genreModel]) {
      if (m === undefined) continue;
      const mismatch = idMismatch("users", m.userIds, ds.userIds) ||
        idMismatch("movies", m.itemIds, ds.itemIds);
      if (mismatch !== "") {
        throw new Error(
          `the ${m.kind} model was fitted on another dataset than ${ds.name} (${mismatch}); fit ` +
            `it on ${ds.name} (./run deno task fit --dataset ${ds.dir} --out FILE) or pick its ` +
            "dataset",
        );
      }
    }
    this.genreModel = options.genreModel;
    this.ds = ds;
    this.model = model;
    this.modelName = options.modelName ?? `${model.kind} k=${model.k}`;
    this.filters = filterIndex(ds);
    this.rows = itemCatalogueRows(ds);
    const m = ds.ratings;
    this.meanRatings = new Float32Array(m.nItems);
    for (let i = 0; i < m.nItems; i++) {
      let s = 0;
      for (let e = m.itemPtr[i]!; e < m.itemPtr[i + 1]!; e++) s += m.itemRatings[e]!;
      const n = m.itemPtr[i + 1]! - m.itemPtr[i]!;
      this.meanRatings[i] = n > 0 ? s / n : 0;
    }
    this.#itemOf = new Map(Array.from(ds.itemIds, (id, i) => [id, i]));
  }

  /** The title index (built on first use, about 0.3 s on 87k titles). */
  get titleIndex(): TitleIndex {
    this.#titles ??= new TitleIndex(Array.from(this.rows, (_r, i) => ({
      id: i,
      title: this.rawTitle(i),
      year: this.filters.years[i]!,
      popularity: this.filters.counts[i]!,
    })));
    return this.#titles;
  }

  /** The GroupLens title of a dense item ("movieId N" when the catalogue lacks it). */
  rawTitle(item: number): string {
    const r = this.rows[item]!;
    return r < 0 ? `movieId ${this.ds.itemIds[item]}` : this.ds.movies.titles[r]!;
  }

  /** "The Matrix (1999)". */
  label(item: number): string {
    const y = this.filters.years[item]!;
    const t = displayTitle(this.rawTitle(item));
    return y > 0 ? `${t} (${y})` : t;
  }

  /** The dense item of a raw movieId, or a 404 naming `field`. */
  item(movieId: number, field = "movieId"): number {
    const i = this.#itemOf.get(movieId);
    if (i === undefined) {
      throw new ApiError(
        404,
        field,
        `${field}: movieId ${movieId} is not among the ${this.ds.itemIds.length} rated movies of ` +
          this.ds.name,
      );
    }
    return i;
  }

  /** The card of a dense item. */
  card(item: number): MovieCard {
    const bits = this.filters.genreBits[item]!;
    return {
      movieId: this.ds.itemIds[item]!,
      title: displayTitle(this.rawTitle(item)),
      year: this.filters.years[item]!,
      genres: this.filters.genreNames.filter((_g, j) => (bits >>> j & 1) === 1),
      ratings: this.filters.counts[item]!,
      meanRating: round(this.meanRatings[item]!, 3),
    };
  }

  /** Title search (autocomplete): the best `limit` movies for `query`. */
  search(query: string, limit = 10): (MovieCard & { match: number })[] {
    return this.titleIndex.search(query, { limit }).map((h: SearchHit) => ({
      ...this.card(h.id),
      match: h.match,
    }));
  }

  /** Folds the person in; every rating checked (unknown movie → 404, bad rating → 400). */
  person(ratings: PersonRating[], field = "ratings"): Person {
    const { items, values } = this.#checkedRatings(ratings, field);
    return foldIn(this.model, items, values);
  }

  /** The dense items and ratings of a person, every rating checked (see {@linkcode person}). */
  #checkedRatings(ratings: PersonRating[], field: string): { items: number[]; values: number[] } {
    if (ratings.length > MAX_PERSON_RATINGS) {
      throw new ApiError(
        413,
        field,
        `${field}: ${ratings.length} ratings, at most ${MAX_PERSON_RATINGS} are accepted`,
      );
    }
    const [lo, hi] = this.model.ratingScale;
    const items: number[] = [], values: number[] = [];
    const seen = new Map<number, number>();
    ratings.forEach((r, j) => {
      const where = `${field}[${j}]`;
      if (!Number.isInteger(r.movieId) || r.movieId < 0) {
        throw new ApiError(400, `${where}.movieId`, `${where}.movieId must be a whole number ≥ 0`);
      }
      if (typeof r.rating !== "number" || !(r.rating >= lo && r.rating <= hi)) {
        throw new ApiError(
          400,
          `${where}.rating`,
          `${where}.rating must be a number from ${lo} to ${hi}, got ${JSON.stringify(r.rating)}`,
        );
      }
      const item = this.item(r.movieId, `${where}.movieId`);
      const before = seen.get(item);
      if (before !== undefined) {
        throw new ApiError(
          400,
          `${where}.movieId`,
          `${where}.movieId: movieId ${r.movieId} is rated twice (also ${field}[${before}])`,
        );
      }
      seen.set(item, j);
      items.push(item);
      values.push(r.rating);
    });
    return { items, values };
  }

  /**
   * The 0/1 mask of a filter set and how many movies pass, computed once per distinct filter set
   * (a request copies it; at most 64 kept).
   */
  #filterMask(filters: ItemFilters): { mask: Uint8Array; count: number } {
    const key = JSON.stringify(filters);
    let hit = this.#masks.get(key);
    if (hit === undefined) {
      const mask = filterMask(this.filters, filters);
      let count = 0;
      for (let i = 0; i < mask.length; i++) count += mask[i]!;
      if (this.#masks.size >= 64) this.#masks.clear();
      this.#masks.set(key, hit = { mask, count });
    }
    return hit;
  }

  /**
   * The person's unclamped score μ + b + b_i + x·y_i of every movie, by the SIMD kernel's
   * predictPairs on (the person, every item) — the pair list is built once per app — with the
   * scale opened so nothing is clamped; the result equals `scorePerson`'s f64 sums to f32
   * rounding (checked in api_test.ts).
   */
  scoreAll(person: Person): Float32Array {
    const { k, mu, itemFactors, itemBias } = this.model.state;
    const n = itemBias.length;
    this.#pairs ??= {
      users: new Uint32Array(n),
      items: Uint32Array.from({ length: n }, (_, i) => i),
    };
    return predictPairs(
      {
        k,
        mu,
        userFactors: Float32Array.from(person.factors),
        userBias: Float32Array.of(person.bias),
        itemFactors,
        itemBias,
      },
      this.#pairs.users,
      this.#pairs.items,
      { ratingMin: -3e38, ratingMax: 3e38, threads: 1 },
    );
  }

  /**
   * The top-n for a person, filtered inside the top-n, each with its explanation: fold-in, scores
   * of every movie and the masked top-n in one kernel call (`recommendPerson`).
   */
  recommend(input: RecommendInput): RecommendOutput {
    const n = checkN(input.n ?? 10);
    const { items: rated, values } = this.#checkedRatings(input.ratings, "ratings");
    const base = this.#filterMask(input.filters ?? {});
    const excludeSeen = input.excludeSeen !== false;
    let candidates = base.count;
    if (excludeSeen) { for (const i of rated) candidates -= base.mask[i]!; }
    const { person, ...top } = recommendPerson(this.model, rated, values, {
      n,
      allowed: base.mask,
      excludeSeen,
      threads: 1,
    });
    const items = Array.from(top.items, (item, j) => {
      const e = explain(this.model.state, person, item);
      return {
        ...this.card(item),
        predicted: round(this.clamp(top.scores[j]!), 2),
        score: round(top.scores[j]!, 4),
        because: explanationSentence(e, (i) => displayTitle(this.rawTitle(i))),
        parts: this.parts(e, 5),
      };
    });
    return {
      person: { bias: round(person.bias, 4), ratings: person.items.length },
      items,
      candidates,
    };
  }

  /** The full explanation of one movie for a person. */
  explain(ratings: PersonRating[], movieId: number): ExplanationParts & {
    movie: MovieCard;
    predicted: number;
    because: string;
  } {
    const person = this.person(ratings);
    const item = this.item(movieId);
    const e = explain(this.model.state, person, item);
    return {
      movie: this.card(item),
      predicted: round(this.clamp(e.prediction), 2),
      because: explanationSentence(e, (i) => displayTitle(this.rawTitle(i))),
      ...this.parts(e, MAX_PERSON_RATINGS),
    };
  }

  /** Movies whose item vectors are closest (cosine) to `movieId`'s, among those with ≥ minRatings. */
  similar(movieId: number, n = 10, minRatings = 10): (MovieCard & { similarity: number })[] {
    checkN(n);
    if (!Number.isInteger(minRatings) || minRatings < 0) {
      throw new ApiError(400, "minRatings", `minRatings must be a whole number ≥ 0`);
    }
    const item = this.item(movieId);
    const counts = this.filters.counts;
    return this.model.similarItems(item, { n, candidates: (i) => counts[i]! >= minRatings })
      .map((s) => ({ ...this.card(s.item), similarity: round(s.similarity, 4) }));
  }

  /** One movie's card with its model parameters. */
  movie(movieId: number): MovieCard & { itemBias: number; imdbId: number; tmdbId: number } {
    const item = this.item(movieId);
    const r = this.rows[item]!;
    return {
      ...this.card(item),
      itemBias: round(this.model.itemBias[item]!, 4),
      imdbId: r < 0 ? 0 : this.ds.movies.imdbIds[r]!,
      tmdbId: r < 0 ? 0 : this.ds.movies.tmdbIds[r]!,
    };
  }

  /** What the New movie view uses, in words (shown on the page). */
  get newMovieMethod(): string {
    const g = this.genreModel;
    if (g === undefined) {
      return "feature average (fallback): no genre-ALS model is loaded, so a new movie gets the " +
        "mean factors and bias of the rated movies with the same genres";
    }
    return `genre ALS (Practical 5; ${g.features.spec.groups.join(" + ")}, K = ${g.k}): a new ` +
      "movie's factors and bias are its feature prior v = Gᵀf, b = wᵀf";
  }

  /** The tag vocabulary of the genre-ALS model (empty when it has no tag features). */
  get newMovieTags(): string[] {
    const g = this.genreModel;
    if (g === undefined || !g.features.spec.groups.includes("tags")) return [];
    return g.features.spec.names.filter((n) => n.startsWith("tag:")).map((n) => n.slice(4));
  }

  /**
   * A movie nobody rated, from its genres, year (and tags, when the model has tag features).
   *
   * With Practical 5's genre ALS (`options.genreModel`): the movie is encoded with the model's
   * feature vocabulary and gets its prior, v = Gᵀf and b = wᵀf — what the model gives every
   * movie without ratings; users are scored by the genre model's own μ + b_u + b + x_u·v.
   *
   * Without it, the feature-average fallback: its vector and bias are the means of the rated
   * movies that have all the given genres (within ±5 years when a year is given and at least 20
   * such movies exist), scored with the ALS model.
   *
   * Either way the users it suits are those with the highest prediction.
   */
  newMovie(input: NewMovieInput): NewMovieOutput {
    const { genres, year, tags = [] } = input;
    const bits = this.genreBits(genres, "genres");
    if (year !== undefined && (!Number.isInteger(year) || year < 1870 || year > 2100)) {
      throw new ApiError(400, "year", `year must be a whole number from 1870 to 2100`);
    }
    if (tags.length > MAX_NEW_MOVIE_TAGS) {
      throw new ApiError(400, "tags", `tags: ${tags.length} tags, at most ${MAX_NEW_MOVIE_TAGS}`);
    }
    tags.forEach((t, j) => {
      if (typeof t !== "string" || t.trim() === "" || t.length > 100) {
        throw new ApiError(
          400,
          `tags[${j}]`,
          `tags[${j}] must be a non-empty text of ≤ 100 characters`,
        );
      }
    });
    const g = this.genreModel;
    if (tags.length > 0 && this.newMovieTags.length === 0) {
      throw new ApiError(
        400,
        "tags",
        `tags: the new-movie model (${g === undefined ? "feature average" : "genre ALS"}) ` +
          "has no tag features",
      );
    }
    if (g !== undefined) return this.#newMovieGenreAls(g, genres, year ?? 0, tags);
    const { genreBits, years, counts } = this.filters;
    const { k, itemFactors, itemBias } = this.model.state;
    const pick = (useYear: boolean) => {
      const chosen: number[] = [];
      for (let i = 0; i < genreBits.length; i++) {
        if (counts[i] === 0 || ((genreBits[i]! & bits) >>> 0) !== bits) continue;
        if (useYear && !(years[i]! > 0 && Math.abs(years[i]! - year!) <= 5)) continue;
        chosen.push(i);
      }
      return chosen;
    };
    let chosen = year !== undefined ? pick(true) : [];
    if (chosen.length < 20) chosen = pick(false);
    if (chosen.length === 0) {
      throw new ApiError(404, "genres", `genres: no rated movie has all of ${genres.join(", ")}`);
    }
    const v = new Float64Array(k);
    let b = 0;
    for (const i of chosen) {
      b += itemBias[i]!;
      for (let f = 0; f < k; f++) v[f]! += itemFactors[i * k + f]!;
    }
    b /= chosen.length;
    for (let f = 0; f < k; f++) v[f]! /= chosen.length;
    return {
      model: "feature-average",
      method: `feature average (fallback): the mean factors and bias of the ${chosen.length} ` +
        "rated movies with these genres" +
        (year !== undefined ? " (near that year when enough)" : "") +
        "; no genre-ALS model is loaded",
      basedOn: chosen.length,
      features: [],
      unknownTags: [],
      ...this.#appeal(this.model.state, v, b),
    };
  }

  #newMovieGenreAls(g: GenreAls, genres: string[], year: number, tags: string[]): NewMovieOutput {
    const spec = g.features.spec;
    const catalogue = this.ds.movies.genreNames.length > 0
      ? { ...emptyMovies(), genreNames: this.ds.movies.genreNames }
      : emptyMovies();
    const movies = withMovie(catalogue, { movieId: 0, title: "new movie", year, genres });
    const known = new Set(this.newMovieTags);
    const normalised = [...new Set(tags.map((t) => t.trim().toLowerCase()))];
    const f = encodeMovies(spec, movies, [0], {
      tags: new Map([[0, new Set(normalised.filter((t) => known.has(t)))]]),
    });
    const { factors, bias } = featurePrior(f, g.k, g.featureFactors, g.featureBias);
    const features: { feature: string; bias: number }[] = [];
    for (let e = f.ptr[0]!; e < f.ptr[1]!; e++) {
      const j = f.index[e]!;
      features.push({ feature: spec.names[j]!, bias: round(f.values[e]! * g.featureBias[j]!, 4) });
    }
    let warm = 0;
    for (let i = 0; i < g.itemCounts.length; i++) if (g.itemCounts[i]! > 0) warm++;
    const names = features.map((x) => x.feature).join(", ");
    const noDecade = spec.groups.includes("decade") && year > 0 &&
      !features.some((x) => x.feature.startsWith("decade:"));
    return {
      model: "genre-als",
      method: `${this.newMovieMethod}, from ${features.length} features (${names}); G and w ` +
        `were fitted on ${warm} rated movies` +
        (noDecade
          ? `; the ${Math.floor(year / 10) * 10}s are not among the model's decades, so the year ` +
            "adds nothing"
          : ""),
      basedOn: warm,
      features,
      unknownTags: normalised.filter((t) => !known.has(t)),
      ...this.#appeal(g.state, factors, bias[0]!),
    };
  }

  /** Scores a movie (v, b) for every user of `state`: the appeal figures of the New movie view. */
  #appeal(state: AlsState, v: Float64Array, b: number): Omit<
    NewMovieOutput,
    "model" | "method" | "basedOn" | "features" | "unknownTags"
  > {
    const { k, itemFactors, userFactors, userBias, mu } = state;
    const counts = this.filters.counts;
    const nUsers = userBias.length;
    const predicted = new Float32Array(nUsers);
    const histogram = new Array(10).fill(0);
    let sum = 0, above4 = 0;
    for (let u = 0; u < nUsers; u++) {
      let s = mu + userBias[u]! + b;
      for (let f = 0; f < k; f++) s += userFactors[u * k + f]! * v[f]!;
      predicted[u] = s;
      const c = this.clamp(s);
      sum += c;
      if (c >= 4) above4++;
      histogram[Math.min(9, Math.max(0, Math.round(c * 2) - 1))]++;
    }
    const m = this.ds.ratings;
    const best = topN(predicted, 10);
    const users = Array.from(best.items, (u, j) => {
      let fav = -1, favRating = -1;
      for (let e = m.userPtr[u]!; e < m.userPtr[u + 1]!; e++) {
        if (m.userRatings[e]! > favRating) [fav, favRating] = [m.userItems[e]!, m.userRatings[e]!];
      }
      return {
        userId: this.ds.userIds[u]!,
        predicted: round(this.clamp(best.scores[j]!), 2),
        ratings: m.userPtr[u + 1]! - m.userPtr[u]!,
        favourite: fav < 0 ? "" : `${this.label(fav)} ${favRating}★`,
      };
    });
    // Nearest rated movies to v by cosine.
    let vn = 0;
    for (let f = 0; f < k; f++) vn += v[f]! ** 2;
    vn = Math.sqrt(vn);
    const cos = new Float32Array(counts.length);
    for (let i = 0; i < cos.length; i++) {
      let dot = 0, nn = 0;
      for (let f = 0; f < k; f++) {
        const y = itemFactors[i * k + f]!;
        dot += y * v[f]!;
        nn += y * y;
      }
      cos[i] = counts[i]! >= 10 && nn > 0 && vn > 0 ? dot / Math.sqrt(nn) / vn : NaN;
    }
    return {
      baseline: round(mu + b, 3),
      meanPredicted: round(sum / nUsers, 3),
      shareAbove4: round(above4 / nUsers, 4),
      histogram,
      users,
      similar: Array.from(topN(cos, 6).items, (i) => this.card(i)),
    };
  }

  /** The genre bit mask of names, or a 400 naming `field`. */
  genreBits(genres: readonly string[], field: string): number {
    let bits = 0;
    for (const g of genres) {
      const j = this.filters.genreNames.indexOf(g);
      if (j < 0) {
        throw new ApiError(400, field, `${field}: unknown genre ${JSON.stringify(g)}`);
      }
      bits |= 1 << j;
    }
    return bits >>> 0;
  }

  /** A prediction clamped to the rating scale. */
  clamp(score: number): number {
    const [lo, hi] = this.model.ratingScale;
    return Math.min(hi, Math.max(lo, score));
  }

  /**
   * Display parts of an explanation, at most `max` contributions, largest magnitude first (full
   * precision: with every contribution, μ + b_i + Σ total = prediction).
   */
  parts(e: Explanation, max: number): ExplanationParts {
    const contributions = [...e.contributions]
      .sort((a, b) => Math.abs(b.total) - Math.abs(a.total) || a.item - b.item)
      .slice(0, max)
      .map((c) => ({
        movieId: this.ds.itemIds[c.item]!,
        title: this.label(c.item),
        rating: c.rating,
        total: c.total,
      }));
    return {
      mu: e.mu,
      userBias: e.userBias,
      itemBias: e.itemBias,
      factorTerm: e.factorTerm,
      prediction: e.prediction,
      contributions,
    };
  }
}

function round(x: number, digits: number): number {
  const p = 10 ** digits;
  return Math.round(x * p) / p;
}

/** Checks a list length. */
export function checkN(n: unknown, field = "n"): number {
  if (typeof n !== "number" || !Number.isInteger(n) || n < 1 || n > MAX_N) {
    throw new ApiError(
      400,
      field,
      `${field} must be a whole number from 1 to ${MAX_N}, got ${JSON.stringify(n)}`,
    );
  }
  return n;
}

/** Where two id mappings first differ ("" when they are equal). */
function idMismatch(what: string, model: Uint32Array, data: Uint32Array): string {
  if (model.length !== data.length) return `${model.length} ${what} vs ${data.length}`;
  const j = model.findIndex((v, i) => v !== data[i]);
  return j < 0 ? "" : `${what} #${j} is id ${model[j]} in the model, ${data[j]} in the dataset`;
}
