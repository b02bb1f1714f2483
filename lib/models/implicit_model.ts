/**
 * What the implicit-feedback models (Popularity, Ials, Bpr) share: a score s_ui = b_i + x_u·y_i
 * (no global mean, no user bias — only the order of a user's items matters), top-N
 * recommendation through the same Zig kernel as the explicit models, the scores of every item for
 * one user (for AUC), saving and loading through the model file format, and the training loop
 * with per-epoch ranking quality on a validation split.
 *
 * @module
 */
import type { RatingMatrix } from "../data/types.ts";
import { checkIdMaps } from "../data/id_maps.ts";
import { recommendTopN } from "../ffi/kernels.ts";
import { type AlsState, initAlsState } from "./als_state.ts";
import { rankingMetrics } from "../metrics/ranking.ts";
import { type ProgressOption, reporterFor } from "./reporter.ts";
import type { Recommendation, RecommendationBatch, RecommendOptions } from "./explicit_model.ts";
import { batchList, fitIdMaps, topNBatch } from "./explicit_model.ts";
import {
  checkModelArrays,
  isRecord,
  metadataError,
  readModelFile,
  writeModelFile,
} from "./_model_file.ts";

/** The implicit model kinds, as written in saved files. */
export type ImplicitKind = "popularity" | "ials" | "bpr";

/** One epoch of an implicit fit. */
export interface ImplicitEpochRecord {
  /** 1-based epoch. */
  epoch: number;
  /** Seconds of the epoch's kernel call. */
  seconds: number;
  /** BPR: share of the epoch's sampled (u, i, j) triples with x̂_ui > x̂_uj before the update. */
  trainAuc?: number;
  /** NDCG@10 on the validation positives (train items excluded), when a validation split is given. */
  validationNdcg?: number;
  /** Recall@20 on the validation positives. */
  validationRecall?: number;
}

/** Everything an implicit model holds. */
export interface ImplicitParts {
  /** Latent factors (0 for popularity). */
  k: number;
  /** `nUsers × k`. */
  userFactors: Float32Array;
  /** `nItems × k`. */
  itemFactors: Float32Array;
  /** b_i per item (the popularity count; BPR's item bias; zero for iALS). */
  itemBias: Float32Array;
  /** Raw userId per dense user. */
  userIds: Uint32Array;
  /** Raw movieId per dense item. */
  itemIds: Uint32Array;
  /** Hyper-parameters `fit` used. */
  hyper: Record<string, number | boolean | string>;
  /** Per-epoch record. */
  history: ImplicitEpochRecord[];
}

/** Options every implicit `fit` accepts. */
export interface ImplicitFitOptions {
  /** Raw userId per dense user; default the index. */
  userIds?: Uint32Array;
  /** Raw movieId per dense item; default the index. */
  itemIds?: Uint32Array;
  /** Kernel threads (default `RECSYS_THREADS` or all cores). */
  threads?: number;
}

/** Options of the implicit training loop. */
export interface ImplicitLoopOptions {
  /** Epochs. */
  epochs?: number;
  /** Held-out positives to report NDCG@10 and recall@20 on after each epoch. */
  validation?: RatingMatrix;
  /** Called after every epoch; return `false` to stop. */
  onEpoch?: (record: ImplicitEpochRecord) => void | boolean;
  /**
   * Progress report: a reporter (lib/models/reporter.ts), `false` for none, or the default
   * reporter (the notebook layer's when loaded: live in Jupyter, a bar in a terminal).
   */
  progress?: ProgressOption;
}

/**
 * Checks the training matrix and id arrays: the ids default to the training matrix's id maps
 * (else the index), and given ids or a validation matrix built with other id maps are refused.
 */
export function implicitIds(
  fn: string,
  train: RatingMatrix,
  options: ImplicitFitOptions & { validation?: RatingMatrix },
): { userIds: Uint32Array; itemIds: Uint32Array } {
  if (train.nnz === 0) throw new Error(`${fn}: the training matrix has no interactions`);
  const { userIds, itemIds } = fitIdMaps(fn, train, options);
  for (let e = 0; e < train.nnz; e++) {
    const v = train.userRatings[e]!;
    if (!(v > 0) || !Number.isFinite(v)) {
      throw new RangeError(
        `${fn}: interaction ${e} has value ${v}; implicit models need positive finite values ` +
          "(1 for a positive: see implicitPositives in lib/data/implicit.ts)",
      );
    }
  }
  return { userIds, itemIds };
}

/**
 * Runs `epoch` up to `epochs` times with progress, validation ranking metrics and `onEpoch`.
 * `epoch` returns the training AUC estimate when it has one.
 */
export async function implicitFitLoop(
  label: string,
  epochs: number,
  epoch: (index: number) => Promise<number | undefined>,
  validate: (() => Promise<{ ndcg: number; recall: number }>) | undefined,
  options: ImplicitLoopOptions,
): Promise<ImplicitEpochRecord[]> {
  if (!Number.isInteger(epochs) || epochs < 0) {
    throw new RangeError(`fit: epochs must be a whole number ≥ 0, got ${epochs}`);
  }
  const chart = ["train AUC", "validation NDCG@10"];
  const report = reporterFor(options.progress, { total: epochs, label, chart, stepName: "epoch" });
  const history: ImplicitEpochRecord[] = [];
  try {
    for (let e = 1; e <= epochs; e++) {
      const started = performance.now();
      const trainAuc = await epoch(e - 1);
      const record: ImplicitEpochRecord = {
        epoch: e,
        seconds: (performance.now() - started) / 1000,
      };
      const values: Record<string, number> = {};
      const parts = [`epoch ${e}`];
      if (trainAuc !== undefined) {
        record.trainAuc = values["train AUC"] = trainAuc;
        parts.push(`train AUC ${trainAuc.toFixed(4)}`);
      }
      if (validate) {
        const m = await validate();
        record.validationNdcg = values["validation NDCG@10"] = m.ndcg;
        record.validationRecall = m.recall;
        parts.push(`validation NDCG@10 ${m.ndcg.toFixed(4)} recall@20 ${m.recall.toFixed(4)}`);
      }
      parts.push(`${record.seconds.toFixed(2)} s`);
      values.seconds = record.seconds;
      history.push(record);
      await report.step(parts.join("  "), values);
      if (options.onEpoch?.(record) === false) break;
    }
  } catch (error) {
    await report.done(`failed: ${error instanceof Error ? error.message : String(error)}`);
    throw error;
  }
  await report.done("");
  return history;
}

/** The seeded start and the loop of a latent-factor fit ({@linkcode fitFactorModel}). */
export interface FactorFitSpec {
  /** The progress label. */
  label: string;
  /** Latent factors K (checked by the caller). */
  k: number;
  /** Seed of the initial factors. */
  seed: number;
  /** Standard deviation of the initial factors. */
  initScale: number;
  /** Epochs. */
  epochs: number;
  /** Kernel threads of the validation ranking. */
  threads?: number;
}

/**
 * What the factor models (BPR, iALS) share after their own checks: factors seeded by
 * `initAlsState` (μ = 0), then {@linkcode implicitFitLoop} over `epoch` (given the arrays the
 * kernels update and the 0-based epoch) with validation NDCG@10 and recall@20 after each epoch
 * when `options.validation` is given.
 *
 * @example
 * ```ts
 * import { fitFactorModel } from "./implicit_model.ts";
 * import { fromTriplets } from "../data/coo.ts";
 * const train = fromTriplets(2, 3, [0, 1, 1], [0, 0, 1], [1, 1, 1], [0, 0, 0]);
 * const spec = { label: "demo", k: 2, seed: 1, initScale: 0.1, epochs: 3 };
 * const seen: number[] = [];
 * const { state, history } = await fitFactorModel(train, spec, async (arrays, epoch) => {
 *   seen.push(epoch);
 *   return arrays.k / 4; // a training AUC estimate
 * }, { progress: false });
 * if (seen.join() !== "0,1,2" || history[2]?.trainAuc !== 0.5) throw new Error("three epochs");
 * if (state.userFactors.length !== 4 || state.mu !== 0) throw new Error("seeded 2 × 2, μ = 0");
 * ```
 */
export async function fitFactorModel(
  train: RatingMatrix,
  spec: FactorFitSpec,
  epoch: (arrays: AlsState, index: number) => Promise<number | undefined>,
  options: ImplicitLoopOptions,
): Promise<{ state: AlsState; history: ImplicitEpochRecord[] }> {
  const { k, seed, initScale, threads } = spec;
  const state = initAlsState(train.nUsers, train.nItems, k, { seed, scale: initScale, mu: 0 });
  const arrays = { ...state, mu: 0 };
  const validation = options.validation;
  const history = await implicitFitLoop(
    spec.label,
    spec.epochs,
    (index) => epoch(arrays, index),
    validation ? () => validationRanking(arrays, train, validation, threads) : undefined,
    options,
  );
  return { state, history };
}

/**
 * The behaviour every implicit model shares. Construct models with their `fit` or `load`.
 *
 * @example
 * ```ts
 * import { Popularity } from "./popularity.ts";
 * import { fromTriplets } from "../data/coo.ts";
 * // Item 1 has three positives, item 0 two, item 2 one.
 * const train = fromTriplets(3, 3, [0, 1, 2, 0, 1, 2], [0, 0, 1, 1, 1, 2], [1, 1, 1, 1, 1, 1], [
 *   0, 0, 0, 0, 0, 0,
 * ]);
 * const model = Popularity.fit(train);
 * const rec = await model.recommend(2, { n: 2, exclude: train }); // user 2 has seen 1 and 2
 * if (rec.items.join() !== "0") throw new Error(`${rec.items}`);
 * ```
 */
export abstract class ImplicitModel {
  /** The kind, as written in saved files. */
  abstract readonly kind: ImplicitKind;
  /** Latent factors (0 for popularity). */
  readonly k: number;
  /** x_u rows, `nUsers × k`. */
  readonly userFactors: Float32Array;
  /** y_i rows, `nItems × k`. */
  readonly itemFactors: Float32Array;
  /** b_i per item. */
  readonly itemBias: Float32Array;
  /** Raw userId per dense user. */
  readonly userIds: Uint32Array;
  /** Raw movieId per dense item. */
  readonly itemIds: Uint32Array;
  /** Hyper-parameters `fit` used. */
  readonly hyper: Readonly<Record<string, number | boolean | string>>;
  /** One record per epoch. */
  readonly history: readonly ImplicitEpochRecord[];
  #zeroUserBias: Float32Array;

  /** Wraps fitted or loaded parts. */
  constructor(parts: ImplicitParts) {
    this.k = parts.k;
    this.userFactors = parts.userFactors;
    this.itemFactors = parts.itemFactors;
    this.itemBias = parts.itemBias;
    this.userIds = parts.userIds;
    this.itemIds = parts.itemIds;
    this.hyper = parts.hyper;
    this.history = parts.history;
    this.#zeroUserBias = new Float32Array(parts.userIds.length);
  }

  /** Users the model knows. */
  get nUsers(): number {
    return this.userIds.length;
  }

  /** Items the model knows. */
  get nItems(): number {
    return this.itemIds.length;
  }

  /** The parameters as the scoring kernels see them (μ = 0, no user bias). */
  arrays(): AlsState {
    return {
      k: this.k,
      mu: 0,
      userFactors: this.userFactors,
      itemFactors: this.itemFactors,
      userBias: this.#zeroUserBias,
      itemBias: this.itemBias,
    };
  }

  /**
   * The score b_i + x_u·y_i of every item for dense user `u` (for AUC and plots).
   *
   * @example
   * ```ts
   * import { Popularity } from "./popularity.ts";
   * import { fromTriplets } from "../data/coo.ts";
   * const model = Popularity.fit(fromTriplets(2, 2, [0, 1], [1, 1], [1, 1], [0, 0]));
   * if (model.scoreUser(0).join() !== "0,2") throw new Error("counts are the scores");
   * ```
   */
  scoreUser(u: number): Float32Array {
    if (!Number.isInteger(u) || u < 0 || u >= this.nUsers) {
      throw new RangeError(`scoreUser: user must be a dense index in 0..${this.nUsers - 1}`);
    }
    const { k, userFactors, itemFactors } = this;
    const out = Float32Array.from(this.itemBias);
    if (k === 0) return out;
    const x = userFactors.subarray(u * k, u * k + k);
    for (let i = 0, base = 0; i < out.length; i++, base += k) {
      let dot = 0;
      for (let f = 0; f < k; f++) dot += x[f]! * itemFactors[base + f]!;
      out[i]! += dot;
    }
    return out;
  }

  /**
   * The top-`n` items for one dense user, best first, skipping the items in `exclude` (the
   * training interactions). An index the model does not know gets the items with the highest b_i.
   *
   * @example
   * ```ts
   * import { Popularity } from "./popularity.ts";
   * import { fromTriplets } from "../data/coo.ts";
   * const train = fromTriplets(2, 3, [0, 1, 1], [2, 2, 0], [1, 1, 1], [0, 0, 0]);
   * const model = Popularity.fit(train, { itemIds: Uint32Array.of(10, 20, 30) });
   * const rec = await model.recommend(0, { n: 3 });
   * if (rec.movieIds.join() !== "30,10,20") throw new Error(`${rec.movieIds}`);
   * ```
   */
  async recommend(user: number, options: RecommendOptions = {}): Promise<Recommendation> {
    return this.list(await this.recommendBatch([user], options), 0);
  }

  /**
   * Top-`n` lists for many users at once (flat arrays, padded with 0xFFFFFFFF); items in
   * `exclude` are skipped, ties go to the lower item index.
   *
   * @example
   * ```ts
   * import { Popularity } from "./popularity.ts";
   * import { fromTriplets } from "../data/coo.ts";
   * const train = fromTriplets(2, 2, [0, 1, 1], [0, 0, 1], [1, 1, 1], [0, 0, 0]);
   * const batch = await Popularity.fit(train).recommendBatch([0, 1], { n: 1, exclude: train });
   * if (batch.items.join() !== `1,${0xffff_ffff}`) throw new Error(`${batch.items}`);
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
    if (options.exclude) {
      checkIdMaps(`${this.constructor.name}.recommend (exclude)`, this, options.exclude);
    }
    if (options.exclude && options.exclude.nItems !== this.nItems) {
      throw new RangeError(
        `recommend: exclude has ${options.exclude.nItems} items, the model ${this.nItems}`,
      );
    }
    return await topNBatch(this.arrays(), this, users, n, options);
  }

  /** User j's list from a batch, trimmed of padding, with raw movieIds. */
  list(batch: RecommendationBatch, j: number): Recommendation {
    return batchList(batch, j, this.itemIds);
  }

  /**
   * Saves the model atomically (the format of lib/models/_model_file.ts, kind in the metadata).
   *
   * @example
   * ```ts
   * import { Popularity } from "./popularity.ts";
   * import { fromTriplets } from "../data/coo.ts";
   * const model = Popularity.fit(fromTriplets(1, 2, [0], [1], [1], [0]));
   * const dir = await Deno.makeTempDir();
   * await model.save(`${dir}/pop.rsm`);
   * const back = await Popularity.load(`${dir}/pop.rsm`);
   * await Deno.remove(dir, { recursive: true });
   * if (back.itemBias.join() !== "0,1") throw new Error("counts read back");
   * ```
   */
  async save(path: string): Promise<void> {
    await writeModelFile(path, {
      model: this.kind,
      k: this.k,
      nUsers: this.nUsers,
      nItems: this.nItems,
      hyper: this.hyper,
      history: this.history,
      savedAt: new Date().toISOString(),
    }, {
      userIds: this.userIds,
      itemIds: this.itemIds,
      itemBias: this.itemBias,
      userFactors: this.userFactors,
      itemFactors: this.itemFactors,
    });
  }
}

/** Whether `v` is a whole number in min..max. */
const isWhole = (v: unknown, min: number, max: number): v is number =>
  typeof v === "number" && Number.isInteger(v) && v >= min && v <= max;

/**
 * Reads a saved implicit model of `kind`, checking the metadata fields and every array's type and
 * length; each failure names the file and the field.
 *
 * @example
 * ```ts
 * import { loadImplicitParts } from "./implicit_model.ts";
 * import { Popularity } from "./popularity.ts";
 * import { fromTriplets } from "../data/coo.ts";
 * const dir = await Deno.makeTempDir();
 * await Popularity.fit(fromTriplets(1, 2, [0], [1], [1], [0])).save(`${dir}/p.rsm`);
 * try {
 *   await loadImplicitParts(`${dir}/p.rsm`, "bpr");
 *   throw new Error("a popularity file is no BPR model");
 * } catch (e) {
 *   if (!(e as Error).message.includes('holds a "popularity" model')) throw e;
 * } finally {
 *   await Deno.remove(dir, { recursive: true });
 * }
 * ```
 */
export async function loadImplicitParts(path: string, kind: ImplicitKind): Promise<ImplicitParts> {
  const { metadata, arrays } = await readModelFile(path);
  if (metadata.model !== kind) {
    throw new Error(`${path}: holds a "${metadata.model}" model, expected "${kind}"`);
  }
  const { k, nUsers, nItems, hyper = {}, history = [] } = metadata;
  const kMax = kind === "popularity" ? 0 : 1024;
  if (!isWhole(k, kind === "popularity" ? 0 : 1, kMax)) {
    throw metadataError(
      path,
      "k",
      `a whole number in ${kind === "popularity" ? 0 : 1}..${kMax}`,
      k,
    );
  }
  if (!isWhole(nUsers, 0, 0xffff_ffff)) {
    throw metadataError(path, "nUsers", "a whole number", nUsers);
  }
  if (!isWhole(nItems, 0, 0xffff_ffff)) {
    throw metadataError(path, "nItems", "a whole number", nItems);
  }
  if (
    !isRecord(hyper) ||
    !Object.values(hyper).every((v) => ["number", "boolean", "string"].includes(typeof v))
  ) {
    throw metadataError(path, "hyper", "an object of scalar hyper-parameters", hyper);
  }
  if (
    !Array.isArray(history) || !history.every((r) => isRecord(r) && isWhole(r.epoch, 1, Infinity))
  ) {
    throw metadataError(path, "history", "a list of { epoch, seconds, … } records", history);
  }
  const expect = {
    userIds: [Uint32Array, nUsers],
    itemIds: [Uint32Array, nItems],
    itemBias: [Float32Array, nItems],
    userFactors: [Float32Array, nUsers * k],
    itemFactors: [Float32Array, nItems * k],
  } as const;
  checkModelArrays(path, arrays, expect, { nUsers, nItems, k });
  return {
    k,
    userFactors: arrays.userFactors as Float32Array,
    itemFactors: arrays.itemFactors as Float32Array,
    itemBias: arrays.itemBias as Float32Array,
    userIds: arrays.userIds as Uint32Array,
    itemIds: arrays.itemIds as Uint32Array,
    hyper: hyper as Record<string, number | boolean | string>,
    history: history as ImplicitEpochRecord[],
  };
}

/**
 * NDCG@10 and recall@20 of `model`-like scores on held-out positives, excluding the training
 * interactions: the validation measure of the implicit fit loop.
 */
export async function validationRanking(
  arrays: AlsState,
  train: RatingMatrix,
  validation: RatingMatrix,
  threads?: number,
): Promise<{ ndcg: number; recall: number }> {
  const users: number[] = [];
  for (let u = 0; u < validation.nUsers; u++) {
    if (validation.userPtr[u + 1]! > validation.userPtr[u]!) users.push(u);
  }
  const top = await recommendTopN(arrays, Uint32Array.from(users), 20, { exclude: train, threads });
  const lists = { users: Uint32Array.from(users), n: 20, items: top.items };
  const at10 = rankingMetrics(lists, validation, { k: 10, threshold: 0 });
  const at20 = rankingMetrics(lists, validation, { k: 20, threshold: 0 });
  return { ndcg: at10.ndcg, recall: at20.recall };
}
