/**
 * The only module that touches the Zig kernel library. It opens `librecsys` lazily on first use,
 * checks its ABI version, and wraps every symbol in a typed function that turns a non-zero status
 * into a {@linkcode KernelError}.
 *
 * The library path defaults to `zig-out/lib/librecsys.so` (`.dylib` on macOS) under the repository
 * root; set `RECSYS_LIB` to load another build.
 *
 * @module
 */
import { ABI_VERSION, symbols } from "./_symbols.ts";
import {
  errorRecord,
  type ErrorRecordFields,
  hold,
  isValidated,
  type LayoutArrays,
  mappingView,
  packCoordinates,
  type PackedModel,
  type PackedRows,
  packIdColumns,
  packLayout,
  packModel,
  packRatingColumns,
  packRows,
  packSynthModel,
  type RatingColumnArrays,
  readColumnMaxima,
  readErrorRecord,
  readIdCounts,
} from "./_abi.ts";
import { Status, STATUS_TEXT } from "./_status.ts";
import {
  type AlsPenalties,
  checkAlsPenalties,
  checkGenreAlsPenalties,
  checkLambda,
  type GenreAlsPenalties,
  refuseRenamedOptions,
} from "./params.ts";

export { Status };

/**
 * Where a kernel call failed: the named fields of kernels/abi.zig's `ErrorRecord` (0 where a
 * field does not apply): `line`/`field` in an input file, `row`/`index` in a matrix,
 * `expected`/`actual` values, `side` (0 users, 1 items) and the refused `argument` (1-based).
 */
export type KernelErrorInfo = ErrorRecordFields;

function describeRecord(info: Partial<KernelErrorInfo>): string {
  const parts = Object.entries(info).filter(([, v]) => v !== 0 && v !== undefined)
    .map(([k, v]) => `${k} ${v}`);
  return parts.length === 0 ? "" : ` (${parts.join(", ")})`;
}

/**
 * A non-zero status from a kernel call.
 *
 * @example
 * ```ts
 * import { KernelError } from "./kernels.ts";
 * const e = new KernelError("rs_ratings_parse", 15, { line: 3, field: 3 });
 * if (e.status !== 15 || !e.message.includes("rating") || e.info.row !== 0) throw new Error(e.message);
 * ```
 */
export class KernelError extends Error {
  /** The status code (see {@linkcode Status}). */
  readonly status: number;
  /** What the status means (`text` in kernels/status.zig), without the symbol and detail. */
  readonly text: string;
  /** The detail the kernel reported. */
  readonly info: KernelErrorInfo;
  /** Builds the error from a status and its detail (missing fields are 0). */
  constructor(symbol: string, status: number, info: Partial<KernelErrorInfo>) {
    const text = STATUS_TEXT[status] ?? `status ${status}`;
    super(`${symbol}: ${text}${describeRecord(info)}`);
    this.name = "KernelError";
    this.status = status;
    this.text = text;
    this.info = { ...readErrorRecord(errorRecord()), ...info };
  }
}

type Library = Deno.DynamicLibrary<typeof symbols>["symbols"];
let library: Library | undefined;

/**
 * The path the kernel library is loaded from: `RECSYS_LIB` if set, else the build output.
 *
 * @example
 * ```ts
 * import { libraryPath } from "./kernels.ts";
 * if (!Deno.env.get("RECSYS_LIB") && !/\.(so|dylib|dll)$/.test(libraryPath())) {
 *   throw new Error(`the build output is a shared library, got ${libraryPath()}`);
 * }
 * ```
 */
export function libraryPath(): string {
  const fromEnv = Deno.env.get("RECSYS_LIB");
  if (fromEnv) return fromEnv;
  const ext = Deno.build.os === "darwin" ? "dylib" : Deno.build.os === "windows" ? "dll" : "so";
  const prefix = Deno.build.os === "windows" ? "" : "lib";
  return new URL(`../../zig-out/lib/${prefix}recsys.${ext}`, import.meta.url).pathname;
}

function open(): Library {
  if (library) return library;
  const path = libraryPath();
  let opened: Deno.DynamicLibrary<typeof symbols>;
  try {
    opened = Deno.dlopen(path, symbols);
  } catch (cause) {
    // Missing --allow-ffi is the caller's to fix: rethrown as Deno reported it.
    if (cause instanceof Deno.errors.PermissionDenied) throw cause;
    throw new Error(
      `cannot load the Zig kernel library at ${path}: build it with \`./run build\` ` +
        "(or `zig build` in the repository root), or point RECSYS_LIB at a built librecsys",
      { cause },
    );
  }
  const version = opened.symbols.rs_abi_version();
  if (version !== ABI_VERSION) {
    opened.close();
    throw new Error(
      `the kernel library at ${path} has ABI version ${version}, this code needs ${ABI_VERSION}: ` +
        "rebuild it with `./run build`",
    );
  }
  library = opened.symbols;
  return library;
}

function check(symbol: string, status: number, record: BigUint64Array): void {
  if (status === Status.ok) return;
  throw new KernelError(symbol, status, readErrorRecord(record));
}

function u32(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff_ffff) {
    throw new RangeError(`${name} must be an integer in 0..2^32-1, got ${value}`);
  }
  return value;
}

/**
 * Default thread count: `RECSYS_THREADS` if set, else `navigator.hardwareConcurrency`.
 *
 * @example
 * ```ts
 * import { defaultThreads } from "./kernels.ts";
 * if (!(defaultThreads() >= 1)) throw new Error("at least one thread");
 * ```
 */
export function defaultThreads(): number {
  const fromEnv = Number(Deno.env.get("RECSYS_THREADS"));
  if (Number.isInteger(fromEnv) && fromEnv >= 1) return Math.min(fromEnv, 64);
  return Math.max(1, Math.min(64, navigator.hardwareConcurrency || 1));
}

/**
 * Facts about the loaded library.
 *
 * @example
 * ```ts
 * import { kernelInfo } from "./kernels.ts";
 * const { simdF32Lanes } = kernelInfo(); // f32 lanes per SIMD vector: 4 (SSE/NEON) to 16 (AVX-512)
 * if (!Number.isInteger(simdF32Lanes) || simdF32Lanes < 1) throw new Error(`${simdF32Lanes}`);
 * ```
 */
export function kernelInfo(): { path: string; abiVersion: number; simdF32Lanes: number } {
  const lib = open();
  return {
    path: libraryPath(),
    abiVersion: lib.rs_abi_version(),
    simdF32Lanes: lib.rs_simd_f32_lanes(),
  };
}

/**
 * Advises the kernel to back a large buffer that is about to be filled with transparent huge
 * pages (Linux), which makes first writes to fresh memory fault far less often. Best effort: it
 * does nothing for buffers under 4 MiB or over 4 GiB, or when the library cannot be loaded.
 *
 * @example
 * ```ts
 * import { adviseHugePages } from "./kernels.ts";
 * const big = new Float32Array(4 << 20);
 * adviseHugePages(big);
 * ```
 */
export function adviseHugePages(array: ArrayBufferView): void {
  if (array.byteLength < 4 << 20 || array.byteLength > 0xffff_ffff) return;
  let lib: Library;
  try {
    lib = open();
  } catch {
    return;
  }
  const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  lib.rs_advise_huge(bytes, bytes.length, errorRecord());
}

/** Byte alignment of {@linkcode alignedFloat32Array}: one cache line. */
export const CACHE_LINE_BYTES = 64;

/**
 * A zeroed Float32Array of `length` entries whose first entry starts on a 64-byte cache line (and
 * which is advised to use huge pages when large). The ALS kernels read factor rows at random
 * addresses: with the allocator's usual 16-byte offset a row of 16 floats spans two cache lines
 * instead of one, and a row of 64 floats five instead of four.
 *
 * @param length Number of entries.
 * @returns A view into a slightly larger buffer (`byteOffset` is where the alignment put it).
 *
 * @example
 * ```ts
 * import { alignedFloat32Array } from "./kernels.ts";
 * const a = alignedFloat32Array(1000);
 * const address = Deno.UnsafePointer.value(Deno.UnsafePointer.of(a)!);
 * if (a.length !== 1000 || BigInt(address) % 64n !== 0n) throw new Error("aligned");
 * ```
 */
export function alignedFloat32Array(length: number): Float32Array {
  if (length === 0) return new Float32Array(0);
  const buffer = new ArrayBuffer(length * 4 + CACHE_LINE_BYTES);
  const address = BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(buffer)));
  const misalignment = Number(address % BigInt(CACHE_LINE_BYTES));
  const offset = misalignment === 0 ? 0 : CACHE_LINE_BYTES - misalignment;
  const array = new Float32Array(buffer, offset, length);
  adviseHugePages(array);
  return array;
}

/** The four columns of ratings.csv, one entry per data line, and the largest raw ids. */
export interface RatingColumns extends RatingColumnArrays {
  /** Largest userId (0 when there are no lines). */
  maxUser: number;
  /** Largest movieId. */
  maxMovie: number;
}

/**
 * Reads a ratings.csv into columns in two passes over one mapping of the file: the scan checks
 * the header, cuts `parts` partitions at line starts and counts their lines; the parse (one
 * thread per partition) fills the columns allocated from those counts. The first bad line is
 * reported whatever `parts` is, as a {@linkcode KernelError} with `info.line` and `info.field`.
 *
 * @example
 * ```ts
 * import { readRatingColumns } from "./kernels.ts";
 * const path = await Deno.makeTempFile({ suffix: ".csv" });
 * const csv = "userId,movieId,rating,timestamp\n1,296,5.0,964982703\n2,318,4.5,964982224\n";
 * await Deno.writeTextFile(path, csv);
 * const cols = await readRatingColumns(path, 2);
 * await Deno.remove(path);
 * if (cols.users.join() !== "1,2" || cols.movies.join() !== "296,318" || cols.ratings[1] !== 4.5) {
 *   throw new Error("one entry per data line, in file order");
 * }
 * if (cols.maxUser !== 2 || cols.maxMovie !== 318) throw new Error("largest ids");
 * ```
 */
export async function readRatingColumns(path: string, parts: number): Promise<RatingColumns> {
  const lib = open();
  const bytes = new TextEncoder().encode(path);
  const offsets = new BigUint64Array(u32("parts", parts) + 1);
  const lines = new BigUint64Array(parts);
  const mapping = mappingView();
  const info = errorRecord();
  check(
    "rs_ratings_scan",
    await lib.rs_ratings_scan(bytes, bytes.length, parts, offsets, lines, mapping, info),
    info,
  );
  let packed;
  try {
    let rows = 0;
    for (const n of lines) rows += Number(n);
    const n = u32("rows", rows);
    packed = packRatingColumns({
      users: new Uint32Array(n),
      movies: new Uint32Array(n),
      ratings: new Float32Array(n),
      times: new Uint32Array(n),
    });
  } catch (error) {
    lib.rs_ratings_unmap(mapping, errorRecord()); // the parse, which would release it, never runs
    throw error;
  }
  const status = await hold(
    packed,
    lib.rs_ratings_parse(mapping, parts, offsets, lines, packed.bytes, info),
  );
  check("rs_ratings_parse", status, info);
  return { ...packed.keep, ...readColumnMaxima(packed.bytes) };
}

/**
 * Rewrites id columns in place to dense indices (ascending raw order) in one kernel call and
 * returns dense → raw for each. `maxima[j]`, when given, is column j's largest id (as
 * {@linkcode readRatingColumns} reports it): the id table then needs `min(length, max + 1)`
 * entries instead of `length`.
 *
 * @example
 * ```ts
 * import { densifyIdColumns } from "./kernels.ts";
 * const users = new Uint32Array([50, 7, 50]);
 * const movies = new Uint32Array([3, 3, 9]);
 * const [userIds, movieIds] = densifyIdColumns([users, movies], [50, 9]);
 * if (userIds!.join() !== "7,50" || users.join() !== "1,0,1") throw new Error(`${userIds}`);
 * if (movieIds!.join() !== "3,9" || movies.join() !== "0,0,1") throw new Error(`${movieIds}`);
 * ```
 */
export function densifyIdColumns(
  columns: readonly Uint32Array[],
  maxima?: readonly number[],
): Uint32Array[] {
  if (columns.length === 0) return [];
  const ids = columns.map((raw, j) => {
    const length = u32("length", raw.length);
    const max = maxima?.[j];
    return new Uint32Array(max === undefined ? length : Math.min(length, u32("max", max) + 1));
  });
  const views = packIdColumns(columns, ids);
  const info = errorRecord();
  check("rs_ids_densify", open().rs_ids_densify(views.bytes, columns.length, info), info);
  const counts = readIdCounts(views.bytes, columns.length);
  return ids.map((table, j) => {
    const count = counts[j] ?? 0;
    return count === table.length ? table : table.slice(0, count);
  });
}

/**
 * Rewrites raw ids in place to dense indices (ascending raw order) and returns dense → raw.
 *
 * @example
 * ```ts
 * import { densifyIds } from "./kernels.ts";
 * const raw = new Uint32Array([50, 7, 50]);
 * const ids = densifyIds(raw);
 * if (ids.join() !== "7,50" || raw.join() !== "1,0,1") throw new Error(`${ids} / ${raw}`);
 * ```
 */
export function densifyIds(raw: Uint32Array): Uint32Array {
  return densifyIdColumns([raw])[0]!;
}

/** CSR and CSC arrays as filled by {@linkcode buildMatrix}. */
export interface MatrixArrays {
  /** CSR row pointers. */
  userPtr: Uint32Array;
  /** CSR item indices. */
  userItems: Uint32Array;
  /** CSR ratings. */
  userRatings: Float32Array;
  /** CSR timestamps. */
  userTimes: Uint32Array;
  /** CSC column pointers. */
  itemPtr: Uint32Array;
  /** CSC user indices. */
  itemUsers: Uint32Array;
  /** CSC ratings. */
  itemRatings: Float32Array;
  /** CSC timestamps. */
  itemTimes: Uint32Array;
}

/**
 * Builds CSR (by user, items ascending) and CSC (by item, users ascending) from dense coordinates.
 * A repeated (user, item) pair throws a {@linkcode KernelError} with `info.row` = user, `info.index` = item.
 *
 * @example
 * ```ts
 * import { buildMatrix } from "./kernels.ts";
 * const m = await buildMatrix(2, 2, {
 *   users: new Uint32Array([1, 0]), items: new Uint32Array([0, 1]),
 *   ratings: new Float32Array([4, 3]), times: new Uint32Array([1, 2]),
 * });
 * if (m.userPtr.join() !== "0,1,2") throw new Error(`userPtr ${m.userPtr}`);
 * ```
 */
export async function buildMatrix(
  nUsers: number,
  nItems: number,
  coo: { users: Uint32Array; items: Uint32Array; ratings: Float32Array; times: Uint32Array },
  options: { threads?: number } = {},
): Promise<MatrixArrays> {
  const nnz = u32("nnz", coo.users.length);
  if (coo.items.length !== nnz || coo.ratings.length !== nnz || coo.times.length !== nnz) {
    throw new RangeError("buildMatrix: users, items, ratings and times must have equal lengths");
  }
  const m: MatrixArrays = {
    userPtr: new Uint32Array(u32("nUsers", nUsers) + 1),
    userItems: new Uint32Array(nnz),
    userRatings: new Float32Array(nnz),
    userTimes: new Uint32Array(nnz),
    itemPtr: new Uint32Array(u32("nItems", nItems) + 1),
    itemUsers: new Uint32Array(nnz),
    itemRatings: new Float32Array(nnz),
    itemTimes: new Uint32Array(nnz),
  };
  const coordinates = packCoordinates(coo);
  const byUser = packLayout(
    { ptr: m.userPtr, index: m.userItems, values: m.userRatings, times: m.userTimes },
    nItems,
  );
  const byItem = packLayout(
    { ptr: m.itemPtr, index: m.itemUsers, values: m.itemRatings, times: m.itemTimes },
    nUsers,
  );
  const info = errorRecord();
  const status = await hold(
    [coordinates, byUser, byItem],
    open().rs_matrix_build(
      coordinates.bytes,
      byUser.bytes,
      byItem.bytes,
      u32("threads", options.threads ?? defaultThreads()),
      info,
    ),
  );
  check("rs_matrix_build", status, info);
  return m;
}

/**
 * The transpose of one compressed layout with timestamps, in Zig: a CSR over `inner` columns
 * becomes the CSC (rows = `inner`), indices ascending within each row. `from` is validated in full
 * first (pointers, indices ascending and `< inner`, values finite), so the result is valid by
 * construction; a bad layout throws a {@linkcode KernelError} naming the row and index.
 *
 * @example
 * ```ts
 * import { transposeLayout } from "./kernels.ts";
 * const t = transposeLayout({
 *   ptr: Uint32Array.of(0, 1, 2), index: Uint32Array.of(1, 1),
 *   values: Float32Array.of(3, 4), times: Uint32Array.of(5, 6),
 * }, 2);
 * if (t.ptr.join() !== "0,0,2" || t.index.join() !== "0,1" || t.times.join() !== "5,6") {
 *   throw new Error(`transpose ${t.ptr} ${t.index}`);
 * }
 * ```
 */
export function transposeLayout(
  from: LayoutArrays,
  inner: number,
  options: { threads?: number } = {},
): LayoutArrays {
  const nnz = u32("nnz", from.index.length);
  if (from.values.length !== nnz || from.times.length !== nnz || from.ptr.length < 1) {
    throw new RangeError(
      `transposeLayout: index, values and times have ${nnz}, ${from.values.length} and ` +
        `${from.times.length} entries; ptr ${from.ptr.length}`,
    );
  }
  const to: LayoutArrays = {
    ptr: new Uint32Array(u32("inner", inner) + 1),
    index: new Uint32Array(nnz),
    values: new Float32Array(nnz),
    times: new Uint32Array(nnz),
  };
  const record = errorRecord();
  const status = open().rs_matrix_transpose(
    packLayout(from, inner).bytes,
    packLayout(to, from.ptr.length - 1).bytes,
    u32("threads", options.threads ?? defaultThreads()),
    record,
  );
  check("rs_matrix_transpose", status, record);
  return to;
}

// --- Synthetic MovieLens (kernels/synth.zig) ---

/** Bytes of the longest ratings.csv line the generator writes (`line_bytes_max` in synth.zig). */
export const SYNTH_LINE_BYTES_MAX = 38;
/** Fixed-point scale of {@linkcode SynthChunk.oracleUnroundedFixed} (2^20). */
export const SYNTH_UNROUNDED_SCALE = 1_048_576;

/** Walker's alias table of item weights, from {@linkcode synthAliasTable}. */
export interface AliasTable {
  /** Probability of keeping column `i` (0–1). */
  prob: Float64Array;
  /** The other item of column `i`. */
  alias: Uint32Array;
}

/**
 * Builds the alias table (Walker/Vose) for drawing items in proportion to `weights` (all finite
 * and positive). Deterministic: the same weights give the same table.
 *
 * @example
 * ```ts
 * import { synthAliasTable } from "./kernels.ts";
 * const { prob, alias } = synthAliasTable(new Float64Array([1, 3]));
 * // Column 0 keeps item 0 with probability 0.5, else item 1: P(0) = 0.5 / 2 = 1/4.
 * if (prob[0] !== 0.5 || alias[0] !== 1 || prob[1] !== 1) throw new Error("alias table");
 * ```
 */
export function synthAliasTable(weights: Float64Array): AliasTable {
  const n = u32("weights.length", weights.length);
  if (n === 0) throw new RangeError("synthAliasTable: at least one weight is needed");
  const table: AliasTable = { prob: new Float64Array(n), alias: new Uint32Array(n) };
  const record = errorRecord();
  const status = open().rs_synth_alias(weights, n, table.prob, table.alias, record);
  if (status === Status.invalidArgument || status === Status.notFinite) {
    const bad = weights.findIndex((w) => !(Number.isFinite(w) && w > 0));
    throw new RangeError(
      `synthAliasTable: every weight must be finite and > 0; weights[${bad}] = ${weights[bad]}`,
    );
  }
  check("rs_synth_alias", status, record);
  return table;
}

/**
 * What {@linkcode synthRatingsCsv} reads to write ratings.csv lines (packed as kernels/abi.zig's
 * `SynthModelView`): the planted μ, biases and factors, each user's count and time window, the
 * items' popularity table, and how to write the lines. It is the ratings part of a
 * `SyntheticPlan` (lib/data/_synthetic_plan.ts, the whole synthetic dataset: catalogue, genres,
 * tags, seeds) plus the line format; lib/data/synthetic.ts builds one from a plan
 * (`ratingsModel`).
 */
export interface SynthRatingsModel {
  /** Seed of the per-user random streams. */
  seed: bigint;
  /** Planted rank. */
  k: number;
  /** Global mean μ. */
  mu: number;
  /** Noise standard deviation σ. */
  noiseSd: number;
  /** Ratings with a timestamp before this are rounded to whole stars. */
  wholeStarsBefore: number;
  /** End lines with CRLF instead of LF. */
  crlf: boolean;
  /** Ratings per user (each at most the number of items). */
  userCounts: Uint32Array;
  /** Start of each user's active window (seconds since the epoch). */
  userTimeBegin: Uint32Array;
  /** Length of each user's active window in seconds (the window includes both ends). */
  userTimeSpan: Uint32Array;
  /** User biases b_u. */
  userBias: Float32Array;
  /** User factors x_u, row-major `nUsers × k`. */
  userFactors: Float32Array;
  /** Raw movieId of each item, strictly ascending. */
  movieIds: Uint32Array;
  /** Popularity weight of each item (positive). */
  itemWeights: Float64Array;
  /** The alias table of `itemWeights` ({@linkcode synthAliasTable}). */
  itemTable: AliasTable;
  /** Item biases b_i. */
  itemBias: Float32Array;
  /** Item factors y_i, row-major `nItems × k`. */
  itemFactors: Float32Array;
}

/** What one {@linkcode synthRatingsCsv} call wrote and tallied. */
export interface SynthChunk {
  /** Bytes written at the start of `out`. */
  bytes: number;
  /** Σ (2·(rating − rounded noiseless prediction))², exact. */
  oracleHalfStepsSquared: bigint;
  /** Σ (rating − clamped noiseless prediction)² × 2^20, each term rounded, exact sum. */
  oracleUnroundedFixed: bigint;
  /** Ratings written per half star: index 0 = 0.5 ★ … 9 = 5 ★. */
  histogram: number[];
}

/**
 * Writes the ratings.csv lines (`userId,movieId,rating,timestamp`, by userId then movieId) of users
 * `userBegin .. userEnd` (dense indices; userId = index + 1) into `out`, which must hold
 * {@linkcode SYNTH_LINE_BYTES_MAX} bytes per rating. Adds each item's new ratings to `itemCounts`.
 * Every user has its own random stream, so the bytes depend on the model and seed only, never on
 * the thread count or on how the users are cut into calls.
 *
 * @example
 * ```ts
 * import { synthAliasTable, synthRatingsCsv } from "./kernels.ts";
 * const itemWeights = new Float64Array([1, 2, 3]);
 * const model = {
 *   seed: 1n, k: 1, mu: 3.5, noiseSd: 0.5, wholeStarsBefore: 0, crlf: false,
 *   userCounts: Uint32Array.of(2), userTimeBegin: Uint32Array.of(1e9), userTimeSpan: Uint32Array.of(60),
 *   userBias: Float32Array.of(0), userFactors: Float32Array.of(1),
 *   movieIds: Uint32Array.of(1, 5, 9), itemWeights, itemTable: synthAliasTable(itemWeights),
 *   itemBias: new Float32Array(3), itemFactors: new Float32Array(3),
 * };
 * const out = new Uint8Array(2 * 38);
 * const chunk = await synthRatingsCsv(model, 0, 1, out, new Uint32Array(3));
 * const text = new TextDecoder().decode(out.subarray(0, chunk.bytes));
 * if (text.split("\n").length !== 3) throw new Error(`two lines expected, got ${text}`);
 * ```
 */
export async function synthRatingsCsv(
  model: SynthRatingsModel,
  userBegin: number,
  userEnd: number,
  out: Uint8Array,
  itemCounts: Uint32Array,
  options: { threads?: number } = {},
): Promise<SynthChunk> {
  const nUsers = u32("nUsers", model.userCounts.length);
  const nItems = u32("nItems", model.movieIds.length);
  const k = u32("k", model.k);
  const lengths: [string, number, number][] = [
    ["userTimeBegin", model.userTimeBegin.length, nUsers],
    ["userTimeSpan", model.userTimeSpan.length, nUsers],
    ["userBias", model.userBias.length, nUsers],
    ["userFactors", model.userFactors.length, nUsers * k],
    ["itemWeights", model.itemWeights.length, nItems],
    ["itemTable.prob", model.itemTable.prob.length, nItems],
    ["itemTable.alias", model.itemTable.alias.length, nItems],
    ["itemBias", model.itemBias.length, nItems],
    ["itemFactors", model.itemFactors.length, nItems * k],
    ["itemCounts", itemCounts.length, nItems],
  ];
  for (const [name, length, expected] of lengths) {
    if (length !== expected) {
      throw new RangeError(`synthRatingsCsv: ${name} has ${length} entries, expected ${expected}`);
    }
  }
  if (!(0 <= userBegin && userBegin <= userEnd && userEnd <= nUsers)) {
    throw new RangeError(`synthRatingsCsv: users ${userBegin}..${userEnd} outside 0..${nUsers}`);
  }
  const result = new BigUint64Array(13);
  const info = errorRecord();
  u32("wholeStarsBefore", model.wholeStarsBefore);
  const view = packSynthModel(model);
  const status = await hold(
    view,
    open().rs_synth_ratings_csv(
      view.bytes,
      u32("userBegin", userBegin),
      u32("userEnd", userEnd),
      u32("threads", options.threads ?? defaultThreads()),
      out,
      u32("out.length", out.length),
      itemCounts,
      result,
      info,
    ),
  );
  check("rs_synth_ratings_csv", status, info);
  return {
    bytes: Number(result[0]),
    oracleHalfStepsSquared: result[1]!,
    oracleUnroundedFixed: result[2]!,
    histogram: Array.from(result.subarray(3), Number),
  };
}

// --- end of synthetic MovieLens ---

// --- Explicit-feedback models (kernels/bias_als.zig, als.zig, score.zig) ---

/**
 * What the model kernels read of a rating matrix: the counts and the two layouts (CSR by user,
 * CSC by item) without timestamps or id maps. Every `RatingMatrix` (lib/data/types.ts) is one: it
 * extends this interface with the timestamps and the raw ids.
 */
export interface KernelMatrix {
  /** Number of users (rows of the CSR layout). */
  readonly nUsers: number;
  /** Number of items (rows of the CSC layout). */
  readonly nItems: number;
  /** Number of stored ratings. */
  readonly nnz: number;
  /** CSR row pointers, length `nUsers + 1`: user `u` owns entries `userPtr[u] .. userPtr[u+1]`. */
  readonly userPtr: Uint32Array;
  /** CSR item index of each entry, ascending within a row, length `nnz`. */
  readonly userItems: Uint32Array;
  /** CSR rating of each entry, length `nnz`. */
  readonly userRatings: Float32Array;
  /** CSC column pointers, length `nItems + 1`. */
  readonly itemPtr: Uint32Array;
  /** CSC user index of each entry, ascending within a column, length `nnz`. */
  readonly itemUsers: Uint32Array;
  /** CSC rating of each entry, length `nnz`. */
  readonly itemRatings: Float32Array;
}

/**
 * The parameters of a factor model, r̂ = μ + b_u + b_i + x_u·y_i: what every model kernel reads
 * (packed as kernels/abi.zig's `ModelView`) and every epoch updates in place, and what the models
 * of lib/models hold. The one type for it: the ALS family, bias-only ALS (`k = 0`, empty factor
 * arrays), genre ALS (which adds G and w) and the implicit rankers (BPR and iALS keep μ = 0 and
 * use only the biases their kernels name). lib/models/als_state.ts re-exports it with the seeded
 * initial state (`initAlsState`) and the equations. The fields are read-only; the arrays'
 * contents are not (epochs write into them).
 *
 * @example
 * ```ts
 * import type { AlsState } from "./kernels.ts";
 * const predict = (s: AlsState, u: number, i: number): number => {
 *   let r = s.mu + s.userBias[u]! + s.itemBias[i]!;
 *   for (let f = 0; f < s.k; f++) r += s.userFactors[u * s.k + f]! * s.itemFactors[i * s.k + f]!;
 *   return r;
 * };
 * ```
 */
export interface AlsState {
  /** Number of latent factors K (0 for bias-only). */
  readonly k: number;
  /** Global mean μ (fixed during training). */
  readonly mu: number;
  /** x_u for every user, `nUsers × k`, row-major. */
  readonly userFactors: Float32Array;
  /** y_i for every item, `nItems × k`, row-major. */
  readonly itemFactors: Float32Array;
  /** b_u, one per user. */
  readonly userBias: Float32Array;
  /** b_i, one per item. */
  readonly itemBias: Float32Array;
}

function checkMatrixArrays(fn: string, m: KernelMatrix): void {
  u32("nnz", m.nnz);
  const lengths: [string, number, number][] = [
    ["userPtr", m.userPtr.length, m.nUsers + 1],
    ["userItems", m.userItems.length, m.nnz],
    ["userRatings", m.userRatings.length, m.nnz],
    ["itemPtr", m.itemPtr.length, m.nItems + 1],
    ["itemUsers", m.itemUsers.length, m.nnz],
    ["itemRatings", m.itemRatings.length, m.nnz],
  ];
  for (const [name, length, expected] of lengths) {
    if (length !== expected) {
      throw new RangeError(`${fn}: matrix ${name} has ${length} entries, expected ${expected}`);
    }
  }
}

/** Both layouts of a matrix as views `rs_rows_validate` accepted. */
interface MatrixViews {
  readonly users: PackedRows;
  readonly items: PackedRows;
}

/**
 * The validated views of every matrix a kernel has seen, made once per matrix object. The views
 * point into the matrix's arrays, which must not change afterwards (`RatingMatrix` is read-only
 * by contract); a matrix whose arrays were replaced gets new views and is validated again.
 */
const validatedViews = new WeakMap<KernelMatrix, MatrixViews>();

async function validateRows(fn: string, side: string, view: PackedRows): Promise<void> {
  const record = errorRecord();
  const status = await hold(view, open().rs_rows_validate(view.bytes, record));
  if (status !== Status.ok) {
    const info = readErrorRecord(record);
    throw new KernelError(`${fn}: the ${side} layout of the matrix is malformed`, status, info);
  }
}

function sameArrays(views: MatrixViews, m: KernelMatrix): boolean {
  const [userPtr, userItems, userRatings] = views.users.arrays;
  const [itemPtr, itemUsers, itemRatings] = views.items.arrays;
  return userPtr === m.userPtr && userItems === m.userItems && userRatings === m.userRatings &&
    itemPtr === m.itemPtr && itemUsers === m.itemUsers && itemRatings === m.itemRatings;
}

/**
 * Checks both layouts of a matrix in full once (O(nnz) in Zig: pointers, ascending indices in
 * range, finite values) and keeps the validated views; later kernel calls on the same matrix
 * object cost O(1). The kernels call it themselves on first use; call it to check early.
 *
 * @example
 * ```ts
 * import { validateMatrix } from "./kernels.ts";
 * import { fromTriplets } from "../data/coo.ts";
 * const m = fromTriplets(2, 2, [0, 1], [1, 0], [4, 5], [0, 0]);
 * await validateMatrix(m);
 * const broken = { ...m, userRatings: Float32Array.of(4, NaN) };
 * const error = await validateMatrix(broken).then(() => null, (e: Error) => e);
 * if (!error?.message.includes("not finite")) throw new Error("NaN refused");
 * ```
 */
export async function validateMatrix(m: KernelMatrix): Promise<void> {
  await matrixViews("validateMatrix", m);
}

async function matrixViews(fn: string, m: KernelMatrix): Promise<MatrixViews> {
  const known = validatedViews.get(m);
  if (known && sameArrays(known, m) && isValidated(known.users) && isValidated(known.items)) {
    return known;
  }
  checkMatrixArrays(fn, m);
  const views: MatrixViews = {
    users: packRows(m.userPtr, m.userItems, m.userRatings, u32("nItems", m.nItems)),
    items: packRows(m.itemPtr, m.itemUsers, m.itemRatings, u32("nUsers", m.nUsers)),
  };
  await validateRows(fn, "CSR (by user)", views.users);
  await validateRows(fn, "CSC (by item)", views.items);
  validatedViews.set(m, views);
  return views;
}

/** The model checked (K, μ, array lengths) and packed as a `ModelView`. */
function packState(fn: string, model: AlsState): PackedModel {
  const k = u32("k", model.k);
  const nUsers = u32("userBias.length", model.userBias.length);
  const nItems = u32("itemBias.length", model.itemBias.length);
  if (model.userFactors.length !== nUsers * k || model.itemFactors.length !== nItems * k) {
    throw new RangeError(
      `${fn}: factor arrays have ${model.userFactors.length} and ${model.itemFactors.length} ` +
        `entries, expected ${nUsers}×${k} and ${nItems}×${k}`,
    );
  }
  if (!Number.isFinite(model.mu)) throw new RangeError(`${fn}: mu must be finite, got ${model.mu}`);
  return packModel(model);
}

function checkShape(fn: string, model: AlsState, m: KernelMatrix): void {
  if (model.userBias.length !== m.nUsers || model.itemBias.length !== m.nItems) {
    throw new RangeError(
      `${fn}: the model has ${model.userBias.length} users and ${model.itemBias.length} items, ` +
        `the matrix ${m.nUsers} and ${m.nItems}`,
    );
  }
}

/** Options of the epoch kernels. */
export interface EpochKernelOptions {
  /** Multiply λ by each row's rating count (ALS-WR). Default false. */
  weighted?: boolean;
  /** Kernel threads (default {@linkcode defaultThreads}); the result does not depend on it. */
  threads?: number;
}

/** What an epoch kernel is called with besides its parameters (see {@linkcode runEpochKernel}). */
interface EpochArguments {
  /** The validated CSR layout by user (`*const RowsView`). */
  readonly users: Uint8Array;
  /** The validated CSC layout by item. */
  readonly items: Uint8Array;
  /** The packed model (`*const ModelView`), updated in place by the kernel. */
  readonly model: Uint8Array;
  /** `options.weighted` as the kernels take it: 1 for ALS-WR, else 0. */
  readonly weighted: 0 | 1;
  /** The thread count: the option, checked, else {@linkcode defaultThreads}. */
  readonly threads: number;
  /** The error record the kernel fills. */
  readonly record: BigUint64Array;
}

/**
 * The protocol every nonblocking epoch wrapper shares once its arguments are checked: `m`'s
 * validated views, the call (`call` passes the views, the model, its own parameters in ABI order,
 * the threads and the record to its symbol), every array held until the kernel returns, and the
 * status turned into a {@linkcode KernelError} named after `symbol`.
 */
async function runEpochKernel(
  fn: string,
  symbol: string,
  m: KernelMatrix,
  packed: PackedModel,
  options: { weighted?: boolean; threads?: number; keep?: readonly unknown[] },
  call: (args: EpochArguments) => Promise<number>,
): Promise<void> {
  const views = await matrixViews(fn, m);
  const record = errorRecord();
  const args: EpochArguments = {
    users: views.users.bytes,
    items: views.items.bytes,
    model: packed.bytes,
    weighted: options.weighted ? 1 : 0,
    threads: u32("threads", options.threads ?? defaultThreads()),
    record,
  };
  const status = await hold([views, packed, ...options.keep ?? []], call(args));
  check(symbol, status, record);
}

/**
 * One epoch of bias-only ALS in place: every `b_u = Σ(r − μ − b_i) / (n_u + λ·w)`, then every
 * `b_i` the same way from the new user biases (w = n if `weighted`, else 1; rows without ratings
 * get 0). Sums in f64.
 *
 * @example
 * ```ts
 * import { biasAlsEpoch } from "./kernels.ts";
 * import { fromTriplets } from "../data/coo.ts";
 * const m = fromTriplets(2, 2, [0, 0, 1], [0, 1, 0], [4, 2, 5], [0, 0, 0]);
 * const state = { mu: 11 / 3, userBias: new Float32Array(2), itemBias: new Float32Array(2) };
 * await biasAlsEpoch(m, state, { lambda: 1 });
 * if (Math.abs(state.userBias[0]! - (4 + 2 - 22 / 3) / 3) > 1e-6) {
 *   throw new Error(`b_0 = ${state.userBias[0]}`);
 * }
 * ```
 */
export async function biasAlsEpoch(
  m: KernelMatrix,
  state: Pick<AlsState, "mu" | "userBias" | "itemBias">,
  options: EpochKernelOptions & { lambda: number },
): Promise<void> {
  const model = { k: 0, userFactors: EMPTY_F32, itemFactors: EMPTY_F32, ...state };
  const packed = packState("biasAlsEpoch", model);
  checkShape("biasAlsEpoch", model, m);
  checkLambda("biasAlsEpoch", "lambda", options.lambda, { allowZero: true });
  const call = (a: EpochArguments) =>
    open().rs_bias_als_epoch(
      a.users,
      a.items,
      a.model,
      options.lambda,
      a.weighted,
      a.threads,
      a.record,
    );
  await runEpochKernel("biasAlsEpoch", "rs_bias_als_epoch", m, packed, options, call);
}

const EMPTY_F32 = new Float32Array(0);

/**
 * One epoch of ALS with biases in place (users given items, then items given users), solving each
 * row's (k+1)×(k+1) regularised least-squares system exactly; see lib/models/als_state.ts for
 * the equations. A system that cannot be factorised throws a {@linkcode KernelError} with
 * `status` {@linkcode Status}.notFinite, `info.row` = the row and `info.side` = 0 (user) or 1
 * (item).
 *
 * @example
 * ```ts
 * import { alsEpoch } from "./kernels.ts";
 * import { fromTriplets } from "../data/coo.ts";
 * const m = fromTriplets(2, 2, [0, 0, 1], [0, 1, 0], [4, 2, 5], [0, 0, 0]);
 * const state = {
 *   k: 1, mu: 11 / 3,
 *   userFactors: new Float32Array([0.1, -0.1]), itemFactors: new Float32Array([0.2, 0.05]),
 *   userBias: new Float32Array(2), itemBias: new Float32Array(2),
 * };
 * await alsEpoch(m, state, { lambda: 0.1, lambdaBias: 0.1 });
 * if (!state.userFactors.every(Number.isFinite)) throw new Error("finite factors");
 * ```
 */
export async function alsEpoch(
  m: KernelMatrix,
  state: AlsState,
  options: EpochKernelOptions & AlsPenalties,
): Promise<void> {
  const packed = checkFactorModel("alsEpoch", state, m);
  checkAlsPenalties("alsEpoch", options);
  const { lambda, lambdaBias } = options;
  const call = (a: EpochArguments) =>
    open().rs_als_epoch(
      a.users,
      a.items,
      a.model,
      lambda,
      lambdaBias,
      a.weighted,
      a.threads,
      a.record,
    );
  await runEpochKernel("alsEpoch", "rs_als_epoch", m, packed, options, call);
}

/** The rating scale predictions are clamped to. */
export interface RatingScale {
  /** Lowest rating (0.5 for MovieLens). */
  ratingMin: number;
  /** Highest rating (5 for MovieLens). */
  ratingMax: number;
}

/**
 * Predictions for (users[j], items[j]) pairs (dense indices), clamped to the rating scale. An
 * index ≥ the model's user (item) count is unknown: it adds no bias and no factors, so r̂ falls
 * back to μ + b_i, μ + b_u or μ. Never NaN.
 *
 * @example
 * ```ts
 * import { predictPairs } from "./kernels.ts";
 * const model = {
 *   k: 0, mu: 3, userFactors: new Float32Array(0), itemFactors: new Float32Array(0),
 *   userBias: new Float32Array([0.5]), itemBias: new Float32Array([1]),
 * };
 * const p = predictPairs(model, Uint32Array.of(0, 9), Uint32Array.of(0, 0), {
 *   ratingMin: 0.5, ratingMax: 5,
 * });
 * if (p[0] !== 4.5 || p[1] !== 4) throw new Error(`predictions ${p}`); // user 9 is unknown
 * ```
 */
export function predictPairs(
  model: AlsState,
  users: Uint32Array,
  items: Uint32Array,
  options: RatingScale & { threads?: number },
): Float32Array {
  const packed = packState("predictPairs", model);
  if (users.length !== items.length) {
    throw new RangeError(`predictPairs: ${users.length} users but ${items.length} items`);
  }
  const out = new Float32Array(u32("pairs", users.length));
  const record = errorRecord();
  const status = open().rs_predict_pairs(
    packed.bytes,
    users.length,
    users,
    items,
    options.ratingMin,
    options.ratingMax,
    out,
    u32("threads", options.threads ?? defaultThreads()),
    record,
  );
  check("rs_predict_pairs", status, record);
  return out;
}

/** What {@linkcode scoreMatrix} returns. */
export interface MatrixScore {
  /** Σ (r − r̂)² over the matrix's ratings. */
  sse: number;
  /** Σ |r − r̂|. */
  sae: number;
  /** Number of ratings. */
  count: number;
  /** r̂ per CSR entry, when asked for. */
  predictions?: Float32Array;
}

/**
 * Predicts every rating of a matrix (clamped, as {@linkcode predictPairs}) and sums the squared
 * and absolute errors, row by row in user order (so the sums do not depend on the thread count).
 *
 * @example
 * ```ts
 * import { scoreMatrix } from "./kernels.ts";
 * import { fromTriplets } from "../data/coo.ts";
 * const m = fromTriplets(1, 2, [0, 0], [0, 1], [5, 3], [0, 0]);
 * const model = {
 *   k: 0, mu: 3, userFactors: new Float32Array(0), itemFactors: new Float32Array(0),
 *   userBias: new Float32Array([0]), itemBias: new Float32Array([1, 0]),
 * };
 * const s = await scoreMatrix(model, m, { ratingMin: 0.5, ratingMax: 5 });
 * if (s.sse !== 1 || s.sae !== 1 || s.count !== 2) throw new Error(JSON.stringify(s));
 * ```
 */
export async function scoreMatrix(
  model: AlsState,
  m: KernelMatrix,
  options: RatingScale & { predictions?: boolean; threads?: number },
): Promise<MatrixScore> {
  const packed = packState("scoreMatrix", model);
  const views = await matrixViews("scoreMatrix", m);
  const predictions = options.predictions ? new Float32Array(m.nnz) : null;
  const sums = new Float64Array(2);
  const record = errorRecord();
  const status = await hold(
    [views, packed, predictions],
    open().rs_score_matrix(
      packed.bytes,
      views.users.bytes,
      options.ratingMin,
      options.ratingMax,
      predictions,
      sums,
      u32("threads", options.threads ?? defaultThreads()),
      record,
    ),
  );
  check("rs_score_matrix", status, record);
  const result: MatrixScore = { sse: sums[0]!, sae: sums[1]!, count: m.nnz };
  if (predictions) result.predictions = predictions;
  return result;
}

/** The top-N lists of {@linkcode recommendTopN}: `users × n` entries, best first per user. */
export interface TopN {
  /** Items per list (the `n` asked for). */
  n: number;
  /** Dense item indices; 0xFFFFFFFF pads a list when fewer items were available. */
  items: Uint32Array;
  /** Ranking scores (unclamped predicted ratings); −Infinity on padding. */
  scores: Float32Array;
}

/**
 * Top-`n` items for each user (dense indices): every item is scored by a blocked matrix product,
 * items the user rated in `exclude` are skipped, the best `n` are kept in a small heap. Ties go to
 * the lower item index; a user's list is the same whatever the batch or thread count.
 *
 * @example
 * ```ts
 * import { recommendTopN } from "./kernels.ts";
 * import { fromTriplets } from "../data/coo.ts";
 * const model = {
 *   k: 0, mu: 3, userFactors: new Float32Array(0), itemFactors: new Float32Array(0),
 *   userBias: new Float32Array(1), itemBias: new Float32Array([0.5, -0.5, 1]),
 * };
 * const rated = fromTriplets(1, 3, [0], [2], [5], [0]);
 * const top = await recommendTopN(model, Uint32Array.of(0), 2, { exclude: rated });
 * if (top.items.join() !== "0,1") throw new Error(`top ${top.items}`); // item 2 is excluded
 * ```
 */
export async function recommendTopN(
  model: AlsState,
  users: Uint32Array,
  n: number,
  options: { exclude?: KernelMatrix; threads?: number } = {},
): Promise<TopN> {
  const packed = packState("recommendTopN", model);
  const total = users.length * u32("n", n);
  u32("users × n", total);
  const views = options.exclude ? await matrixViews("recommendTopN", options.exclude) : null;
  const items = new Uint32Array(total);
  const scores = new Float32Array(total);
  const record = errorRecord();
  const status = await hold(
    [views, packed, users, items, scores],
    open().rs_recommend(
      packed.bytes,
      users.length,
      users,
      n,
      views ? views.users.bytes : null,
      items,
      scores,
      u32("threads", options.threads ?? defaultThreads()),
      record,
    ),
  );
  check("rs_recommend", status, record);
  return { n, items, scores };
}

// --- end of explicit-feedback models ---

// --- Genre ALS (kernels/genre_als.zig) ---

/** Sparse item feature rows as the genre-ALS kernel reads them (CSR, f32 values). */
export interface KernelFeatures {
  /** Rows (one per item). */
  readonly nItems: number;
  /** Columns. */
  readonly nFeatures: number;
  /** Row pointers, `nItems + 1`. */
  readonly ptr: Uint32Array;
  /** Feature indices, ascending within a row. */
  readonly index: Uint32Array;
  /** Feature values. */
  readonly values: Float32Array;
}

/**
 * One genre-ALS epoch in place (lib/models/genre_als_state.ts has the equations): users as ALS,
 * items pulled toward Gᵀf_i and wᵀf_i, then G (`featureFactors`, `nFeatures × k`) and w
 * (`featureBias`) refitted by ridge regression and every item without ratings set to its prior.
 * A system that cannot be factorised throws a {@linkcode KernelError} with `status`
 * {@linkcode Status}.notFinite, `info.side` = 0 (user), 1 (item) or 2 (G/w) and `info.row` the row.
 *
 * @example
 * ```ts
 * import { genreAlsEpoch } from "./kernels.ts";
 * import { fromTriplets } from "../data/coo.ts";
 * const m = fromTriplets(2, 3, [0, 0, 1], [0, 1, 0], [4, 2, 5], [0, 0, 0]);
 * const features = { nItems: 3, nFeatures: 1, ptr: Uint32Array.of(0, 1, 2, 3),
 *   index: Uint32Array.of(0, 0, 0), values: Float32Array.of(1, 1, 1) };
 * const state = {
 *   k: 1, mu: 11 / 3,
 *   userFactors: new Float32Array([0.1, -0.1]), itemFactors: new Float32Array([0.2, 0.05, 0]),
 *   userBias: new Float32Array(2), itemBias: new Float32Array(3),
 *   featureFactors: new Float32Array(1), featureBias: new Float32Array(1),
 * };
 * await genreAlsEpoch(m, state, features, {
 *   lambda: 0.1, lambdaBias: 0.1, tau: 1, tauBias: 1, lambdaFeatures: 1,
 * });
 * if (state.itemBias[2] !== state.featureBias[0]) throw new Error("item 2 has no ratings: its prior");
 * ```
 */
export async function genreAlsEpoch(
  m: KernelMatrix,
  state: AlsState & { featureFactors: Float32Array; featureBias: Float32Array },
  features: KernelFeatures,
  options: EpochKernelOptions & GenreAlsPenalties,
): Promise<void> {
  const fn = "genreAlsEpoch";
  const packed = checkFactorModel(fn, state, m);
  const nItems = m.nItems;
  const nFeatures = u32("nFeatures", features.nFeatures);
  if (nFeatures < 1 || nFeatures > 4096) {
    throw new RangeError(`${fn}: nFeatures must be in 1..4096, got ${nFeatures}`);
  }
  if (
    features.nItems !== nItems || features.ptr.length !== nItems + 1 ||
    features.index.length !== features.values.length
  ) {
    throw new RangeError(
      `${fn}: the feature rows (${features.nItems} rows, ${features.ptr.length} pointers) do ` +
        `not match the ${nItems} items`,
    );
  }
  if (
    state.featureFactors.length !== nFeatures * state.k || state.featureBias.length !== nFeatures
  ) {
    throw new RangeError(
      `${fn}: G has ${state.featureFactors.length} and w ${state.featureBias.length} entries, ` +
        `expected ${nFeatures}×${state.k} and ${nFeatures}`,
    );
  }
  checkGenreAlsPenalties(fn, options);
  const featureView = await featureRowsView(fn, features);
  const { featureFactors, featureBias } = state;
  const call = (a: EpochArguments) =>
    open().rs_genre_als_epoch(
      a.users,
      a.items,
      featureView.bytes,
      a.model,
      featureFactors,
      featureBias,
      options.lambda,
      options.lambdaBias,
      a.weighted,
      options.tau,
      options.tauBias,
      options.lambdaFeatures,
      a.threads,
      a.record,
    );
  const keep = [featureView, featureFactors, featureBias];
  await runEpochKernel(fn, "rs_genre_als_epoch", m, packed, { ...options, keep }, call);
}

/** Validated views of feature rows, one per rows object (checked in full once, as matrices). */
const featureViews = new WeakMap<KernelFeatures, PackedRows>();

async function featureRowsView(fn: string, f: KernelFeatures): Promise<PackedRows> {
  const known = featureViews.get(f);
  if (
    known && isValidated(known) && known.arrays[0] === f.ptr && known.arrays[1] === f.index &&
    known.arrays[2] === f.values
  ) {
    return known;
  }
  const view = packRows(f.ptr, f.index, f.values, u32("nFeatures", f.nFeatures));
  await validateRows(fn, "feature rows'", view);
  featureViews.set(f, view);
  return view;
}

// --- end of genre ALS ---

// --- Implicit-feedback models and CG row solves (issue 14: kernels/ials.zig, bpr.zig, als_cg.zig) ---

/** Refuses a CG step count outside 1..1024. */
function checkCgSteps(fn: string, cgSteps: number): void {
  if (!Number.isInteger(cgSteps) || cgSteps < 1 || cgSteps > 1024) {
    throw new RangeError(`${fn}: cgSteps must be a whole number in 1..1024, got ${cgSteps}`);
  }
}

/** The model has k ≥ 1 factors and the matrix's shape. */
function checkFactorModel(fn: string, model: AlsState, m: KernelMatrix): PackedModel {
  const packed = packState(fn, model);
  checkShape(fn, model, m);
  if (model.k < 1 || model.k > 1024) {
    throw new RangeError(`${fn}: k must be in 1..1024, got ${model.k}`);
  }
  return packed;
}

/** Options of {@linkcode ialsEpoch}. */
export interface IalsKernelOptions {
  /** λ, the factor regularisation (> 0). */
  lambda: number;
  /** α in the confidence c = 1 + α·r (≥ 0). */
  alpha: number;
  /** Row solver: exact Cholesky (the reference) or warm-started conjugate gradient. */
  solver: "cholesky" | "cg";
  /** CG steps per row (1..1024; `cg` only). Default 3. */
  cgSteps?: number;
  /** Kernel threads; the result does not depend on it. */
  threads?: number;
}

/**
 * One iALS epoch in place (every user given the items, then every item given the users) on the
 * factors of `model` (its biases and μ are not used). `m` holds the training interactions; each
 * value r gives the confidence 1 + α·r (values must be ≥ 0). See kernels/ials.zig.
 *
 * @example
 * ```ts
 * import { ialsEpoch } from "./kernels.ts";
 * import { fromTriplets } from "../data/coo.ts";
 * const m = fromTriplets(2, 2, [0, 1], [0, 1], [1, 1], [0, 0]);
 * const model = {
 *   k: 1, mu: 0, userFactors: Float32Array.of(0.1, 0.2), itemFactors: Float32Array.of(0.3, -0.1),
 *   userBias: new Float32Array(2), itemBias: new Float32Array(2),
 * };
 * await ialsEpoch(m, model, { lambda: 0.1, alpha: 10, solver: "cholesky" });
 * if (!model.itemFactors.every(Number.isFinite)) throw new Error("finite factors");
 * ```
 */
export async function ialsEpoch(
  m: KernelMatrix,
  model: AlsState,
  options: IalsKernelOptions,
): Promise<void> {
  const packed = checkFactorModel("ialsEpoch", model, m);
  const { lambda, alpha, solver, cgSteps = 3 } = options;
  checkLambda("ialsEpoch", "lambda", lambda);
  checkLambda("ialsEpoch", "alpha", alpha, { allowZero: true });
  if (solver !== "cholesky" && solver !== "cg") {
    throw new RangeError(`ialsEpoch: solver must be "cholesky" or "cg", got ${solver}`);
  }
  checkCgSteps("ialsEpoch", cgSteps);
  const cg = solver === "cg" ? 1 : 0;
  const call = (a: EpochArguments) =>
    open().rs_ials_epoch(
      a.users,
      a.items,
      a.model,
      lambda,
      alpha,
      cg,
      cgSteps,
      a.threads,
      a.record,
    );
  await runEpochKernel("ialsEpoch", "rs_ials_epoch", m, packed, options, call);
}

/** Options of {@linkcode bprEpoch}. */
export interface BprKernelOptions {
  /** SGD step size η (> 0). */
  learningRate: number;
  /** λ on the factors (≥ 0). */
  lambda: number;
  /** λ_b on the item bias (≥ 0). */
  lambdaBias: number;
  /** Triples to draw (default: one per positive, `m.nnz`). */
  samples?: number;
  /** Negatives drawn uniformly over items (default) or by popularity. */
  negatives?: "uniform" | "popularity";
  /** Redraw a negative the user has among their positives (default true). */
  verify?: boolean;
  /** Seed (whole number 0..2³²−1). */
  seed: number;
  /** Epoch index (selects the random streams). */
  epoch: number;
  /** Threads; > 1 runs Hogwild, whose results vary slightly from run to run. */
  threads?: number;
}

/** What one BPR epoch did. */
export interface BprEpochResult {
  /** Triples drawn. */
  samples: number;
  /** Triples ordered correctly (x̂_ui > x̂_uj) before their update. */
  correct: number;
  /** Triples skipped: no negative found for the user in 64 draws. */
  skipped: number;
}

/**
 * One BPR-MF epoch in place on the factors and item bias of `model` (user bias and μ unused):
 * `samples` SGD steps on (user, positive, negative) triples; see kernels/bpr.zig. With one thread
 * and a seed the result is exactly reproducible; more threads update without locks (Hogwild).
 *
 * @example
 * ```ts
 * import { bprEpoch } from "./kernels.ts";
 * import { fromTriplets } from "../data/coo.ts";
 * const m = fromTriplets(2, 3, [0, 1], [0, 1], [1, 1], [0, 0]);
 * const model = {
 *   k: 2, mu: 0, userFactors: new Float32Array(4).fill(0.1),
 *   itemFactors: new Float32Array(6).fill(0.1),
 *   userBias: new Float32Array(2), itemBias: new Float32Array(3),
 * };
 * const r = await bprEpoch(m, model, {
 *   learningRate: 0.1, lambda: 0.01, lambdaBias: 0.01, seed: 1, epoch: 0,
 * });
 * if (r.samples !== 2 || r.skipped !== 0) throw new Error(JSON.stringify(r));
 * ```
 */
export async function bprEpoch(
  m: KernelMatrix,
  model: AlsState,
  options: BprKernelOptions,
): Promise<BprEpochResult> {
  const packed = checkFactorModel("bprEpoch", model, m);
  const { learningRate, lambda, lambdaBias, negatives = "uniform", verify = true } = options;
  const samples = options.samples ?? m.nnz;
  checkLambda("bprEpoch", "learningRate", learningRate);
  checkLambda("bprEpoch", "lambda", lambda, { allowZero: true });
  checkLambda("bprEpoch", "lambdaBias", lambdaBias, { allowZero: true });
  if (negatives !== "uniform" && negatives !== "popularity") {
    throw new RangeError(`bprEpoch: negatives must be "uniform" or "popularity", got ${negatives}`);
  }
  const views = await matrixViews("bprEpoch", m);
  const result = new BigUint64Array(3);
  const record = errorRecord();
  const status = await hold(
    [views, packed, result],
    open().rs_bpr_epoch(
      views.users.bytes,
      packed.bytes,
      learningRate,
      lambda,
      lambdaBias,
      negatives === "popularity" ? 1 : 0,
      verify ? 1 : 0,
      u32("seed", options.seed),
      u32("epoch", options.epoch),
      u32("samples", samples),
      u32("threads", options.threads ?? defaultThreads()),
      result,
      record,
    ),
  );
  check("rs_bpr_epoch", status, record);
  return { samples: Number(result[0]), correct: Number(result[1]), skipped: Number(result[2]) };
}

/**
 * One epoch of explicit ALS with biases in place whose row solves are `cgSteps` conjugate-gradient
 * steps started from the current parameters (kernels/als_cg.zig) instead of the exact Cholesky
 * solves of {@linkcode alsEpoch}: the same model and loss, cheaper rows, an approximation that
 * improves across epochs.
 *
 * @example
 * ```ts
 * import { alsCgEpoch } from "./kernels.ts";
 * import { fromTriplets } from "../data/coo.ts";
 * const m = fromTriplets(2, 2, [0, 0, 1], [0, 1, 0], [4, 2, 5], [0, 0, 0]);
 * const state = {
 *   k: 1, mu: 11 / 3,
 *   userFactors: new Float32Array([0.1, -0.1]), itemFactors: new Float32Array([0.2, 0.05]),
 *   userBias: new Float32Array(2), itemBias: new Float32Array(2),
 * };
 * await alsCgEpoch(m, state, { lambda: 0.1, lambdaBias: 0.1, cgSteps: 3 });
 * if (!state.userFactors.every(Number.isFinite)) throw new Error("finite factors");
 * ```
 */
export async function alsCgEpoch(
  m: KernelMatrix,
  state: AlsState,
  options: EpochKernelOptions & AlsPenalties & { cgSteps: number },
): Promise<void> {
  const packed = checkFactorModel("alsCgEpoch", state, m);
  checkAlsPenalties("alsCgEpoch", options);
  const { lambda, lambdaBias, cgSteps } = options;
  checkCgSteps("alsCgEpoch", cgSteps);
  const call = (a: EpochArguments) =>
    open().rs_als_cg_epoch(
      a.users,
      a.items,
      a.model,
      lambda,
      lambdaBias,
      a.weighted,
      cgSteps,
      a.threads,
      a.record,
    );
  await runEpochKernel("alsCgEpoch", "rs_als_cg_epoch", m, packed, options, call);
}

// --- end of implicit-feedback models ---

// --- Fold-in, the recommender's fast path (kernels/fold_in.zig) ---

/** What the fold-in kernel reads of a model: the item side, μ and K of an {@linkcode AlsState}. */
export type FoldInItems = Pick<AlsState, "k" | "mu" | "itemFactors" | "itemBias">;

/** Options of {@linkcode foldInRecommend}. */
export interface FoldInRecommendOptions {
  /** λ_f of the row solve (> 0 when k > 0). Required unless `row` is given. */
  lambda?: number;
  /** λ_b of the row solve (≥ 0). Required unless `row` is given. */
  lambdaBias?: number;
  /** ALS-WR: both λ times the number of ratings. Default false. */
  weighted?: boolean;
  /** The person's row [x; b] (k + 1 entries) when it is known: no solve, `ratings` unused. */
  row?: Float32Array;
  /** 1 where an item may be recommended (`nItems` entries); default every item. */
  allowed?: Uint8Array;
  /** List length (0..65536). Default 10. */
  n?: number;
  /** Leave the rated items out of the list. Default true. */
  excludeRated?: boolean;
  /** Receives μ + b + b_i + x·y_i of every item (`nItems` entries), when given. */
  allScores?: Float32Array;
  /** Kernel threads over the items (default {@linkcode defaultThreads}); no effect on the result. */
  threads?: number;
}

/** The item side checked (K in 0..1024, factor count, finite μ) and packed with no users. */
function packItemSide(
  fn: string,
  model: FoldInItems,
): { packed: PackedModel; k: number; nItems: number } {
  const k = u32("k", model.k);
  const nItems = u32("itemBias.length", model.itemBias.length);
  if (k > 1024) throw new RangeError(`${fn}: k must be in 0..1024, got ${k}`);
  if (model.itemFactors.length !== nItems * k) {
    throw new RangeError(
      `${fn}: itemFactors has ${model.itemFactors.length} entries, expected ${nItems}×${k}`,
    );
  }
  if (!Number.isFinite(model.mu)) throw new RangeError(`${fn}: mu must be finite, got ${model.mu}`);
  const packed = packModel({ ...model, k, userFactors: EMPTY_F32, userBias: EMPTY_F32 });
  return { packed, k, nItems };
}

/**
 * The person's items as dense u32 (each in range and given once) and, when the row is solved,
 * their ratings as f32 (finite, one per item); a `RangeError` names the first bad position.
 */
function foldInRatings(
  fn: string,
  nItems: number,
  items: ArrayLike<number>,
  ratings: ArrayLike<number> | undefined,
): { dense: Uint32Array; values: Float32Array } {
  const count = items.length;
  if (ratings && ratings.length !== count) {
    throw new RangeError(`${fn}: ${count} items but ${ratings.length} ratings`);
  }
  const dense = new Uint32Array(count);
  const values = new Float32Array(ratings ? count : 0);
  const seen = new Map<number, number>();
  for (let j = 0; j < count; j++) {
    const i = items[j]!;
    if (!Number.isInteger(i) || i < 0 || i >= nItems) {
      throw new RangeError(`${fn}: items[${j}] = ${i} is not a dense index in 0..${nItems - 1}`);
    }
    const before = seen.get(i);
    if (before !== undefined) {
      throw new RangeError(`${fn}: items[${j}] = ${i} is rated twice (also items[${before}])`);
    }
    seen.set(i, j);
    dense[j] = i;
    if (ratings) {
      const r = ratings[j]!;
      if (!Number.isFinite(r)) throw new RangeError(`${fn}: ratings[${j}] is ${r}`);
      values[j] = r;
    }
  }
  return { dense, values };
}

/** What {@linkcode foldInRecommend} returns. */
export interface FoldInRecommendation {
  /** [x; b]: the k factors, then the bias (the given row, or the solved one). */
  row: Float32Array;
  /** Dense items best first (at most `n`; fewer when fewer items are allowed). */
  items: Uint32Array;
  /** Their scores μ + b + b_i + x·y_i (unclamped). */
  scores: Float32Array;
}

/**
 * One person's fold-in, scores and top-N in one kernel call (synchronous: about 2 ms at 84k items
 * and K = 64 on a shared 2-core VM, bound by reading the 21 MB of item factors). The row [x; b] is the exact ALS user half-step for the person's
 * (item, rating) pairs with the item side fixed (see lib/models/fold_in.ts for the equations),
 * or the given `row`; every item is scored and the best `n` of the `allowed` ones (the rated
 * ones left out unless `excludeRated` is false) are returned, ties to the lower index. Items
 * are dense indices; an unknown or repeated item or a non-finite rating is a `RangeError`
 * naming its position.
 *
 * @example
 * ```ts
 * import { foldInRecommend } from "./kernels.ts";
 * // Items 0 and 1 point one way, item 2 the other; the person loved item 0.
 * const model = {
 *   k: 2, mu: 3, itemFactors: Float32Array.of(1, 0, 0.9, 0.1, -1, 0),
 *   itemBias: new Float32Array(3),
 * };
 * const r = foldInRecommend(model, [0], [5], { lambda: 0.1, lambdaBias: 0.1, n: 2 });
 * if (r.items.join() !== "1,2") throw new Error(`${r.items}`); // item 0 is rated: left out
 * if (!(r.row[0]! > 0 && r.scores[0]! > r.scores[1]!)) throw new Error(`${r.row} ${r.scores}`);
 * ```
 */
export function foldInRecommend(
  model: FoldInItems,
  items: ArrayLike<number>,
  ratings: ArrayLike<number>,
  options: FoldInRecommendOptions = {},
): FoldInRecommendation {
  const fn = "foldInRecommend";
  refuseRenamedOptions(fn, options);
  const { packed, k, nItems } = packItemSide(fn, model);
  const solve = options.row === undefined;
  const { dense, values } = foldInRatings(fn, nItems, items, solve ? ratings : undefined);
  const count = dense.length;
  const { lambda = NaN, lambdaBias = NaN } = options;
  if (solve) {
    if (k > 0) checkAlsPenalties(fn, { lambda, lambdaBias });
    else checkLambda(fn, "lambdaBias", lambdaBias, { allowZero: true });
  }
  const row = options.row ?? new Float32Array(k + 1);
  if (row.length !== k + 1) {
    throw new RangeError(`${fn}: row has ${row.length} entries, expected k + 1 = ${k + 1}`);
  }
  const n = options.n ?? 10;
  if (!Number.isInteger(n) || n < 0 || n > 65536) {
    throw new RangeError(`${fn}: n must be a whole number in 0..65536, got ${n}`);
  }
  const { allowed, allScores } = options;
  if (allowed && allowed.length !== nItems) {
    throw new RangeError(`${fn}: allowed has ${allowed.length} entries, expected ${nItems}`);
  }
  if (allScores && allScores.length !== nItems) {
    throw new RangeError(`${fn}: allScores has ${allScores.length} entries, expected ${nItems}`);
  }
  const outItems = new Uint32Array(n);
  const outScores = new Float32Array(n);
  const record = errorRecord();
  const status = open().rs_fold_in_recommend(
    packed.bytes,
    count,
    dense,
    values,
    solve ? lambda : 0,
    solve ? lambdaBias : 0,
    options.weighted ? 1 : 0,
    solve ? 1 : 0,
    row,
    allowed ?? null,
    n,
    options.excludeRated === false ? 0 : 1,
    outItems,
    outScores,
    allScores ?? null,
    u32("threads", options.threads ?? defaultThreads()),
    record,
  );
  check("rs_fold_in_recommend", status, record);
  let length = 0;
  while (length < n && outItems[length] !== 0xffff_ffff) length++;
  return { row, items: outItems.subarray(0, length), scores: outScores.subarray(0, length) };
}

// --- end of fold-in ---
