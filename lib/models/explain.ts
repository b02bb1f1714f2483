/**
 * Why a folded-in person gets the score they get for one movie, in parts that add up exactly.
 *
 * The person's row is [x; b] = W c with W = A⁻¹ and c = Σ_j r'_j z_j (lib/models/fold_in.ts), so
 * for a movie i with z_i = [y_i; 1]
 *
 *   r̂ = μ + b_i + z_iᵀ [x; b] = μ + b_i + Σ_j r'_j · z_iᵀ W z_j
 *
 * and the factor term and the person's bias split the same way, by rated movie j:
 *
 *   x·y_i = Σ_j r'_j · [y_i; 0]ᵀ W z_j,        b = Σ_j r'_j · e_Kᵀ W z_j.
 *
 * This is the item-based decomposition of the row solve that implicit's `explain` uses (there
 * with r_j in place of the residual r'_j = r_j − μ − b_j, because its model has no biases). W is
 * never formed: two solves with A's Cholesky factor give g = W [y_i; 0] and h = W e_K, and each
 * contribution is r'_j (g·z_j) or r'_j (h·z_j). The parts are summed in f64; the tests assert
 * that they reproduce the prediction μ + b + b_i + x·y_i to float precision.
 *
 * With a genre-ALS model (lib/models/genre_als.ts: y_i ≈ Gᵀ f_i) the factor term also splits by
 * the movie's features: x·y_i = Σ_g f_ig · x·G_g + x·(y_i − Gᵀ f_i), the person's affinity with
 * each of the movie's genres (and decade, tags) plus what the movie's own factors add beyond its
 * features. x here is W c, the exact solution the contributions decompose, so the affinities and
 * the offset add up to the same factor term. The sentence then names a genre that dominates
 * ("strong Sci-Fi affinity").
 *
 * @module
 */
import type { AlsState } from "./als_state.ts";
import { choleskySolve } from "./als_row.ts";
import type { Person } from "./fold_in.ts";

/** One rated movie's share of a prediction. */
export interface Contribution {
  /** The rated dense item j. */
  item: number;
  /** The person's rating r_j. */
  rating: number;
  /** r'_j = r_j − μ − b_j: above zero when the person liked it more than most viewers. */
  residual: number;
  /** Its share of the factor term, r'_j · [y_i; 0]ᵀ W z_j. */
  factor: number;
  /** Its share of the person's bias, r'_j · e_Kᵀ W z_j. */
  bias: number;
  /** factor + bias. */
  total: number;
}

/** A prediction split into parts that sum to it. */
export interface Explanation {
  /** The explained dense item i. */
  item: number;
  /** μ + b + b_i + factor term (unclamped). */
  prediction: number;
  /** μ. */
  mu: number;
  /** The person's bias b (= Σ contributions' `bias`). */
  userBias: number;
  /** The movie's bias b_i. */
  itemBias: number;
  /** x·y_i (= Σ contributions' `factor`). */
  factorTerm: number;
  /** One per rated movie, in the order the person rated them. */
  contributions: Contribution[];
  /**
   * With a genre-ALS prior: f_ig · x·G_g per feature of the movie, in the order of its feature
   * row (names as in the model's feature spec, e.g. "genre:Sci-Fi").
   */
  affinity?: { feature: string; value: number }[];
  /** With a genre-ALS prior: x·(y_i − Gᵀ f_i); Σ `affinity` + this = `factorTerm`. */
  factorOffset?: number;
}

/** A genre-ALS model's feature prior y_i ≈ Gᵀ f_i (a `GenreAls` satisfies it). */
export interface FeaturePrior {
  /** G, `nFeatures × k`, row-major. */
  readonly featureFactors: Float32Array;
  /** The feature rows f_i of the model's items (CSR) and their names. */
  readonly features: {
    readonly spec: { readonly names: readonly string[] };
    readonly ptr: Uint32Array;
    readonly index: Uint32Array;
    readonly values: Float32Array;
  };
}

/** Options of {@linkcode explain}. */
export interface ExplainOptions {
  /** A genre-ALS model's prior: adds `affinity` and `factorOffset` to the explanation. */
  prior?: FeaturePrior;
}

/**
 * Splits the person's predicted rating of `item` into μ, b, b_i and the factor term, and b and the
 * factor term into the contributions of the movies the person rated (see the module notes).
 *
 * @param state The model's parameters (the one `person` was folded into).
 * @param person From `foldIn`.
 * @param item The dense item to explain.
 * @param options `prior`: a genre-ALS model, for the per-feature affinities.
 * @returns The parts; `mu + itemBias + Σ contributions[j].total` equals `prediction`.
 *
 * @example
 * ```ts
 * import { explain } from "./explain.ts";
 * import { foldIn } from "./fold_in.ts";
 * const state = {
 *   k: 2, mu: 3, userFactors: new Float32Array(0),
 *   itemFactors: Float32Array.of(1, 0, 0, 1, 0.7, 0.7), itemBias: Float32Array.of(0.2, -0.1, 0),
 *   userBias: new Float32Array(0),
 * };
 * const person = foldIn({ state, hyper: { lambda: 0.5, weighted: false } }, [0, 1], [5, 2]);
 * const e = explain(state, person, 2);
 * const sum = e.mu + e.itemBias + e.contributions.reduce((s, c) => s + c.total, 0);
 * if (Math.abs(sum - e.prediction) > 1e-12) throw new Error("the parts add up");
 * if (!(e.contributions[0]!.total > e.contributions[1]!.total)) throw new Error("5★ helps more");
 * ```
 */
export function explain(
  state: AlsState,
  person: Person,
  item: number,
  options: ExplainOptions = {},
): Explanation {
  const { k, mu, itemFactors, itemBias } = state;
  const nItems = itemBias.length;
  if (!Number.isInteger(item) || item < 0 || item >= nItems) {
    throw new RangeError(`explain: item ${item} is not a dense index in 0..${nItems - 1}`);
  }
  if (person.k !== k) throw new RangeError(`explain: the person has k = ${person.k}, model ${k}`);
  const bi = itemBias[item]!;
  const n = person.items.length;
  const contributions: Contribution[] = [];
  let factorTerm = 0, userBias = 0;
  if (n > 0) {
    const size = k + 1;
    const yi = new Float64Array(size);
    for (let f = 0; f < k; f++) yi[f] = itemFactors[item * k + f]!;
    const g = choleskySolve(person.cholesky, yi);
    const e = new Float64Array(size);
    e[k] = 1;
    const h = choleskySolve(person.cholesky, e);
    for (let j = 0; j < n; j++) {
      const other = person.items[j]!;
      const r = person.residuals[j]!;
      let gz = g[k]!, hz = h[k]!;
      for (let f = 0; f < k; f++) {
        const y = itemFactors[other * k + f]!;
        gz += g[f]! * y;
        hz += h[f]! * y;
      }
      const factor = r * gz, bias = r * hz;
      factorTerm += factor;
      userBias += bias;
      contributions.push({
        item: other,
        rating: person.ratings[j]!,
        residual: r,
        factor,
        bias,
        total: factor + bias,
      });
    }
  }
  const explanation: Explanation = {
    item,
    prediction: mu + userBias + bi + factorTerm,
    mu,
    userBias,
    itemBias: bi,
    factorTerm,
    contributions,
  };
  if (options.prior) Object.assign(explanation, featureSplit(state, person, item, options.prior));
  return explanation;
}

/** The exact x = W c the contributions decompose (zero without ratings). */
function exactFactors(state: AlsState, person: Person): Float64Array {
  const { k, itemFactors } = state;
  const n = person.items.length;
  if (n === 0) return new Float64Array(k);
  const c = new Float64Array(k + 1);
  for (let j = 0; j < n; j++) {
    const r = person.residuals[j]!, o = person.items[j]! * k;
    for (let f = 0; f < k; f++) c[f]! += r * itemFactors[o + f]!;
    c[k]! += r;
  }
  return choleskySolve(person.cholesky, c).subarray(0, k);
}

function checkPrior(fn: string, state: AlsState, prior: FeaturePrior): void {
  const { features, featureFactors } = prior;
  const nItems = state.itemBias.length, nFeatures = features.spec.names.length;
  if (features.ptr.length !== nItems + 1) {
    throw new RangeError(
      `${fn}: the prior has ${features.ptr.length - 1} feature rows, ${nItems} items`,
    );
  }
  if (featureFactors.length !== nFeatures * state.k) {
    throw new RangeError(
      `${fn}: featureFactors has ${featureFactors.length} entries, expected ${nFeatures}×${state.k}`,
    );
  }
}

function featureSplit(
  state: AlsState,
  person: Person,
  item: number,
  prior: FeaturePrior,
): { affinity: { feature: string; value: number }[]; factorOffset: number } {
  checkPrior("explain", state, prior);
  const { k, itemFactors } = state;
  const { features, featureFactors } = prior;
  const x = exactFactors(state, person);
  const affinity: { feature: string; value: number }[] = [];
  const offset = new Float64Array(k);
  for (let f = 0; f < k; f++) offset[f] = itemFactors[item * k + f]!;
  for (let e = features.ptr[item]!; e < features.ptr[item + 1]!; e++) {
    const g = features.index[e]!, v = features.values[e]!;
    let value = 0;
    for (let f = 0; f < k; f++) {
      const gf = v * featureFactors[g * k + f]!;
      value += x[f]! * gf;
      offset[f]! -= gf;
    }
    affinity.push({ feature: features.spec.names[g]!, value });
  }
  let factorOffset = 0;
  for (let f = 0; f < k; f++) factorOffset += x[f]! * offset[f]!;
  return { affinity, factorOffset };
}

/**
 * The person's affinity x·G_g with every genre of a genre-ALS model (features named "genre:…"),
 * highest first: how much one unit of the genre moves their predicted rating.
 *
 * @param prior The genre-ALS model.
 * @param factors The person's x (from `foldIn`, `recommendPerson` or a trained row).
 * @returns `{ genre, value }` per genre feature, highest first.
 *
 * @example
 * ```ts
 * import { genreAffinities } from "./explain.ts";
 * const prior = {
 *   featureFactors: Float32Array.of(0, 0, 1, 0, 0, 1),
 *   features: { spec: { names: ["(intercept)", "genre:Sci-Fi", "genre:Drama"] },
 *     ptr: Uint32Array.of(0), index: new Uint32Array(0), values: new Float32Array(0) },
 * };
 * const a = genreAffinities(prior, Float64Array.of(0.8, -0.2));
 * if (a[0]!.genre !== "Sci-Fi" || a[1]!.value !== -0.2) throw new Error(JSON.stringify(a));
 * ```
 */
export function genreAffinities(
  prior: FeaturePrior,
  factors: ArrayLike<number>,
): { genre: string; value: number }[] {
  const k = factors.length;
  const names = prior.features.spec.names;
  if (prior.featureFactors.length !== names.length * k) {
    throw new RangeError(
      `genreAffinities: featureFactors has ${prior.featureFactors.length} entries, ` +
        `expected ${names.length}×${k}`,
    );
  }
  const out: { genre: string; value: number }[] = [];
  names.forEach((name, g) => {
    if (!name.startsWith("genre:")) return;
    let value = 0;
    for (let f = 0; f < k; f++) value += factors[f]! * prior.featureFactors[g * k + f]!;
    out.push({ genre: name.slice("genre:".length), value });
  });
  return out.sort((a, b) => b.value - a.value || a.genre.localeCompare(b.genre));
}

/**
 * "strong Sci-Fi affinity" when one of the explained movie's genres dominates its affinity
 * shares (at least +0.1★ and at least twice the next genre's), else undefined.
 *
 * @example
 * ```ts
 * import { affinityClause } from "./explain.ts";
 * const e = { affinity: [
 *   { feature: "(intercept)", value: 0.3 }, { feature: "genre:Sci-Fi", value: 0.4 },
 *   { feature: "genre:Action", value: 0.1 },
 * ] };
 * if (affinityClause(e) !== "strong Sci-Fi affinity") throw new Error(affinityClause(e));
 * e.affinity[2]!.value = 0.3;
 * if (affinityClause(e) !== undefined) throw new Error("two genres: none dominates");
 * ```
 */
export function affinityClause(e: Pick<Explanation, "affinity">): string | undefined {
  const genres = (e.affinity ?? []).filter((a) => a.feature.startsWith("genre:"))
    .sort((a, b) => b.value - a.value);
  const [first, second] = genres;
  if (!first || first.value < 0.1) return undefined;
  if (second && second.value > 0 && first.value < 2 * second.value) return undefined;
  return `strong ${first.feature.slice("genre:".length)} affinity`;
}

/** Options of {@linkcode explanationSentence}. */
export interface SentenceOptions {
  /** How many rated movies to name at most. Default 2. */
  maxMovies?: number;
  /** Extra clauses appended after a semicolon (e.g. a genre affinity). */
  extra?: string[];
}

function stars(r: number): string {
  return `${Number.isInteger(r) ? r.toFixed(0) : r.toFixed(1)}★`;
}

/**
 * A short reason for a recommendation: the rated movies whose taste share (`factor`, the part
 * that differs from movie to movie) pushed the score up most, the movie's own bias when it
 * matters, and with a genre-ALS explanation a dominant genre ({@linkcode affinityClause})
 * ("because you rated Blade Runner 5★ and The Matrix 4.5★; liked by most viewers (+0.4★);
 * strong Sci-Fi affinity").
 *
 * @param e From {@linkcode explain}.
 * @param label The title of a dense item.
 * @param options How many movies to name; extra clauses.
 * @returns One sentence without a final full stop.
 *
 * @example
 * ```ts
 * import { explanationSentence } from "./explain.ts";
 * const e = {
 *   item: 9, prediction: 4.6, mu: 3.5, userBias: 0.2, itemBias: 0.5, factorTerm: 0.4,
 *   contributions: [
 *     { item: 1, rating: 5, residual: 1, factor: 0.3, bias: 0.1, total: 0.4 },
 *     { item: 2, rating: 4.5, residual: 0.6, factor: 0.1, bias: 0.1, total: 0.2 },
 *     { item: 3, rating: 1, residual: -2, factor: 0.05, bias: -0.1, total: -0.05 },
 *   ],
 * };
 * const names = ["", "Blade Runner", "The Matrix", "Cats"];
 * const s = explanationSentence(e, (i) => names[i]!, { maxMovies: 3 });
 * const expected = "because you rated Blade Runner 5★ and The Matrix 4.5★; unlike Cats, which " +
 *   "you rated 1★; liked by most viewers (+0.5★)";
 * if (s !== expected) {
 *   throw new Error(s);
 * }
 * ```
 */
export function explanationSentence(
  e: Explanation,
  label: (item: number) => string,
  options: SentenceOptions = {},
): string {
  const { maxMovies = 2, extra = [] } = options;
  // The taste share (factor) is what differs between movies; the bias share lifts every movie alike.
  const up = e.contributions.filter((c) => c.factor > 0.005)
    .sort((a, b) => b.factor - a.factor || a.item - b.item)
    .slice(0, maxMovies);
  const clauses: string[] = [];
  const list = (names: string[]) =>
    names.length === 1 ? names[0]! : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
  // A movie rated above its usual rating lifts similar movies; one rated below lifts dissimilar ones.
  const liked = up.filter((c) => c.residual >= 0);
  const disliked = up.filter((c) => c.residual < 0);
  if (liked.length > 0) {
    clauses.push(
      `because you rated ${list(liked.map((c) => `${label(c.item)} ${stars(c.rating)}`))}`,
    );
  }
  if (disliked.length > 0) {
    clauses.push(
      `unlike ${list(disliked.map((c) => label(c.item)))}, which you rated ` +
        list(disliked.map((c) => stars(c.rating))),
    );
  }
  if (e.itemBias >= 0.1) clauses.push(`liked by most viewers (+${e.itemBias.toFixed(1)}★)`);
  else if (e.itemBias <= -0.1) {
    clauses.push(`rated low by most viewers (${e.itemBias.toFixed(1)}★)`);
  }
  const affinity = affinityClause(e);
  if (affinity) clauses.push(affinity);
  clauses.push(...extra);
  if (clauses.length === 0) return "close to the average rating";
  return clauses.join("; ");
}
