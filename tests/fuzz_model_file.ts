/**
 * Seeded random-mutation fuzzing of the saved-model reader (`loadModel`, whatever format it reads).
 * Seeds are real model files (GlobalMean, BiasAls and Als fitted on a tiny matrix and on
 * ml-latest-small); each input is a seed with one to eight mutations (bit flips, random bytes,
 * interesting u32 values, non-finite f32 values, JSON tokens, deletions, duplications, truncation). Three inputs in four
 * get their length and checksum fields recomputed when the file starts with the version-1 magic,
 * so that most inputs get past the checksum into the header, metadata and array checks. The
 * oracle: `loadModel` either returns a model with finite parameters, each raw id once, and
 * predictions within its rating scale, or rejects with an `Error` naming the file; anything else
 * (another error type without the path, a NaN or repeated id loaded silently) is a failure.
 *
 * To fuzz another reader, pass `{ target }`: any `(path) => Promise<unknown>` and its checks.
 *
 * @module
 */
import { Als, BiasAls, GlobalMean, loadModel } from "../lib/models/mod.ts";
import { loadMovieLens } from "../lib/data/mod.ts";
import type { RatingMatrix } from "../lib/data/mod.ts";

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
 * each raw id once) and predict finite numbers within its rating scale. A loaded model that breaks
 * these would answer wrongly without an error, so it is a failure, not an acceptance.
 */
async function loadAndPredict(path: string): Promise<void> {
  const model = await loadModel(path);
  // Rating models hold their arrays in `state`; the implicit rankers (popularity, bpr, ials) as
  // fields, and predict no stars (their checks end after the ids).
  const state = "state" in model ? model.state : {
    userFactors: model.userFactors,
    itemFactors: model.itemFactors,
    itemBias: model.itemBias,
  };
  for (const [name, array] of Object.entries(state)) {
    if (!(array instanceof Float32Array)) continue;
    const j = array.findIndex((x) => !Number.isFinite(x));
    if (j >= 0) throw new FuzzFailure(`${path}: loaded with ${name}[${j}] = ${array[j]}`);
  }
  for (const [name, ids] of [["userIds", model.userIds], ["itemIds", model.itemIds]] as const) {
    if (new Set(ids).size !== ids.length) {
      throw new FuzzFailure(`${path}: loaded with repeated ${name}`);
    }
  }
  if (!("ratingScale" in model)) return;
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

/** Model files to mutate: three kinds on a tiny matrix, and on `dataset` when given. */
export async function seedFiles(dataset: string | null): Promise<Uint8Array[]> {
  const dir = await Deno.makeTempDir({ prefix: "fuzz_seeds_" });
  const files: Uint8Array[] = [];
  try {
    const sources: { train: RatingMatrix; userIds: Uint32Array; itemIds: Uint32Array }[] = [
      {
        train: tinyMatrix(),
        userIds: Uint32Array.of(1, 7, 4294967295),
        itemIds: Uint32Array.of(2, 3, 50, 1000),
      },
    ];
    if (dataset !== null) {
      const ds = await loadMovieLens(dataset, { cache: false, sideFiles: false });
      sources.push({ train: ds.ratings, userIds: ds.userIds, itemIds: ds.itemIds });
    }
    for (const { train, userIds, itemIds } of sources) {
      const ids = { userIds, itemIds };
      const models = [
        await GlobalMean.fit(train, ids),
        await BiasAls.fit(train, { ...ids, lambda: 3, epochs: 2, progress: "silent" }),
        await Als.fit(train, { ...ids, k: 3, lambda: 1, epochs: 2, progress: "silent" }),
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

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const b of bytes) crc = CRC_TABLE[(crc ^ b) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

const MAGIC_V1 = "RSMODEL\0";

/** Makes a mutated version-1 file consistent again: total length at 20, CRC-32 of 24.. at 16. */
function fixUp(bytes: Uint8Array): void {
  if (bytes.length < 24) return;
  if (new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC_V1) return;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  view.setUint32(20, bytes.length, true);
  view.setUint32(16, crc32(bytes.subarray(24)), true);
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
      case 2: { // an interesting u32, little-endian, anywhere (often the header)
        const where = next() < 0.5 ? 4 * below(6) : at;
        const v = U32_VALUES[below(U32_VALUES.length)]!;
        for (let k = 0; k < 4 && where + k < bytes.length; k++) {
          bytes[where + k] = (v >>> (8 * k)) & 0xff;
        }
        break;
      }
      case 3: { // a JSON token inside the metadata (it starts at byte 24)
        const where = 24 + below(Math.max(1, Math.min(bytes.length, 600) - 24));
        const token = new TextEncoder().encode(JSON_TOKENS[below(JSON_TOKENS.length)]!);
        bytes.splice(where, next() < 0.5 ? token.length : 0, ...token);
        break;
      }
      case 4:
        bytes.splice(at, 1 + below(16));
        break;
      case 6: { // a NaN or ±Infinity f32, or a copied u32, in the arrays (past the metadata)
        const where = bytes.length - 4 * (1 + below(Math.max(1, (bytes.length - 600) >> 2)));
        if (where < 24) break;
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
  if (next() < 0.75) fixUp(out);
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
