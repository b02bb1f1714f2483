/**
 * The state of a feature-augmented ALS model (genre ALS) and one epoch written plainly in
 * TypeScript (f64): the contract the Zig kernel (kernels/genre_als.zig) follows, and the
 * reference its tests and notebook 05 compare against.
 *
 * ## Model
 *
 * r̂_ui = μ + b_u + b_i + x_uᵀ v_i, with each movie tied to its feature row f_i (lib/data/
 * item_features.ts) by a prior v_i ≈ Gᵀ f_i, b_i ≈ wᵀ f_i (G is F × K, w has F entries):
 *
 *   J = Σ_(u,i) (r_ui − r̂_ui)² + τ Σ_i ‖v_i − Gᵀ f_i‖² + τ_b Σ_i (b_i − wᵀ f_i)²
 *       + λ_f (Σ_u w_u ‖x_u‖² + Σ_i w_i ‖v_i‖²) + λ_b (Σ_u w_u b_u² + Σ_i w_i b_i²)
 *       + λ_G (‖G‖² + ‖w‖²)
 *
 * with the item sums over movies with training ratings (w = n with ALS-WR, else 1). A movie with
 * no training ratings is its prior exactly: v_i = Gᵀ f_i, b_i = wᵀ f_i. With τ = τ_b = 0 this
 * is plain ALS (and G = w = 0).
 *
 * ## One epoch
 *
 * 1. Users, exactly as ALS (lib/models/als_state.ts).
 * 2. Items: with z_u = [x_u; 1], r'_ui = r_ui − μ − b_u and m_i = [Gᵀ f_i; wᵀ f_i],
 *      A = Σ z_u z_uᵀ + diag(λ_f·w + τ, …, λ_f·w + τ, λ_b·w + τ_b),
 *      c = Σ r'_ui z_u + diag(τ, …, τ, τ_b) m_i,   [v_i; b_i] = A⁻¹ c.
 *    Only the diagonal and the right-hand side differ from ALS.
 * 3. G and w: ridge regressions of the new V and b on F over the rated movies R,
 *      (Σ_R f_i f_iᵀ + (λ_G/τ) I) G = Σ_R f_i v_iᵀ,   (Σ_R f_i f_iᵀ + (λ_G/τ_b) I) w = Σ_R f_i b_i
 *    (G = 0 when τ = 0, w = 0 when τ_b = 0), then every unrated movie is set to its prior.
 *
 * The "collective" variant (for comparison in notebook 05; {@linkcode collectiveReferenceEpoch})
 * shares factors instead: the features are reconstructed from the item factors, f_i ≈ B v_i
 * (B is F × K), with weight α: the item system gets + α BᵀB and + α Bᵀ f_i, B is a ridge
 * regression of F on V, and an unrated movie gets v_i = (α BᵀB + λ_f I)⁻¹ α Bᵀ f_i. The bias prior
 * is the same as above.
 *
 * @module
 */
import type { RatingMatrix } from "../data/types.ts";
import type { ItemFeatures } from "../data/item_features.ts";
import type { AlsState } from "./als_state.ts";
import { checkGenreAlsPenalties, type GenreAlsPenalties } from "../ffi/params.ts";
import { choleskyFactor, choleskySolve } from "./als_row.ts";

/** An {@linkcode AlsState} with the feature prior's parameters. */
export interface GenreAlsState extends AlsState {
  /** G, `nFeatures × k`, row-major: row g is feature g's factor vector. */
  featureFactors: Float32Array;
  /** w, one bias per feature. */
  featureBias: Float32Array;
}

/** Hyper-parameters of one genre-ALS epoch: the five penalties and the weighting. */
export interface GenreAlsParams extends GenreAlsPenalties {
  /** ALS-WR weighting of λ_f, λ_b (not of τ). */
  weighted: boolean;
}

/**
 * The prior of every item: `out.factors[i] = Gᵀ f_i`, `out.bias[i] = wᵀ f_i`.
 *
 * @example
 * ```ts
 * import { featurePrior } from "./genre_als_state.ts";
 * const f = { nItems: 1, ptr: Uint32Array.of(0, 2), index: Uint32Array.of(0, 1), values: Float32Array.of(1, 1) };
 * const p = featurePrior(f, 2, Float32Array.of(1, 2, 10, 20), Float32Array.of(0.5, -1));
 * if (p.factors.join() !== "11,22" || p.bias[0] !== -0.5) throw new Error(`${p.factors}`);
 * ```
 */
export function featurePrior(
  features: Pick<ItemFeatures, "nItems" | "ptr" | "index" | "values">,
  k: number,
  featureFactors: ArrayLike<number>,
  featureBias: ArrayLike<number>,
): { factors: Float64Array; bias: Float64Array } {
  const factors = new Float64Array(features.nItems * k);
  const bias = new Float64Array(features.nItems);
  for (let i = 0; i < features.nItems; i++) {
    for (let e = features.ptr[i]!; e < features.ptr[i + 1]!; e++) {
      const g = features.index[e]!, v = features.values[e]!;
      for (let f = 0; f < k; f++) factors[i * k + f]! += v * featureFactors[g * k + f]!;
      bias[i]! += v * featureBias[g]!;
    }
  }
  return { factors, bias };
}

function solveDense(a: Float64Array, c: Float64Array): Float64Array {
  return choleskySolve(choleskyFactor(a, c.length), c);
}

/** One side's rows solved as ALS does, with optional extra diagonal and right-hand side per row. */
function halfStep(
  ptr: Uint32Array,
  index: Uint32Array,
  ratings: Float32Array,
  other: { factors: Float32Array; bias: Float32Array },
  side: { factors: Float32Array; bias: Float32Array },
  mu: number,
  k: number,
  p: GenreAlsParams,
  extra?: (row: number, a: Float64Array, c: Float64Array) => void,
): void {
  const size = k + 1;
  const a = new Float64Array(size * size), c = new Float64Array(size), z = new Float64Array(size);
  for (let r = 0; r + 1 < ptr.length; r++) {
    const begin = ptr[r]!, end = ptr[r + 1]!;
    if (begin === end) continue;
    a.fill(0);
    c.fill(0);
    z[k] = 1;
    for (let e = begin; e < end; e++) {
      const j = index[e]!;
      for (let f = 0; f < k; f++) z[f] = other.factors[j * k + f]!;
      const res = ratings[e]! - mu - other.bias[j]!;
      for (let s = 0; s < size; s++) {
        for (let t = 0; t < size; t++) a[s * size + t]! += z[s]! * z[t]!;
        c[s]! += res * z[s]!;
      }
    }
    const w = p.weighted ? end - begin : 1;
    for (let f = 0; f < k; f++) a[f * size + f]! += p.lambda * w;
    a[k * size + k]! += p.lambdaBias * w;
    extra?.(r, a, c);
    const x = solveDense(a, c);
    for (let f = 0; f < k; f++) side.factors[r * k + f] = x[f]!;
    side.bias[r] = x[k]!;
  }
}

/** Ridge regression of the rated items' targets (`width` columns) on their features. */
function ridgeOnFeatures(
  features: ItemFeatures,
  rated: (i: number) => boolean,
  target: (i: number, col: number) => number,
  width: number,
  ridge: number,
): Float64Array {
  const nF = features.nFeatures;
  const ftf = new Float64Array(nF * nF), rhs = new Float64Array(nF * width);
  for (let i = 0; i < features.nItems; i++) {
    if (!rated(i)) continue;
    for (let e = features.ptr[i]!; e < features.ptr[i + 1]!; e++) {
      const g = features.index[e]!, v = features.values[e]!;
      for (let e2 = features.ptr[i]!; e2 < features.ptr[i + 1]!; e2++) {
        ftf[g * nF + features.index[e2]!]! += v * features.values[e2]!;
      }
      for (let col = 0; col < width; col++) rhs[g * width + col]! += v * target(i, col);
    }
  }
  for (let g = 0; g < nF; g++) ftf[g * nF + g]! += ridge;
  const l = choleskyFactor(ftf, nF);
  const out = new Float64Array(nF * width);
  const column = new Float64Array(nF);
  for (let col = 0; col < width; col++) {
    for (let g = 0; g < nF; g++) column[g] = rhs[g * width + col]!;
    const x = choleskySolve(l, column);
    for (let g = 0; g < nF; g++) out[g * width + col] = x[g]!;
  }
  return out;
}

function checkInputs(
  fn: string,
  train: RatingMatrix,
  s: GenreAlsState,
  f: ItemFeatures,
  params: GenreAlsParams,
): void {
  checkGenreAlsPenalties(fn, params);
  if (f.nItems !== train.nItems) {
    throw new RangeError(`${fn}: ${f.nItems} feature rows for ${train.nItems} items`);
  }
  if (s.featureFactors.length !== f.nFeatures * s.k || s.featureBias.length !== f.nFeatures) {
    throw new RangeError(`${fn}: G/w sized for another feature count than ${f.nFeatures}`);
  }
}

/**
 * One genre-ALS epoch in f64 (users, items with the prior, then G and w, then unrated items set to
 * their prior), on `state` in place (stored as f32).
 *
 * @example
 * ```ts
 * import { genreAlsReferenceEpoch } from "./genre_als_state.ts";
 * import { fromTriplets } from "../data/coo.ts";
 * // Item 2 has no ratings: after the epoch it is exactly its prior wᵀ f_2 (= w_0 + w_1).
 * const train = fromTriplets(2, 3, [0, 0, 1], [0, 1, 0], [5, 2, 4], [0, 0, 0]);
 * const f = { spec: { groups: [], names: ["a", "b"] }, nItems: 3, nFeatures: 2,
 *   ptr: Uint32Array.of(0, 1, 2, 4), index: Uint32Array.of(0, 1, 0, 1), values: new Float32Array(4).fill(1) };
 * const state = { k: 1, mu: 11 / 3, userFactors: Float32Array.of(0.1, -0.1),
 *   itemFactors: Float32Array.of(0.2, 0.1, 0), userBias: new Float32Array(2), itemBias: new Float32Array(3),
 *   featureFactors: new Float32Array(2), featureBias: new Float32Array(2) };
 * genreAlsReferenceEpoch(train, state, f, { lambda: 0.1, lambdaBias: 0.1, tau: 1, tauBias: 1,
 *   lambdaFeatures: 0.1, weighted: false });
 * if (Math.abs(state.itemBias[2]! - (state.featureBias[0]! + state.featureBias[1]!)) > 1e-6) throw new Error("prior");
 * ```
 */
export function genreAlsReferenceEpoch(
  train: RatingMatrix,
  state: GenreAlsState,
  features: ItemFeatures,
  params: GenreAlsParams,
): void {
  checkInputs("genreAlsReferenceEpoch", train, state, features, params);
  const { k } = state;
  const size = k + 1;
  const prior = featurePrior(features, k, state.featureFactors, state.featureBias);
  const { tau, tauBias } = params;
  alternate(train, state, params, (i, a, c) => {
    for (let f = 0; f < k; f++) {
      a[f * size + f]! += tau;
      c[f]! += tau * prior.factors[i * k + f]!;
    }
    a[k * size + k]! += tauBias;
    c[k]! += tauBias * prior.bias[i]!;
  });
  fitFeaturePrior(train, state, features, params);
}

/**
 * The two half-steps of an epoch: every user given the items, then every item given the new
 * users with `pull` (the prior's terms) added to its system. G and w are not touched.
 */
function alternate(
  train: RatingMatrix,
  state: GenreAlsState,
  params: GenreAlsParams,
  pull: (item: number, a: Float64Array, c: Float64Array) => void,
): void {
  const { k, mu } = state;
  const user = { factors: state.userFactors, bias: state.userBias };
  const item = { factors: state.itemFactors, bias: state.itemBias };
  halfStep(train.userPtr, train.userItems, train.userRatings, item, user, mu, k, params);
  halfStep(train.itemPtr, train.itemUsers, train.itemRatings, user, item, mu, k, params, pull);
}

/**
 * Step 3 of the epoch: G and w by ridge regression of the rated items' v_i and b_i on f_i, then
 * every unrated item set to its prior.
 *
 * @example
 * ```ts
 * import { fitFeaturePrior } from "./genre_als_state.ts";
 * import { fromTriplets } from "../data/coo.ts";
 * const train = fromTriplets(1, 2, [0], [0], [4], [0]);
 * const f = { spec: { groups: [], names: ["(intercept)"] }, nItems: 2, nFeatures: 1,
 *   ptr: Uint32Array.of(0, 1, 2), index: Uint32Array.of(0, 0), values: Float32Array.of(1, 1) };
 * const state = { k: 1, mu: 4, userFactors: new Float32Array(1), itemFactors: Float32Array.of(2, 9),
 *   userBias: new Float32Array(1), itemBias: Float32Array.of(1, 9), featureFactors: new Float32Array(1),
 *   featureBias: new Float32Array(1) };
 * fitFeaturePrior(train, state, f, { lambda: 1, lambdaBias: 1, tau: 1, tauBias: 1, lambdaFeatures: 1, weighted: false });
 * // G = 2 / (1 + 1) = 1: item 1 (unrated) becomes its prior.
 * if (state.featureFactors[0] !== 1 || state.itemFactors[1] !== 1) throw new Error(`${state.itemFactors}`);
 * ```
 */
export function fitFeaturePrior(
  train: RatingMatrix,
  state: GenreAlsState,
  features: ItemFeatures,
  params: GenreAlsParams,
): void {
  const { k } = state;
  const rated = (i: number) => train.itemPtr[i + 1]! > train.itemPtr[i]!;
  const { tau, tauBias, lambdaFeatures } = params;
  if (tau > 0) {
    const g = ridgeOnFeatures(
      features,
      rated,
      (i, f) => state.itemFactors[i * k + f]!,
      k,
      lambdaFeatures / tau,
    );
    state.featureFactors.set(g);
  } else state.featureFactors.fill(0);
  if (tauBias > 0) {
    const w = ridgeOnFeatures(
      features,
      rated,
      (i) => state.itemBias[i]!,
      1,
      lambdaFeatures / tauBias,
    );
    state.featureBias.set(w);
  } else state.featureBias.fill(0);
  const prior = featurePrior(features, k, state.featureFactors, state.featureBias);
  for (let i = 0; i < train.nItems; i++) {
    if (rated(i)) continue;
    for (let f = 0; f < k; f++) state.itemFactors[i * k + f] = prior.factors[i * k + f]!;
    state.itemBias[i] = prior.bias[i]!;
  }
}

/**
 * One epoch of the collective variant (see the module doc): items share their factors with a
 * reconstruction of their features, f_i ≈ B v_i with weight `alpha`; the bias prior is as in
 * genre ALS. `state.featureFactors` holds B (F × K), `state.featureBias` holds w. Unrated items
 * get v_i = (α BᵀB + λ_f I)⁻¹ α Bᵀ f_i, b_i = wᵀ f_i.
 *
 * @example
 * ```ts
 * import { collectiveReferenceEpoch } from "./genre_als_state.ts";
 * import { fromTriplets } from "../data/coo.ts";
 * const train = fromTriplets(2, 2, [0, 0, 1], [0, 1, 0], [5, 2, 4], [0, 0, 0]);
 * const f = { spec: { groups: [], names: ["a"] }, nItems: 2, nFeatures: 1,
 *   ptr: Uint32Array.of(0, 1, 2), index: Uint32Array.of(0, 0), values: Float32Array.of(1, 1) };
 * const state = { k: 1, mu: 11 / 3, userFactors: Float32Array.of(0.1, -0.1), itemFactors: Float32Array.of(0.2, 0.1),
 *   userBias: new Float32Array(2), itemBias: new Float32Array(2), featureFactors: Float32Array.of(0.3),
 *   featureBias: new Float32Array(1) };
 * collectiveReferenceEpoch(train, state, f, { lambda: 0.1, lambdaBias: 0.1, tau: 1, tauBias: 1,
 *   lambdaFeatures: 0.1, weighted: false }, 1);
 * if (!state.itemFactors.every(Number.isFinite)) throw new Error("finite");
 * ```
 */
export function collectiveReferenceEpoch(
  train: RatingMatrix,
  state: GenreAlsState,
  features: ItemFeatures,
  params: GenreAlsParams,
  alpha: number,
): void {
  checkInputs("collectiveReferenceEpoch", train, state, features, params);
  const { k } = state;
  const size = k + 1;
  const b = state.featureFactors;
  const btb = featureGram(b, features.nFeatures, k, 1);
  const priorBias = featurePrior(features, k, new Float32Array(b.length), state.featureBias).bias;
  const scratch = new Float64Array(k);
  alternate(train, state, params, (i, a, c) => {
    for (let s = 0; s < k; s++) {
      for (let t = 0; t < k; t++) {
        a[s * size + t]! += alpha * btb[s * k + t]!;
      }
    }
    featureProjection(features, b, k, i, scratch);
    for (let f = 0; f < k; f++) c[f]! += alpha * scratch[f]!;
    a[k * size + k]! += params.tauBias;
    c[k]! += params.tauBias * priorBias[i]!;
  });
  const rated = (i: number) => train.itemPtr[i + 1]! > train.itemPtr[i]!;
  refitCollectivePrior(state, features, rated, params, alpha);
  // Unrated items from their features alone: v_i = (α BᵀB + λ_f I)⁻¹ α Bᵀ f_i, b_i = wᵀ f_i.
  const gram = featureGram(b, features.nFeatures, k, alpha);
  for (let s = 0; s < k; s++) gram[s * k + s]! += params.lambda;
  const lc = choleskyFactor(gram, k);
  const prior = featurePrior(features, k, new Float32Array(b.length), state.featureBias);
  for (let i = 0; i < train.nItems; i++) {
    if (rated(i)) continue;
    featureProjection(features, b, k, i, scratch);
    for (let f = 0; f < k; f++) scratch[f]! *= alpha;
    const v = choleskySolve(lc, scratch);
    for (let f = 0; f < k; f++) state.itemFactors[i * k + f] = v[f]!;
    state.itemBias[i] = prior.bias[i]!;
  }
}

/** Σ_g scale·b_g b_gᵀ over the rows of B (`nF × k`, row-major): k × k, row-major. */
function featureGram(b: Float32Array, nF: number, k: number, scale: number): Float64Array {
  const gram = new Float64Array(k * k);
  for (let g = 0; g < nF; g++) {
    for (let s = 0; s < k; s++) {
      for (let t = 0; t < k; t++) gram[s * k + t]! += scale * b[g * k + s]! * b[g * k + t]!;
    }
  }
  return gram;
}

/** `out` = Bᵀ f_i, item i's features mapped into factor space by B (`nF × k`). */
function featureProjection(
  features: ItemFeatures,
  b: Float32Array,
  k: number,
  i: number,
  out: Float64Array,
): void {
  out.fill(0);
  for (let e = features.ptr[i]!; e < features.ptr[i + 1]!; e++) {
    const g = features.index[e]!, v = features.values[e]!;
    for (let f = 0; f < k; f++) out[f]! += v * b[g * k + f]!;
  }
}

/**
 * The collective prior refitted on the rated items: B, each feature column regressed on their
 * factors, (α VᵀV + λ_G I) β_g = α Vᵀ F_g; w by ridge regression of their biases (0 when τ_b = 0).
 */
function refitCollectivePrior(
  state: GenreAlsState,
  features: ItemFeatures,
  rated: (i: number) => boolean,
  params: GenreAlsParams,
  alpha: number,
): void {
  const { k } = state;
  const nF = features.nFeatures;
  const vtv = new Float64Array(k * k), vtf = new Float64Array(k * nF);
  for (let i = 0; i < features.nItems; i++) {
    if (!rated(i)) continue;
    for (let s = 0; s < k; s++) {
      const vs = state.itemFactors[i * k + s]!;
      for (let t = 0; t < k; t++) vtv[s * k + t]! += alpha * vs * state.itemFactors[i * k + t]!;
      for (let e = features.ptr[i]!; e < features.ptr[i + 1]!; e++) {
        vtf[s * nF + features.index[e]!]! += alpha * vs * features.values[e]!;
      }
    }
  }
  for (let s = 0; s < k; s++) vtv[s * k + s]! += params.lambdaFeatures;
  const l = choleskyFactor(vtv, k);
  const column = new Float64Array(k);
  for (let g = 0; g < nF; g++) {
    for (let s = 0; s < k; s++) column[s] = vtf[s * nF + g]!;
    const beta = choleskySolve(l, column);
    for (let s = 0; s < k; s++) state.featureFactors[g * k + s] = beta[s]!;
  }
  if (params.tauBias > 0) {
    const w = ridgeOnFeatures(
      features,
      rated,
      (i) => state.itemBias[i]!,
      1,
      params.lambdaFeatures / params.tauBias,
    );
    state.featureBias.set(w);
  } else state.featureBias.fill(0);
}
