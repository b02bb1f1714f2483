/**
 * Genre ALS: ALS with biases whose movies are tied to their side features (genres, release
 * decade, top user tags; lib/data/item_features.ts) by a prior v_i ≈ Gᵀ f_i, b_i ≈ wᵀ f_i, so a
 * movie nobody has rated is scored from its features: r̂_ui = μ + b_u + wᵀ f_i + x_uᵀ Gᵀ f_i.
 * The loss, the epoch and the reference implementation are in lib/models/genre_als_state.ts; the
 * kernel is kernels/genre_als.zig.
 *
 * @module
 */
import { encodeMovies, type FeatureGroup, type ItemFeatures } from "../data/item_features.ts";
import type { Movies, RatingMatrix } from "../data/types.ts";
import { genreAlsEpoch, KernelError, recommendTopN, Status } from "../ffi/kernels.ts";
import { checkFactorCount, checkGenreAlsPenalties } from "../ffi/params.ts";
import { commonParts, partsFromFile, RankingModel, trainMean } from "./explicit_model.ts";
import type {
  CommonFitOptions,
  ModelKind,
  ModelParts,
  RecommendationBatch,
  RecommendOptions,
} from "./explicit_model.ts";
import { fitLoop } from "./_fit_loop.ts";
import type { LoopOptions } from "./_fit_loop.ts";
import { type ModelFile, readModelFile, type StoredArray } from "./_model_file.ts";
import { initAlsState } from "./als_state.ts";
import { featurePrior, fitFeaturePrior, type GenreAlsParams } from "./genre_als_state.ts";

/** Options of {@linkcode GenreAls.fit}. */
export interface GenreAlsOptions extends CommonFitOptions, LoopOptions {
  /** Feature rows of the training matrix's items (from `buildItemFeatures`). Required. */
  features: ItemFeatures;
  /** Latent factors K. Default 32. */
  k?: number;
  /** λ_f (> 0). Default 2. */
  lambda?: number;
  /** λ_b (≥ 0). Default 3. */
  lambdaBias?: number;
  /** τ, the pull of each movie's factors toward Gᵀ f_i (≥ 0; 0 is plain ALS). Default 50. */
  tau?: number;
  /** τ_b, the pull of each movie's bias toward wᵀ f_i (≥ 0). Default 30. */
  tauBias?: number;
  /** λ_G, the ridge penalty of G and w (> 0). Default 1. */
  lambdaFeatures?: number;
  /** ALS-WR weighting of λ_f and λ_b. Default false. */
  weighted?: boolean;
  /** Seed of the initial factors. Default 0. */
  seed?: number;
  /** Standard deviation of the initial factors. Default 0.1. */
  initScale?: number;
}

/** Options of {@linkcode GenreAls.recommend}. */
export interface GenreRecommendOptions extends RecommendOptions {
  /** Also rank movies without training ratings (scored from their features). Default false. */
  includeCold?: boolean;
}

/** The exact parts of one prediction (see {@linkcode GenreAls.contributions}). */
export interface Contributions {
  /** μ. */
  mu: number;
  /** b_u. */
  userBias: number;
  /** w_g f_ig per feature of the movie: the feature prior's bias. */
  featureBias: { feature: string; value: number }[];
  /** b_i − wᵀ f_i: the movie's own bias beyond its features (0 for a cold movie). */
  itemBiasOffset: number;
  /** x_uᵀ G_g f_ig per feature: the user's affinity with each feature. */
  featureAffinity: { feature: string; value: number }[];
  /** x_uᵀ (v_i − Gᵀ f_i): the movie's own factors beyond its features (0 for a cold movie). */
  factorOffset: number;
  /** The sum of all parts: the unclamped prediction. */
  total: number;
}

const NONE = 0xffff_ffff;

/**
 * Feature-augmented ALS for cold-start movies (`epochs` default 15).
 *
 * @example
 * ```ts
 * import { GenreAls } from "./genre_als.ts";
 * import { fromTriplets } from "../data/coo.ts";
 * // 3 users × 3 movies; movie 2 has no ratings but shares movie 0's only feature.
 * const train = fromTriplets(3, 3, [0, 0, 1, 1, 2], [0, 1, 0, 1, 1], [5, 1, 4, 2, 3], [0, 0, 0, 0, 0]);
 * const features = { spec: { groups: [], names: ["(intercept)", "a", "b"] }, nItems: 3, nFeatures: 3,
 *   ptr: Uint32Array.of(0, 2, 4, 6), index: Uint32Array.of(0, 1, 0, 2, 0, 1),
 *   values: new Float32Array(6).fill(1) };
 * const model = await GenreAls.fit(train, { features, k: 2, epochs: 5, progress: false });
 * const [cold, other] = model.predict([0, 0], [2, 1]);
 * if (!(cold! > other!)) throw new Error("the cold movie looks like the one user 0 loved");
 * ```
 */
export class GenreAls extends RankingModel {
  /** "genre-als". */
  readonly kind: ModelKind = "genre-als";
  /** The feature rows of the model's items. */
  readonly features: ItemFeatures;
  /** G, `nFeatures × k`. */
  readonly featureFactors: Float32Array;
  /** w, one per feature. */
  readonly featureBias: Float32Array;
  /** Training ratings per item (0 = a cold item, scored from its prior). */
  readonly itemCounts: Uint32Array;
  #warm: { items: Uint32Array; state: GenreWarmState } | undefined;

  /** Use {@linkcode GenreAls.fit} or {@linkcode GenreAls.load}. */
  constructor(
    parts: ModelParts,
    extra: {
      features: ItemFeatures;
      featureFactors: Float32Array;
      featureBias: Float32Array;
      itemCounts: Uint32Array;
    },
  ) {
    super(parts);
    this.features = extra.features;
    this.featureFactors = extra.featureFactors;
    this.featureBias = extra.featureBias;
    this.itemCounts = extra.itemCounts;
  }

  /** Latent factors K. */
  get k(): number {
    return this.state.k;
  }

  /** Dense indices of the items without training ratings. */
  get coldItems(): Uint32Array {
    const out: number[] = [];
    for (let i = 0; i < this.itemCounts.length; i++) if (this.itemCounts[i] === 0) out.push(i);
    return Uint32Array.from(out);
  }

  /**
   * Fits the model: seeded initial factors, G = w = 0, then one kernel epoch per step (users;
   * movies pulled toward their prior; G and w refitted; unrated movies set to their prior) with
   * train/validation RMSE, progress and optional early stopping.
   *
   * @example
   * ```ts
   * import { GenreAls } from "./genre_als.ts";
   * import { fromTriplets } from "../data/coo.ts";
   * const train = fromTriplets(2, 2, [0, 0, 1], [0, 1, 0], [4, 2, 5], [0, 0, 0]);
   * const features = { spec: { groups: [], names: ["(intercept)"] }, nItems: 2, nFeatures: 1,
   *   ptr: Uint32Array.of(0, 1, 2), index: Uint32Array.of(0, 0), values: Float32Array.of(1, 1) };
   * let failed = "";
   * try {
   *   await GenreAls.fit(train, { features, tau: -1, progress: false });
   * } catch (e) {
   *   failed = (e as Error).message;
   * }
   * if (!failed.includes("tau must be")) throw new Error(failed);
   * ```
   */
  static async fit(train: RatingMatrix, options: GenreAlsOptions): Promise<GenreAls> {
    const fn = "GenreAls.fit";
    const common = commonParts(fn, train, options);
    const {
      features,
      k = 32,
      lambda = 2,
      lambdaBias = 3,
      tau = 50,
      tauBias = 30,
      lambdaFeatures = 1,
      weighted = false,
      seed = 0,
      initScale = 0.1,
      threads,
    } = options;
    checkFeatures(fn, features, train.nItems);
    checkFactorCount(fn, k);
    const params = { lambda, lambdaBias, tau, tauBias, lambdaFeatures, weighted };
    checkGenreAlsPenalties(fn, params);
    const state = {
      ...initAlsState(train.nUsers, train.nItems, k, {
        seed,
        scale: initScale,
        mu: trainMean(train),
      }),
      featureFactors: new Float32Array(features.nFeatures * k),
      featureBias: new Float32Array(features.nFeatures),
    };
    const history = await fitLoop(
      {
        state,
        epoch: () => runGenreEpoch(train, state, features, params, threads),
        ratingScale: common.ratingScale,
        note: common.scaleNote,
        threads,
        label: `genre ALS k=${k} τ=${tau}`,
      },
      train,
      options,
      15,
    );
    if (options.patience !== undefined) {
      // The loop may have restored an earlier epoch's V and b: G and w from them (the same
      // regression the kernel ends each epoch with), unrated movies their prior.
      fitFeaturePrior(train, state, features, params);
    }
    const itemCounts = Uint32Array.from(
      { length: train.nItems },
      (_, i) => train.itemPtr[i + 1]! - train.itemPtr[i]!,
    );
    return new GenreAls({
      ...common,
      state,
      hyper: { ...params, k, seed, initScale, epochs: history.length },
      history,
    }, {
      features,
      featureFactors: state.featureFactors,
      featureBias: state.featureBias,
      itemCounts,
    });
  }

  /**
   * Loads a model saved by {@linkcode GenreAls.save}.
   *
   * @example
   * ```ts
   * import { GenreAls } from "./genre_als.ts";
   * import { fromTriplets } from "../data/coo.ts";
   * const train = fromTriplets(2, 3, [0, 0, 1], [0, 1, 0], [4, 2, 5], [0, 0, 0]);
   * const features = { spec: { groups: [], names: ["(intercept)", "x"] }, nItems: 3, nFeatures: 2,
   *   ptr: Uint32Array.of(0, 2, 3, 5), index: Uint32Array.of(0, 1, 0, 0, 1), values: new Float32Array(5).fill(1) };
   * const model = await GenreAls.fit(train, { features, k: 2, epochs: 3, progress: false });
   * const dir = await Deno.makeTempDir();
   * await model.save(`${dir}/genre.rsm`);
   * const back = await GenreAls.load(`${dir}/genre.rsm`);
   * await Deno.remove(dir, { recursive: true });
   * if (back.predict([1], [2])[0] !== model.predict([1], [2])[0]) throw new Error("same prediction");
   * ```
   */
  static async load(path: string): Promise<GenreAls> {
    return GenreAls.fromFile(path, await readModelFile(path));
  }

  /**
   * The model in a file already read from `path` (see {@linkcode GenreAls.load}; `loadModel`
   * reads once, then picks the kind).
   *
   * @example
   * ```ts
   * import { GenreAls } from "./genre_als.ts";
   * import { readModelFile } from "./_model_file.ts";
   * import { fromTriplets } from "../data/coo.ts";
   * const train = fromTriplets(2, 2, [0, 0, 1], [0, 1, 0], [4, 2, 5], [0, 0, 0]);
   * const features = { spec: { groups: [], names: ["(intercept)"] }, nItems: 2, nFeatures: 1,
   *   ptr: Uint32Array.of(0, 1, 2), index: Uint32Array.of(0, 0), values: Float32Array.of(1, 1) };
   * const dir = await Deno.makeTempDir();
   * await (await GenreAls.fit(train, { features, k: 1, epochs: 1, progress: false })).save(`${dir}/g.rsm`);
   * const model = GenreAls.fromFile("g.rsm", await readModelFile(`${dir}/g.rsm`));
   * await Deno.remove(dir, { recursive: true });
   * if (model.features.nFeatures !== 1) throw new Error("one feature");
   * ```
   */
  static fromFile(path: string, file: ModelFile): GenreAls {
    const parts = partsFromFile(path, file, "genre-als");
    const { arrays, metadata } = file;
    const names = metadata.featureNames;
    const groups = metadata.featureGroups;
    if (!Array.isArray(names) || !names.every((n) => typeof n === "string") || names.length < 1) {
      throw new Error(`${path}: corrupt model file: featureNames should be a list of strings`);
    }
    if (!Array.isArray(groups) || !groups.every((g) => typeof g === "string")) {
      throw new Error(`${path}: corrupt model file: featureGroups should be a list of strings`);
    }
    const nFeatures = names.length, nItems = parts.itemIds.length, k = parts.state.k;
    const expect = {
      featureFactors: [Float32Array, nFeatures * k],
      featureBias: [Float32Array, nFeatures],
      itemCounts: [Uint32Array, nItems],
      featurePtr: [Uint32Array, nItems + 1],
    } as const;
    for (const [name, [type, length]] of Object.entries(expect)) {
      const array = arrays[name];
      if (!(array instanceof type) || array.length !== length) {
        throw new Error(
          `${path}: corrupt model file: array "${name}" should be ${type.name} of ${length} entries`,
        );
      }
    }
    const ptr = arrays.featurePtr as Uint32Array;
    const index = arrays.featureIndex, values = arrays.featureValues;
    if (
      !(index instanceof Uint32Array) || !(values instanceof Float32Array) ||
      index.length !== ptr[nItems] || values.length !== index.length ||
      index.some((g) => g >= nFeatures)
    ) {
      throw new Error(`${path}: corrupt model file: the feature rows do not match featurePtr`);
    }
    const features: ItemFeatures = {
      spec: { groups: groups as FeatureGroup[], names: names as string[] },
      nItems,
      nFeatures,
      ptr,
      index,
      values,
    };
    return new GenreAls(parts, {
      features,
      featureFactors: arrays.featureFactors as Float32Array,
      featureBias: arrays.featureBias as Float32Array,
      itemCounts: arrays.itemCounts as Uint32Array,
    });
  }

  /**
   * What the file holds besides an ALS model's fields: the feature vocabulary, the feature rows, G,
   * w and the items' training counts ({@linkcode save} writes them; format:
   * lib/models/_model_file.ts).
   *
   * @example
   * ```ts
   * import { GenreAls } from "./genre_als.ts";
   * import { readModelFile } from "./_model_file.ts";
   * import { fromTriplets } from "../data/coo.ts";
   * const train = fromTriplets(2, 2, [0, 0, 1], [0, 1, 0], [4, 2, 5], [0, 0, 0]);
   * const features = { spec: { groups: [], names: ["(intercept)"] }, nItems: 2, nFeatures: 1,
   *   ptr: Uint32Array.of(0, 1, 2), index: Uint32Array.of(0, 0), values: Float32Array.of(1, 1) };
   * const dir = await Deno.makeTempDir();
   * const model = await GenreAls.fit(train, { features, k: 1, epochs: 1, progress: false });
   * await model.save(`${dir}/g.rsm`, { dataset: "tiny" });
   * const file = await readModelFile(`${dir}/g.rsm`);
   * await Deno.remove(dir, { recursive: true });
   * const { model: kind, dataset, featureNames } = file.metadata;
   * if (kind !== "genre-als" || dataset !== "tiny") throw new Error(`${kind} ${dataset}`);
   * if (String(featureNames) !== "(intercept)" || !file.arrays.featureFactors) throw new Error("G");
   * ```
   */
  protected override fileExtras(): {
    metadata: Record<string, unknown>;
    arrays: Record<string, StoredArray>;
  } {
    const { features } = this;
    return {
      metadata: { featureNames: features.spec.names, featureGroups: features.spec.groups },
      arrays: {
        featureFactors: this.featureFactors,
        featureBias: this.featureBias,
        itemCounts: this.itemCounts,
        featurePtr: features.ptr,
        featureIndex: features.index,
        featureValues: features.values,
      },
    };
  }

  /**
   * Predictions for raw (userId, movieId) pairs. With `movies` (the catalogue), a movieId the
   * model has never seen but the catalogue lists is scored from its genres and year:
   * μ + b_u + wᵀ f + x_uᵀ Gᵀ f (tags: none, as for a new release), clamped; otherwise the
   * fallback of `predict` applies.
   *
   * @example
   * ```ts
   * import { GenreAls } from "./genre_als.ts";
   * import { fromTriplets } from "../data/coo.ts";
   * import type { Movies } from "../data/types.ts";
   * const movies = { movieIds: Uint32Array.of(1, 2, 3), titles: ["A", "B", "C"], years: Uint16Array.of(1990, 1990, 1990),
   *   genreNames: ["Comedy", "Horror"], genrePtr: Uint32Array.of(0, 1, 2, 3), genreIdx: Uint8Array.of(0, 1, 1) } as unknown as Movies;
   * const train = fromTriplets(2, 2, [0, 0, 1, 1], [0, 1, 0, 1], [2, 5, 1, 5], [0, 0, 0, 0]);
   * const { buildItemFeatures } = await import("../data/item_features.ts");
   * const features = buildItemFeatures(Uint32Array.of(1, 2), movies, { groups: ["genres"] });
   * const model = await GenreAls.fit(train, { features, k: 1, epochs: 5, itemIds: Uint32Array.of(1, 2), progress: false });
   * const [fromFeatures, fallback] = [model.predictIds([1], [3], { movies })[0]!, model.predictIds([1], [3])[0]!];
   * if (!(fromFeatures > fallback)) throw new Error("movie 3 is a horror film, and horror is liked");
   * ```
   */
  override predictIds(
    userIds: ArrayLike<number>,
    movieIds: ArrayLike<number>,
    options: { movies?: Movies } = {},
  ): Float32Array {
    const out = super.predictIds(userIds, movieIds);
    const { movies } = options;
    if (!movies) return out;
    const rowOf = new Map<number, number>();
    for (let r = 0; r < movies.movieIds.length; r++) rowOf.set(movies.movieIds[r]!, r);
    const [lo, hi] = this.ratingScale;
    for (let j = 0; j < movieIds.length; j++) {
      const movieId = movieIds[j]!;
      if (this.itemIndex(movieId) >= 0 || !rowOf.has(movieId)) continue;
      const f = encodeMovies(this.features.spec, movies, [rowOf.get(movieId)!]);
      const prior = featurePrior(f, this.k, this.featureFactors, this.featureBias);
      const u = this.userIndex(userIds[j]!);
      let r = this.mu + prior.bias[0]!;
      if (u >= 0) {
        r += this.state.userBias[u]!;
        for (let q = 0; q < this.k; q++) {
          r += this.state.userFactors[u * this.k + q]! * prior.factors[q]!;
        }
      }
      out[j] = Math.min(hi, Math.max(lo, r));
    }
    return out;
  }

  /**
   * The exact parts of the (unclamped) prediction for dense user `user` and item `item`: μ, b_u,
   * per feature w_g f_ig and x_uᵀ G_g f_ig, and the movie's own offsets beyond its features
   * (zero for a cold movie). They sum to `total` (up to f32 rounding of the stored parameters).
   *
   * @example
   * ```ts
   * import { GenreAls } from "./genre_als.ts";
   * import { fromTriplets } from "../data/coo.ts";
   * const train = fromTriplets(2, 3, [0, 0, 1], [0, 1, 0], [4, 2, 5], [0, 0, 0]);
   * const features = { spec: { groups: [], names: ["(intercept)", "x"] }, nItems: 3, nFeatures: 2,
   *   ptr: Uint32Array.of(0, 2, 3, 5), index: Uint32Array.of(0, 1, 0, 0, 1), values: new Float32Array(5).fill(1) };
   * const model = await GenreAls.fit(train, { features, k: 2, epochs: 3, progress: false });
   * const c = model.contributions(0, 2);
   * if (Math.abs(c.total - model.predict([0], [2], {})[0]!) > 1e-5) throw new Error("sums to the prediction");
   * ```
   */
  contributions(user: number, item: number): Contributions {
    const { k, state, features } = this;
    if (!Number.isInteger(user) || user < 0 || user >= this.nUsers) {
      throw new RangeError(`contributions: user must be a dense index in 0..${this.nUsers - 1}`);
    }
    if (!Number.isInteger(item) || item < 0 || item >= this.nItems) {
      throw new RangeError(`contributions: item must be a dense index in 0..${this.nItems - 1}`);
    }
    const names = features.spec.names;
    const featureBias: { feature: string; value: number }[] = [];
    const featureAffinity: { feature: string; value: number }[] = [];
    const prior = new Float64Array(k);
    let priorBias = 0;
    for (let e = features.ptr[item]!; e < features.ptr[item + 1]!; e++) {
      const g = features.index[e]!, v = features.values[e]!;
      featureBias.push({ feature: names[g]!, value: v * this.featureBias[g]! });
      priorBias += v * this.featureBias[g]!;
      let affinity = 0;
      for (let q = 0; q < k; q++) {
        const gq = v * this.featureFactors[g * k + q]!;
        prior[q]! += gq;
        affinity += state.userFactors[user * k + q]! * gq;
      }
      featureAffinity.push({ feature: names[g]!, value: affinity });
    }
    let factorOffset = 0;
    for (let q = 0; q < k; q++) {
      factorOffset += state.userFactors[user * k + q]! *
        (state.itemFactors[item * k + q]! - prior[q]!);
    }
    const itemBiasOffset = state.itemBias[item]! - priorBias;
    const total = state.mu + state.userBias[user]! + priorBias + itemBiasOffset +
      featureAffinity.reduce((s, p) => s + p.value, 0) + factorOffset;
    return {
      mu: state.mu,
      userBias: state.userBias[user]!,
      featureBias,
      itemBiasOffset,
      featureAffinity,
      factorOffset,
      total,
    };
  }

  /**
   * Top-N lists; by default only movies with training ratings are ranked (`includeCold: true`
   * also ranks the cold ones, scored from their features).
   *
   * @example
   * ```ts
   * import { GenreAls } from "./genre_als.ts";
   * import { fromTriplets } from "../data/coo.ts";
   * const train = fromTriplets(2, 3, [0, 0, 1], [0, 1, 0], [4, 2, 5], [0, 0, 0]);
   * const features = { spec: { groups: [], names: ["(intercept)"] }, nItems: 3, nFeatures: 1,
   *   ptr: Uint32Array.of(0, 1, 2, 3), index: Uint32Array.of(0, 0, 0), values: Float32Array.of(1, 1, 1) };
   * const model = await GenreAls.fit(train, { features, k: 1, epochs: 2, progress: false });
   * const warm = await model.recommend(1, { n: 5 });
   * const all = await model.recommend(1, { n: 5, includeCold: true });
   * if (warm.items.includes(2) || !all.items.includes(2)) throw new Error("item 2 is cold");
   * ```
   */
  override async recommendBatch(
    users: ArrayLike<number>,
    options: GenreRecommendOptions = {},
  ): Promise<RecommendationBatch> {
    const cold = this.coldCount();
    if (options.includeCold || cold === 0) return super.recommendBatch(users, options);
    const n = options.n ?? 10;
    if (!Number.isInteger(n) || n < 1) {
      throw new RangeError(`recommend: n must be a whole number ≥ 1, got ${n}`);
    }
    const warm = this.warmView();
    const dense = Uint32Array.from(
      { length: users.length },
      (_, j) => {
        const u = users[j]!;
        return Number.isInteger(u) && u >= 0 && u < NONE ? u : NONE;
      },
    );
    if (options.exclude) this.checkMatrix("recommend (exclude)", options.exclude);
    const exclude = options.exclude ? warmExclude(options.exclude, dense, warm.items) : undefined;
    const top = await recommendTopN(warm.state, dense, n, { exclude, threads: options.threads });
    const items = top.items.map((i) => (i === NONE ? NONE : warm.items[i]!));
    const ids = { userIds: this.userIds, itemIds: this.itemIds };
    return { users: dense, n, items, scores: top.scores, ids };
  }

  /** Top-N for one user (see {@linkcode GenreAls.recommendBatch} for `includeCold`). */
  override async recommend(user: number, options: GenreRecommendOptions = {}) {
    return this.list(await this.recommendBatch([user], options), 0);
  }

  private coldCount(): number {
    let n = 0;
    for (const c of this.itemCounts) if (c === 0) n++;
    return n;
  }

  private warmView(): { items: Uint32Array; state: GenreWarmState } {
    if (this.#warm) return this.#warm;
    const { k, state } = this;
    const items = Uint32Array.from(
      Array.from(this.itemCounts.keys()).filter((i) => this.itemCounts[i]! > 0),
    );
    const itemFactors = new Float32Array(items.length * k);
    const itemBias = new Float32Array(items.length);
    items.forEach((i, j) => {
      itemFactors.set(state.itemFactors.subarray(i * k, (i + 1) * k), j * k);
      itemBias[j] = state.itemBias[i]!;
    });
    this.#warm = { items, state: { ...state, itemFactors, itemBias } };
    return this.#warm;
  }
}

type GenreWarmState = GenreAls["state"];

/**
 * The exclusion matrix over the warm items only (re-indexed), with rows for the requested users
 * (the others empty: the kernel reads only the rows of the users it ranks).
 */
function warmExclude(m: RatingMatrix, users: Uint32Array, warmItems: Uint32Array) {
  const compact = new Int32Array(m.nItems).fill(-1);
  warmItems.forEach((i, j) => {
    if (i < m.nItems) compact[i] = j;
  });
  const wanted = new Uint8Array(m.nUsers);
  for (const u of users) if (u < m.nUsers) wanted[u] = 1;
  const userPtr = new Uint32Array(m.nUsers + 1);
  const kept: number[] = [];
  for (let u = 0; u < m.nUsers; u++) {
    if (wanted[u]) {
      for (let e = m.userPtr[u]!; e < m.userPtr[u + 1]!; e++) {
        const j = compact[m.userItems[e]!]!;
        if (j >= 0) kept.push(j);
      }
    }
    userPtr[u + 1] = kept.length;
  }
  const userItems = Uint32Array.from(kept);
  const nItems = warmItems.length;
  // The CSC side is only checked for its lengths by the wrapper; build it properly anyway.
  const itemCount = new Uint32Array(nItems + 1);
  for (const j of userItems) itemCount[j + 1]!++;
  for (let j = 0; j < nItems; j++) itemCount[j + 1]! += itemCount[j]!;
  const itemUsers = new Uint32Array(userItems.length);
  const next = itemCount.slice(0, nItems);
  for (let u = 0; u < m.nUsers; u++) {
    for (let e = userPtr[u]!; e < userPtr[u + 1]!; e++) itemUsers[next[userItems[e]!]!++] = u;
  }
  return {
    nUsers: m.nUsers,
    nItems,
    nnz: userItems.length,
    userPtr,
    userItems,
    userRatings: new Float32Array(userItems.length).fill(1),
    itemPtr: itemCount,
    itemUsers,
    itemRatings: new Float32Array(userItems.length).fill(1),
  };
}

function checkFeatures(fn: string, f: ItemFeatures | undefined, nItems: number): void {
  if (f === undefined) {
    throw new Error(`${fn}: options.features is required (build it with buildItemFeatures)`);
  }
  if (f.nItems !== nItems || f.ptr.length !== nItems + 1) {
    throw new RangeError(
      `${fn}: the features have ${f.nItems} rows, the training matrix ${nItems} items`,
    );
  }
  if (f.nFeatures < 1 || f.spec.names.length !== f.nFeatures) {
    throw new RangeError(`${fn}: features.nFeatures (${f.nFeatures}) must match its names`);
  }
}

/**
 * One genre-ALS epoch in the kernel on `state` in place (see lib/models/genre_als_state.ts).
 *
 * @example
 * ```ts
 * import { runGenreEpoch } from "./genre_als.ts";
 * import { initAlsState } from "./als_state.ts";
 * import { fromTriplets } from "../data/coo.ts";
 * const train = fromTriplets(2, 3, [0, 0, 1], [0, 1, 0], [4, 2, 5], [0, 0, 0]);
 * const features = { spec: { groups: [], names: ["(intercept)"] }, nItems: 3, nFeatures: 1,
 *   ptr: Uint32Array.of(0, 1, 2, 3), index: Uint32Array.of(0, 0, 0), values: Float32Array.of(1, 1, 1) };
 * const state = { ...initAlsState(2, 3, 1, { seed: 1, mu: 11 / 3 }), featureFactors: new Float32Array(1), featureBias: new Float32Array(1) };
 * await runGenreEpoch(train, state, features, { lambda: 1, lambdaBias: 1, tau: 1, tauBias: 1, lambdaFeatures: 1, weighted: false });
 * if (state.itemBias[2] !== state.featureBias[0]) throw new Error("item 2 (unrated) is its prior");
 * ```
 */
export async function runGenreEpoch(
  train: RatingMatrix,
  state: GenreAls["state"] & { featureFactors: Float32Array; featureBias: Float32Array },
  features: ItemFeatures,
  params: GenreAlsParams,
  threads?: number,
): Promise<void> {
  try {
    await genreAlsEpoch(train, state, features, { ...params, threads });
  } catch (error) {
    if (error instanceof KernelError && error.status === Status.notFinite) {
      const where = ["user", "item", "feature regression"][Number(error.info.side)] ?? "?";
      throw new Error(
        `genre ALS epoch: the system of ${where} ${error.info.row} is not positive definite or ` +
          "not finite; the parameters have diverged",
        { cause: error },
      );
    }
    throw error;
  }
}
