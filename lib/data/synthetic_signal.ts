/**
 * How much the side features of a synthetic dataset (lib/data/synthetic.ts) say about its planted
 * model: the best a feature model could do on movies nobody has rated, measured against the truth.
 *
 * For each movie, the planted item bias b_i and factors y_i are regressed on the movie's feature
 * row f_i (lib/data/item_features.ts) by least squares, each movie weighted by its number of
 * ratings (so the fit minimises the error per rating). Every rating is then predicted with the
 * **planted** user side (μ, b_u, x_u, known exactly) and the item side replaced by its regression:
 *
 * | level                | prediction for (u, i), clamped to 0.5–5           |
 * | -------------------- | ------------------------------------------------- |
 * | `user`               | μ + b_u + c (c: the rating-weighted mean of b_i)   |
 * | `featureBias`        | μ + b_u + ŵᵀf_i                                   |
 * | `features`           | μ + b_u + ŵᵀf_i + x_u·Ĝᵀf_i                       |
 * | `oracle`             | μ + b_u + b_i + x_u·y_i (the planted model)        |
 *
 * The root-mean-square errors against the written ratings (which carry the noise σ and the
 * half-star rounding) bound from below what any model could reach on cold movies with these
 * features: `user` is what μ + b_u can reach, `featureBias` what the genre-offset baseline can
 * reach, `features` what genre ALS can reach, `oracle` is the noise floor (the unrounded oracle
 * RMSE of synthetic.json, here on the given ratings). The R² of b_i and of y_i (share of their
 * rating-weighted variance the features explain) say the same in the planted model's own terms.
 *
 * @module
 */
import { buildItemFeatures } from "./item_features.ts";
import type { FeatureGroup } from "./item_features.ts";
import type { SyntheticPlan } from "./_synthetic_plan.ts";
import type { Movies, RatingMatrix } from "./types.ts";

/** What {@linkcode plantedFeatureSignal} measures (RMSEs in stars, over every given rating). */
export interface FeatureSignal {
  /** The feature groups regressed on (the intercept is always in). */
  groups: FeatureGroup[];
  /** Number of features (columns of f_i). */
  nFeatures: number;
  /** RMSE of the rating mean. */
  globalMeanRmse: number;
  /** RMSE of μ + b_u + c (the planted user bias, no item information). */
  userRmse: number;
  /** RMSE of μ + b_u + ŵᵀf_i (the item bias from the features, no factors). */
  featureBiasRmse: number;
  /** RMSE of μ + b_u + ŵᵀf_i + x_u·Ĝᵀf_i (the item side from the features). */
  featuresRmse: number;
  /** RMSE of the planted model itself (the noise floor). */
  oracleRmse: number;
  /** Share of the rating-weighted variance of b_i explained by the features. */
  biasR2: number;
  /** Share of the rating-weighted variance of y_i (summed over the k columns) explained. */
  factorR2: number;
}

/** Solves the symmetric positive definite system `a` (n × n, row-major) for `cols` right sides. */
function solveSpd(a: Float64Array, b: Float64Array, n: number, cols: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j]!;
    for (let p = 0; p < j; p++) d -= l[j * n + p]! ** 2;
    if (!(d > 0)) throw new Error(`plantedFeatureSignal: singular feature system (pivot ${j})`);
    l[j * n + j] = Math.sqrt(d);
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j]!;
      for (let p = 0; p < j; p++) s -= l[i * n + p]! * l[j * n + p]!;
      l[i * n + j] = s / l[j * n + j]!;
    }
  }
  const x = new Float64Array(n * cols);
  const g = new Float64Array(n);
  for (let c = 0; c < cols; c++) {
    for (let i = 0; i < n; i++) {
      let s = b[i * cols + c]!;
      for (let p = 0; p < i; p++) s -= l[i * n + p]! * g[p]!;
      g[i] = s / l[i * n + i]!;
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = g[i]!;
      for (let p = i + 1; p < n; p++) s -= l[p * n + i]! * x[p * cols + c]!;
      x[i * cols + c] = s / l[i * n + i]!;
    }
  }
  return x;
}

/**
 * The feature signal of a synthetic dataset (see the module doc): the ratings `ratings` (dense
 * users `userIds`, dense items `itemIds`, as loaded from the generated folder), the catalogue
 * `movies`, and the plan the folder was generated from (`planSynthetic` with the same options).
 * `groups` are the feature groups (default genres and decade; tags are drawn from each movie's own
 * genres, so they add nothing a cold movie could use).
 *
 * @example
 * ```ts
 * import { plantedFeatureSignal } from "./synthetic_signal.ts";
 * import { generateSynthetic, planSynthetic } from "./synthetic.ts";
 * import { loadMovieLens } from "./load.ts";
 * const root = await Deno.makeTempDir();
 * const options = { users: 400, movies: 300, ratings: 30_000, seed: 3, quiet: true };
 * await generateSynthetic(`${root}/s`, options);
 * const ds = await loadMovieLens(`${root}/s`, { cache: false });
 * const s = plantedFeatureSignal(planSynthetic(options), ds, { groups: ["genres", "decade"] });
 * await Deno.remove(root, { recursive: true });
 * // The features know something about the movies, and less than the planted model.
 * if (!(s.oracleRmse < s.featuresRmse && s.featuresRmse < s.userRmse)) throw new Error("order");
 * ```
 */
export function plantedFeatureSignal(
  plan: SyntheticPlan,
  data: {
    ratings: RatingMatrix;
    userIds: ArrayLike<number>;
    itemIds: Uint32Array;
    movies: Movies;
  },
  options: { groups?: readonly FeatureGroup[] } = {},
): FeatureSignal {
  const groups = [...(options.groups ?? ["genres", "decade"])];
  if (groups.includes("tags")) {
    throw new RangeError(
      'plantedFeatureSignal: the "tags" group is not measured (a cold movie has no tags)',
    );
  }
  const { ratings: m, userIds, itemIds, movies } = data;
  const k = plan.spec.k;
  const rowOf = new Map<number, number>();
  plan.movieIds.forEach((id, row) => rowOf.set(id, row));
  const planRow = Int32Array.from(itemIds, (id) => rowOf.get(id) ?? -1);
  const missing = planRow.indexOf(-1);
  if (missing >= 0) {
    throw new RangeError(
      `plantedFeatureSignal: movieId ${
        itemIds[missing]
      } is not in the plan (another seed or size?)`,
    );
  }
  for (let u = 0; u < m.nUsers; u++) {
    const id = userIds[u]!;
    if (!(Number.isInteger(id) && id >= 1 && id <= plan.spec.users)) {
      throw new RangeError(`plantedFeatureSignal: userId ${id} is not in the plan`);
    }
  }
  const f = buildItemFeatures(itemIds, movies, { groups });
  const nf = f.nFeatures;
  const cols = 1 + k; // b_i, then y_i
  // Weighted normal equations: Σ n_i f_i f_iᵀ β = Σ n_i f_i [b_i, y_i].
  const a = new Float64Array(nf * nf);
  const rhs = new Float64Array(nf * cols);
  const target = new Float64Array(cols);
  const mean = new Float64Array(cols);
  const square = new Float64Array(cols);
  for (let i = 0; i < m.nItems; i++) {
    const n = m.itemPtr[i + 1]! - m.itemPtr[i]!;
    if (n === 0) continue;
    const row = planRow[i]!;
    target[0] = plan.itemBias[row]!;
    for (let j = 0; j < k; j++) target[1 + j] = plan.itemFactors[row * k + j]!;
    for (let c = 0; c < cols; c++) {
      mean[c]! += n * target[c]!;
      square[c]! += n * target[c]! ** 2;
    }
    for (let p = f.ptr[i]!; p < f.ptr[i + 1]!; p++) {
      const fp = f.index[p]!;
      const vp = f.values[p]!;
      for (let q = f.ptr[i]!; q < f.ptr[i + 1]!; q++) {
        a[fp * nf + f.index[q]!]! += n * vp * f.values[q]!;
      }
      for (let c = 0; c < cols; c++) rhs[fp * cols + c]! += n * vp * target[c]!;
    }
  }
  for (let j = 0; j < nf; j++) a[j * nf + j]! += 1e-9 * (a[j * nf + j]! + 1);
  const beta = solveSpd(a, rhs, nf, cols);
  // The fitted item side of every item.
  const fitted = new Float64Array(m.nItems * cols);
  for (let i = 0; i < m.nItems; i++) {
    for (let p = f.ptr[i]!; p < f.ptr[i + 1]!; p++) {
      const fp = f.index[p]!;
      const vp = f.values[p]!;
      for (let c = 0; c < cols; c++) fitted[i * cols + c]! += vp * beta[fp * cols + c]!;
    }
  }
  const nnz = m.nnz;
  let sum = 0;
  for (let e = 0; e < nnz; e++) sum += m.userRatings[e]!;
  const ratingMean = sum / nnz;
  const biasMean = mean[0]! / nnz;
  const sse = { global: 0, user: 0, bias: 0, features: 0, oracle: 0 };
  const clamp = (x: number) => Math.min(5, Math.max(0.5, x));
  for (let u = 0; u < m.nUsers; u++) {
    const pu = userIds[u]! - 1;
    const base = plan.mu + plan.userBias[pu]!;
    for (let e = m.userPtr[u]!; e < m.userPtr[u + 1]!; e++) {
      const i = m.userItems[e]!;
      const row = planRow[i]!;
      const r = m.userRatings[e]!;
      let dotFitted = 0;
      let dotPlanted = 0;
      for (let j = 0; j < k; j++) {
        const x = plan.userFactors[pu * k + j]!;
        dotFitted += x * fitted[i * cols + 1 + j]!;
        dotPlanted += x * plan.itemFactors[row * k + j]!;
      }
      const bHat = fitted[i * cols]!;
      sse.global += (r - ratingMean) ** 2;
      sse.user += (r - clamp(base + biasMean)) ** 2;
      sse.bias += (r - clamp(base + bHat)) ** 2;
      sse.features += (r - clamp(base + bHat + dotFitted)) ** 2;
      sse.oracle += (r - clamp(base + plan.itemBias[row]! + dotPlanted)) ** 2;
    }
  }
  // Rating-weighted explained variance of b_i and of y_i.
  const residual = new Float64Array(cols);
  for (let i = 0; i < m.nItems; i++) {
    const n = m.itemPtr[i + 1]! - m.itemPtr[i]!;
    if (n === 0) continue;
    const row = planRow[i]!;
    residual[0]! += n * (plan.itemBias[row]! - fitted[i * cols]!) ** 2;
    for (let j = 0; j < k; j++) {
      residual[1 + j]! += n * (plan.itemFactors[row * k + j]! - fitted[i * cols + 1 + j]!) ** 2;
    }
  }
  const variance = (c: number) => square[c]! - mean[c]! ** 2 / nnz;
  let factorVariance = 0;
  let factorResidual = 0;
  for (let j = 0; j < k; j++) {
    factorVariance += variance(1 + j);
    factorResidual += residual[1 + j]!;
  }
  const rmse = (x: number) => Math.sqrt(x / nnz);
  return {
    groups: f.spec.groups,
    nFeatures: nf,
    globalMeanRmse: rmse(sse.global),
    userRmse: rmse(sse.user),
    featureBiasRmse: rmse(sse.bias),
    featuresRmse: rmse(sse.features),
    oracleRmse: rmse(sse.oracle),
    biasR2: 1 - residual[0]! / variance(0),
    factorR2: 1 - factorResidual / factorVariance,
  };
}
