/**
 * Seeded random-mutation fuzzing of the saved-model reader (whatever format it reads). Seeds are
 * real model files of every kind — GlobalMean, BiasAls, Als, GenreAls, Popularity, Bpr and Ials —
 * fitted on a tiny matrix (and, when a dataset is given, the explicit and implicit kinds on
 * ml-latest-small) and written by their public `save`; each input is a seed with one to eight
 * mutations (bit flips, random bytes, interesting u32 values, non-finite f32 values, JSON tokens,
 * deletions, duplications, truncation). Three inputs in four are resealed (`resealBundle`: the
 * prefix's total length and both CRC-32s recomputed) when they still start with the bundle magic,
 * so that most inputs get past the checksums into the header, array-table, metadata and array
 * checks. The oracle: the model loads (through `loadModel`, which reads every kind) with finite
 * parameters, each raw id once, and predictions within its rating scale (implicit kinds: finite
 * scores and item indices in range), or it is rejected with an `Error` naming the file; anything else (another error type without the path, a NaN or
 * repeated id loaded silently) is a failure.
 *
 * To fuzz another reader, pass `{ target }`: any `(path) => Promise<unknown>` and its checks.
 *
 * @module
 */
import {
  Als,
  BiasAls,
  Bpr,
  GenreAls,
  GlobalMean,
  Ials,
  type ImplicitModel,
  loadModel,
  Popularity,
} from "../lib/models/mod.ts";
import { buildItemFeatures, loadMovieLens } from "../lib/data/mod.ts";
import type { ItemFeatures, RatingMatrix } from "../lib/data/mod.ts";
import { resealBundle } from "../lib/data/bundle.ts";

/** What a fuzzing run did. */
export interface FuzzStats {
  /** Inputs tried. */
  inputs: number;
  /** Inputs the reader accepted (and whose predictions were finite). */
  accepted: number;
  /** Inputs the reader refused with a clean error naming the file. */
  refused: number;
  /** Seconds spent. */
  seconds: number;
  /** Seed files used. */
  seeds: number;
}

/** Options of {@linkcode fuzzModelFile}. */
export interface FuzzOptions {
  /** Seed of the mutation stream (default 1). */
  seed?: number;
  /** Stop after this many inputs (default unbounded). */
  inputs?: number;
  /** Stop after this many seconds (default 5). */
  seconds?: number;
  /** The reader under test (default: `loadModel` and finite predictions). */
  target?: (path: string) => Promise<void>;
  /** Include models fitted on this MovieLens folder (default ../shared/data/ml-latest-small when present). */
  dataset?: string | null;
}

/**
 * The default target: load; then the model must hold what a fitted model holds (finite parameters,
 * each raw id once) and answer with finite numbers (explicit kinds: predictions within the rating
 * scale; implicit kinds: scores and in-range item indices). A loaded model that breaks these would
 * answer wrongly without an error, so it is a failure, not an acceptance.
 */
export async function loadAndPredict(path: string): Promise<void> {
  const model = await loadModel(path);
  // Rating models hold their arrays in `state`; the implicit rankers (popularity, bpr, ials) as
  // fields, and predict no stars.
  if (!("state" in model)) return await checkImplicit(path, model);
  const { state } = model;
  checkFinite(path, Object.entries(state));
  if (model instanceof GenreAls) {
    checkFinite(path, [["featureFactors", model.featureFactors], [
      "featureBias",
      model.featureBias,
    ]]);
  }
  checkIds(path, model.userIds, model.itemIds);
  const users = [...model.userIds.subarray(0, 3), 4294967295];
  const items = [...model.itemIds.subarray(0, 3), 0];
  const n = Math.min(users.length, items.length);
  const [lo, hi] = model.ratingScale;
  for (const p of model.predictIds(users.slice(0, n), items.slice(0, n))) {
    if (!(p >= lo && p <= hi)) {
      throw new FuzzFailure(`${path}: prediction ${p} outside [${lo}, ${hi}]`);
    }
  }
}

async function checkImplicit(path: string, model: ImplicitModel): Promise<void> {
  checkFinite(path, [
    ["userFactors", model.userFactors],
    ["itemFactors", model.itemFactors],
    ["itemBias", model.itemBias],
  ]);
  checkIds(path, model.userIds, model.itemIds);
  const users = [0, 1, 2].filter((u) => u < model.nUsers);
  for (const u of users) {
    const scores = model.scoreUser(u);
    const j = scores.findIndex((s) => !Number.isFinite(s));
    if (j >= 0) throw new FuzzFailure(`${path}: user ${u} scores ${scores[j]} for item ${j}`);
  }
  // An index the model does not know gets the items with the highest b_i.
  const batch = await model.recommendBatch([...users, 4294967295], { n: 3 });
  for (const [j, item] of batch.items.entries()) {
    const padding = item === 0xffff_ffff;
    if (!padding && (item >= model.nItems || !Number.isFinite(batch.scores[j]!))) {
      throw new FuzzFailure(`${path}: recommended item ${item} with score ${batch.scores[j]}`);
    }
  }
}

function checkFinite(path: string, arrays: [string, unknown][]): void {
  for (const [name, array] of arrays) {
    if (!(array instanceof Float32Array)) continue;
    const j = array.findIndex((x) => !Number.isFinite(x));
    if (j >= 0) throw new FuzzFailure(`${path}: loaded with ${name}[${j}] = ${array[j]}`);
  }
}

function checkIds(path: string, userIds: Uint32Array, itemIds: Uint32Array): void {
  for (const [name, ids] of [["userIds", userIds], ["itemIds", itemIds]] as const) {
    if (new Set(ids).size !== ids.length) {
      throw new FuzzFailure(`${path}: loaded with repeated ${name}`);
    }
  }
}

/** A broken oracle: the reader misbehaved (as opposed to refusing the input cleanly). */
export class FuzzFailure extends Error {
  override name = "FuzzFailure";
}

function tinyMatrix(): RatingMatrix {
  // 3 users × 4 items, dense ids, CSR + CSC by hand.
  const users = [0, 0, 1, 1, 2, 2, 2];
  const items = [0, 2, 1, 3, 0, 1, 3];
  const ratings = [4, 2.5, 5, 1, 3.5, 4, 0.5];
  const nnz = users.length;
  const userPtr = Uint32Array.of(0, 2, 4, 7);
  const order = [0, 4, 2, 5, 1, 3, 6]; // by item, users ascending
  const itemPtr = Uint32Array.of(0, 2, 4, 5, 7);
  return {
    nUsers: 3,
    nItems: 4,
    nnz,
    userPtr,
    userItems: Uint32Array.from(items),
    userRatings: Float32Array.from(ratings),
    userTimes: new Uint32Array(nnz),
    itemPtr,
    itemUsers: Uint32Array.from(order, (j) => users[j]!),
    itemRatings: Float32Array.from(order, (j) => ratings[j]!),
    itemTimes: new Uint32Array(nnz),
  };
}

/** One feature per item (an intercept) and one of two "genres", for the tiny GenreAls seed. */
function tinyFeatures(nItems: number): ItemFeatures {
  const ptr = Uint32Array.from({ length: nItems + 1 }, (_, r) => 2 * r);
  const index = Uint32Array.from(
    { length: 2 * nItems },
    (_, j) => j % 2 === 0 ? 0 : 1 + (j >> 1) % 2,
  );
  return {
    spec: { groups: ["genres"], names: ["(intercept)", "genre:A", "genre:B"] },
    nItems,
    nFeatures: 3,
    ptr,
    index,
    values: new Float32Array(2 * nItems).fill(1),
  };
}

/**
 * Model files to mutate: every kind on a tiny matrix, and on `dataset` when given (GenreAls there
 * with the dataset's genre and decade features).
 */
export async function seedFiles(dataset: string | null): Promise<Uint8Array[]> {
  const dir = await Deno.makeTempDir({ prefix: "fuzz_seeds_" });
  const files: Uint8Array[] = [];
  try {
    const sources: {
      train: RatingMatrix;
      userIds: Uint32Array;
      itemIds: Uint32Array;
      features: ItemFeatures;
    }[] = [
      {
        train: tinyMatrix(),
        userIds: Uint32Array.of(1, 7, 4294967295),
        itemIds: Uint32Array.of(2, 3, 50, 1000),
        features: tinyFeatures(4),
      },
    ];
    if (dataset !== null) {
      const ds = await loadMovieLens(dataset, { cache: false });
      const features = buildItemFeatures(ds.itemIds, ds.movies, { groups: ["genres", "decade"] });
      sources.push({ train: ds.ratings, userIds: ds.userIds, itemIds: ds.itemIds, features });
    }
    for (const { train, userIds, itemIds, features } of sources) {
      const ids = { userIds, itemIds };
      const quiet = { progress: false } as const;
      const models: { save(path: string): Promise<void> }[] = [
        await GlobalMean.fit(train, ids),
        await BiasAls.fit(train, { ...ids, lambda: 3, epochs: 2, progress: "silent" }),
        await Als.fit(train, { ...ids, k: 3, lambda: 1, epochs: 2, progress: "silent" }),
        await GenreAls.fit(train, { ...ids, ...quiet, features, k: 2, epochs: 2 }),
        Popularity.fit(train, ids),
        await Bpr.fit(train, { ...ids, ...quiet, k: 3, epochs: 2, threads: 1 }),
        await Ials.fit(train, { ...ids, ...quiet, k: 3, epochs: 2 }),
      ];
      for (const [j, model] of models.entries()) {
        const path = `${dir}/seed-${files.length}-${j}.rsm`;
        await model.save(path);
        files.push(await Deno.readFile(path));
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  return files;
}

const JSON_TOKENS = [
  '"',
  "{",
  "}",
  "[",
  "]",
  ",",
  ":",
  "null",
  "-1",
  "1e309",
  "4294967296",
  "0.5",
  '"f32"',
  '"u32"',
  '"__proto__"',
  '"length"',
  "true",
  "\\u0000",
  "\uFFFD",
];
const U32_VALUES = [0, 1, 2, 7, 8, 23, 24, 25, 0x7fffffff, 0x80000000, 0xffffffff];

/** SplitMix32-style stream: the same seed gives the same inputs. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return ((z ^ (z >>> 16)) >>> 0) / 4294967296;
  };
}

/** One to eight random mutations of `seed`. */
export function mutate(seed: Uint8Array, next: () => number): Uint8Array {
  const below = (n: number) => Math.floor(next() * n);
  let bytes = Array.from(seed);
  for (let round = 1 + below(8); round > 0; round--) {
    const at = below(bytes.length + 1);
    switch (below(8)) {
      case 0:
        if (at < bytes.length) bytes[at] = bytes[at]! ^ (1 << below(8));
        break;
      case 1:
        if (at < bytes.length) bytes[at] = below(256);
        break;
      case 2: { // an interesting u32, little-endian, anywhere (often the 32-byte prefix)
        const where = next() < 0.5 ? 4 * below(8) : at;
        const v = U32_VALUES[below(U32_VALUES.length)]!;
        for (let k = 0; k < 4 && where + k < bytes.length; k++) {
          bytes[where + k] = (v >>> (8 * k)) & 0xff;
        }
        break;
      }
      case 3: { // a JSON token inside the header (it starts at byte 32)
        const where = 32 + below(Math.max(1, Math.min(bytes.length, 600) - 32));
        const token = new TextEncoder().encode(JSON_TOKENS[below(JSON_TOKENS.length)]!);
        bytes.splice(where, next() < 0.5 ? token.length : 0, ...token);
        break;
      }
      case 4:
        bytes.splice(at, 1 + below(16));
        break;
      case 6: { // a NaN or ±Infinity f32, or a copied u32, in the arrays (past the header)
        const where = bytes.length - 4 * (1 + below(Math.max(1, (bytes.length - 600) >> 2)));
        if (where < 32) break;
        const special = [0x7fc00000, 0x7f800000, 0xff800000][below(3)]!;
        const source = where - 4 * (1 + below(4));
        const copy = next() < 0.5;
        for (let k = 0; k < 4; k++) {
          bytes[where + k] = copy ? bytes[source + k]! : (special >>> (8 * k)) & 0xff;
        }
        break;
      }
      case 5:
        bytes.splice(at, 0, ...bytes.slice(at, at + 1 + below(64)));
        break;
      default: // truncate
        bytes = bytes.slice(0, below(bytes.length + 1));
    }
  }
  const out = Uint8Array.from(bytes);
  if (next() < 0.75) resealBundle(out);
  return out;
}

/**
 * Runs the fuzzer; throws a {@linkcode FuzzFailure} (with the input saved beside the temp folder's
 * path in its message) on the first input the reader mishandles.
 */
export async function fuzzModelFile(options: FuzzOptions = {}): Promise<FuzzStats> {
  const seed = options.seed ?? 1;
  const secondsMax = options.seconds ?? 5;
  const inputsMax = options.inputs ?? Infinity;
  const target = options.target ?? loadAndPredict;
  const shared = new URL("../../shared/data/ml-latest-small", import.meta.url).pathname;
  const dataset = options.dataset !== undefined
    ? options.dataset
    : (await Deno.stat(`${shared}/ratings.csv`).then(() => shared, () => null));
  const seeds = await seedFiles(dataset);
  const next = random(seed);
  const dir = await Deno.makeTempDir({ prefix: "fuzz_model_file_" });
  const path = `${dir}/input.rsm`;
  const started = performance.now();
  const stats: FuzzStats = { inputs: 0, accepted: 0, refused: 0, seconds: 0, seeds: seeds.length };
  try {
    while (stats.inputs < inputsMax && (performance.now() - started) / 1000 < secondsMax) {
      const input = mutate(seeds[Math.floor(next() * seeds.length)]!, next);
      await Deno.writeFile(path, input);
      stats.inputs++;
      try {
        await target(path);
        stats.accepted++;
      } catch (error) {
        const clean = error instanceof Error && !(error instanceof FuzzFailure) &&
          error.message.includes(path);
        if (!clean) {
          const kept = `${Deno.makeTempDirSync({ prefix: "fuzz_failure_" })}/input.rsm`;
          await Deno.writeFile(kept, input);
          throw new FuzzFailure(
            `input ${stats.inputs} (seed ${seed}) mishandled, kept at ${kept}: ${error}`,
            { cause: error },
          );
        }
        stats.refused++;
      }
    }
  } finally {
    stats.seconds = (performance.now() - started) / 1000;
    await Deno.remove(dir, { recursive: true });
  }
  return stats;
}
