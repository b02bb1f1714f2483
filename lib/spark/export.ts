/**
 * Hands one split of the project to Spark MLlib: train / validation / test files with the raw
 * ids (Parquet or CSV, see ./ratings_file.ts), and `export.json` with the split, the
 * hyper-parameters mapped onto `pyspark.ml.recommendation.ALS`, and the RMSE of the Zig ALS
 * fitted on the same training file with the same objective. `lib/spark/als.py` reads it.
 *
 * ## The shared objective
 *
 * Spark's ALS has no biases: it fits r ≈ x_u·y_i and minimises
 *
 *   Σ (r_ui − x_u·y_i)² + regParam · (Σ_u n_u ‖x_u‖² + Σ_i n_i ‖y_i‖²)
 *
 * (each row's regularisation scaled by its number of ratings, ALS-WR; Spark has no unweighted
 * form). The project's {@linkcode Als} fits μ + b_u + b_i + x_u·y_i. The export fits it with the
 * biases pinned at zero (λ_b = {@linkcode PINNED_BIAS_LAMBDA}, so |b| < 1e-6 stars, checked) and
 * ALS-WR weighting, which is exactly Σ (r − μ − x_u·y_i)² + λ · (Σ n_u ‖x_u‖² + Σ n_i ‖y_i‖²);
 * Spark then fits the same objective on r − μ (μ = the training mean, written in the JSON) and
 * adds μ back. So rank = K, maxIter = epochs, regParam = λ.
 *
 * @module
 */
import type { ProgressOption } from "../models/reporter.ts";
import { join } from "node:path";
import { writeChunksAtomic } from "../data/atomic.ts";
import {
  coldItemSplit,
  filterMatrix,
  leaveLastNSplit,
  randomSplit,
  temporalSplit,
  validationSplit,
} from "../data/split.ts";
import type { RatingMatrix } from "../data/types.ts";
import { Als } from "../models/als.ts";
import { RATINGS_COLUMNS, type RatingsFormat, writeRatings } from "./ratings_file.ts";

/** λ_b that pins the project's biases at zero for the comparison with Spark (see the module). */
export const PINNED_BIAS_LAMBDA = 1e12;

/** The splits lib/data/split.ts makes. */
export type SplitKind = "random" | "temporal" | "leave-last-n" | "cold-items";

/** Which split to export; the fields that do not apply to `kind` are ignored. */
export interface SplitSpec {
  /** Which split. */
  kind: SplitKind;
  /** random: share of ratings in test. Default 0.1. */
  testFraction?: number;
  /** temporal: share of the oldest ratings in train. Default 0.8. */
  trainFraction?: number;
  /** leave-last-n: each user's newest n ratings in test. Default 1. */
  n?: number;
  /** cold-items: share of the rated movies held out whole. Default 0.1. */
  itemFraction?: number;
  /** Share of the (remaining) training ratings carved out as validation; 0 for none. Default 0.1. */
  validationFraction?: number;
  /** Seed of the random choices (split, validation, initial factors). */
  seed: number;
}

/** Train, validation (possibly empty) and test matrices over the same dense ids. */
export interface ThreeWaySplit {
  /** Ratings to fit on. */
  train: RatingMatrix;
  /** Ratings for tuning (no ratings when `validationFraction` is 0). */
  validation: RatingMatrix;
  /** Held-out ratings. */
  test: RatingMatrix;
}

/**
 * Makes the split `spec` describes, then carves validation out of train with
 * {@linkcode validationSplit} (same seed; it scrambles it).
 *
 * @example
 * ```ts
 * import { makeSplit } from "./export.ts";
 * import { fromTriplets } from "../data/coo.ts";
 * const users = Array.from({ length: 100 }, (_, k) => k % 10);
 * const items = Array.from({ length: 100 }, (_, k) => Math.floor(k / 10));
 * const m = fromTriplets(10, 10, users, items, users.map(() => 4), items);
 * const s = makeSplit(m, { kind: "leave-last-n", n: 2, validationFraction: 0.2, seed: 1 });
 * if (s.test.nnz !== 20 || s.train.nnz + s.validation.nnz !== 80) throw new Error("2 per user");
 * ```
 */
export function makeSplit(ratings: RatingMatrix, spec: SplitSpec): ThreeWaySplit {
  const { kind, seed, validationFraction = 0.1 } = spec;
  const outer = kind === "random"
    ? randomSplit(ratings, { testFraction: spec.testFraction ?? 0.1, seed })
    : kind === "temporal"
    ? temporalSplit(ratings, { trainFraction: spec.trainFraction ?? 0.8 })
    : kind === "leave-last-n"
    ? leaveLastNSplit(ratings, { n: spec.n ?? 1 })
    : coldItemSplit(ratings, { itemFraction: spec.itemFraction ?? 0.1, seed });
  const inner = validationSplit(outer.train, { validationFraction, seed });
  return { train: inner.train, validation: inner.validation, test: outer.test };
}

/**
 * The ratings of `m` whose user and movie both have training ratings: the pairs Spark's ALS can
 * score (it has no factors for the others).
 *
 * @example
 * ```ts
 * import { warmPart } from "./export.ts";
 * import { fromTriplets } from "../data/coo.ts";
 * const train = fromTriplets(2, 2, [0], [0], [4], [0]);
 * const test = fromTriplets(2, 2, [0, 0, 1], [0, 1, 0], [3, 2, 5], [0, 0, 0]);
 * if (warmPart(test, train).nnz !== 1) throw new Error("only user 0 on movie 0 is known");
 * ```
 */
export function warmPart(m: RatingMatrix, train: RatingMatrix): RatingMatrix {
  const keep = new Uint8Array(m.nnz);
  for (let u = 0; u < m.nUsers; u++) {
    const userKnown = train.userPtr[u + 1]! > train.userPtr[u]!;
    const end = m.userPtr[u + 1]!;
    for (let e = m.userPtr[u]!; e < end; e++) {
      const i = m.userItems[e]!;
      keep[e] = userKnown && train.itemPtr[i + 1]! > train.itemPtr[i]! ? 1 : 0;
    }
  }
  return filterMatrix(m, keep);
}

/** Hyper-parameters of the exported comparison. */
export interface ExportHyper {
  /** Latent factors K (Spark's rank). Default 10. */
  k?: number;
  /** λ per rating, ALS-WR (Spark's regParam). Default 0.1. */
  lambda?: number;
  /** Epochs (Spark's maxIter). Default 15. */
  epochs?: number;
}

/** Options of {@linkcode exportSplit}. */
export interface ExportOptions extends ExportHyper {
  /** Raw userIds of the dense users. */
  userIds: Uint32Array;
  /** Raw movieIds of the dense items. */
  itemIds: Uint32Array;
  /** The split to make. */
  split: SplitSpec;
  /** File format. Default "parquet". */
  format?: RatingsFormat;
  /** Dataset name or folder, recorded in the JSON. */
  dataset?: string;
  /** Kernel threads for the Zig fit. */
  threads?: number;
  /** Progress bar of the Zig fit. Default false. */
  progress?: ProgressOption;
}

/** RMSE of one model on one matrix, or null when it has no ratings. */
type MaybeRmse = number | null;

/** What `export.json` holds (snake_case: it is read by Python). */
export interface ExportManifest {
  /** Version of this layout. */
  version: 1;
  /** File format of the three tables. */
  format: RatingsFormat;
  /** File names inside the export folder. */
  files: { train: string; validation: string; test: string };
  /** Columns of every table. */
  columns: readonly string[];
  /** Dataset the split was made from. */
  dataset: string | null;
  /** The split, as asked. */
  split: Record<string, string | number>;
  /** Ratings per table, and the users and movies of the dataset. */
  counts: {
    train: number;
    validation: number;
    test: number;
    test_warm: number;
    users: number;
    movies: number;
  };
  /** The clamp both sides apply to predictions. */
  rating_scale: readonly [number, number];
  /** μ, the mean training rating; Spark fits r − μ. */
  mu: number;
  /** The objective both sides minimise, in words. */
  objective: string;
  /** The project's hyper-parameters. */
  hyper: {
    k: number;
    lambda: number;
    weighted: true;
    epochs: number;
    seed: number;
    init_scale: number;
    lambda_bias: number;
  };
  /** The same, as pyspark.ml.recommendation.ALS parameters. */
  spark: {
    rank: number;
    maxIter: number;
    regParam: number;
    implicitPrefs: false;
    nonnegative: false;
    seed: number;
  };
  /** The Zig ALS on the same files: RMSE (clamped predictions) and time. */
  zig: {
    train_rmse: number;
    validation_rmse: MaybeRmse;
    test_rmse: MaybeRmse;
    test_rmse_warm: MaybeRmse;
    max_abs_bias: number;
    fit_seconds: number;
    threads: number | null;
  };
}

async function rmseOf(model: Als, m: RatingMatrix, threads?: number): Promise<MaybeRmse> {
  return m.nnz === 0 ? null : (await model.evaluate(m, { threads })).rmse;
}

/**
 * Makes the split, writes `train`, `validation` and `test` (`.parquet` or `.csv`) into `dir`,
 * fits the Zig ALS on train with the objective Spark shares (biases pinned at zero, ALS-WR), and
 * writes `export.json` last (so its presence means the export is complete). A stale
 * `export.json` is removed first.
 *
 * @param dir The export folder (created).
 * @param ratings The whole dataset.
 * @param options Ids, split, format, K, λ, epochs, threads.
 * @returns The manifest written to `export.json`.
 *
 * @example
 * ```ts
 * import { exportSplit } from "./export.ts";
 * import { fromTriplets } from "../data/coo.ts";
 * const users = Array.from({ length: 200 }, (_, k) => k % 20);
 * const items = Array.from({ length: 200 }, (_, k) => Math.floor(k / 20));
 * const m = fromTriplets(20, 10, users, items, users.map((u, j) => 1 + ((u + items[j]!) % 5)), items);
 * const dir = await Deno.makeTempDir();
 * const userIds = Uint32Array.from({ length: 20 }, (_, u) => u + 1);
 * const itemIds = Uint32Array.from({ length: 10 }, (_, i) => 100 + i);
 * const split = { kind: "random", seed: 1 } as const;
 * const manifest = await exportSplit(dir, m, { userIds, itemIds, split, k: 2, epochs: 3 });
 * const names = [...Deno.readDirSync(dir)].map((e) => e.name).sort().join();
 * await Deno.remove(dir, { recursive: true });
 * if (names !== "export.json,test.parquet,train.parquet,validation.parquet") throw new Error(names);
 * if (manifest.spark.rank !== 2 || manifest.spark.maxIter !== 3) throw new Error("mapped");
 * ```
 */
export async function exportSplit(
  dir: string,
  ratings: RatingMatrix,
  options: ExportOptions,
): Promise<ExportManifest> {
  const { split, format = "parquet", k = 10, lambda = 0.1, epochs = 15, threads } = options;
  const manifestPath = join(dir, "export.json");
  await Deno.mkdir(dir, { recursive: true });
  await Deno.remove(manifestPath).catch((error) => {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  });
  const { parts, files } = await writeSplit(dir, ratings, options);
  const { train, validation, test } = parts;
  const fit = await fitPinnedBiases(train, options);
  const warm = warmPart(test, train);
  const manifest: ExportManifest = {
    version: 1,
    format,
    files,
    columns: RATINGS_COLUMNS,
    dataset: options.dataset ?? null,
    split: splitRecord(split),
    counts: {
      train: train.nnz,
      validation: validation.nnz,
      test: test.nnz,
      test_warm: warm.nnz,
      users: ratings.nUsers,
      movies: ratings.nItems,
    },
    rating_scale: fit.model.ratingScale,
    mu: fit.model.state.mu,
    objective: "sum over training ratings of (r - mu - x_u.y_i)^2 + lambda * (sum_u n_u |x_u|^2 " +
      "+ sum_i n_i |y_i|^2), n = the row's training ratings (ALS-WR); predictions mu + x_u.y_i " +
      "clamped to rating_scale; a user or movie without training ratings gets x = 0 (prediction mu)",
    hyper: {
      k,
      lambda,
      weighted: true,
      epochs,
      seed: split.seed,
      init_scale: 0.1,
      lambda_bias: PINNED_BIAS_LAMBDA,
    },
    spark: {
      rank: k,
      maxIter: epochs,
      regParam: lambda,
      implicitPrefs: false,
      nonnegative: false,
      seed: split.seed,
    },
    zig: {
      train_rmse: (await fit.model.evaluate(train, { threads })).rmse,
      validation_rmse: await rmseOf(fit.model, validation, threads),
      test_rmse: await rmseOf(fit.model, test, threads),
      test_rmse_warm: await rmseOf(fit.model, warm, threads),
      max_abs_bias: fit.maxAbsBias,
      fit_seconds: fit.seconds,
      threads: threads ?? null,
    },
  };
  const text = `${JSON.stringify(manifest, null, 2)}\n`;
  await writeChunksAtomic(manifestPath, [new TextEncoder().encode(text)]);
  return manifest;
}

/** Makes the split and writes its three tables into `dir`; refuses an empty train or test. */
async function writeSplit(
  dir: string,
  ratings: RatingMatrix,
  options: ExportOptions,
): Promise<{ parts: ThreeWaySplit; files: ExportManifest["files"] }> {
  const { userIds, itemIds, split, format = "parquet" } = options;
  const parts = makeSplit(ratings, split);
  if (parts.train.nnz === 0) {
    throw new Error(`export: the ${split.kind} split leaves no training ratings`);
  }
  if (parts.test.nnz === 0) {
    throw new Error(`export: the ${split.kind} split leaves no test ratings`);
  }
  const files = {
    train: `train.${format}`,
    validation: `validation.${format}`,
    test: `test.${format}`,
  };
  for (const name of ["train", "validation", "test"] as const) {
    await writeRatings(join(dir, files[name]), parts[name], { userIds, itemIds, format });
  }
  return { parts, files };
}

/**
 * The Zig ALS on train with Spark's objective (ALS-WR, biases pinned at zero by a huge λ_b), timed,
 * and refused when a bias moved off zero.
 */
async function fitPinnedBiases(
  train: RatingMatrix,
  options: ExportOptions,
): Promise<{ model: Als; seconds: number; maxAbsBias: number }> {
  const { userIds, itemIds, split, k = 10, lambda = 0.1, epochs = 15 } = options;
  const started = performance.now();
  const model = await Als.fit(train, {
    userIds,
    itemIds,
    k,
    lambda,
    lambdaBias: PINNED_BIAS_LAMBDA,
    weighted: true,
    epochs,
    seed: split.seed,
    threads: options.threads,
    progress: options.progress ?? false,
  });
  const seconds = (performance.now() - started) / 1000;
  let maxAbsBias = 0;
  for (const b of [model.userBias, model.itemBias]) {
    for (const v of b) maxAbsBias = Math.max(maxAbsBias, Math.abs(v));
  }
  if (!(maxAbsBias < 1e-6)) {
    throw new Error(
      `export: the pinned biases reached ${maxAbsBias} (expected < 1e-6); the Zig fit is not ` +
        "the bias-free objective Spark fits",
    );
  }
  return { model, seconds, maxAbsBias };
}

function splitRecord(spec: SplitSpec): Record<string, string | number> {
  const record: Record<string, string | number> = {
    kind: spec.kind,
    validation_fraction: spec.validationFraction ?? 0.1,
    seed: spec.seed,
  };
  if (spec.kind === "random") record.test_fraction = spec.testFraction ?? 0.1;
  if (spec.kind === "temporal") record.train_fraction = spec.trainFraction ?? 0.8;
  if (spec.kind === "leave-last-n") record.n = spec.n ?? 1;
  if (spec.kind === "cold-items") record.item_fraction = spec.itemFraction ?? 0.1;
  return record;
}
