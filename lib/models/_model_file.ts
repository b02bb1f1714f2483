/**
 * The saved-model file format (version 1): one binary file holding JSON metadata and the model's
 * typed arrays, written atomically (temporary file + rename).
 *
 * Layout, little-endian:
 *
 * | offset | bytes | content |
 * | --- | --- | --- |
 * | 0 | 8 | magic `RSMODEL` followed by a zero byte |
 * | 8 | 4 | format version, u32 (= {@linkcode MODEL_FORMAT_VERSION}) |
 * | 12 | 4 | metadata length in bytes, u32 |
 * | 16 | 4 | CRC-32 (IEEE) of every byte from offset 24 to the end |
 * | 20 | 4 | total file length in bytes, u32 (files are limited to 4 GiB) |
 * | 24 | … | metadata: UTF-8 JSON, zero-padded to a multiple of 8 bytes |
 * | … | … | the arrays in `metadata.arrays` order, raw, each zero-padded to a multiple of 8 |
 *
 * The metadata names the model kind, its hyper-parameters, μ, the rating scale, the training
 * history and every array with its element type ("f32" or "u32") and length; the id mappings
 * (dense index → raw MovieLens id) are arrays `userIds` and `itemIds`. A file of another format
 * version, with a wrong magic, a wrong length, a wrong checksum, metadata that is not a JSON object
 * or an array list that does not tile the file exactly is refused with an error naming the file and
 * what was expected. (The model-specific fields — k, μ, the rating scale, hyper-parameters — are
 * checked by the models' `load`, in lib/models/_model_metadata.ts.)
 *
 * @module
 */

import { writeChunksAtomic } from "../data/atomic.ts";

/** The format version this code writes and reads. */
export const MODEL_FORMAT_VERSION = 1;

const MAGIC = new Uint8Array([0x52, 0x53, 0x4d, 0x4f, 0x44, 0x45, 0x4c, 0x00]); // "RSMODEL\0"
const HEADER_BYTES = 24;

/** An array stored in a model file. */
export type StoredArray = Float32Array | Uint32Array;

/** The JSON metadata of a model file (the `arrays` list is filled in by the writer). */
export interface ModelMetadata {
  /** Model kind, e.g. "als", "bias-als", "global-mean". */
  model: string;
  /** Anything JSON-serialisable that the model needs besides its arrays. */
  [key: string]: unknown;
}

interface ArrayEntry {
  name: string;
  type: "f32" | "u32";
  length: number;
}

const pad8 = (n: number) => (n + 7) & ~7;

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

let crcTable: Uint32Array | undefined;

/**
 * CRC-32 (IEEE 802.3, as in zip and PNG) of `bytes`.
 *
 * @example
 * ```ts
 * import { crc32 } from "./_model_file.ts";
 * if (crc32(new TextEncoder().encode("123456789")) !== 0xcbf43926) throw new Error("check value");
 * ```
 */
export function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  const table = crcTable;
  let crc = 0xffffffff;
  for (let j = 0; j < bytes.length; j++) crc = table[(crc ^ bytes[j]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/**
 * Encodes metadata and arrays into the file format.
 *
 * @example
 * ```ts
 * import { decodeModelFile, encodeModelFile } from "./_model_file.ts";
 * const bytes = encodeModelFile({ model: "demo" }, { w: Float32Array.of(1, 2) });
 * const back = decodeModelFile(bytes, "demo.rsm");
 * if (back.arrays.w?.[1] !== 2) throw new Error("round trip");
 * ```
 */
export function encodeModelFile(
  metadata: ModelMetadata,
  arrays: Record<string, StoredArray>,
): Uint8Array {
  const entries: ArrayEntry[] = Object.entries(arrays).map(([name, array]) => ({
    name,
    type: array instanceof Float32Array ? "f32" : "u32",
    length: array.length,
  }));
  const json = new TextEncoder().encode(
    JSON.stringify({ ...metadata, formatVersion: MODEL_FORMAT_VERSION, arrays: entries }),
  );
  let total = HEADER_BYTES + pad8(json.length);
  for (const entry of entries) total += pad8(entry.length * 4);
  if (total > 0xffff_ffff) throw new RangeError(`model file would be ${total} bytes; limit 4 GiB`);
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  bytes.set(MAGIC, 0);
  view.setUint32(8, MODEL_FORMAT_VERSION, true);
  view.setUint32(12, json.length, true);
  view.setUint32(20, total, true);
  bytes.set(json, HEADER_BYTES);
  let offset = HEADER_BYTES + pad8(json.length);
  for (const entry of entries) {
    const array = arrays[entry.name]!;
    const out = entry.type === "f32"
      ? new Float32Array(bytes.buffer, offset, entry.length)
      : new Uint32Array(bytes.buffer, offset, entry.length);
    out.set(array);
    offset += pad8(entry.length * 4);
  }
  view.setUint32(16, crc32(bytes.subarray(HEADER_BYTES)), true);
  return bytes;
}

/** A decoded model file. */
export interface ModelFile {
  /** The metadata (with `formatVersion` and the `arrays` list). */
  metadata: ModelMetadata;
  /** The arrays by name (copies, independent of the file buffer). */
  arrays: Record<string, StoredArray>;
}

/**
 * Decodes and checks a model file's bytes; `path` is only used in error messages.
 *
 * @example
 * ```ts
 * import { decodeModelFile } from "./_model_file.ts";
 * try {
 *   decodeModelFile(new Uint8Array(40), "x.rsm");
 * } catch (e) {
 *   if (!(e as Error).message.includes("not a recsys model file")) throw e;
 * }
 * ```
 */
export function decodeModelFile(bytes: Uint8Array, path: string): ModelFile {
  if (bytes.length < HEADER_BYTES || MAGIC.some((b, j) => bytes[j] !== b)) {
    throw new Error(
      `${path}: not a recsys model file (expected the 8-byte magic "RSMODEL\\0" at offset 0)`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== MODEL_FORMAT_VERSION) {
    throw new Error(
      `${path}: model file format version ${version}, but this code reads version ` +
        `${MODEL_FORMAT_VERSION}; re-save the model with this version of the library`,
    );
  }
  const jsonLength = view.getUint32(12, true);
  const total = view.getUint32(20, true);
  if (total !== bytes.length) {
    throw new Error(
      `${path}: corrupt model file: the header says ${total} bytes, the file has ${bytes.length}`,
    );
  }
  const crc = crc32(bytes.subarray(HEADER_BYTES));
  if (crc !== view.getUint32(16, true)) {
    throw new Error(`${path}: corrupt model file: checksum mismatch (the bytes were changed)`);
  }
  if (HEADER_BYTES + jsonLength > bytes.length) {
    throw new Error(`${path}: corrupt model file: metadata runs past the end`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(
      new TextDecoder("utf-8", { fatal: true }).decode(
        bytes.subarray(HEADER_BYTES, HEADER_BYTES + jsonLength),
      ),
    );
  } catch (cause) {
    throw new Error(`${path}: corrupt model file: the metadata is not valid JSON`, { cause });
  }
  if (!isRecord(parsed)) {
    throw new Error(
      `${path}: corrupt model file: the metadata should be a JSON object, got ${describe(parsed)}`,
    );
  }
  if (typeof parsed.model !== "string") {
    throw metadataError(path, "model", "a string (the model kind)", parsed.model);
  }
  if (!Array.isArray(parsed.arrays)) {
    throw metadataError(path, "arrays", "a list of { name, type, length }", parsed.arrays);
  }
  const metadata = parsed as ModelMetadata & { arrays: unknown[] };
  const arrays: Record<string, StoredArray> = {};
  let offset = HEADER_BYTES + pad8(jsonLength);
  for (const [j, entry] of metadata.arrays.entries()) {
    if (
      !isRecord(entry) || typeof entry.name !== "string" ||
      (entry.type !== "f32" && entry.type !== "u32") || typeof entry.length !== "number" ||
      !Number.isInteger(entry.length) || entry.length < 0
    ) {
      throw metadataError(
        path,
        `arrays[${j}]`,
        '{ name: string, type: "f32" | "u32", length: whole number ≥ 0 }',
        entry,
      );
    }
    if (Object.hasOwn(arrays, entry.name)) {
      throw new Error(`${path}: corrupt model file: array "${entry.name}" is listed twice`);
    }
    const bytesLength = entry.length * 4;
    if (offset + bytesLength > bytes.length) {
      throw new Error(
        `${path}: corrupt model file: array "${entry.name}" (${entry.length} × ${entry.type}) ` +
          `does not fit the file: it would end at byte ${offset + bytesLength} of ${bytes.length}`,
      );
    }
    const slice = bytes.slice(offset, offset + bytesLength);
    arrays[entry.name] = entry.type === "f32"
      ? new Float32Array(slice.buffer, 0, entry.length)
      : new Uint32Array(slice.buffer, 0, entry.length);
    offset += pad8(bytesLength);
  }
  if (offset !== bytes.length) {
    throw new Error(
      `${path}: corrupt model file: the arrays the metadata lists end at byte ${offset}, but the ` +
        `file has ${bytes.length} bytes`,
    );
  }
  return { metadata, arrays };
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
  await writeChunksAtomic(path, [encodeModelFile(metadata, arrays)]);
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
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (cause) {
    throw new Error(`${path}: cannot read the model file`, { cause });
  }
  return decodeModelFile(bytes, path);
}
