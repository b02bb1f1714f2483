/**
 * What every explicit-feedback model shares: its parameters (an {@linkcode AlsState}), the id
 * mappings, the rating scale, prediction with the unknown-id fallback, evaluation, top-N
 * recommendation, and saving/loading through the model file format.
 *
 * @module
 */
import type { RatingMatrix } from "../data/types.ts";
import { predictPairs, recommendTopN, scoreMatrix } from "../ffi/kernels.ts";
import type { AlsState } from "./als_state.ts";
import { readModelFile, writeModelFile } from "./_model_file.ts";

/** The MovieLens rating scale, [0.5, 5] stars. */
export const MOVIELENS_SCALE: readonly [number, number] = Object.freeze([0.5, 5]) as readonly [
  number,
  number,
];

/** The model kinds this library saves. */
export type ModelKind = "global-mean" | "bias-als" | "als";

/** RMSE and MAE of a model on a rating matrix. */
export interface Evaluation {
  /** Root mean squared error. */
  rmse: number;
  /** Mean absolute error. */
  mae: number;
  /** Number of ratings scored. */
  count: number;
}

/** One epoch of training, as reported by `fit`. */
export interface EpochRecord {
  /** 1-based epoch number. */
  epoch: number;
  /** Seconds the epoch's kernel call took (not counting the RMSE passes). */
  seconds: number;
  /** RMSE on the training ratings after this epoch (when computed). */
  trainRmse?: number;
  /** RMSE on the validation ratings after this epoch (when a validation matrix was given). */
  validationRmse?: number;
}

/** Options every `fit` accepts. */
export interface CommonFitOptions {
  /** Raw MovieLens userId of each dense user (e.g. `dataset.userIds`); default: the index. */
  userIds?: Uint32Array;
  /** Raw MovieLens movieId of each dense item (e.g. `dataset.itemIds`); default: the index. */
  itemIds?: Uint32Array;
  /** [lowest, highest] rating; predictions are clamped to it. Default [0.5, 5]. */
  ratingScale?: readonly [number, number];
  /** Kernel threads (default: `RECSYS_THREADS` or all cores). Results do not depend on it. */
  threads?: number;
}

/** Options of `recommend` and `recommendBatch`. */
export interface RecommendOptions {
  /** How many items per user. Default 10. */
  n?: number;
  /** Skip the items each user rated here (typically the training matrix). Default: skip none. */
  exclude?: RatingMatrix;
  /** Kernel threads. */
  threads?: number;
}

/** One user's top-N list. */
export interface Recommendation {
  /** The dense user index. */
  user: number;
  /** Dense item indices, best first (shorter than `n` when fewer items were left). */
  items: Uint32Array;
  /** Raw MovieLens movieIds of `items`. */
  movieIds: Uint32Array;
  /** Ranking scores: the unclamped predicted ratings μ + b_u + b_i (+ x_u·y_i). */
  scores: Float32Array;
}

/** Top-N lists of many users in flat arrays: user j's list is entries `j·n .. (j+1)·n`. */
export interface RecommendationBatch {
  /** The dense user indices asked for. */
  users: Uint32Array;
  /** List length. */
  n: number;
  /** Dense item indices; 0xFFFFFFFF pads a list that ran out of items. */
  items: Uint32Array;
  /** Scores; −Infinity on padding. */
  scores: Float32Array;
}

/** Everything a model holds besides its kind. */
export interface ModelParts {
  /** Parameters (k = 0 for bias-only, all zero biases for the global mean). */
  state: AlsState;
  /** Raw userId per dense user. */
  userIds: Uint32Array;
  /** Raw movieId per dense item. */
  itemIds: Uint32Array;
  /** Rating scale. */
  ratingScale: readonly [number, number];
  /** Hyper-parameters used by `fit`. */
  hyper: Record<string, number | boolean | string>;
  /** Per-epoch training record (empty for closed-form models). */
  history: EpochRecord[];
}

/** Checks `ratingScale`, the id arrays and the matrix; fills in identity ids. */
export function commonParts(
  fn: string,
  train: RatingMatrix,
  options: CommonFitOptions,
): { userIds: Uint32Array; itemIds: Uint32Array; ratingScale: readonly [number, number] } {
  if (train.nnz === 0) throw new Error(`${fn}: the training matrix has no ratings`);
  const ratingScale = options.ratingScale ?? MOVIELENS_SCALE;
  const [lo, hi] = ratingScale;
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo <= hi)) {
    throw new RangeError(
      `${fn}: ratingScale must be [min, max] with min ≤ max, got [${lo}, ${hi}]`,
    );
  }
  const identity = (n: number) => Uint32Array.from({ length: n }, (_, j) => j);
  const userIds = options.userIds ?? identity(train.nUsers);
  const itemIds = options.itemIds ?? identity(train.nItems);
  if (userIds.length !== train.nUsers || itemIds.length !== train.nItems) {
    throw new RangeError(
      `${fn}: userIds/itemIds have ${userIds.length}/${itemIds.length} entries, expected ` +
        `${train.nUsers}/${train.nItems} (one per dense user/item of the training matrix)`,
    );
  }
  return { userIds, itemIds, ratingScale: [lo, hi] };
}

/** The mean training rating, summed in f64. */
export function trainMean(train: RatingMatrix): number {
  let sum = 0;
  for (const r of train.userRatings) sum += r;
  return sum / train.nnz;
}

function toU32(values: ArrayLike<number>): Uint32Array {
  if (values instanceof Uint32Array) return values;
  const out = new Uint32Array(values.length);
  for (let j = 0; j < values.length; j++) {
    const v = values[j]!;
    // Anything that is not a dense index (negative, fractional, too large) is an unknown id.
    out[j] = Number.isInteger(v) && v >= 0 && v < 0xffff_ffff ? v : 0xffff_ffff;
  }
  return out;
}

/**
 * The behaviour shared by all explicit models. Construct models with their `fit` or `load`.
 */
export abstract class ExplicitModel {
  /** The model kind, as written in saved files. */
  abstract readonly kind: ModelKind;
  /** The parameters. */
  readonly state: AlsState;
  /** Raw MovieLens userId of each dense user. */
  readonly userIds: Uint32Array;
  /** Raw MovieLens movieId of each dense item. */
  readonly itemIds: Uint32Array;
  /** [lowest, highest] rating; predictions are clamped to it. */
  readonly ratingScale: readonly [number, number];
  /** Hyper-parameters `fit` used. */
  readonly hyper: Readonly<Record<string, number | boolean | string>>;
  /** One record per training epoch. */
  readonly history: readonly EpochRecord[];
  #userIndex: Map<number, number> | undefined;
  #itemIndex: Map<number, number> | undefined;

  /** Wraps fitted or loaded parts (use the subclasses' `fit` and `load`). */
  constructor(parts: ModelParts) {
    this.state = parts.state;
    this.userIds = parts.userIds;
    this.itemIds = parts.itemIds;
    this.ratingScale = parts.ratingScale;
    this.hyper = parts.hyper;
    this.history = parts.history;
  }

  /** Users the model was trained with. */
  get nUsers(): number {
    return this.state.userBias.length;
  }

  /** Items the model was trained with. */
  get nItems(): number {
    return this.state.itemBias.length;
  }

  /** The global mean μ. */
  get mu(): number {
    return this.state.mu;
  }

  /** The dense index of a raw userId, or −1 when the model has never seen it. */
  userIndex(userId: number): number {
    this.#userIndex ??= new Map(Array.from(this.userIds, (id, j) => [id, j]));
    return this.#userIndex.get(userId) ?? -1;
  }

  /** The dense index of a raw movieId, or −1 when the model has never seen it. */
  itemIndex(movieId: number): number {
    this.#itemIndex ??= new Map(Array.from(this.itemIds, (id, j) => [id, j]));
    return this.#itemIndex.get(movieId) ?? -1;
  }

  /**
   * Predicted ratings for (users[j], items[j]) pairs of dense indices, clamped to the rating
   * scale. Fallback for an index the model does not know (≥ its user or item count, or
   * negative): the unknown side contributes nothing, so r̂ = μ + b_i (unknown user), μ + b_u
   * (unknown item) or μ (both). Never NaN.
   *
   * @example
   * ```ts ignore
   * const r = model.predict([0, 1], [10, 20]);
   * ```
   */
  predict(
    users: ArrayLike<number>,
    items: ArrayLike<number>,
    options: { threads?: number } = {},
  ): Float32Array {
    if (users.length !== items.length) {
      throw new RangeError(`predict: ${users.length} users but ${items.length} items`);
    }
    return predictPairs(this.state, toU32(users), toU32(items), {
      ratingMin: this.ratingScale[0],
      ratingMax: this.ratingScale[1],
      threads: options.threads,
    });
  }

  /**
   * Predicted ratings for raw MovieLens (userId, movieId) pairs; ids the model has not seen use
   * the fallback of {@linkcode ExplicitModel.predict}.
   *
   * @example
   * ```ts ignore
   * const [r] = model.predictIds([1], [296]); // user 1, Pulp Fiction
   * ```
   */
  predictIds(userIds: ArrayLike<number>, movieIds: ArrayLike<number>): Float32Array {
    const users = Uint32Array.from({ length: userIds.length }, (_, j) => {
      const u = this.userIndex(userIds[j]!);
      return u < 0 ? 0xffff_ffff : u;
    });
    const items = Uint32Array.from({ length: movieIds.length }, (_, j) => {
      const i = this.itemIndex(movieIds[j]!);
      return i < 0 ? 0xffff_ffff : i;
    });
    return this.predict(users, items);
  }

  /**
   * RMSE and MAE of the (clamped) predictions on every rating of `m` (same dense ids as the
   * training matrix; users or items beyond the model's use the fallback).
   *
   * @example
   * ```ts ignore
   * const { rmse, mae } = await model.evaluate(test);
   * ```
   */
  async evaluate(m: RatingMatrix, options: { threads?: number } = {}): Promise<Evaluation> {
    if (m.nnz === 0) throw new Error("evaluate: the matrix has no ratings");
    const s = await scoreMatrix(this.state, m, {
      ratingMin: this.ratingScale[0],
      ratingMax: this.ratingScale[1],
      threads: options.threads,
    });
    return { rmse: Math.sqrt(s.sse / s.count), mae: s.sae / s.count, count: s.count };
  }

  /**
   * Saves the model (format: lib/models/_model_file.ts), atomically.
   *
   * @example
   * ```ts ignore
   * await model.save("data/models/als.rsm");
   * ```
   */
  async save(path: string): Promise<void> {
    const { state } = this;
    await writeModelFile(path, {
      model: this.kind,
      k: state.k,
      mu: state.mu,
      nUsers: this.nUsers,
      nItems: this.nItems,
      ratingScale: this.ratingScale,
      hyper: this.hyper,
      history: this.history,
      savedAt: new Date().toISOString(),
    }, {
      userIds: this.userIds,
      itemIds: this.itemIds,
      userBias: state.userBias,
      itemBias: state.itemBias,
      userFactors: state.userFactors,
      itemFactors: state.itemFactors,
    });
  }
}

/**
 * Reads a saved model's parts, checking that it holds a model of `kind` with consistent arrays.
 */
export async function loadParts(path: string, kind: ModelKind): Promise<ModelParts> {
  const { metadata, arrays } = await readModelFile(path);
  if (metadata.model !== kind) {
    throw new Error(`${path}: holds a "${metadata.model}" model, expected "${kind}"`);
  }
  const k = metadata.k, mu = metadata.mu, nUsers = metadata.nUsers, nItems = metadata.nItems;
  const scale = metadata.ratingScale as [number, number] | undefined;
  if (
    typeof k !== "number" || typeof mu !== "number" || typeof nUsers !== "number" ||
    typeof nItems !== "number" || !Array.isArray(scale) || scale.length !== 2
  ) {
    throw new Error(
      `${path}: corrupt model file: metadata lacks k, mu, nUsers, nItems or ratingScale`,
    );
  }
  const expect = {
    userIds: [Uint32Array, nUsers],
    itemIds: [Uint32Array, nItems],
    userBias: [Float32Array, nUsers],
    itemBias: [Float32Array, nItems],
    userFactors: [Float32Array, nUsers * k],
    itemFactors: [Float32Array, nItems * k],
  } as const;
  for (const [name, [type, length]] of Object.entries(expect)) {
    const array = arrays[name];
    if (!(array instanceof type) || array.length !== length) {
      throw new Error(
        `${path}: corrupt model file: array "${name}" should be ${type.name} of ${length} entries`,
      );
    }
  }
  const f32 = (name: string) => arrays[name] as Float32Array;
  const u32 = (name: string) => arrays[name] as Uint32Array;
  return {
    state: {
      k,
      mu,
      userFactors: f32("userFactors"),
      itemFactors: f32("itemFactors"),
      userBias: f32("userBias"),
      itemBias: f32("itemBias"),
    },
    userIds: u32("userIds"),
    itemIds: u32("itemIds"),
    ratingScale: [scale[0], scale[1]],
    hyper: (metadata.hyper ?? {}) as Record<string, number | boolean | string>,
    history: (metadata.history ?? []) as EpochRecord[],
  };
}

/**
 * A model that can rank items for a user (bias-only and full ALS).
 */
export abstract class RankingModel extends ExplicitModel {
  /**
   * The top-`n` items for one dense user index, best first, skipping the items the user rated in
   * `exclude`. An unknown user gets the items with the highest μ + b_i.
   *
   * @example
   * ```ts ignore
   * const rec = await model.recommend(0, { n: 10, exclude: train });
   * console.log(rec.movieIds, rec.scores);
   * ```
   */
  async recommend(user: number, options: RecommendOptions = {}): Promise<Recommendation> {
    const batch = await this.recommendBatch([user], options);
    return this.list(batch, 0);
  }

  /**
   * Top-`n` lists for many users at once (blocked matrix products in the kernel), as flat arrays;
   * use {@linkcode RankingModel.list} for one user's list.
   *
   * @example
   * ```ts ignore
   * const batch = await model.recommendBatch([0, 1, 2], { n: 5, exclude: train });
   * const second = model.list(batch, 1);
   * ```
   */
  async recommendBatch(
    users: ArrayLike<number>,
    options: RecommendOptions = {},
  ): Promise<RecommendationBatch> {
    const n = options.n ?? 10;
    if (!Number.isInteger(n) || n < 1) {
      throw new RangeError(`recommend: n must be a whole number ≥ 1, got ${n}`);
    }
    const dense = toU32(users);
    const top = await recommendTopN(this.state, dense, n, {
      exclude: options.exclude,
      threads: options.threads,
    });
    return { users: dense, n, items: top.items, scores: top.scores };
  }

  /** User j's list from a batch, trimmed of padding, with raw movieIds. */
  list(batch: RecommendationBatch, j: number): Recommendation {
    const { n } = batch;
    let length = 0;
    while (length < n && batch.items[j * n + length] !== 0xffff_ffff) length++;
    const items = batch.items.slice(j * n, j * n + length);
    return {
      user: batch.users[j]!,
      items,
      movieIds: items.map((i) => this.itemIds[i]!),
      scores: batch.scores.slice(j * n, j * n + length),
    };
  }
}
