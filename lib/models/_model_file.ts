/**
 * The saved-model file (model file format version 2): a bundle (lib/data/bundle.ts) of kind
 * `"model"` whose metadata names the model kind, its hyper-parameters, μ, the rating scale, the
 * training history and the format version, and whose arrays are the model's parameters (f32) and
 * id mappings (u32: `userIds` and `itemIds`, dense index → raw MovieLens id). Written atomically;
 * read into one 64-byte-aligned buffer, so the factor arrays are views that start on a cache line.
 *
 * What this layer checks on top of the bundle (magic, version, lengths, both CRC-32s, an array
 * table that tiles the file): the metadata's `formatVersion` and `model` kind; every array is f32
 * or u32; every f32 array is finite (a model never stores NaN or ±∞: a changed value that got
 * past the checksum would otherwise be clamped into a plausible rating); `userIds` and `itemIds`
 * list each raw id once. The model-specific fields — k, μ, the rating scale, hyper-parameters,
 * array lengths — are checked by the models' `load` (lib/models/_model_metadata.ts and the
 * classes). Every refusal is an `Error` naming the file and what was expected.
 *
 * **Files of format version 1** (magic `RSMODEL\0`, written before the bundle format) are not
 * converted: they are refused with an error that says the file was written by an older version
 * and that the model must be re-fitted (`./run fit … --out FILE`). A converter would keep a second
 * reader alive for a format that only ever held models fitted in minutes; re-fitting is the one
 * path that stays correct.
 *
 * @module
 */

import {
  BundleError,
  decodeBundle,
  encodeBundleBytes,
  readBundle,
  writeBundle,
} from "../data/bundle.ts";
import type { Bundle, BundleArray } from "../data/bundle.ts";

/** The model file format version this code writes and reads (1 was the RSMODEL\0 container). */
export const MODEL_FORMAT_VERSION = 2;

/** The bundle kind of a model file. */
const KIND = "model";
const LABEL = "model file";
/** The magic of model file format 1. */
const OLD_MAGIC = "RSMODEL\0";

/** An array stored in a model file. */
export type StoredArray = Float32Array | Uint32Array;

/** The JSON metadata of a model file (`formatVersion` is filled in by the writer). */
export interface ModelMetadata {
  /** Model kind, e.g. "als", "bias-als", "global-mean". */
  model: string;
  /** Anything JSON-serialisable that the model needs besides its arrays. */
  [key: string]: unknown;
}

/**
 * Whether `value` is a JSON object (not null, not an array).
 *
 * @example
 * ```ts
 * import { isRecord } from "./_model_file.ts";
 * if (!isRecord({ k: 2 }) || isRecord([2]) || isRecord(null)) throw new Error("objects only");
 * ```
 */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * A short rendering of a metadata value for error messages ("missing" when absent).
 *
 * @example
 * ```ts
 * import { describe } from "./_model_file.ts";
 * if (describe([5, 1]) !== "[5,1]" || describe(undefined) !== "nothing (missing)") {
 *   throw new Error("rendering");
 * }
 * ```
 */
export function describe(value: unknown): string {
  if (value === undefined) return "nothing (missing)";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * The error for a metadata field that does not hold what it should: it names the file, the field,
 * what was expected and what was found.
 *
 * @example
 * ```ts
 * import { metadataError } from "./_model_file.ts";
 * const e = metadataError("m.rsm", "k", "a whole number ≥ 1", 2.5);
 * const expected = 'metadata field "k" should be a whole number ≥ 1, got 2.5';
 * if (e.message !== `m.rsm: corrupt model file: ${expected}`) throw new Error(e.message);
 * ```
 */
export function metadataError(
  path: string,
  field: string,
  expected: string,
  got: unknown,
): Error {
  return new Error(
    `${path}: corrupt model file: metadata field "${field}" should be ${expected}, ` +
      `got ${describe(got)}`,
  );
}

/** A decoded model file. */
export interface ModelFile {
  /** The metadata (with `formatVersion`). */
  metadata: ModelMetadata;
  /** The arrays by name (views into one buffer that holds the file). */
  arrays: Record<string, StoredArray>;
}

/**
 * Encodes metadata and arrays into the model file format (one buffer; `writeModelFile` writes the
 * same bytes without joining them).
 *
 * @example
 * ```ts
 * import { decodeModelFile, encodeModelFile } from "./_model_file.ts";
 * const bytes = encodeModelFile({ model: "demo" }, { w: Float32Array.of(1, 2) });
 * const back = decodeModelFile(bytes, "demo.rsm");
 * if (back.arrays.w?.[1] !== 2 || back.metadata.formatVersion !== 2) throw new Error("round trip");
 * ```
 */
export function encodeModelFile(
  metadata: ModelMetadata,
  arrays: Record<string, StoredArray>,
): Uint8Array<ArrayBuffer> {
  return encodeBundleBytes(KIND, withVersion(metadata), arrays);
}

function withVersion(metadata: ModelMetadata): Record<string, unknown> {
  if (typeof metadata.model !== "string") {
    throw new TypeError(
      `model file: metadata.model should be the model kind, got ${metadata.model}`,
    );
  }
  return { ...metadata, formatVersion: MODEL_FORMAT_VERSION };
}

/** The bundle reader's error, said as a model file's (an older format is named as such). */
function modelError(error: unknown, path: string): unknown {
  if (!(error instanceof BundleError)) return error;
  if (error.reason === "foreign" && error.magic === OLD_MAGIC) {
    return new Error(
      `${path}: written by an older version of this library (model file format 1, magic ` +
        `"RSMODEL\\0"); this version reads model file format ${MODEL_FORMAT_VERSION} only: ` +
        "re-fit the model and save it again (e.g. ./run fit … --out FILE)",
      { cause: error },
    );
  }
  return error;
}

/** The model-file checks on a decoded bundle (see the module documentation). */
function checkModel(bundle: Bundle, path: string): ModelFile {
  const { meta } = bundle;
  const version = meta.formatVersion;
  if (version !== MODEL_FORMAT_VERSION) {
    throw new Error(
      `${path}: model file format version ${describe(version)}, but this code reads version ` +
        `${MODEL_FORMAT_VERSION}; re-fit the model and save it with this version of the library`,
    );
  }
  if (typeof meta.model !== "string") {
    throw metadataError(path, "model", "a string (the model kind)", meta.model);
  }
  const arrays: Record<string, StoredArray> = {};
  for (const [name, array] of Object.entries(bundle.arrays)) {
    arrays[name] = storedArray(path, name, array);
  }
  for (const name of ["userIds", "itemIds"]) {
    const ids = arrays[name];
    if (ids instanceof Uint32Array) checkUnique(path, name, ids);
  }
  return { metadata: meta as ModelMetadata, arrays };
}

function storedArray(path: string, name: string, array: BundleArray): StoredArray {
  if (array instanceof Float32Array) {
    const j = firstNonFinite(array);
    if (j >= 0) {
      throw new Error(
        `${path}: corrupt model file: array "${name}" holds ${array[j]} at index ${j}; ` +
          "expected finite numbers",
      );
    }
    return array;
  }
  if (array instanceof Uint32Array) return array;
  throw new Error(
    `${path}: corrupt model file: array "${name}" is a ${array.constructor.name}; a model file ` +
      "holds f32 and u32 arrays only",
  );
}

/** The index of the first NaN or ±Infinity in `values`, or −1 (a plain loop: 18 M floats in ms). */
function firstNonFinite(values: Float32Array): number {
  for (let j = 0; j < values.length; j++) {
    const x = values[j]!;
    if (x - x !== 0) return j; // NaN − NaN and ∞ − ∞ are NaN
  }
  return -1;
}

/** Refuses a repeated id (sorted copy, then the first two indices of the first repeat). */
function checkUnique(path: string, name: string, ids: Uint32Array): void {
  const sorted = ids.slice().sort();
  for (let j = 1; j < sorted.length; j++) {
    if (sorted[j] !== sorted[j - 1]) continue;
    const id = sorted[j]!;
    const first = ids.indexOf(id);
    throw new Error(
      `${path}: corrupt model file: array "${name}" lists id ${id} twice (at indices ` +
        `${first} and ${ids.indexOf(id, first + 1)}); expected each raw id once`,
    );
  }
}

/**
 * Decodes and checks a model file's bytes; `path` is only used in error messages.
 *
 * @example
 * ```ts
 * import { decodeModelFile } from "./_model_file.ts";
 * try {
 *   decodeModelFile(new Uint8Array(40), "x.rsm");
 *   throw new Error("zeros are no model file");
 * } catch (e) {
 *   if (!(e as Error).message.startsWith("x.rsm: not a recsys model file")) throw e;
 * }
 * ```
 */
export function decodeModelFile(bytes: Uint8Array, path: string): ModelFile {
  let bundle: Bundle;
  try {
    bundle = decodeBundle(bytes, path, { kind: KIND, label: LABEL });
  } catch (error) {
    throw modelError(error, path);
  }
  return checkModel(bundle, path);
}

/**
 * Writes a model file atomically (a synced temp file beside it, renamed over `path`; the folder is
 * created; on failure the temp file is removed and `path` is left as it was).
 *
 * @example
 * ```ts
 * import { readModelFile, writeModelFile } from "./_model_file.ts";
 * const path = Deno.makeTempFileSync({ suffix: ".rsm" });
 * await writeModelFile(path, { model: "demo" }, { ids: Uint32Array.of(7) });
 * const back = await readModelFile(path);
 * Deno.removeSync(path);
 * if (back.arrays.ids?.[0] !== 7) throw new Error("round trip");
 * ```
 */
export async function writeModelFile(
  path: string,
  metadata: ModelMetadata,
  arrays: Record<string, StoredArray>,
): Promise<void> {
  await writeBundle(path, KIND, withVersion(metadata), arrays);
}

/**
 * Reads and checks a model file.
 *
 * @example
 * ```ts
 * import { readModelFile, writeModelFile } from "./_model_file.ts";
 * const dir = await Deno.makeTempDir();
 * await writeModelFile(`${dir}/m.rsm`, { model: "demo", k: 2 }, { w: Float32Array.of(0.5) });
 * const { metadata, arrays } = await readModelFile(`${dir}/m.rsm`);
 * await Deno.remove(dir, { recursive: true });
 * if (metadata.model !== "demo" || metadata.k !== 2 || arrays.w?.[0] !== 0.5) {
 *   throw new Error("metadata and arrays read back");
 * }
 * ```
 */
export async function readModelFile(path: string): Promise<ModelFile> {
  let bundle: Bundle;
  try {
    bundle = await readBundle(path, { kind: KIND, label: LABEL });
  } catch (error) {
    throw modelError(error, path);
  }
  return checkModel(bundle, path);
}

/**
 * Refuses a model file whose arrays are not the typed arrays of the lengths its metadata implies,
 * naming the file, the array, what was expected and what was found.
 *
 * @param path The file, for the message.
 * @param arrays The arrays read.
 * @param expect Per array name: its type and length.
 * @param shape The metadata the lengths come from, for the message.
 *
 * @example
 * ```ts
 * import { checkModelArrays } from "./_model_file.ts";
 * const shape = { nUsers: 1, nItems: 2, k: 0 };
 * checkModelArrays("m.rsm", { itemBias: new Float32Array(2) }, { itemBias: [Float32Array, 2] }, shape);
 * let message = "";
 * try {
 *   checkModelArrays("m.rsm", {}, { itemBias: [Float32Array, 2] }, shape);
 * } catch (e) {
 *   message = (e as Error).message;
 * }
 * if (!message.includes('array "itemBias" should be Float32Array of 2')) throw new Error(message);
 * ```
 */
export function checkModelArrays(
  path: string,
  arrays: Readonly<Record<string, StoredArray>>,
  expect: Readonly<Record<string, readonly [typeof Float32Array | typeof Uint32Array, number]>>,
  shape: { nUsers: number; nItems: number; k: number },
): void {
  const { nUsers, nItems, k } = shape;
  for (const [name, [type, length]] of Object.entries(expect)) {
    const array = arrays[name];
    if (!(array instanceof type) || array.length !== length) {
      const found = array === undefined
        ? "no such array"
        : `${array.constructor.name} of ${array.length}`;
      throw new Error(
        `${path}: corrupt model file: array "${name}" should be ${type.name} of ${length} ` +
          `entries (metadata nUsers ${nUsers}, nItems ${nItems}, k ${k}), found ${found}`,
      );
    }
  }
}
