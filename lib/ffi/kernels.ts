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

/** Status codes of kernels/status.zig. */
export const Status = {
  ok: 0,
  invalidArgument: 1,
  outOfMemory: 2,
  ioError: 3,
  emptyFile: 10,
  badHeader: 11,
  tooFewFields: 12,
  tooManyFields: 13,
  notANumber: 14,
  ratingOutOfRange: 15,
  duplicatePair: 16,
  indexOutOfRange: 17,
  notFinite: 18,
  threadSpawnFailed: 19,
  notConverged: 20,
} as const;

const STATUS_TEXT: Record<number, string> = {
  1: "invalid argument (null pointer or wrong length)",
  2: "out of memory",
  3: "cannot open or read the file",
  10: "the file is empty; expected a header line",
  11: "wrong header",
  12: "too few fields",
  13: "too many fields",
  14: "not a number",
  15: "rating outside 0.5–5",
  16: "duplicate (user, movie) pair",
  17: "index out of range",
  18: "value is not finite",
  19: "could not start a thread",
  20: "did not converge",
};

/** Where a kernel call failed: 1-based line and field when they apply, and two call-specific values. */
export interface KernelErrorInfo {
  /** 1-based line (0 when no line applies). */
  line: number;
  /** 1-based field (0 when no field applies). */
  field: number;
  /** First call-specific value. */
  a: number;
  /** Second call-specific value. */
  b: number;
}

/**
 * A non-zero status from a kernel call.
 *
 * @example
 * ```ts
 * import { KernelError } from "./kernels.ts";
 * const e = new KernelError("rs_ratings_parse", 15, { line: 3, field: 3, a: 0, b: 0 });
 * console.assert(e.status === 15 && e.message.includes("rating"));
 * ```
 */
export class KernelError extends Error {
  /** The status code (see {@linkcode Status}). */
  readonly status: number;
  /** The detail the kernel reported. */
  readonly info: KernelErrorInfo;
  /** Builds the error from a status and its detail. */
  constructor(symbol: string, status: number, info: KernelErrorInfo) {
    super(`${symbol}: ${STATUS_TEXT[status] ?? `status ${status}`}`);
    this.name = "KernelError";
    this.status = status;
    this.info = info;
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
 * console.log(libraryPath().endsWith(Deno.build.os === "darwin" ? ".dylib" : ".so"));
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

function errorBuffer(): BigUint64Array {
  return new BigUint64Array(4);
}

function check(symbol: string, status: number, info: BigUint64Array): void {
  if (status === Status.ok) return;
  throw new KernelError(symbol, status, {
    line: Number(info[0]),
    field: Number(info[1]),
    a: Number(info[2]),
    b: Number(info[3]),
  });
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
 * console.assert(defaultThreads() >= 1);
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
 * console.log(kernelInfo().simdF32Lanes);
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

/** Partitions of ratings.csv and their line counts, from {@linkcode ratingsScan}. */
export interface RatingsScan {
  /** Byte offsets of the partitions, `parts + 1` entries. */
  offsets: BigUint64Array;
  /** Data lines per partition. */
  lines: BigUint64Array;
  /** Total data lines. */
  rows: number;
}

/**
 * Pass one over a ratings.csv: header check, partitions at line starts, line counts.
 *
 * @example
 * ```ts ignore
 * import { ratingsScan } from "./kernels.ts";
 * const scan = await ratingsScan("ratings.csv", 2);
 * console.log(scan.rows);
 * ```
 */
export async function ratingsScan(path: string, parts: number): Promise<RatingsScan> {
  const bytes = new TextEncoder().encode(path);
  const offsets = new BigUint64Array(u32("parts", parts) + 1);
  const lines = new BigUint64Array(parts);
  const info = errorBuffer();
  const status = await open().rs_ratings_scan(bytes, bytes.length, parts, offsets, lines, info);
  check("rs_ratings_scan", status, info);
  let rows = 0;
  for (const n of lines) rows += Number(n);
  return { offsets, lines, rows };
}

/** The four columns of ratings.csv, one entry per data line. */
export interface RatingColumns {
  /** Raw userId per line. */
  users: Uint32Array;
  /** Raw movieId per line. */
  movies: Uint32Array;
  /** Rating per line. */
  ratings: Float32Array;
  /** Timestamp per line. */
  times: Uint32Array;
}

/**
 * Pass two: parses a scanned ratings.csv into columns (multithreaded, one thread per partition).
 *
 * @example
 * ```ts ignore
 * import { ratingsParse, ratingsScan } from "./kernels.ts";
 * const cols = await ratingsParse("ratings.csv", await ratingsScan("ratings.csv", 2));
 * ```
 */
export async function ratingsParse(path: string, scan: RatingsScan): Promise<RatingColumns> {
  const bytes = new TextEncoder().encode(path);
  const n = u32("rows", scan.rows);
  const columns: RatingColumns = {
    users: new Uint32Array(n),
    movies: new Uint32Array(n),
    ratings: new Float32Array(n),
    times: new Uint32Array(n),
  };
  const info = errorBuffer();
  const status = await open().rs_ratings_parse(
    bytes,
    bytes.length,
    scan.lines.length,
    scan.offsets,
    scan.lines,
    n,
    columns.users,
    columns.movies,
    columns.ratings,
    columns.times,
    info,
  );
  check("rs_ratings_parse", status, info);
  return columns;
}

/**
 * Rewrites raw ids in place to dense indices (ascending raw order) and returns dense → raw.
 *
 * @example
 * ```ts
 * import { densifyIds } from "./kernels.ts";
 * const raw = new Uint32Array([50, 7, 50]);
 * const ids = densifyIds(raw);
 * console.assert(ids.join() === "7,50" && raw.join() === "1,0,1");
 * ```
 */
export function densifyIds(raw: Uint32Array): Uint32Array {
  const lib = open();
  const out = new Uint32Array(2);
  const info = errorBuffer();
  check("rs_ids_distinct", lib.rs_ids_distinct(raw, u32("length", raw.length), out), info);
  const ids = new Uint32Array(out[0] ?? 0);
  check(
    "rs_ids_densify",
    lib.rs_ids_densify(raw, raw.length, out[1] ?? 0, ids, ids.length),
    info,
  );
  return ids;
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
 * A repeated (user, item) pair throws a {@linkcode KernelError} with `info.a` = user, `info.b` = item.
 *
 * @example
 * ```ts
 * import { buildMatrix } from "./kernels.ts";
 * const m = await buildMatrix(2, 2, {
 *   users: new Uint32Array([1, 0]), items: new Uint32Array([0, 1]),
 *   ratings: new Float32Array([4, 3]), times: new Uint32Array([1, 2]),
 * });
 * console.assert(m.userPtr.join() === "0,1,2");
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
  const info = errorBuffer();
  const status = await open().rs_matrix_build(
    nUsers,
    nItems,
    nnz,
    coo.users,
    coo.items,
    coo.ratings,
    coo.times,
    m.userPtr,
    m.userItems,
    m.userRatings,
    m.userTimes,
    m.itemPtr,
    m.itemUsers,
    m.itemRatings,
    m.itemTimes,
    u32("threads", options.threads ?? defaultThreads()),
    info,
  );
  check("rs_matrix_build", status, info);
  return m;
}
