/**
 * The TypeScript half of kernels/abi.zig: packs the `extern struct` views the exports take by
 * pointer (`RowsView`, `ModelView`) and reads the `ErrorRecord` every export fills. Only
 * `kernels.ts` uses this file. Field names, order and types are those of the Zig declarations;
 * `abi_test.ts` parses kernels/abi.zig and fails when the two drift.
 *
 * A view holds the raw addresses of TypeScript-owned typed arrays, so it keeps references to
 * them: as long as the view object is reachable the arrays are too. {@linkcode hold} keeps a view
 * reachable while a nonblocking call runs on another thread.
 *
 * @module
 */
import type { AlsState, SynthRatingsModel } from "./kernels.ts";

/** How a field is stored: a 64-bit address, a u64, an f64, a u32 or an f32. */
export type FieldKind = "pointer" | "u64" | "f64" | "u32" | "f32";

/** `RowsView` of kernels/abi.zig, in declaration order. */
export const ROWS_VIEW_FIELDS = [
  ["ptr", "pointer"],
  ["index", "pointer"],
  ["values", "pointer"],
  ["rows", "u32"],
  ["inner", "u32"],
  ["nnz", "u32"],
  ["validated", "u32"],
] as const satisfies readonly (readonly [string, FieldKind])[];

/** `ModelView` of kernels/abi.zig, in declaration order. */
export const MODEL_VIEW_FIELDS = [
  ["user_factors", "pointer"],
  ["item_factors", "pointer"],
  ["user_bias", "pointer"],
  ["item_bias", "pointer"],
  ["n_users", "u32"],
  ["n_items", "u32"],
  ["k", "u32"],
  ["mu", "f32"],
] as const satisfies readonly (readonly [string, FieldKind])[];

/** `LayoutView` of kernels/abi.zig, in declaration order. */
export const LAYOUT_VIEW_FIELDS = [
  ["ptr", "pointer"],
  ["index", "pointer"],
  ["values", "pointer"],
  ["times", "pointer"],
  ["rows", "u32"],
  ["inner", "u32"],
  ["nnz", "u32"],
  ["reserved", "u32"],
] as const satisfies readonly (readonly [string, FieldKind])[];

/** `CoordinatesView` of kernels/abi.zig, in declaration order. */
export const COORDINATES_VIEW_FIELDS = [
  ["users", "pointer"],
  ["items", "pointer"],
  ["values", "pointer"],
  ["times", "pointer"],
  ["nnz", "u32"],
  ["reserved", "u32"],
] as const satisfies readonly (readonly [string, FieldKind])[];

/** `SynthModelView` of kernels/abi.zig, in declaration order. */
export const SYNTH_MODEL_VIEW_FIELDS = [
  ["seed", "u64"],
  ["mu", "f64"],
  ["noise_sd", "f64"],
  ["user_counts", "pointer"],
  ["user_time_begin", "pointer"],
  ["user_time_span", "pointer"],
  ["user_bias", "pointer"],
  ["user_factors", "pointer"],
  ["movie_ids", "pointer"],
  ["item_weights", "pointer"],
  ["item_prob", "pointer"],
  ["item_alias", "pointer"],
  ["item_bias", "pointer"],
  ["item_factors", "pointer"],
  ["n_users", "u32"],
  ["n_items", "u32"],
  ["k", "u32"],
  ["whole_stars_before", "u32"],
  ["crlf", "u32"],
  ["reserved", "u32"],
] as const satisfies readonly (readonly [string, FieldKind])[];

/** `MappingView` of kernels/abi.zig, in declaration order. */
export const MAPPING_VIEW_FIELDS = [
  ["bytes", "pointer"],
  ["len", "u64"],
  ["mark", "u32"],
  ["reserved", "u32"],
] as const satisfies readonly (readonly [string, FieldKind])[];

/** `RatingColumnsView` of kernels/abi.zig, in declaration order. */
export const RATING_COLUMNS_VIEW_FIELDS = [
  ["users", "pointer"],
  ["movies", "pointer"],
  ["ratings", "pointer"],
  ["times", "pointer"],
  ["rows", "u32"],
  ["max_user", "u32"],
  ["max_movie", "u32"],
  ["reserved", "u32"],
] as const satisfies readonly (readonly [string, FieldKind])[];

/** `IdColumnView` of kernels/abi.zig, in declaration order. */
export const ID_COLUMN_VIEW_FIELDS = [
  ["raw", "pointer"],
  ["ids", "pointer"],
  ["len", "u32"],
  ["capacity", "u32"],
  ["count", "u32"],
  ["reserved", "u32"],
] as const satisfies readonly (readonly [string, FieldKind])[];

/** `ErrorRecord` of kernels/abi.zig: u64 fields in declaration order. */
export const ERROR_RECORD_FIELDS = [
  "line",
  "field",
  "row",
  "index",
  "expected",
  "actual",
  "side",
  "argument",
] as const;

/** The named fields of an error record, as numbers. */
export type ErrorRecordFields = Record<typeof ERROR_RECORD_FIELDS[number], number>;

type Fields = readonly (readonly [string, FieldKind])[];

/** Byte offset of every field (C layout: 8-byte pointers and 64-bit scalars, 4-byte others). */
function offsets(fields: Fields): { at: Map<string, number>; bytes: number } {
  const at = new Map<string, number>();
  let offset = 0;
  for (const [name, kind] of fields) {
    const size = kind === "u32" || kind === "f32" ? 4 : 8;
    offset = Math.ceil(offset / size) * size;
    at.set(name, offset);
    offset += size;
  }
  return { at, bytes: Math.ceil(offset / 8) * 8 };
}

const ROWS = offsets(ROWS_VIEW_FIELDS);
const MODEL = offsets(MODEL_VIEW_FIELDS);

/** Bytes of a packed `RowsView` (40) and `ModelView` (48). */
export const ROWS_VIEW_BYTES = ROWS.bytes;
/** Bytes of a packed `ModelView`. */
export const MODEL_VIEW_BYTES = MODEL.bytes;

/** Where empty arrays point: Zig's view pointers are never null. */
const EMPTY = new Uint8Array(64);

/**
 * The address of a typed array's first byte as a bigint, never 0 (an empty array gets the address
 * of a small static buffer).
 *
 * @example
 * ```ts
 * import { addressOf } from "./_abi.ts";
 * const a = new Float32Array(8);
 * if (addressOf(a.subarray(2)) - addressOf(a) !== 8n) throw new Error("offsets count");
 * ```
 */
export function addressOf(array: ArrayBufferView): bigint {
  const target = array.byteLength === 0 ? EMPTY : array;
  // Reading .buffer moves a small typed array's bytes off the V8 heap, so the address is stable.
  void target.buffer;
  const pointer = Deno.UnsafePointer.of(target as BufferSource);
  const address = pointer === null ? 0n : BigInt(Deno.UnsafePointer.value(pointer));
  if (address === 0n) throw new Error("addressOf: the array has no address");
  return address;
}

function write(
  view: DataView,
  at: Map<string, number>,
  values: Record<string, bigint | number>,
  fields: Fields,
): void {
  for (const [name, kind] of fields) {
    const offset = at.get(name)!;
    const value = values[name];
    if (value === undefined) throw new Error(`view field ${name} missing`);
    if (kind === "pointer" || kind === "u64") view.setBigUint64(offset, BigInt(value), true);
    else if (kind === "f64") view.setFloat64(offset, Number(value), true);
    else if (kind === "u32") view.setUint32(offset, Number(value), true);
    else view.setFloat32(offset, Number(value), true);
  }
}

/** A packed `RowsView` and the arrays it points into. */
export interface PackedRows {
  /** The 40 bytes the export reads (`*const RowsView`). */
  readonly bytes: Uint8Array;
  /** Keeps the arrays reachable as long as the view is. */
  readonly arrays: readonly [Uint32Array, Uint32Array, Float32Array];
}

/**
 * Packs one compressed layout (not validated: `validated` is 0 until `rs_rows_validate` accepts
 * it).
 *
 * @example
 * ```ts
 * import { packRows } from "./_abi.ts";
 * const v = packRows(Uint32Array.of(0, 1), Uint32Array.of(0), Float32Array.of(4), 1);
 * if (v.bytes.length !== 40) throw new Error("40 bytes");
 * ```
 */
export function packRows(
  ptr: Uint32Array,
  index: Uint32Array,
  values: Float32Array,
  inner: number,
): PackedRows {
  const bytes = new Uint8Array(ROWS_VIEW_BYTES);
  write(new DataView(bytes.buffer), ROWS.at, {
    ptr: addressOf(ptr),
    index: addressOf(index),
    values: addressOf(values),
    rows: ptr.length - 1,
    inner,
    nnz: index.length,
    validated: 0,
  }, ROWS_VIEW_FIELDS);
  return { bytes, arrays: [ptr, index, values] };
}

/** A packed `ModelView` and the arrays it points into. */
export interface PackedModel {
  /** The 48 bytes the export reads (`*const ModelView`). */
  readonly bytes: Uint8Array;
  /** Keeps the arrays reachable as long as the view is. */
  readonly arrays: readonly Float32Array[];
}

/**
 * Packs a model's four arrays with its k and μ (counts come from the bias arrays).
 *
 * @example
 * ```ts
 * import { packModel } from "./_abi.ts";
 * const v = packModel({
 *   k: 0, mu: 3, userFactors: new Float32Array(0), itemFactors: new Float32Array(0),
 *   userBias: new Float32Array(2), itemBias: new Float32Array(3),
 * });
 * if (new DataView(v.bytes.buffer).getUint32(36, true) !== 3) throw new Error("n_items");
 * ```
 */
export function packModel(model: AlsState): PackedModel {
  const bytes = new Uint8Array(MODEL_VIEW_BYTES);
  write(new DataView(bytes.buffer), MODEL.at, {
    user_factors: addressOf(model.userFactors),
    item_factors: addressOf(model.itemFactors),
    user_bias: addressOf(model.userBias),
    item_bias: addressOf(model.itemBias),
    n_users: model.userBias.length,
    n_items: model.itemBias.length,
    k: model.k,
    mu: model.mu,
  }, MODEL_VIEW_FIELDS);
  return {
    bytes,
    arrays: [model.userFactors, model.itemFactors, model.userBias, model.itemBias],
  };
}

const LAYOUT = offsets(LAYOUT_VIEW_FIELDS);
const COORDINATES = offsets(COORDINATES_VIEW_FIELDS);

/** One layout with timestamps (`LayoutView`): the arrays a builder fills or a transpose reads. */
export interface LayoutArrays {
  /** Row pointers, `rows + 1` entries. */
  ptr: Uint32Array;
  /** Column index per entry. */
  index: Uint32Array;
  /** Value per entry. */
  values: Float32Array;
  /** Timestamp per entry. */
  times: Uint32Array;
}

/**
 * Packs a `LayoutView` over `inner` columns (rows = `ptr.length - 1`, nnz = `index.length`).
 *
 * @example
 * ```ts
 * import { packLayout } from "./_abi.ts";
 * const one = Uint32Array.of(0);
 * const v = packLayout({ ptr: Uint32Array.of(0, 1), index: one, values: Float32Array.of(4), times: one }, 3);
 * if (v.bytes.length !== 48) throw new Error("48 bytes");
 * ```
 */
export function packLayout(
  layout: LayoutArrays,
  inner: number,
): { bytes: Uint8Array; keep: LayoutArrays } {
  const bytes = new Uint8Array(LAYOUT.bytes);
  write(new DataView(bytes.buffer), LAYOUT.at, {
    ptr: addressOf(layout.ptr),
    index: addressOf(layout.index),
    values: addressOf(layout.values),
    times: addressOf(layout.times),
    rows: layout.ptr.length - 1,
    inner,
    nnz: layout.index.length,
    reserved: 0,
  }, LAYOUT_VIEW_FIELDS);
  return { bytes, keep: layout };
}

/** Coordinate entries (`CoordinatesView`), all of one length. */
export interface CoordinateArrays {
  /** Dense user index per entry. */
  users: Uint32Array;
  /** Dense item index per entry. */
  items: Uint32Array;
  /** Rating per entry. */
  ratings: Float32Array;
  /** Timestamp per entry. */
  times: Uint32Array;
}

/** Packs a `CoordinatesView` (nnz = `users.length`; the caller checks the four lengths agree). */
export function packCoordinates(
  coo: CoordinateArrays,
): { bytes: Uint8Array; keep: CoordinateArrays } {
  const bytes = new Uint8Array(COORDINATES.bytes);
  write(new DataView(bytes.buffer), COORDINATES.at, {
    users: addressOf(coo.users),
    items: addressOf(coo.items),
    values: addressOf(coo.ratings),
    times: addressOf(coo.times),
    nnz: coo.users.length,
    reserved: 0,
  }, COORDINATES_VIEW_FIELDS);
  return { bytes, keep: coo };
}

const SYNTH_MODEL = offsets(SYNTH_MODEL_VIEW_FIELDS);

/**
 * Packs a `SynthModelView` (136 bytes; n_users = `userCounts.length`, n_items =
 * `movieIds.length`).
 *
 * @example
 * ```ts
 * import { packSynthModel } from "./_abi.ts";
 * const v = packSynthModel({
 *   seed: 7n, k: 1, mu: 3.5, noiseSd: 0.5, wholeStarsBefore: 0, crlf: true,
 *   userCounts: Uint32Array.of(1), userTimeBegin: Uint32Array.of(0), userTimeSpan: Uint32Array.of(1),
 *   userBias: Float32Array.of(0), userFactors: Float32Array.of(1), movieIds: Uint32Array.of(1, 2),
 *   itemWeights: Float64Array.of(1, 1),
 *   itemTable: { prob: Float64Array.of(1, 1), alias: Uint32Array.of(0, 1) },
 *   itemBias: new Float32Array(2), itemFactors: new Float32Array(2),
 * });
 * const d = new DataView(v.bytes.buffer);
 * if (v.bytes.length !== 136 || d.getBigUint64(0, true) !== 7n || d.getFloat64(8, true) !== 3.5) {
 *   throw new Error("seed and mu lead");
 * }
 * if (d.getUint32(116, true) !== 2 || d.getUint32(128, true) !== 1) throw new Error("n_items, crlf");
 * ```
 */
export function packSynthModel(
  model: SynthRatingsModel,
): { bytes: Uint8Array; keep: SynthRatingsModel } {
  const bytes = new Uint8Array(SYNTH_MODEL.bytes);
  write(new DataView(bytes.buffer), SYNTH_MODEL.at, {
    seed: model.seed,
    mu: model.mu,
    noise_sd: model.noiseSd,
    user_counts: addressOf(model.userCounts),
    user_time_begin: addressOf(model.userTimeBegin),
    user_time_span: addressOf(model.userTimeSpan),
    user_bias: addressOf(model.userBias),
    user_factors: addressOf(model.userFactors),
    movie_ids: addressOf(model.movieIds),
    item_weights: addressOf(model.itemWeights),
    item_prob: addressOf(model.itemTable.prob),
    item_alias: addressOf(model.itemTable.alias),
    item_bias: addressOf(model.itemBias),
    item_factors: addressOf(model.itemFactors),
    n_users: model.userCounts.length,
    n_items: model.movieIds.length,
    k: model.k,
    whole_stars_before: model.wholeStarsBefore,
    crlf: model.crlf ? 1 : 0,
    reserved: 0,
  }, SYNTH_MODEL_VIEW_FIELDS);
  return { bytes, keep: model };
}

const MAPPING = offsets(MAPPING_VIEW_FIELDS);
const RATING_COLUMNS = offsets(RATING_COLUMNS_VIEW_FIELDS);
const ID_COLUMN = offsets(ID_COLUMN_VIEW_FIELDS);

/** A zeroed `MappingView` (24 bytes) for `rs_ratings_scan` to fill and the parse to release. */
export function mappingView(): Uint8Array {
  return new Uint8Array(MAPPING.bytes);
}

/** The four columns of ratings.csv (`RatingColumnsView`), one entry per data line. */
export interface RatingColumnArrays {
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
 * Packs a `RatingColumnsView` (48 bytes, rows = `users.length`); {@linkcode readColumnMaxima}
 * reads back the largest ids the parse saw.
 *
 * @example
 * ```ts
 * import { packRatingColumns, readColumnMaxima } from "./_abi.ts";
 * const u = new Uint32Array(2);
 * const v = packRatingColumns({ users: u, movies: u, ratings: new Float32Array(2), times: u });
 * if (v.bytes.length !== 48 || new DataView(v.bytes.buffer).getUint32(32, true) !== 2) {
 *   throw new Error("rows after the four pointers");
 * }
 * if (readColumnMaxima(v.bytes).maxUser !== 0) throw new Error("zero until parsed");
 * ```
 */
export function packRatingColumns(
  columns: RatingColumnArrays,
): { bytes: Uint8Array; keep: RatingColumnArrays } {
  const bytes = new Uint8Array(RATING_COLUMNS.bytes);
  write(new DataView(bytes.buffer), RATING_COLUMNS.at, {
    users: addressOf(columns.users),
    movies: addressOf(columns.movies),
    ratings: addressOf(columns.ratings),
    times: addressOf(columns.times),
    rows: columns.users.length,
    max_user: 0,
    max_movie: 0,
    reserved: 0,
  }, RATING_COLUMNS_VIEW_FIELDS);
  return { bytes, keep: columns };
}

/** The largest ids `rs_ratings_parse` wrote into a packed `RatingColumnsView`. */
export function readColumnMaxima(bytes: Uint8Array): { maxUser: number; maxMovie: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    maxUser: view.getUint32(RATING_COLUMNS.at.get("max_user")!, true),
    maxMovie: view.getUint32(RATING_COLUMNS.at.get("max_movie")!, true),
  };
}

/** Bytes of one packed `IdColumnView`. */
export const ID_COLUMN_VIEW_BYTES = ID_COLUMN.bytes;

/**
 * Packs `IdColumnView`s back to back (32 bytes each): column j rewrites `raw[j]` in place and fills
 * `ids[j]` (its capacity is its length). {@linkcode readIdCounts} reads the distinct counts.
 *
 * @example
 * ```ts
 * import { packIdColumns, readIdCounts } from "./_abi.ts";
 * const v = packIdColumns([Uint32Array.of(5, 5)], [new Uint32Array(2)]);
 * if (v.bytes.length !== 32 || readIdCounts(v.bytes, 1)[0] !== 0) throw new Error("one view");
 * ```
 */
export function packIdColumns(
  raw: readonly Uint32Array[],
  ids: readonly Uint32Array[],
): { bytes: Uint8Array; keep: unknown } {
  const bytes = new Uint8Array(ID_COLUMN.bytes * raw.length);
  raw.forEach((column, j) => {
    const out = ids[j]!;
    write(new DataView(bytes.buffer, j * ID_COLUMN.bytes, ID_COLUMN.bytes), ID_COLUMN.at, {
      raw: addressOf(column),
      ids: addressOf(out),
      len: column.length,
      capacity: out.length,
      count: 0,
      reserved: 0,
    }, ID_COLUMN_VIEW_FIELDS);
  });
  return { bytes, keep: [raw, ids] };
}

/** The distinct counts `rs_ids_densify` wrote into `n` packed `IdColumnView`s. */
export function readIdCounts(bytes: Uint8Array, n: number): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const at = ID_COLUMN.at.get("count")!;
  return Array.from({ length: n }, (_, j) => view.getUint32(j * ID_COLUMN.bytes + at, true));
}

/** Whether `rs_rows_validate` marked a packed view validated (`validated_mark` in abi.zig). */
export function isValidated(view: PackedRows): boolean {
  const at = ROWS.at.get("validated")!;
  return new DataView(view.bytes.buffer).getUint32(at, true) === VALIDATED_MARK;
}

/** `validated_mark` of kernels/abi.zig ("VALD"). */
export const VALIDATED_MARK = 0x5641_4c44;

/** A zeroed error record for one call. */
export function errorRecord(): BigUint64Array {
  return new BigUint64Array(ERROR_RECORD_FIELDS.length);
}

/**
 * The named fields of a filled error record.
 *
 * @example
 * ```ts
 * import { errorRecord, readErrorRecord } from "./_abi.ts";
 * const r = errorRecord();
 * r[2] = 7n;
 * if (readErrorRecord(r).row !== 7) throw new Error("row is the third field");
 * ```
 */
export function readErrorRecord(record: BigUint64Array): ErrorRecordFields {
  const out = {} as ErrorRecordFields;
  ERROR_RECORD_FIELDS.forEach((name, i) => out[name] = Number(record[i] ?? 0n));
  return out;
}

const inFlight = new Set<unknown>();

/**
 * Awaits a nonblocking kernel call while keeping `keep` (its views and arrays) reachable, so the
 * garbage collector cannot free memory the kernel thread is still using.
 */
export async function hold<T>(keep: unknown, call: Promise<T>): Promise<T> {
  inFlight.add(keep);
  try {
    return await call;
  } finally {
    inFlight.delete(keep);
  }
}
