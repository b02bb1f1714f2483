/**
 * What every explicit-feedback model shares: its parameters (an {@linkcode AlsState}), the id
 * mappings, the rating scale, prediction with the unknown-id fallback, evaluation, top-N
 * recommendation, and saving/loading through the model file format.
 *
 * @module
 */
import type { IdMaps, RatingMatrix } from "../data/types.ts";
import { checkIdMaps, inferRatingScale } from "../data/id_maps.ts";
import { predictPairs, recommendTopN, scoreMatrix } from "../ffi/kernels.ts";
import type { AlsState } from "./als_state.ts";
import {
  checkModelArrays,
  type ModelFile,
  readModelFile,
  type StoredArray,
  writeModelFile,
} from "./_model_file.ts";
import { checkMetadata } from "./_model_metadata.ts";

/** The MovieLens rating scale, [0.5, 5] stars. */
export const MOVIELENS_SCALE: readonly [number, number] = Object.freeze([0.5, 5]) as readonly [
  number,
  number,
];

/** The model kinds this library saves. */
export type ModelKind = "global-mean" | "bias-als" | "als" | "genre-als";

/** RMSE and MAE of a model on a rating matrix. */
export interface Evaluation {
  /** Root mean squared error. */
  rmse: number;
  /** Mean absolute error. */
  mae: number;
  /** Number of ratings scored. */
  count: number;
  /**
   * How many of them belong to a user the model was not trained on (scored by the fallback
   * μ + b_i, or μ when the movie is unknown too): users beyond the model's, as a matrix aligned to
   * the model by `alignRatings` or `loadRatings(path, { ids: model })` holds them.
   */
  unknownUserRatings: number;
  /** How many of them are of a movie the model was not trained on (fallback μ + b_u, or μ). */
  unknownItemRatings: number;
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
  /**
   * [lowest, highest] rating; predictions are clamped to it. Default: inferred from the training
   * ratings, their lowest and highest value (1–5 on ML-100K and ML-1M, 0.5–5 on the CSV releases;
   * see `inferRatingScale`); the fit's progress summary says which scale it used.
   */
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
  /** The model's id maps (so `rankingMetrics` can refuse a test matrix in other ids). */
  ids?: IdMaps;
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

/** What {@linkcode commonParts} settles for every `fit`. */
export interface CommonParts {
  /** Raw userId per dense user: `options.userIds`, else the training matrix's, else the index. */
  userIds: Uint32Array;
  /** Raw movieId per dense item, likewise. */
  itemIds: Uint32Array;
  /** The rating scale, given or inferred. */
  ratingScale: readonly [number, number];
  /** A sentence for the fit's summary: which scale, and whether it was given or inferred. */
  scaleNote: string;
}

/**
 * Checks `ratingScale` (inferring it from the training ratings when not given), the id arrays and
 * the matrices: the ids default to the training matrix's id maps, and given ids or a validation
 * matrix built with other id maps are refused (lib/data/id_maps.ts).
 */
export function commonParts(
  fn: string,
  train: RatingMatrix,
  options: CommonFitOptions & { validation?: RatingMatrix },
): CommonParts {
  if (train.nnz === 0) throw new Error(`${fn}: the training matrix has no ratings`);
  const inferred = options.ratingScale === undefined ? inferRatingScale(train) : undefined;
  const ratingScale = options.ratingScale ?? [inferred!.min, inferred!.max];
  const [lo, hi] = ratingScale;
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo <= hi)) {
    throw new RangeError(
      `${fn}: ratingScale must be [min, max] with min ≤ max, got [${lo}, ${hi}]`,
    );
  }
  const { userIds, itemIds } = fitIdMaps(fn, train, options);
  const steps = inferred && inferred.step > 0 ? ` in steps of ${inferred.step}` : "";
  const scaleNote = inferred
    ? `rating scale ${lo}–${hi}${steps} (inferred from the training ratings)`
    : `rating scale ${lo}–${hi} (given)`;
  return { userIds, itemIds, ratingScale: [lo, hi], scaleNote };
}

/**
 * The raw ids of a fit, shared by every model family: `options.userIds`/`itemIds`, else the
 * training matrix's id maps, else the index. Refuses ids of the wrong length, given ids that
 * contradict the training matrix's maps, and a validation matrix built with other maps.
 *
 * @example
 * ```ts
 * import { fitIdMaps } from "./explicit_model.ts";
 * import { fromTriplets } from "../data/coo.ts";
 * import { withIdMaps } from "../data/id_maps.ts";
 * const ids = { userIds: Uint32Array.of(7), itemIds: Uint32Array.of(296, 318) };
 * const train = withIdMaps(fromTriplets(1, 2, [0, 0], [0, 1], [4, 5], [0, 0]), ids);
 * if (fitIdMaps("fit", train, {}).itemIds[1] !== 318) throw new Error("the matrix's maps");
 * ```
 */
export function fitIdMaps(
  fn: string,
  train: RatingMatrix,
  options: { userIds?: Uint32Array; itemIds?: Uint32Array; validation?: RatingMatrix },
): IdMaps {
  const identity = (n: number) => Uint32Array.from({ length: n }, (_, j) => j);
  const userIds = options.userIds ?? train.ids?.userIds ?? identity(train.nUsers);
  const itemIds = options.itemIds ?? train.ids?.itemIds ?? identity(train.nItems);
  if (userIds.length !== train.nUsers || itemIds.length !== train.nItems) {
    throw new RangeError(
      `${fn}: userIds/itemIds have ${userIds.length}/${itemIds.length} entries, expected ` +
        `${train.nUsers}/${train.nItems} (one per dense user/item of the training matrix)`,
    );
  }
  const ids = { userIds, itemIds };
  checkIdMaps(`${fn} (options.userIds/itemIds against the training matrix)`, ids, train);
  if (options.validation) checkIdMaps(`${fn} (validation matrix)`, ids, options.validation);
  return ids;
}

/** The mean training rating, summed in f64. */
export function trainMean(train: RatingMatrix): number {
  let sum = 0;
  for (const r of train.userRatings) sum += r;
  return sum / train.nnz;
}

/** Ratings of `m` whose user (item) lies beyond the model's `nUsers` (`nItems`). */
export function unknownRatings(
  m: RatingMatrix,
  nUsers: number,
  nItems: number,
): { unknownUserRatings: number; unknownItemRatings: number } {
  const beyond = (ptr: Uint32Array, n: number, known: number) =>
    n > known ? ptr[n]! - ptr[known]! : 0;
  return {
    unknownUserRatings: beyond(m.userPtr, m.nUsers, nUsers),
    unknownItemRatings: beyond(m.itemPtr, m.nItems, nItems),
  };
}

/**
 * Dense indices as the kernels take them: anything that is not a dense index (negative,
 * fractional, too large) becomes 0xFFFFFFFF, an unknown id that the kernels score by the fallback.
 */
export function toU32(values: ArrayLike<number>): Uint32Array {
  if (values instanceof Uint32Array) return values;
  const out = new Uint32Array(values.length);
  for (let j = 0; j < values.length; j++) {
    const v = values[j]!;
    // Anything that is not a dense index (negative, fractional, too large) is an unknown id.
    out[j] = Number.isInteger(v) && v >= 0 && v < 0xffff_ffff ? v : 0xffff_ffff;
  }
  return out;
}

/** Options of `save`. */
export interface SaveOptions {
  /** The dataset folder the model was fitted on, recorded in the file for the tools. */
  dataset?: string;
}

/**
 * The behaviour shared by all explicit models. Construct models with their `fit` or `load`.
 *
 * @example
 * ```ts
 * import type { ExplicitModel } from "./explicit_model.ts";
 * import { BiasAls } from "./bias_als.ts";
 * import { GlobalMean } from "./global_mean.ts";
 * import { fromTriplets } from "../data/coo.ts";
 * // 2 users × 2 movies: (user, movie, rating) = (0, 0, 5), (0, 1, 2), (1, 0, 4), (1, 1, 1).
 * const train = fromTriplets(2, 2, [0, 0, 1, 1], [0, 1, 0, 1], [5, 2, 4, 1], [0, 0, 0, 0]);
 * const models: ExplicitModel[] = [
 *   await GlobalMean.fit(train),
 *   await BiasAls.fit(train, { lambda: 1, epochs: 5 }),
 * ];
 * // Same interface for every kind; the biases explain the ratings better than μ alone.
 * const [mean, bias] = await Promise.all(models.map((m) => m.evaluate(train)));
 * if (!(bias!.rmse < mean!.rmse)) throw new Error("bias-als beats the global mean on train");
 * ```
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
   * ```ts
   * import { BiasAls } from "./bias_als.ts";
   * import { fromTriplets } from "../data/coo.ts";
   * const train = fromTriplets(2, 2, [0, 0, 1, 1], [0, 1, 0, 1], [5, 2, 4, 1], [0, 0, 0, 0]);
   * const model = await BiasAls.fit(train, { lambda: 1, epochs: 5 });
   * // User 0 on movie 0, and user 7, whom the model has never seen (it knows users 0 and 1).
   * const [known, unknown] = model.predict([0, 7], [0, 0]);
   * if (!(known! > 4)) throw new Error("user 0 rated movie 0 highly");
   * if (Math.abs(unknown! - (model.mu + model.itemBias[0]!)) > 1e-5) {
   *   throw new Error("an unknown user falls back to μ + b_i");
   * }
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
   * ```ts
   * import { BiasAls } from "./bias_als.ts";
   * import { fromTriplets } from "../data/coo.ts";
   * const train = fromTriplets(2, 2, [0, 0, 1], [0, 1, 0], [4, 2, 5], [0, 0, 0]);
   * const model = await BiasAls.fit(train, {
   *   userIds: Uint32Array.of(10, 20), // dense user 1 is MovieLens userId 20
   *   itemIds: Uint32Array.of(296, 318), // dense item 0 is movieId 296 (Pulp Fiction)
   * });
   * const [byId] = model.predictIds([20], [296]);
   * const [byIndex] = model.predict([1], [0]);
   * if (byId !== byIndex) throw new Error("userId 20 is dense user 1, movieId 296 dense item 0");
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
   * ```ts
   * import { GlobalMean } from "./global_mean.ts";
   * import { fromTriplets } from "../data/coo.ts";
   * const train = fromTriplets(2, 2, [0, 0, 1], [0, 1, 0], [4, 2, 5], [0, 0, 0]);
   * const test = fromTriplets(2, 2, [1], [1], [3], [0]); // the one cell train lacks
   * const model = await GlobalMean.fit(train); // predicts μ = 11/3 everywhere
   * const { rmse, mae, count } = await model.evaluate(test);
   * // One error of 11/3 − 3 = 2/3: RMSE and MAE are both 2/3.
   * if (count !== 1 || Math.abs(rmse - 2 / 3) > 1e-6 || Math.abs(mae - 2 / 3) > 1e-6) {
   *   throw new Error(`rmse ${rmse}, mae ${mae}, count ${count}`);
   * }
   * ```
   */
  async evaluate(m: RatingMatrix, options: { threads?: number } = {}): Promise<Evaluation> {
    if (m.nnz === 0) throw new Error("evaluate: the matrix has no ratings");
    this.checkMatrix("evaluate", m);
    const s = await scoreMatrix(this.state, m, {
      ratingMin: this.ratingScale[0],
      ratingMax: this.ratingScale[1],
      threads: options.threads,
    });
    return {
      rmse: Math.sqrt(s.sse / s.count),
      mae: s.sae / s.count,
      count: s.count,
      ...unknownRatings(m, this.nUsers, this.nItems),
    };
  }

  /**
   * Refuses a matrix whose dense ids mean other users or movies than the model's (see
   * `checkIdMaps` in lib/data/id_maps.ts); `fn` names the call in the message.
   *
   * @example
   * ```ts
   * import { BiasAls } from "./bias_als.ts";
   * import { fromTriplets } from "../data/coo.ts";
   * import { withIdMaps } from "../data/id_maps.ts";
   * const ids = (movies: number[]) => ({ userIds: Uint32Array.of(1), itemIds: Uint32Array.from(movies) });
   * const train = withIdMaps(fromTriplets(1, 2, [0, 0], [0, 1], [4, 2], [0, 0]), ids([10, 20]));
   * const model = await BiasAls.fit(train);
   * const other = withIdMaps(fromTriplets(1, 2, [0], [0], [5], [0]), ids([20, 30]));
   * let message = "";
   * try {
   *   await model.evaluate(other); // dense item 0 is movieId 20 there, 10 here
   * } catch (e) {
   *   message = (e as Error).message;
   * }
   * if (!message.includes("other id maps")) throw new Error(message);
   * ```
   */
  checkMatrix(fn: string, m: RatingMatrix): void {
    checkIdMaps(`${this.constructor.name}.${fn}`, this, m);
  }

  /**
   * Saves the model (format: lib/models/_model_file.ts), atomically; `options.dataset` records
   * the folder it was fitted on (read back by {@linkcode modelDataset}).
   *
   * @example
   * ```ts
   * import { Als } from "./als.ts";
   * import { fromTriplets } from "../data/coo.ts";
   * const train = fromTriplets(2, 2, [0, 0, 1], [0, 1, 0], [4, 2, 5], [0, 0, 0]);
   * const model = await Als.fit(train, { k: 2, epochs: 3 });
   * const dir = await Deno.makeTempDir();
   * await model.save(`${dir}/als.rsm`);
   * const back = await Als.load(`${dir}/als.rsm`);
   * await Deno.remove(dir, { recursive: true });
   * if (back.predict([1], [1])[0] !== model.predict([1], [1])[0]) {
   *   throw new Error("the loaded model predicts exactly as the saved one");
   * }
   * ```
   */
  async save(path: string, options: SaveOptions = {}): Promise<void> {
    const { state } = this;
    const extras = this.fileExtras();
    await writeModelFile(path, {
      ...(options.dataset === undefined ? {} : { dataset: options.dataset }),
      model: this.kind,
      k: state.k,
      mu: state.mu,
      nUsers: this.nUsers,
      nItems: this.nItems,
      ratingScale: this.ratingScale,
      hyper: this.hyper,
      history: this.history,
      ...extras.metadata,
      savedAt: new Date().toISOString(),
    }, {
      userIds: this.userIds,
      itemIds: this.itemIds,
      userBias: state.userBias,
      itemBias: state.itemBias,
      userFactors: state.userFactors,
      itemFactors: state.itemFactors,
      ...extras.arrays,
    });
  }

  /**
   * What a model kind stores besides the metadata and arrays every explicit model has (genre ALS:
   * its feature vocabulary and rows, G, w and the items' training counts); {@linkcode save}
   * writes them after the common ones. Default: nothing.
   */
  protected fileExtras(): {
    metadata: Record<string, unknown>;
    arrays: Record<string, StoredArray>;
  } {
    return { metadata: {}, arrays: {} };
  }
}

/**
 * Reads a saved model's parts, checking that it holds a model of `kind` whose metadata has the
 * right types (k, μ, user and item counts, rating scale, hyper-parameters, history: see
 * {@linkcode checkMetadata}) and whose arrays have the lengths the metadata implies. Every failure
 * names the file and the field.
 *
 * @example
 * ```ts
 * import { loadParts } from "./explicit_model.ts";
 * import { GlobalMean } from "./global_mean.ts";
 * import { fromTriplets } from "../data/coo.ts";
 * const model = await GlobalMean.fit(fromTriplets(1, 2, [0, 0], [0, 1], [4, 2], [0, 0]));
 * const dir = await Deno.makeTempDir();
 * await model.save(`${dir}/mean.rsm`);
 * const parts = await loadParts(`${dir}/mean.rsm`, "global-mean");
 * await Deno.remove(dir, { recursive: true });
 * if (parts.state.mu !== 3 || parts.itemIds.length !== 2) throw new Error("parts read back");
 * ```
 */
export async function loadParts(path: string, kind: ModelKind): Promise<ModelParts> {
  return partsFromFile(path, await readModelFile(path), kind);
}

/**
 * The parts of a model file already read from `path` (see {@linkcode loadParts}, which reads it
 * and calls this; `loadModel` reads once, then picks the kind from the metadata).
 *
 * @example
 * ```ts
 * import { partsFromFile } from "./explicit_model.ts";
 * import { readModelFile } from "./_model_file.ts";
 * import { GlobalMean } from "./global_mean.ts";
 * import { fromTriplets } from "../data/coo.ts";
 * const model = await GlobalMean.fit(fromTriplets(1, 2, [0, 0], [0, 1], [4, 2], [0, 0]));
 * const dir = await Deno.makeTempDir();
 * await model.save(`${dir}/mean.rsm`);
 * const file = await readModelFile(`${dir}/mean.rsm`);
 * await Deno.remove(dir, { recursive: true });
 * if (partsFromFile("mean.rsm", file, "global-mean").state.mu !== 3) throw new Error("μ = 3");
 * ```
 */
export function partsFromFile(path: string, file: ModelFile, kind: ModelKind): ModelParts {
  const { metadata, arrays } = file;
  const { k, mu, nUsers, nItems, ratingScale, hyper, history } = checkMetadata(
    path,
    metadata,
    kind,
  );
  const expect = {
    userIds: [Uint32Array, nUsers],
    itemIds: [Uint32Array, nItems],
    userBias: [Float32Array, nUsers],
    itemBias: [Float32Array, nItems],
    userFactors: [Float32Array, nUsers * k],
    itemFactors: [Float32Array, nItems * k],
  } as const;
  checkModelArrays(path, arrays, expect, { nUsers, nItems, k });
  const f32 = (name: string) => arrays[name] as Float32Array;
  const u32 = (name: string) => arrays[name] as Uint32Array;
  // Non-finite parameters and repeated ids are refused by readModelFile for every kind.
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
    ratingScale,
    hyper,
    history,
  };
}

/**
 * A model that can rank items for a user (bias-only and full ALS).
 *
 * @example
 * ```ts
 * import { RankingModel } from "./explicit_model.ts";
 * import { BiasAls } from "./bias_als.ts";
 * import { GlobalMean } from "./global_mean.ts";
 * import { fromTriplets } from "../data/coo.ts";
 * const train = fromTriplets(2, 2, [0, 0, 1], [0, 1, 0], [4, 2, 5], [0, 0, 0]);
 * const bias = await BiasAls.fit(train, { lambda: 1 });
 * // The global mean scores every movie the same, so it cannot rank: it is no RankingModel.
 * if (!(bias instanceof RankingModel) || (await GlobalMean.fit(train)) instanceof RankingModel) {
 *   throw new Error("bias-als ranks, the global mean does not");
 * }
 * ```
 */
export abstract class RankingModel extends ExplicitModel {
  /**
   * The top-`n` items for one dense user index, best first, skipping the items the user rated in
   * `exclude`. An unknown user gets the items with the highest μ + b_i.
   *
   * @example
   * ```ts
   * import { BiasAls } from "./bias_als.ts";
   * import { fromTriplets } from "../data/coo.ts";
   * // User 1 has rated movie 0 only; movie 1 got a 1-star rating, movie 2 none.
   * const train = fromTriplets(2, 3, [0, 0, 1], [0, 1, 0], [5, 1, 4], [0, 0, 0]);
   * const model = await BiasAls.fit(train, {
   *   lambda: 1,
   *   itemIds: Uint32Array.of(1, 296, 318), // raw MovieLens movieIds
   * });
   * const rec = await model.recommend(1, { n: 5, exclude: train });
   * // Movie 0 is skipped (already rated); unrated movie 2 (b_i = 0) beats disliked movie 1.
   * if (rec.items.join() !== "2,1" || rec.movieIds.join() !== "318,296") {
   *   throw new Error(`got items ${rec.items}`);
   * }
   * if (!(rec.scores[0]! > rec.scores[1]!)) throw new Error("best first");
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
   * ```ts
   * import { BiasAls } from "./bias_als.ts";
   * import { fromTriplets } from "../data/coo.ts";
   * const train = fromTriplets(2, 3, [0, 0, 1], [0, 1, 0], [5, 1, 4], [0, 0, 0]);
   * const model = await BiasAls.fit(train, { lambda: 1 });
   * const batch = await model.recommendBatch([0, 1], { n: 2, exclude: train });
   * // User 0 has one unrated movie left, so its list is padded with 0xFFFFFFFF.
   * if (batch.items.join() !== `2,${0xffff_ffff},2,1`) throw new Error(`${batch.items}`);
   * const second = model.list(batch, 1); // user 1's list, padding trimmed
   * if (second.user !== 1 || second.items.join() !== "2,1") throw new Error("user 1's list");
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
    if (options.exclude) this.checkMatrix("recommend (exclude)", options.exclude);
    return await topNBatch(this.state, this, users, n, options);
  }

  /** User j's list from a batch, trimmed of padding, with raw movieIds. */
  list(batch: RecommendationBatch, j: number): Recommendation {
    return batchList(batch, j, this.itemIds);
  }
}

/**
 * The top-`n` lists of dense `users` by the scoring kernel, as every model family returns them
 * (the lists carry the model's id maps, so ranking metrics can check the test matrix).
 */
export async function topNBatch(
  arrays: AlsState,
  ids: IdMaps,
  users: ArrayLike<number>,
  n: number,
  options: RecommendOptions,
): Promise<RecommendationBatch> {
  const dense = toU32(users);
  const top = await recommendTopN(arrays, dense, n, {
    exclude: options.exclude,
    threads: options.threads,
  });
  const maps = { userIds: ids.userIds, itemIds: ids.itemIds };
  return { users: dense, n, items: top.items, scores: top.scores, ids: maps };
}

/** List `j` of a batch, trimmed of padding, with the raw movieIds of `itemIds`. */
export function batchList(
  batch: RecommendationBatch,
  j: number,
  itemIds: Uint32Array,
): Recommendation {
  const { n } = batch;
  let length = 0;
  while (length < n && batch.items[j * n + length] !== 0xffff_ffff) length++;
  const items = batch.items.slice(j * n, j * n + length);
  return {
    user: batch.users[j]!,
    items,
    movieIds: items.map((i) => itemIds[i]!),
    scores: batch.scores.slice(j * n, j * n + length),
  };
}
