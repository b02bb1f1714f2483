/**
 * The one binary container of this library: a **bundle** holds a kind, JSON metadata and named
 * typed arrays, checked by CRC-32. The ratings cache and the side caches under data/processed/
 * (lib/data/_cache.ts, lib/data/_side_cache.ts) and saved models (lib/models/_model_file.ts) are
 * thin layers over it: one writer ({@linkcode writeBundle}, atomic through lib/data/atomic.ts),
 * one reader ({@linkcode readBundle}, with {@linkcode decodeBundle} for bytes in memory).
 *
 * Layout (bundle format version 1), little-endian:
 *
 * | offset | bytes | content |
 * | --- | --- | --- |
 * | 0 | 8 | magic `RSBUNDLE` (ASCII) |
 * | 8 | 4 | bundle format version, u32 (= {@linkcode BUNDLE_FORMAT_VERSION}) |
 * | 12 | 4 | header length in bytes, u32 (at most {@linkcode BUNDLE_HEADER_MAX}) |
 * | 16 | 8 | total file length in bytes, u64 |
 * | 24 | 4 | CRC-32 (IEEE) of the header bytes |
 * | 28 | 4 | CRC-32 (IEEE) of every byte from the first array's offset to the end |
 * | 32 | … | header: UTF-8 JSON `{ kind, meta, arrays: [{ name, dtype, length, offset }] }` |
 * | … | … | zero padding to a multiple of 64, then each array's raw bytes at its `offset`, each zero-padded to a multiple of 64 |
 *
 * `dtype` is one of {@linkcode Dtype}; `offset` is the array's byte offset in the file, a multiple
 * of 64 ({@linkcode BUNDLE_ALIGN}). The arrays follow one another in header order with no gaps but
 * the padding, so the header's array table tiles the file exactly. The reader reads the file into
 * one buffer whose start is 64-byte aligned in memory, so each array is a typed-array view into it
 * (no copy) that starts on a cache line, as the kernels like their factor rows.
 *
 * **Checksum.** CRC-32 through `node:zlib`'s `crc32` (native, ≈ 10 GB/s; the pure-TypeScript
 * alternatives measured 0.35 s (8-lane multiply-xorshift) to 1.2 s (slicing-by-8 CRC-32) for a
 * 770 MB ratings cache, `node:zlib` 0.05–0.09 s). The reader checks both checksums of every file,
 * the ratings cache included, and overlaps the arrays' checksum with reading: the next chunk is read
 * (on Deno's I/O thread) while the previous one is summed. CRC-32 detects every burst error up to
 * 32 bits and other damage with probability 1 − 2⁻³²; it is an integrity check against truncated,
 * damaged or hand-edited files, not against an adversary.
 *
 * **Older files.** Files written before the bundle format (magic `RSCACHE1`, `RSSIDE01`,
 * `RSMODEL\0`) are refused with a {@linkcode BundleError} of reason `"foreign"` whose `magic` names
 * what was found, so each layer can say what it was: the caches rebuild themselves (with a one-line
 * note), the model file reader says the file was written by an older version and must be re-fitted.
 *
 * @example
 * ```ts
 * import { readBundle, writeBundle } from "./bundle.ts";
 * const dir = await Deno.makeTempDir();
 * await writeBundle(`${dir}/b.bin`, "demo", { note: "hi" }, {
 *   ids: Uint32Array.of(7, 9),
 *   weights: Float32Array.of(0.5, 1.5),
 * });
 * const back = await readBundle(`${dir}/b.bin`, { kind: "demo" });
 * await Deno.remove(dir, { recursive: true });
 * if (back.meta.note !== "hi" || back.arrays.weights?.[1] !== 1.5) throw new Error("round trip");
 * ```
 *
 * @module
 */
import { crc32 } from "node:zlib";
import { writeChunksAtomic } from "./atomic.ts";
import { alignedFloat32Array } from "../ffi/kernels.ts";

/** The 8 ASCII bytes every bundle starts with. */
export const BUNDLE_MAGIC = "RSBUNDLE";
/** The bundle format version this code writes and reads. */
export const BUNDLE_FORMAT_VERSION = 1;
/** Byte alignment of the header's end and of every array, in the file and in memory. */
export const BUNDLE_ALIGN = 64;
/** Largest header (JSON) this code writes or reads, in bytes. */
export const BUNDLE_HEADER_MAX = 1 << 26;

const PREFIX_BYTES = 32;
const MAGIC_BYTES = new TextEncoder().encode(BUNDLE_MAGIC);
/** Bytes per read while the previous chunk is summed. */
const CHUNK_BYTES = 8 << 20;

/** Element types a bundle stores. */
export type Dtype = "u8" | "u16" | "u32" | "i32" | "f32" | "f64";

/** A typed array a bundle stores. */
export type BundleArray =
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | Int32Array
  | Float32Array
  | Float64Array;

const CONSTRUCTORS = {
  u8: Uint8Array,
  u16: Uint16Array,
  u32: Uint32Array,
  i32: Int32Array,
  f32: Float32Array,
  f64: Float64Array,
} as const;

/**
 * The dtype of a typed array.
 *
 * @example
 * ```ts
 * import { dtypeOf } from "./bundle.ts";
 * if (dtypeOf(Float32Array.of(1)) !== "f32" || dtypeOf(new Uint16Array(2)) !== "u16") {
 *   throw new Error("dtype");
 * }
 * ```
 */
export function dtypeOf(array: BundleArray): Dtype {
  for (const [dtype, type] of Object.entries(CONSTRUCTORS)) {
    if (array instanceof type) return dtype as Dtype;
  }
  throw new TypeError(`bundle: cannot store a ${Object.prototype.toString.call(array)}`);
}

/** One entry of the header's array table. */
export interface ArrayEntry {
  /** The array's name (unique in the bundle). */
  name: string;
  /** Its element type. */
  dtype: Dtype;
  /** Its number of elements. */
  length: number;
  /** Byte offset of its first element in the file (a multiple of {@linkcode BUNDLE_ALIGN}). */
  offset: number;
}

/** A decoded bundle. */
export interface Bundle {
  /** What the bundle holds (e.g. `"model"`, `"ratings-cache"`). */
  kind: string;
  /** The writer's JSON metadata. */
  meta: Record<string, unknown>;
  /** The arrays by name: views into one buffer that holds the file. */
  arrays: Record<string, BundleArray>;
  /** The array table, in file order. */
  entries: ArrayEntry[];
}

/** Why a bundle was refused (see {@linkcode BundleError}). */
export type BundleErrorReason = "unreadable" | "foreign" | "version" | "kind" | "corrupt";

/**
 * A file that is not a readable bundle (or not of the expected kind). `message` names the file and
 * what was expected; `reason` says which check failed; for `"foreign"`, `magic` holds the file's
 * first 8 bytes (as Latin-1 text) so a caller can recognise an older format.
 *
 * @example
 * ```ts
 * import { BundleError, decodeBundle } from "./bundle.ts";
 * try {
 *   decodeBundle(new TextEncoder().encode("RSMODEL\0 and then some bytes beyond 32"), "old.rsm");
 *   throw new Error("an old model file is no bundle");
 * } catch (e) {
 *   if (!(e instanceof BundleError) || e.reason !== "foreign" || e.magic !== "RSMODEL\0") throw e;
 * }
 * ```
 */
export class BundleError extends Error {
  override name = "BundleError";
  /** Which check failed. */
  readonly reason: BundleErrorReason;
  /** The file, as given to the reader. */
  readonly path: string;
  /** The first 8 bytes of a foreign file, as Latin-1 text (else `undefined`). */
  readonly magic: string | undefined;

  /** An error about `path`; `message` is the whole text (it should name the file). */
  constructor(
    reason: BundleErrorReason,
    path: string,
    message: string,
    options: { magic?: string; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.reason = reason;
    this.path = path;
    this.magic = options.magic;
  }
}

/** Options of {@linkcode readBundle} and {@linkcode decodeBundle}. */
export interface ReadBundleOptions {
  /** The kind the caller expects; another kind is a `BundleError` of reason `"kind"`. */
  kind?: string;
  /** What to call the file in messages (default `"bundle"`), e.g. `"model file"`. */
  label?: string;
}

const pad = (n: number) => Math.ceil(n / BUNDLE_ALIGN) * BUNDLE_ALIGN;
const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function render(value: unknown): string {
  if (value === undefined) return "nothing (missing)";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function latin1(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes);
}

/** The fixed 32-byte prefix, checked. */
interface Prefix {
  headerLength: number;
  total: number;
  headerCrc: number;
  arraysCrc: number;
  /** Where the arrays start (the header's end, padded). */
  arraysStart: number;
}

/** Checks the 32-byte prefix of a file of `size` bytes whose first bytes are `head`. */
function checkPrefix(head: Uint8Array, size: number, path: string, label: string): Prefix {
  const magicOk = MAGIC_BYTES.every((b, j) => head[j] === b);
  if (!magicOk) {
    const magic = latin1(head.subarray(0, 8));
    const prefix = head.length < 8 &&
      MAGIC_BYTES.subarray(0, head.length).every((b, j) => head[j] === b);
    throw new BundleError(
      "foreign",
      path,
      `${path}: not a recsys ${label} (expected the 8-byte magic "${BUNDLE_MAGIC}" at offset 0${
        prefix && head.length > 0 ? `; the file has only ${head.length} bytes` : ""
      })`,
      { magic },
    );
  }
  if (size < PREFIX_BYTES) {
    throw new BundleError(
      "corrupt",
      path,
      `${path}: corrupt ${label}: ${size} bytes, shorter than the ${PREFIX_BYTES}-byte prefix`,
    );
  }
  const view = new DataView(head.buffer, head.byteOffset, PREFIX_BYTES);
  const version = view.getUint32(8, true);
  if (version !== BUNDLE_FORMAT_VERSION) {
    throw new BundleError(
      "version",
      path,
      `${path}: ${label} in bundle format version ${version}, but this code reads version ` +
        `${BUNDLE_FORMAT_VERSION}`,
    );
  }
  const headerLength = view.getUint32(12, true);
  const total = Number(view.getBigUint64(16, true));
  if (total !== size) {
    throw new BundleError(
      "corrupt",
      path,
      `${path}: corrupt ${label}: the prefix says ${total} bytes, the file has ${size} ` +
        "(truncated or appended to)",
    );
  }
  const arraysStart = pad(PREFIX_BYTES + headerLength);
  if (headerLength > BUNDLE_HEADER_MAX || arraysStart > size) {
    throw new BundleError(
      "corrupt",
      path,
      `${path}: corrupt ${label}: the header (${headerLength} bytes) runs past the end of the ` +
        `file (${size} bytes)`,
    );
  }
  return {
    headerLength,
    total,
    headerCrc: view.getUint32(24, true),
    arraysCrc: view.getUint32(28, true),
    arraysStart,
  };
}

/** Parses and checks the header; `bytes` holds at least the prefix and the header. */
function parseHeader(
  bytes: Uint8Array,
  prefix: Prefix,
  path: string,
  options: ReadBundleOptions,
): { kind: string; meta: Record<string, unknown>; entries: ArrayEntry[] } {
  const label = options.label ?? "bundle";
  const corrupt = (what: string) =>
    new BundleError("corrupt", path, `${path}: corrupt ${label}: ${what}`);
  const headerBytes = bytes.subarray(PREFIX_BYTES, PREFIX_BYTES + prefix.headerLength);
  if (crc32(headerBytes) !== prefix.headerCrc) {
    throw corrupt("header checksum mismatch (the header bytes were changed)");
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(decoder.decode(headerBytes));
  } catch (cause) {
    throw new BundleError(
      "corrupt",
      path,
      `${path}: corrupt ${label}: the header is not valid JSON`,
      {
        cause,
      },
    );
  }
  if (!isRecord(parsed)) throw corrupt(`the header should be a JSON object, got ${render(parsed)}`);
  const { kind, meta, arrays } = parsed;
  if (typeof kind !== "string") {
    throw corrupt(`header field "kind" should be a string, got ${render(kind)}`);
  }
  if (options.kind !== undefined && kind !== options.kind) {
    throw new BundleError(
      "kind",
      path,
      `${path}: holds a "${kind}" bundle, expected a ${label} (kind "${options.kind}")`,
    );
  }
  if (!isRecord(meta)) {
    throw corrupt(`header field "meta" should be a JSON object, got ${render(meta)}`);
  }
  if (!Array.isArray(arrays)) {
    throw corrupt(`header field "arrays" should be a list of entries, got ${render(arrays)}`);
  }
  const entries: ArrayEntry[] = [];
  const names = new Set<string>();
  let at = prefix.arraysStart;
  for (const [j, entry] of arrays.entries()) {
    if (
      !isRecord(entry) || typeof entry.name !== "string" || typeof entry.dtype !== "string" ||
      !Object.hasOwn(CONSTRUCTORS, entry.dtype) || !Number.isSafeInteger(entry.length) ||
      (entry.length as number) < 0 || !Number.isSafeInteger(entry.offset)
    ) {
      throw corrupt(
        `header field "arrays[${j}]" should be { name: string, dtype: ` +
          `${Object.keys(CONSTRUCTORS).map((d) => `"${d}"`).join(" | ")}, length: whole ` +
          `number ≥ 0, offset: whole number }, got ${render(entry)}`,
      );
    }
    const { name, length, offset } = entry as unknown as ArrayEntry;
    const dtype = entry.dtype as Dtype;
    if (names.has(name)) throw corrupt(`array "${name}" is listed twice`);
    names.add(name);
    if (offset !== at) {
      throw corrupt(
        `array "${name}" starts at byte ${offset}, expected ${at} (the arrays follow the ` +
          `header and each other, each at a ${BUNDLE_ALIGN}-byte boundary)`,
      );
    }
    const end = offset + length * CONSTRUCTORS[dtype].BYTES_PER_ELEMENT;
    if (end > prefix.total) {
      throw corrupt(
        `array "${name}" (${length} × ${dtype}) does not fit the file: it would end at byte ` +
          `${end} of ${prefix.total}`,
      );
    }
    entries.push({ name, dtype, length, offset });
    at = pad(end);
  }
  if (at !== prefix.total) {
    throw corrupt(
      `the arrays the header lists end at byte ${at}, but the file has ${prefix.total} bytes`,
    );
  }
  return { kind, meta, entries };
}

/** Views (or, when `bytes` is not aligned for a dtype, copies) of the arrays in `bytes`. */
function viewsOf(bytes: Uint8Array, entries: ArrayEntry[]): Record<string, BundleArray> {
  const arrays: Record<string, BundleArray> = {};
  for (const { name, dtype, length, offset } of entries) {
    const type = CONSTRUCTORS[dtype];
    const at = bytes.byteOffset + offset;
    arrays[name] = at % type.BYTES_PER_ELEMENT === 0
      ? new type(bytes.buffer as ArrayBuffer, at, length)
      : new type(bytes.slice(offset, offset + length * type.BYTES_PER_ELEMENT).buffer);
  }
  return arrays;
}

function arraysChecksumError(path: string, label: string): BundleError {
  return new BundleError(
    "corrupt",
    path,
    `${path}: corrupt ${label}: checksum mismatch in the arrays (the bytes were changed)`,
  );
}

/**
 * Decodes and checks a bundle held in memory; `path` is only used in error messages. Throws a
 * {@linkcode BundleError} naming the file and what was expected.
 *
 * @example
 * ```ts
 * import { decodeBundle, encodeBundleBytes } from "./bundle.ts";
 * const bytes = encodeBundleBytes("demo", { k: 2 }, { w: Float64Array.of(0.25) });
 * const back = decodeBundle(bytes, "demo.bin", { kind: "demo" });
 * if (back.meta.k !== 2 || back.arrays.w?.[0] !== 0.25 || back.entries[0]?.offset !== 128) {
 *   throw new Error("decoded");
 * }
 * ```
 */
export function decodeBundle(
  bytes: Uint8Array,
  path: string,
  options: ReadBundleOptions = {},
): Bundle {
  const label = options.label ?? "bundle";
  const prefix = checkPrefix(bytes.subarray(0, PREFIX_BYTES), bytes.length, path, label);
  const { kind, meta, entries } = parseHeader(bytes, prefix, path, options);
  if (crc32(bytes.subarray(prefix.arraysStart)) !== prefix.arraysCrc) {
    throw arraysChecksumError(path, label);
  }
  return { kind, meta, entries, arrays: viewsOf(bytes, entries) };
}

/** Reads exactly `into.length` bytes; false at an early end of file. */
async function readFull(file: Deno.FsFile, into: Uint8Array): Promise<boolean> {
  let off = 0;
  while (off < into.length) {
    const n = await file.read(into.subarray(off));
    if (n === null) return false;
    off += n;
  }
  return true;
}

/** A zeroed byte buffer of `size` whose start is 64-byte aligned in memory (huge pages advised). */
function alignedBytes(size: number): Uint8Array {
  const words = alignedFloat32Array(Math.ceil(size / 4));
  return new Uint8Array(words.buffer, words.byteOffset, size);
}

/**
 * Reads and checks the bundle at `path` into one 64-byte-aligned buffer; the arrays are views into
 * it. The arrays' checksum is computed while the file is read. Throws a {@linkcode BundleError}
 * naming the file: `"unreadable"` (missing, a folder, no permission), `"foreign"` (another magic),
 * `"version"`, `"kind"` or `"corrupt"` (truncated, appended to, damaged or inconsistent).
 *
 * @example
 * ```ts
 * import { BundleError, readBundle, writeBundle } from "./bundle.ts";
 * const dir = await Deno.makeTempDir();
 * await writeBundle(`${dir}/a.bin`, "demo", {}, { x: Uint8Array.of(1, 2, 3) });
 * const bytes = await Deno.readFile(`${dir}/a.bin`);
 * await Deno.writeFile(`${dir}/a.bin`, bytes.subarray(0, bytes.length - 1)); // truncated
 * try {
 *   await readBundle(`${dir}/a.bin`);
 *   throw new Error("a truncated bundle should be refused");
 * } catch (e) {
 *   if (!(e instanceof BundleError) || e.reason !== "corrupt") throw e;
 *   if (!e.message.startsWith(`${dir}/a.bin: corrupt bundle: the prefix says`)) throw e;
 * } finally {
 *   await Deno.remove(dir, { recursive: true });
 * }
 * ```
 */
export async function readBundle(path: string, options: ReadBundleOptions = {}): Promise<Bundle> {
  const label = options.label ?? "bundle";
  let file: Deno.FsFile;
  let size: number;
  try {
    file = await Deno.open(path, { read: true });
  } catch (cause) {
    throw new BundleError("unreadable", path, `${path}: cannot read the ${label}`, { cause });
  }
  try {
    try {
      const stat = await file.stat();
      if (!stat.isFile) throw new Error("not a regular file");
      size = stat.size;
    } catch (cause) {
      throw new BundleError("unreadable", path, `${path}: cannot read the ${label}`, { cause });
    }
    const head = new Uint8Array(Math.min(size, PREFIX_BYTES));
    if (!await readFull(file, head)) throw changed(path, label);
    const prefix = checkPrefix(head, size, path, label);
    const bytes = alignedBytes(size);
    bytes.set(head, 0);
    if (!await readFull(file, bytes.subarray(PREFIX_BYTES, prefix.arraysStart))) {
      throw changed(path, label);
    }
    const { kind, meta, entries } = parseHeader(bytes, prefix, path, options);
    // Read chunk j + 1 while chunk j is summed.
    let crc = 0;
    let at = prefix.arraysStart;
    let pending: Promise<boolean> | undefined;
    let pendingRange: [number, number] | undefined;
    const start = () => {
      if (at >= size) return;
      const to = Math.min(size, at + CHUNK_BYTES);
      pendingRange = [at, to];
      pending = readFull(file, bytes.subarray(at, to));
      at = to;
    };
    start();
    while (pending !== undefined) {
      const ok = await pending;
      const [from, to] = pendingRange!;
      pending = undefined;
      if (!ok) throw changed(path, label);
      start();
      crc = crc32(bytes.subarray(from, to), crc);
    }
    if (await file.read(new Uint8Array(1)) !== null) throw changed(path, label);
    if (crc !== prefix.arraysCrc) throw arraysChecksumError(path, label);
    return { kind, meta, entries, arrays: viewsOf(bytes, entries) };
  } catch (error) {
    if (error instanceof BundleError) throw error;
    throw new BundleError("unreadable", path, `${path}: cannot read the ${label}: ${error}`, {
      cause: error,
    });
  } finally {
    file.close();
  }
}

function changed(path: string, label: string): BundleError {
  return new BundleError(
    "corrupt",
    path,
    `${path}: corrupt ${label}: the file changed size while it was read`,
  );
}

/**
 * The bytes of a bundle, as chunks to write in order (the arrays' bytes are views of the given
 * arrays, not copies). Throws a `RangeError` for a header over {@linkcode BUNDLE_HEADER_MAX} bytes
 * and a `TypeError` for an array of another type than {@linkcode BundleArray}.
 *
 * @example
 * ```ts
 * import { encodeBundle } from "./bundle.ts";
 * const chunks = encodeBundle("demo", {}, { a: Uint16Array.of(1, 2, 3) });
 * const size = chunks.reduce((n, c) => n + c.length, 0);
 * if (size % 64 !== 0 || new TextDecoder().decode(chunks[0]!.subarray(0, 8)) !== "RSBUNDLE") {
 *   throw new Error(`${size}`);
 * }
 * ```
 */
export function encodeBundle(
  kind: string,
  meta: Record<string, unknown>,
  arrays: Record<string, BundleArray>,
): Uint8Array[] {
  const names = Object.keys(arrays);
  const dtypes = names.map((name) => dtypeOf(arrays[name]!));
  // The offsets depend on the header's length, which depends on the offsets' digits: iterate
  // until the padded header length is stable (two rounds at most in practice; bounded at 8).
  let headerJson = new Uint8Array(0);
  let entries: ArrayEntry[] = [];
  let arraysStart = pad(PREFIX_BYTES);
  for (let round = 0; round < 8; round++) {
    let at = arraysStart;
    entries = names.map((name, j) => {
      const array = arrays[name]!;
      const entry = { name, dtype: dtypes[j]!, length: array.length, offset: at };
      at = pad(at + array.byteLength);
      return entry;
    });
    headerJson = new TextEncoder().encode(JSON.stringify({ kind, meta, arrays: entries }));
    const needed = pad(PREFIX_BYTES + headerJson.length);
    if (needed === arraysStart) break;
    arraysStart = needed;
  }
  if (pad(PREFIX_BYTES + headerJson.length) !== arraysStart) {
    throw new Error("bundle: the header length did not settle"); // unreachable for JSON offsets
  }
  if (headerJson.length > BUNDLE_HEADER_MAX) {
    throw new RangeError(
      `bundle: the header would be ${headerJson.length} bytes; limit ${BUNDLE_HEADER_MAX}`,
    );
  }
  const last = entries.at(-1);
  const total = last === undefined ? arraysStart : pad(last.offset + arrays[last.name]!.byteLength);
  const head = new Uint8Array(arraysStart);
  head.set(MAGIC_BYTES, 0);
  head.set(headerJson, PREFIX_BYTES);
  const view = new DataView(head.buffer);
  view.setUint32(8, BUNDLE_FORMAT_VERSION, true);
  view.setUint32(12, headerJson.length, true);
  view.setBigUint64(16, BigInt(total), true);
  view.setUint32(24, crc32(headerJson), true);
  const chunks: Uint8Array[] = [head];
  let crc = 0;
  const zeros = new Uint8Array(BUNDLE_ALIGN);
  for (const { name } of entries) {
    const array = arrays[name]!;
    const raw = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
    const padding = zeros.subarray(0, pad(raw.length) - raw.length);
    crc = crc32(padding, crc32(raw, crc));
    chunks.push(raw);
    if (padding.length > 0) chunks.push(padding);
  }
  view.setUint32(28, crc, true);
  return chunks;
}

/**
 * The bytes of a bundle in one buffer (for tests, fuzzers and small files; {@linkcode writeBundle}
 * writes {@linkcode encodeBundle}'s chunks without joining them).
 *
 * @example
 * ```ts
 * import { encodeBundleBytes } from "./bundle.ts";
 * const bytes = encodeBundleBytes("demo", {}, {});
 * if (bytes.length !== 128 || bytes[8] !== 1) throw new Error(`${bytes.length} bytes`);
 * ```
 */
export function encodeBundleBytes(
  kind: string,
  meta: Record<string, unknown>,
  arrays: Record<string, BundleArray>,
): Uint8Array<ArrayBuffer> {
  const chunks = encodeBundle(kind, meta, arrays);
  const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return bytes;
}

/**
 * Writes a bundle atomically (a synced temp file beside `path`, renamed over it; the folder is
 * created; on failure `path` is left as it was), through lib/data/atomic.ts.
 *
 * @example
 * ```ts
 * import { readBundle, writeBundle } from "./bundle.ts";
 * const dir = await Deno.makeTempDir();
 * await writeBundle(`${dir}/sub/c.bin`, "counts", { n: 3 }, { c: Int32Array.of(-1, 0, 1) });
 * const { kind, arrays } = await readBundle(`${dir}/sub/c.bin`);
 * await Deno.remove(dir, { recursive: true });
 * if (kind !== "counts" || arrays.c?.join() !== "-1,0,1") throw new Error("written");
 * ```
 */
export async function writeBundle(
  path: string,
  kind: string,
  meta: Record<string, unknown>,
  arrays: Record<string, BundleArray>,
): Promise<void> {
  await writeChunksAtomic(path, encodeBundle(kind, meta, arrays));
}

/**
 * Makes an edited bundle's prefix consistent again, in place: the total length becomes the
 * buffer's length and both checksums are recomputed (the header length is kept, clamped to the
 * buffer). For tests and fuzzers that change bytes on purpose and want the reader's later checks,
 * not the checksum, to judge them; bytes that do not start with the magic are left as they are.
 *
 * @example
 * ```ts
 * import { decodeBundle, encodeBundleBytes, resealBundle } from "./bundle.ts";
 * const bytes = encodeBundleBytes("demo", {}, { v: Float32Array.of(1) });
 * new Float32Array(bytes.buffer, bytes.length - 64, 1)[0] = 2; // v[0], edited in place
 * try {
 *   decodeBundle(bytes, "v.bin");
 *   throw new Error("the edit should break the checksum");
 * } catch (e) {
 *   if (!(e as Error).message.includes("checksum mismatch in the arrays")) throw e;
 * }
 * resealBundle(bytes);
 * if (decodeBundle(bytes, "v.bin").arrays.v?.[0] !== 2) throw new Error("resealed");
 * ```
 */
export function resealBundle(bytes: Uint8Array): void {
  if (bytes.length < PREFIX_BYTES || !MAGIC_BYTES.every((b, j) => bytes[j] === b)) return;
  const view = new DataView(bytes.buffer, bytes.byteOffset, PREFIX_BYTES);
  const headerLength = Math.min(view.getUint32(12, true), bytes.length - PREFIX_BYTES);
  const arraysStart = Math.min(bytes.length, pad(PREFIX_BYTES + headerLength));
  view.setBigUint64(16, BigInt(bytes.length), true);
  view.setUint32(24, crc32(bytes.subarray(PREFIX_BYTES, PREFIX_BYTES + headerLength)), true);
  view.setUint32(28, crc32(bytes.subarray(arraysStart)), true);
}
