/**
 * The plan of a synthetic MovieLens dataset, computed in TypeScript from the seed alone (no
 * threads, so it never depends on the thread count): how many ratings each user gives (a heavy
 * tailed degree sequence with every user at 20 or more, summing exactly to the target), item
 * popularity weights, the planted bias + low-rank model, genres that follow the planted item
 * factors (and, by {@linkcode PlantedSignal}, item factors and biases drawn around the genres'
 * centroids), each user's active time window, the catalogue (ids, titles, years, links) and the tags.
 * kernels/synth.zig turns the plan into ratings.csv; `_synthetic_files.ts` writes the rest.
 *
 * @module
 */
import { Rng } from "../stats/rng.ts";
import { MOVIELENS_GENRES } from "./side_files.ts";

/** Fewest ratings per user, as GroupLens guarantees for its MovieLens releases. */
export const MIN_RATINGS_PER_USER = 20;
/** First rating time, 1995-01-09T00:00:00Z (as in ML-32M). */
export const FIRST_RATING_TIME = 789_609_600;
/** Last rating time, 2023-10-12T23:59:59Z (as in ML-32M). */
export const LAST_RATING_TIME = 1_697_155_199;
/** MovieLens introduced half stars on 2003-02-18; ratings before are whole stars. */
export const HALF_STARS_FROM = 1_045_526_400;

/**
 * The fixed shape constants of the planted model (not options; written to synthetic.json).
 * Variances are chosen so the ratings look like ML-32M's: mean about 3.5, standard deviation
 * about 1.05, most mass on 3–4 stars.
 */
export const MODEL_CONSTANTS = Object.freeze({
  /** Global mean μ before rounding and clamping. */
  mu: 3.35,
  /** Standard deviation of the user biases b_u. */
  userBiasSd: 0.42,
  /** Standard deviation of the item biases b_i. */
  itemBiasSd: 0.42,
  /** Correlation of b_i with log popularity (popular movies are rated a little higher). */
  biasPopularityCorrelation: 0.3,
  /** Variance of the interaction x_u·y_i, whatever k (entries are N(0, (v/k)^½)). */
  interactionVariance: 0.2,
  /** σ of ln(excess ratings per user): the heavy tail of user activity. */
  activityLogSd: 1.39,
  /** σ of ln(item popularity weight). */
  popularityLogSd: 2.2,
  /** The most popular item is expected to reach at most this share of users. */
  popularityUserShareMax: 0.55,
  /** How much later catalogue entries (higher movieIds) lose in ln popularity, first to last. */
  popularityRecencyDrop: 1.0,
  /** Genre logit per standard deviation of the projection of y_i on the genre's direction. */
  genreFactorStrength: 1.25,
  /** Share of users tagging anything. */
  taggerShare: 0.08,
  /** σ of ln(tags per tagger). */
  tagActivityLogSd: 1.8,
});

/**
 * How strongly the side features (genres, release year) describe the planted item side. Genres
 * are always drawn from a movie's free factors and bias (`genreFactorStrength`); on top of that a
 * share of each movie's factors and bias is then drawn around its genres' centroids:
 * y_i = √(1 − ρ_y)·y_i⁰ + √ρ_y·α·Σ_{g ∈ genres(i)} w_g and
 * b_i = σ_b·(√(1 − ρ_b)·b_i⁰/σ_b + √ρ_b·t_i), with w_g the genre's unit direction in factor
 * space (Children's and Animation's turned away from Horror's), α scaling the centroid term to the factors' variance, and t_i the standardised sum of
 * the genres' bias offsets (documentaries high, horror low). The year follows the final b_i and
 * y_i with the two decade strengths. No random numbers are drawn for any of it, so the strengths
 * change the planted values and the years, never another draw.
 */
export interface PlantedSignal {
  /** ρ_y: share of the variance of y_i drawn around the genre centroids (0 = none). */
  genreFactorShare: number;
  /** ρ_b: share of the variance of b_i drawn from the genres' bias offsets (0 = none). */
  genreBiasShare: number;
  /** Logit of "an old film" (a release long before it entered the catalogue) per σ_b of b_i. */
  decadeBiasStrength: number;
  /** Logit of "an old film" per standard deviation of the projection of y_i on an era direction. */
  decadeFactorStrength: number;
}

/**
 * The CSV generator's feature signal: 70 % of y_i's variance and 30 % of b_i's around the genre
 * centroids, and a strong year link (see lib/data/synthetic.ts for what the features explain).
 */
export const STRONG_SIGNAL: Readonly<PlantedSignal> = Object.freeze({
  genreFactorShare: 0.7,
  genreBiasShare: 0.3,
  decadeBiasStrength: 2.5,
  decadeFactorStrength: 2.5,
});

/**
 * The synthetic ML-100K / ML-1M generator's signal (lib/data/synthetic_classic.ts): genres only
 * follow the free factors, a weak year link. Kept so those files and their planted demographic
 * effects never change.
 */
export const CLASSIC_SIGNAL: Readonly<PlantedSignal> = Object.freeze({
  genreFactorShare: 0,
  genreBiasShare: 0,
  decadeBiasStrength: 1.5,
  decadeFactorStrength: 1.5,
});

/** Roughly the share of ML-32M movies in each genre, in {@linkcode MOVIELENS_GENRES} order. */
const GENRE_BASE_RATES = [
  0.11, // Action
  0.062, // Adventure
  0.053, // Animation
  0.052, // Children
  0.27, // Comedy
  0.079, // Crime
  0.106, // Documentary
  0.39, // Drama
  0.043, // Fantasy
  0.004, // Film-Noir
  0.098, // Horror
  0.0025, // IMAX
  0.013, // Musical
  0.046, // Mystery
  0.115, // Romance
  0.056, // Sci-Fi
  0.133, // Thriller
  0.026, // War
  0.019, // Western
];
/** Genre logit per standard deviation of b_i: documentaries rate high, horror low (as in ML). */
const GENRE_BIAS_STRENGTH = [
  -0.1,
  0,
  0.3,
  -0.3,
  -0.2,
  0.2,
  0.8,
  0.3,
  0,
  0.8,
  -0.8,
  0.2,
  0,
  0.1,
  0,
  0,
  -0.1,
  0.5,
  0.1,
];
/** Genres whose factor direction leans towards another genre's (so they co-occur). */
const GENRE_PARENT: Record<string, string> = {
  Animation: "Children",
  Fantasy: "Adventure",
  Adventure: "Action",
  "Sci-Fi": "Action",
  Western: "Action",
  Crime: "Thriller",
  Mystery: "Thriller",
  Horror: "Thriller",
  "Film-Noir": "Crime",
  Musical: "Romance",
  War: "Drama",
};
/** Relative share of new users per year, 1995–2023 (a rough picture of MovieLens sign-ups). */
const SIGNUP_YEAR_WEIGHTS = [
  0.3,
  6,
  3,
  1.5,
  4,
  7,
  3.5,
  2.5,
  3,
  3,
  4.5,
  3.5,
  3,
  3,
  2.5,
  2,
  1.5,
  1.5,
  1,
  1,
  4,
  5,
  4.5,
  3.5,
  3,
  2.5,
  2,
  1.5,
  1,
];

const GENERIC_TAGS = [
  "atmospheric",
  "visually appealing",
  "thought-provoking",
  "funny",
  "predictable",
  "overrated",
  "classic",
  "based on a book",
  "twist ending",
  "great soundtrack",
  "slow, but rewarding",
  "so bad it's good",
  '"cult" favourite',
  "must see",
  "boring",
];
const GENRE_TAGS = [
  ["explosions", "car chase", "martial arts"],
  ["quest", "epic journey", "treasure hunt"],
  ["hand-drawn", "stop motion", "cute"],
  ["family", "kids", "talking animals"],
  ["hilarious", "dark comedy", "witty"],
  ["heist", "gangsters", "police"],
  ["true story", "interviews", "nature"],
  ["emotional", "character study", "tearjerker"],
  ["magic", "dragons", "fairy tale"],
  ["femme fatale", "black and white", "noir"],
  ["gore", "haunted house", "jump scares"],
  ["imax", "spectacle", "3d"],
  ["songs", "dancing", "broadway"],
  ["whodunit", "detective", "puzzle"],
  ["love story", "romantic", "wedding"],
  ["space", "time travel", "dystopia"],
  ["suspense", "tense", "conspiracy"],
  ["world war ii", "battle", "anti-war"],
  ["cowboys", "gunfight", "frontier"],
];
/** Every tag text: the generic ones, then three per genre in genre order. */
export const TAG_VOCABULARY: readonly string[] = Object.freeze([
  ...GENERIC_TAGS,
  ...GENRE_TAGS.flat(),
]);

/** The sizes and knobs a plan is made from (all resolved, no defaults left). */
export interface PlanSpec {
  /** Seed, an integer in 0..2^32-1. */
  seed: number;
  /** Users (userIds 1..users). */
  users: number;
  /** Movies in the catalogue. */
  movies: number;
  /** Ratings. */
  ratings: number;
  /** Rows of tags.csv. */
  tags: number;
  /** Planted rank. */
  k: number;
  /** Noise standard deviation σ. */
  noise: number;
  /** How strongly genres and years describe the planted item side. */
  signal: Readonly<PlantedSignal>;
}

/**
 * Everything about a synthetic dataset except the ratings themselves: the spec, the catalogue
 * (titles, genres, links), the tags' seed and the planted model. The ratings are drawn in Zig
 * (kernels/synth.zig) from its ratings part, a `SynthRatingsModel` (lib/ffi/kernels.ts) that
 * lib/data/synthetic.ts builds from the plan (`ratingsModel`).
 */
export interface SyntheticPlan {
  /** The spec the plan was made from. */
  spec: PlanSpec;
  /** 64-bit seed of the per-user rating streams in Zig. */
  ratingSeed: bigint;
  /** Seed of the tags' random stream. */
  tagSeed: number;
  /** Global mean μ. */
  mu: number;
  /** Ratings per user (index = userId − 1). */
  userCounts: Uint32Array;
  /** Start of each user's active window, seconds since the epoch. */
  userTimeBegin: Uint32Array;
  /** Length of each user's active window, seconds. */
  userTimeSpan: Uint32Array;
  /** Planted user biases b_u. */
  userBias: Float32Array;
  /** Planted user factors x_u, row-major users × k. */
  userFactors: Float32Array;
  /** movieId of each catalogue row, strictly ascending (with gaps). */
  movieIds: Uint32Array;
  /** Popularity weight of each catalogue row. */
  itemWeights: Float64Array;
  /** Planted item biases b_i. */
  itemBias: Float32Array;
  /** Planted item factors y_i, row-major movies × k. */
  itemFactors: Float32Array;
  /** Unit direction of each of the 19 genres in factor space, row-major 19 × k. */
  genreDirections: Float64Array;
  /** Genre indices (into {@linkcode MOVIELENS_GENRES}) per movie as CSR. */
  genrePtr: Uint32Array;
  /** Genre indices, ascending within a movie; 19 = "(no genres listed)". */
  genreIdx: Uint8Array;
  /** Full title of each movie, e.g. "Synthetic Movie 12, The (1997)". */
  titles: string[];
  /** IMDb id of each movie. */
  imdbIds: Uint32Array;
  /** TMDb id of each movie (0 = left empty in links.csv). */
  tmdbIds: Uint32Array;
}

/** The planted-factor standard deviation for rank `k`: var(x·y) = k·s⁴ = interactionVariance. */
export function factorSd(k: number): number {
  return Math.pow(MODEL_CONSTANTS.interactionVariance / k, 0.25);
}

/**
 * A degree sequence: `n` integers in `min..max` summing exactly to `total`, heavy tailed
 * (`min` + a log-normal excess with log-σ `logSd`, scaled to the total; values that would pass
 * `max` are held at `max` and the rest rescaled; rounding by largest remainder).
 *
 * @example
 * ```ts
 * import { degreeSequence } from "./_synthetic_plan.ts";
 * import { Rng } from "../stats/rng.ts";
 * const d = degreeSequence(new Rng(1), 100, 5000, { min: 20, max: 400, logSd: 1.4 });
 * if (d.reduce((a, b) => a + b, 0) !== 5000 || Math.min(...d) < 20) throw new Error("exact");
 * ```
 */
export function degreeSequence(
  rng: Rng,
  n: number,
  total: number,
  options: { min: number; max: number; logSd: number },
): Uint32Array {
  const { min, max, logSd } = options;
  if (n * min > total || n * max < total) {
    throw new RangeError(
      `degreeSequence: ${total} cannot be split into ${n} values in ${min}..${max}`,
    );
  }
  const excess = total - n * min;
  const cap = max - min;
  const raw = new Float64Array(n);
  for (let i = 0; i < n; i++) raw[i] = Math.exp(logSd * rng.normal());
  // Hold the largest `capped` at `cap` and scale the rest: the smallest `capped` that works.
  const order = Uint32Array.from({ length: n }, (_, i) => i).sort((a, b) =>
    raw[b]! - raw[a]! || a - b
  );
  const suffix = new Float64Array(n + 1);
  for (let j = n - 1; j >= 0; j--) suffix[j] = suffix[j + 1]! + raw[order[j]!]!;
  let capped = 0;
  let scale = 0;
  for (; capped < n; capped++) {
    scale = (excess - capped * cap) / suffix[capped]!;
    if (scale * raw[order[capped]!]! < cap) break;
  }
  const out = new Uint32Array(n);
  const fraction = new Float64Array(n);
  let assigned = 0;
  for (let j = 0; j < n; j++) {
    const i = order[j]!;
    const x = j < capped ? cap : scale * raw[i]!;
    const whole = Math.min(cap, Math.floor(x));
    out[i] = min + whole;
    fraction[i] = j < capped ? -1 : x - whole;
    assigned += whole;
  }
  // Largest remainder: hand out what rounding down left (or take back what rounding added).
  const byFraction = order.slice(capped).sort((a, b) => fraction[b]! - fraction[a]! || a - b);
  let left = excess - assigned;
  for (let j = 0; left > 0 && j < 2 * n; j++) {
    const i = byFraction[j % byFraction.length]!;
    if (out[i]! < max) {
      out[i]!++;
      left--;
    }
  }
  for (let j = byFraction.length - 1; left < 0 && j >= 0; j--) {
    const i = byFraction[j]!;
    if (out[i]! > min) {
      out[i]!--;
      left++;
    }
  }
  if (left !== 0) throw new Error(`degreeSequence: internal error, ${left} left over`);
  return out;
}

/** Standard normals in a fresh Float64Array. */
function normals(rng: Rng, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.normal();
  return out;
}

/** Popularity weights, capped so no item is expected to reach more than a set share of users. */
function popularity(spec: PlanSpec, z: Float64Array): Float64Array {
  const c = MODEL_CONSTANTS;
  const n = spec.movies;
  const weights = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const recency = c.popularityRecencyDrop * (i / Math.max(1, n - 1) - 0.5);
    weights[i] = Math.exp(c.popularityLogSd * z[i]! - recency);
  }
  // Expected ratings of item i ≈ ratings · w_i / W; hold it at `share · users` (a few rounds).
  for (let round = 0; round < 20; round++) {
    let total = 0;
    for (const w of weights) total += w;
    const cap = (c.popularityUserShareMax * spec.users * total) / spec.ratings;
    let changed = false;
    for (let i = 0; i < n; i++) {
      if (weights[i]! > cap * (1 + 1e-12)) {
        weights[i] = cap;
        changed = true;
      }
    }
    if (!changed) break;
  }
  return weights;
}

/** Catalogue ids with gaps (about 3.3 × movies at the end, like ML-32M's 292,757 for 87,585). */
function catalogueIds(rng: Rng, n: number): Uint32Array {
  const ids = new Uint32Array(n);
  let id = 0;
  for (let i = 0; i < n; i++) {
    id += 1 + (rng.next() < 0.6 ? 0 : Math.floor(-Math.log(1 - rng.next()) * 5.85));
    if (id > 0xffff_ffff) throw new RangeError("synthetic movieIds overflow u32; use fewer movies");
    ids[i] = id;
  }
  return ids;
}

/** Title variants that exercise CSV quoting (commas, double quotes) and UTF-8, plus a year. */
function titleOf(rng: Rng, id: number, year: number): string {
  const r = rng.next();
  let title = `Synthetic Movie ${id}`;
  if (r < 0.08) title += ", The";
  else if (r < 0.1) title += " (Le Film Étrange)";
  else if (r < 0.11) title += ': "Director\'s Cut"';
  else if (r < 0.115) title += ", Part II";
  return rng.next() < 0.002 ? title : `${title} (${year})`;
}

/**
 * A release year: the year the movie entered the catalogue (later rows, later years, 1995–2023)
 * minus a gap, short (mean 4 years) for a new release, long (mean 30 years) for an old film. The
 * odds of an old film are 1 : 3 times e^`oldLogit` (see {@linkcode oldFilmLogits}), so the decade
 * says a little about the planted item. Two draws whatever `oldLogit`, so no other draw moves.
 */
function releaseYear(rng: Rng, row: number, n: number, oldLogit: number): number {
  const added = 1995 + 28.8 * (row / Math.max(1, n));
  const pNew = 1 / (1 + Math.exp(logit(0.25) + oldLogit));
  const gap = -Math.log(1 - rng.next()) * (rng.next() < pNew ? 4 : 30);
  return Math.max(1902, Math.min(2023, Math.floor(added - gap)));
}

/**
 * Per movie, the logit shift of being an old film: `signal.decadeBiasStrength` · b_i/σ_b +
 * `signal.decadeFactorStrength` · (y_i·e)/s with `e` a unit "era" direction in factor space. Old films
 * that are still in a catalogue were selected by time: they rate higher and share a taste.
 */
function oldFilmLogits(
  spec: PlanSpec,
  itemFactors: Float32Array,
  itemBias: Float32Array,
  era: Float64Array,
): Float64Array {
  const c = MODEL_CONSTANTS;
  const { k, movies, signal } = spec;
  const s = factorSd(k);
  const out = new Float64Array(movies);
  for (let i = 0; i < movies; i++) {
    let projection = 0;
    for (let j = 0; j < k; j++) projection += itemFactors[i * k + j]! * era[j]!;
    out[i] = signal.decadeBiasStrength * itemBias[i]! / c.itemBiasSd +
      signal.decadeFactorStrength * projection / s;
  }
  return out;
}

/** A unit vector of `k` entries, uniform on the sphere. */
function unitDirection(rng: Rng, k: number): Float64Array {
  const v = normals(rng, k);
  let norm = 0;
  for (const x of v) norm += x * x;
  norm = Math.sqrt(norm) || 1;
  for (let j = 0; j < k; j++) v[j]! /= norm;
  return v;
}

function logit(p: number): number {
  return Math.log(p / (1 - p));
}

/** Unit genre directions; a genre with a parent leans towards the parent's raw direction. */
function genreDirections(rng: Rng, k: number): Float64Array {
  const g = GENRE_BASE_RATES.length;
  const raw = normals(rng, g * k);
  const out = new Float64Array(g * k);
  for (let a = 0; a < g; a++) {
    const parent = GENRE_PARENT[MOVIELENS_GENRES[a]!];
    const p = parent === undefined ? -1 : MOVIELENS_GENRES.indexOf(parent);
    let norm = 0;
    for (let j = 0; j < k; j++) {
      const v = raw[a * k + j]! + (p >= 0 ? raw[p * k + j]! : 0);
      out[a * k + j] = v;
      norm += v * v;
    }
    norm = Math.sqrt(norm) || 1;
    for (let j = 0; j < k; j++) out[a * k + j]! /= norm;
  }
  return out;
}

/**
 * Genres per movie: genre `g` with probability sigmoid(logit(base_g) + strength · (y_i·w_g)/s +
 * bias_g · b_i/σ_b). A movie that draws none gets its likeliest genre half the time, else
 * "(no genres listed)" (about 8 % of movies, as in ML-32M).
 */
function genres(
  rng: Rng,
  spec: PlanSpec,
  itemFactors: Float32Array,
  itemBias: Float32Array,
  directions: Float64Array,
): { genrePtr: Uint32Array; genreIdx: Uint8Array } {
  const { k, movies } = spec;
  const c = MODEL_CONSTANTS;
  const g = GENRE_BASE_RATES.length;
  const s = factorSd(k);
  const base = GENRE_BASE_RATES.map(logit);
  const genrePtr = new Uint32Array(movies + 1);
  const idx: number[] = [];
  for (let i = 0; i < movies; i++) {
    let best = 0;
    let bestLogit = -Infinity;
    const start = idx.length;
    for (let a = 0; a < g; a++) {
      let projection = 0;
      for (let j = 0; j < k; j++) projection += itemFactors[i * k + j]! * directions[a * k + j]!;
      const z = base[a]! + c.genreFactorStrength * projection / s +
        GENRE_BIAS_STRENGTH[a]! * itemBias[i]! / c.itemBiasSd;
      if (z > bestLogit) {
        bestLogit = z;
        best = a;
      }
      if (rng.next() < 1 / (1 + Math.exp(-z))) idx.push(a);
    }
    if (idx.length === start) idx.push(rng.next() < 0.5 ? best : g);
    genrePtr[i + 1] = idx.length;
  }
  return { genrePtr, genreIdx: Uint8Array.from(idx) };
}

/**
 * Draws a share of every movie's factors and bias around its genres' centroids, in place (see
 * {@linkcode PlantedSignal}). A movie with "(no genres listed)" keeps its free factors; its bias
 * still takes the (centred) no-genre offset. The genres were drawn from the free values, so the
 * centroid term correlates with them; the mixed factors are therefore rescaled to the free
 * factors' popularity-weighted mean square, and the mixed biases to the free biases'
 * popularity-weighted mean and variance, so the ratings keep their spread and the noise floor.
 * Shares of 0 leave everything bit for bit as it was.
 */
function pullTowardGenres(
  spec: PlanSpec,
  weights: Float64Array,
  item: { factors: Float32Array; bias: Float32Array },
  directions: Float64Array,
  genreSets: { genrePtr: Uint32Array; genreIdx: Uint8Array },
): void {
  const { k, movies, signal } = spec;
  const { factors, bias } = item;
  const { genrePtr, genreIdx } = genreSets;
  const g = GENRE_BASE_RATES.length;
  const rhoY = signal.genreFactorShare;
  const rhoB = signal.genreBiasShare;
  let totalWeight = 0;
  for (let i = 0; i < movies; i++) totalWeight += weights[i]!;
  if (rhoY > 0) {
    const taste = tasteDirections(directions, k);
    const centroid = new Float64Array(movies * k);
    let freeSquares = 0;
    let centroidSquares = 0;
    for (let i = 0; i < movies; i++) {
      for (let e = genrePtr[i]!; e < genrePtr[i + 1]!; e++) {
        const a = genreIdx[e]!;
        if (a >= g) continue;
        for (let j = 0; j < k; j++) centroid[i * k + j]! += taste[a * k + j]!;
      }
      for (let j = 0; j < k; j++) {
        freeSquares += weights[i]! * factors[i * k + j]! ** 2;
        centroidSquares += weights[i]! * centroid[i * k + j]! ** 2;
      }
    }
    // α: the centroid term gets the free factors' weighted mean square over movies with genres.
    const alpha = centroidSquares > 0 ? Math.sqrt(freeSquares / centroidSquares) : 0;
    const mixed = new Float64Array(movies * k);
    let mixedSquares = 0;
    for (let i = 0; i < movies; i++) {
      for (let j = 0; j < k; j++) {
        const c = centroid[i * k + j]!;
        const y = factors[i * k + j]!;
        const v = c === 0 && !hasGenre(genrePtr, genreIdx, i, g)
          ? y
          : Math.sqrt(1 - rhoY) * y + Math.sqrt(rhoY) * alpha * c;
        mixed[i * k + j] = v;
        mixedSquares += weights[i]! * v * v;
      }
    }
    const scale = mixedSquares > 0 ? Math.sqrt(freeSquares / mixedSquares) : 1;
    for (let e = 0; e < movies * k; e++) factors[e] = scale * mixed[e]!;
  }
  if (rhoB > 0) {
    const t = new Float64Array(movies);
    let sum = 0;
    for (let i = 0; i < movies; i++) {
      for (let e = genrePtr[i]!; e < genrePtr[i + 1]!; e++) {
        const a = genreIdx[e]!;
        if (a < g) t[i]! += GENRE_BIAS_STRENGTH[a]!;
      }
      sum += weights[i]! * t[i]!;
    }
    const tMean = sum / totalWeight;
    let tSquares = 0;
    for (let i = 0; i < movies; i++) tSquares += weights[i]! * (t[i]! - tMean) ** 2;
    const tSd = Math.sqrt(tSquares / totalWeight);
    if (tSd > 0) {
      const sdB = MODEL_CONSTANTS.itemBiasSd;
      const mixed = new Float64Array(movies);
      for (let i = 0; i < movies; i++) {
        mixed[i] = Math.sqrt(1 - rhoB) * bias[i]! + Math.sqrt(rhoB) * sdB * (t[i]! - tMean) / tSd;
      }
      const free = weightedMoments(bias, weights, totalWeight);
      const mix = weightedMoments(mixed, weights, totalWeight);
      for (let i = 0; i < movies; i++) {
        bias[i] = free.mean + (mixed[i]! - mix.mean) * (free.sd / mix.sd);
      }
    }
  }
}

/**
 * The genre directions the centroids are made of: the genres' own directions, except that
 * Children's and Animation's are turned to a cosine of −0.7 with Horror's (each in its plane with
 * Horror's): family films and horror please different people, as in MovieLens, whatever the
 * seed's random directions.
 */
function tasteDirections(directions: Float64Array, k: number): Float64Array {
  const out = Float64Array.from(directions);
  const h = MOVIELENS_GENRES.indexOf("Horror");
  const cosine = -0.7;
  for (const name of ["Children", "Animation"]) {
    const c = MOVIELENS_GENRES.indexOf(name);
    let cos = 0;
    for (let j = 0; j < k; j++) cos += directions[h * k + j]! * directions[c * k + j]!;
    const orthogonal = new Float64Array(k);
    let norm = 0;
    for (let j = 0; j < k; j++) {
      orthogonal[j] = directions[c * k + j]! - cos * directions[h * k + j]!;
      norm += orthogonal[j]! ** 2;
    }
    norm = Math.sqrt(norm);
    if (!(norm > 1e-9)) continue; // k = 1, or the two happen to be parallel: nothing to turn
    for (let j = 0; j < k; j++) {
      out[c * k + j] = cosine * directions[h * k + j]! +
        Math.sqrt(1 - cosine * cosine) * orthogonal[j]! / norm;
    }
  }
  return out;
}

/** Whether movie `i` has a genre (not only "(no genres listed)"). */
function hasGenre(ptr: Uint32Array, idx: Uint8Array, i: number, g: number): boolean {
  for (let e = ptr[i]!; e < ptr[i + 1]!; e++) if (idx[e]! < g) return true;
  return false;
}

/** The weighted mean and standard deviation of `x`. */
function weightedMoments(
  x: ArrayLike<number>,
  weights: Float64Array,
  total: number,
): { mean: number; sd: number } {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += weights[i]! * x[i]!;
  const mean = sum / total;
  let squares = 0;
  for (let i = 0; i < x.length; i++) squares += weights[i]! * (x[i]! - mean) ** 2;
  return { mean, sd: Math.sqrt(squares / total) || 1 };
}

/** Active windows: most users rate in one sitting, heavier users more often over years. */
function timeWindows(
  rng: Rng,
  counts: Uint32Array,
): { begin: Uint32Array; span: Uint32Array } {
  const n = counts.length;
  const begin = new Uint32Array(n);
  const span = new Uint32Array(n);
  const cumulative: number[] = [];
  let total = 0;
  for (const w of SIGNUP_YEAR_WEIGHTS) cumulative.push(total += w);
  const range = LAST_RATING_TIME - FIRST_RATING_TIME;
  const day = 86_400;
  for (let u = 0; u < n; u++) {
    const longTerm = rng.next() < Math.min(0.85, 0.1 + counts[u]! / 1500);
    const seconds = longTerm
      ? Math.exp(Math.log(day) + rng.next() * Math.log(12 * 365))
      : Math.exp(Math.log(2 * 3600) + 1.2 * rng.normal());
    const length = Math.min(range, Math.round(seconds));
    const pick = rng.next() * total;
    const year = cumulative.findIndex((c) => pick < c);
    const yearStart = Date.UTC(1995 + Math.max(0, year), 0, 1) / 1000;
    const start = yearStart + Math.floor(rng.next() * 365 * day);
    const clamped = Math.max(FIRST_RATING_TIME, Math.min(LAST_RATING_TIME - length, start));
    begin[u] = clamped;
    span[u] = length;
  }
  return { begin, span };
}

/**
 * The whole plan of a synthetic dataset from its spec. Deterministic: the same spec gives the same
 * plan, bit for bit.
 *
 * @example
 * ```ts
 * import { planSyntheticDataset, STRONG_SIGNAL } from "./_synthetic_plan.ts";
 * const plan = planSyntheticDataset({
 *   seed: 1, users: 50, movies: 80, ratings: 2000, tags: 30, k: 4, noise: 0.8,
 *   signal: STRONG_SIGNAL,
 * });
 * if (plan.userCounts.reduce((a, b) => a + b, 0) !== 2000) throw new Error("exact total");
 * ```
 */
export function planSyntheticDataset(spec: PlanSpec): SyntheticPlan {
  const c = MODEL_CONSTANTS;
  const { users, movies, k } = spec;
  const master = new Rng(spec.seed);
  const seeds = Array.from({ length: 8 }, () => master.nextU32());
  const ratingSeed = (BigInt(master.nextU32()) << 32n) | BigInt(master.nextU32());
  const [degreeSeed, userSeed, timeSeed, itemSeed, genreSeed, catalogueSeed, tagSeed] = seeds as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];

  const userCounts = degreeSequence(new Rng(degreeSeed), users, spec.ratings, {
    min: MIN_RATINGS_PER_USER,
    max: movies,
    logSd: c.activityLogSd,
  });
  const s = factorSd(k);
  const userRng = new Rng(userSeed);
  const userBias = new Float32Array(users);
  const userFactors = new Float32Array(users * k);
  for (let u = 0; u < users; u++) {
    userBias[u] = c.userBiasSd * userRng.normal();
    for (let j = 0; j < k; j++) userFactors[u * k + j] = s * userRng.normal();
  }
  const { begin, span } = timeWindows(new Rng(timeSeed), userCounts);

  const itemRng = new Rng(itemSeed);
  const zPopularity = normals(itemRng, movies);
  const itemWeights = popularity(spec, zPopularity);
  const itemBias = new Float32Array(movies);
  const itemFactors = new Float32Array(movies * k);
  const rho = c.biasPopularityCorrelation;
  for (let i = 0; i < movies; i++) {
    const z = rho * zPopularity[i]! + Math.sqrt(1 - rho * rho) * itemRng.normal();
    itemBias[i] = c.itemBiasSd * z;
    for (let j = 0; j < k; j++) itemFactors[i * k + j] = s * itemRng.normal();
  }
  const genreRng = new Rng(genreSeed);
  const directions = genreDirections(genreRng, k);
  const { genrePtr, genreIdx } = genres(genreRng, spec, itemFactors, itemBias, directions);
  pullTowardGenres(spec, itemWeights, { factors: itemFactors, bias: itemBias }, directions, {
    genrePtr,
    genreIdx,
  });
  // Drawn after the genres, so the genres do not depend on the era direction.
  const oldLogits = oldFilmLogits(spec, itemFactors, itemBias, unitDirection(genreRng, k));

  const catalogueRng = new Rng(catalogueSeed);
  const movieIds = catalogueIds(catalogueRng, movies);
  const titles: string[] = new Array(movies);
  const imdbIds = new Uint32Array(movies);
  const tmdbIds = new Uint32Array(movies);
  for (let i = 0; i < movies; i++) {
    titles[i] = titleOf(
      catalogueRng,
      movieIds[i]!,
      releaseYear(catalogueRng, i, movies, oldLogits[i]!),
    );
    imdbIds[i] = 1000 + 80 * i + catalogueRng.int(80);
    tmdbIds[i] = catalogueRng.next() < 0.002 ? 0 : 2 + 11 * i + catalogueRng.int(11);
  }
  return {
    spec,
    ratingSeed,
    tagSeed,
    mu: c.mu,
    userCounts,
    userTimeBegin: begin,
    userTimeSpan: span,
    userBias,
    userFactors,
    movieIds,
    itemWeights,
    itemBias,
    itemFactors,
    genreDirections: directions,
    genrePtr,
    genreIdx,
    titles,
    imdbIds,
    tmdbIds,
  };
}

/** One tags.csv row. */
export interface TagRow {
  /** userId. */
  userId: number;
  /** movieId. */
  movieId: number;
  /** Tag text (may contain commas and double quotes). */
  tag: string;
  /** Seconds since the epoch, inside the user's active window. */
  time: number;
}

/**
 * The tags, tagger by tagger in ascending userId, each tagger's rows by movieId then time: about
 * 8 % of users tag (heavy tailed), movies by popularity, the text from the movie's genres or a
 * generic list, no (user, movie, tag) twice. Yields the rows of one tagger at a time.
 *
 * @example
 * ```ts
 * import { planSyntheticDataset, STRONG_SIGNAL, syntheticTags } from "./_synthetic_plan.ts";
 * const plan = planSyntheticDataset({
 *   seed: 1, users: 50, movies: 80, ratings: 2000, tags: 30, k: 4, noise: 0.8,
 *   signal: STRONG_SIGNAL,
 * });
 * let n = 0;
 * for (const rows of syntheticTags(plan)) n += rows.length;
 * if (n !== 30) throw new Error("exact count");
 * ```
 */
export function* syntheticTags(plan: SyntheticPlan): Generator<TagRow[]> {
  const { users, movies, tags } = plan.spec;
  if (tags === 0) return;
  const rng = new Rng(plan.tagSeed);
  const taggers = Math.min(
    users,
    Math.max(1, Math.ceil(tags / movies), Math.round(users * MODEL_CONSTANTS.taggerShare)),
  );
  const who = sampleDistinct(rng, users, Math.min(taggers, tags)).sort((a, b) => a - b);
  const perTagger = degreeSequence(rng, who.length, tags, {
    min: 1,
    max: movies,
    logSd: MODEL_CONSTANTS.tagActivityLogSd,
  });
  const cumulative = new Float64Array(movies);
  let total = 0;
  for (let i = 0; i < movies; i++) cumulative[i] = total += plan.itemWeights[i]!;
  const generic = GENERIC_TAGS.length;
  const vocabulary = TAG_VOCABULARY.length;
  for (let t = 0; t < who.length; t++) {
    const user = who[t]!;
    const count = perTagger[t]!;
    const seen = new Set<number>();
    const rows: { movie: number; tag: number; time: number }[] = [];
    for (let attempt = 0; rows.length < count; attempt++) {
      if (attempt > 40 * count + 1000) throw new Error("syntheticTags: internal error, no room");
      const movie = attempt < 20 * count
        ? upperBound(cumulative, rng.next() * total)
        : rng.int(movies);
      const g0 = plan.genrePtr[movie]!;
      const g1 = plan.genrePtr[movie + 1]!;
      const genre = plan.genreIdx[g0 + rng.int(g1 - g0)]!;
      const tag = genre < GENRE_TAGS.length && rng.next() < 0.6
        ? generic + 3 * genre + rng.int(3)
        : rng.int(generic);
      const key = movie * vocabulary + tag;
      if (seen.has(key)) continue;
      seen.add(key);
      const time = plan.userTimeBegin[user]! + rng.int(plan.userTimeSpan[user]! + 1);
      rows.push({ movie, tag, time });
    }
    rows.sort((a, b) => a.movie - b.movie || a.time - b.time || a.tag - b.tag);
    yield rows.map((r) => ({
      userId: user + 1,
      movieId: plan.movieIds[r.movie]!,
      tag: TAG_VOCABULARY[r.tag]!,
      time: r.time,
    }));
  }
}

/** The first index whose cumulative weight exceeds `x`. */
function upperBound(cumulative: Float64Array, x: number): number {
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cumulative[mid]! > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** `k` distinct integers of 0..n-1 (Floyd's algorithm; O(k) memory). */
function sampleDistinct(rng: Rng, n: number, k: number): number[] {
  const chosen = new Set<number>();
  for (let j = n - k; j < n; j++) {
    const t = rng.int(j + 1);
    chosen.add(chosen.has(t) ? j : t);
  }
  return [...chosen];
}
