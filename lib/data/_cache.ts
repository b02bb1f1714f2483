/**
 * The binary ratings cache under data/processed/: the dense id mappings plus CSR and CSC arrays, a
 * bundle (lib/data/bundle.ts) of kind "ratings-cache" read straight into typed-array views of one
 * 64-byte-aligned buffer. Written atomically (temp file + rename) and keyed on the source file's
 * path, size and modification time, so a changed ratings.csv rebuilds it and an interrupted write
 * never leaves a file that loads. A stale, truncated, damaged or older-format cache (magic
 * `RSCACHE1`, written before the bundle format) is a miss: the caller parses ratings.csv again and
 * rewrites it; for an older format a one-line note says so.
 *
 * @module
 */
import { BundleError, readBundle, writeBundle } from "./bundle.ts";
import type { Bundle } from "./bundle.ts";
import type { RatingMatrix } from "./types.ts";

const KIND = "ratings-cache";
/** The layout of the arrays and metadata inside the bundle (2: the first bundle-based one). */
const FORMAT_VERSION = 2;
/** The magics of the caches written before the bundle format. */
const OLD_MAGICS: Record<string, string> = {
  RSCACHE1: "ratings cache format 1",
  RSSIDE01: "side cache format 1",
};

/** What the cache remembers about the ratings.csv it was built from. */
export interface CacheSource {
  path: string;
  size: number;
  mtimeMs: number;
}

/** Options of the cache readers. */
export interface CacheReadOptions {
  /**
   * Where a one-line note goes when the cache was written by an older version and will be rebuilt
   * (default `console.error`).
   */
  note?: (text: string) => void;
}

function sameSources(a: unknown, b: (CacheSource | null)[]): boolean {
  if (!Array.isArray(a) || a.length !== b.length) return false;
  return b.every((s, i) => {
    const t: unknown = a[i];
    if (s === null || t === null) return s === t;
    const r = t as Partial<CacheSource> | undefined;
    return r?.path === s.path && r.size === s.size && r.mtimeMs === s.mtimeMs;
  });
}

/**
 * The cache bundle of `kind` at `path` when it exists, is complete and undamaged, has layout
 * `version` and was built from exactly `sources`; otherwise `undefined`. A cache of a format from
 * before the bundle (an old magic) also gives `undefined`, after a note that it is being rebuilt.
 * Shared by the ratings cache and the side caches (lib/data/_side_cache.ts).
 *
 * @example
 * ```ts
 * import { readCacheBundle } from "./_cache.ts";
 * import { writeBundle } from "./bundle.ts";
 * const dir = await Deno.makeTempDir();
 * const sources = [{ path: "/x/a.csv", size: 1, mtimeMs: 2 }];
 * await writeBundle(`${dir}/c.bin`, "demo-cache", { version: 1, sources }, { a: Uint8Array.of(5) });
 * const hit = await readCacheBundle(`${dir}/c.bin`, "demo-cache", 1, sources);
 * const stale = await readCacheBundle(`${dir}/c.bin`, "demo-cache", 1, [{ ...sources[0]!, size: 9 }]);
 * await Deno.writeTextFile(`${dir}/c.bin`, "RSCACHE1 and more");
 * const notes: string[] = [];
 * const old = await readCacheBundle(`${dir}/c.bin`, "demo-cache", 1, sources, {
 *   note: (text) => notes.push(text),
 * });
 * await Deno.remove(dir, { recursive: true });
 * if (hit?.arrays.a?.[0] !== 5 || stale !== undefined || old !== undefined) throw new Error("miss");
 * if (!notes[0]?.includes("older version")) throw new Error(`${notes}`);
 * ```
 */
export async function readCacheBundle(
  path: string,
  kind: string,
  version: number,
  sources: (CacheSource | null)[],
  options: CacheReadOptions = {},
): Promise<Bundle | undefined> {
  let bundle: Bundle;
  try {
    bundle = await readBundle(path, { kind, label: "cache" });
  } catch (error) {
    if (!(error instanceof BundleError)) throw error;
    const old = error.reason === "foreign" && error.magic !== undefined
      ? OLD_MAGICS[error.magic]
      : undefined;
    if (old !== undefined) {
      (options.note ?? console.error)(
        `note: ${path} is a ${old}, written by an older version; rebuilding it`,
      );
    }
    return undefined;
  }
  const { meta } = bundle;
  if (meta.version !== version || !sameSources(meta.sources, sources)) return undefined;
  return bundle;
}

/** The cached content: a rating matrix and its id mappings. */
export interface CachedRatings {
  ratings: RatingMatrix;
  userIds: Uint32Array;
  itemIds: Uint32Array;
}

type ArrayName =
  | Exclude<keyof RatingMatrix, "nUsers" | "nItems" | "nnz" | "ids">
  | "userIds"
  | "itemIds";
const ARRAY_ORDER: readonly ArrayName[] = [
  "userIds",
  "itemIds",
  "userPtr",
  "userItems",
  "userRatings",
  "userTimes",
  "itemPtr",
  "itemUsers",
  "itemRatings",
  "itemTimes",
];

function lengthOf(name: ArrayName, counts: { nUsers: number; nItems: number; nnz: number }) {
  switch (name) {
    case "userIds":
      return counts.nUsers;
    case "itemIds":
      return counts.nItems;
    case "userPtr":
      return counts.nUsers + 1;
    case "itemPtr":
      return counts.nItems + 1;
    default:
      return counts.nnz;
  }
}

const isCount = (v: unknown): v is number =>
  typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= 0xffff_ffff;

/**
 * Reads the cache at `path` if it exists, is complete and undamaged, has this layout version and
 * matches `source`; otherwise returns `undefined` (the caller rebuilds it).
 *
 * @example
 * ```ts
 * import { readCache, writeCache } from "./_cache.ts";
 * import { fromTriplets } from "./coo.ts";
 * const dir = await Deno.makeTempDir();
 * const source = { path: "/x/ratings.csv", size: 10, mtimeMs: 3 };
 * const ratings = fromTriplets(2, 2, [0, 1], [1, 0], [4, 3], [7, 8]);
 * await writeCache(`${dir}/r.bin`, source, {
 *   ratings,
 *   userIds: Uint32Array.of(10, 20),
 *   itemIds: Uint32Array.of(5, 6),
 * });
 * const back = await readCache(`${dir}/r.bin`, source);
 * const stale = await readCache(`${dir}/r.bin`, { ...source, mtimeMs: 4 });
 * await Deno.remove(dir, { recursive: true });
 * if (back?.ratings.itemRatings.join() !== "3,4" || stale !== undefined) throw new Error("cache");
 * ```
 */
export async function readCache(
  path: string,
  source: CacheSource,
  options: CacheReadOptions = {},
): Promise<CachedRatings | undefined> {
  const bundle = await readCacheBundle(path, KIND, FORMAT_VERSION, [source], options);
  if (bundle === undefined) return undefined;
  const { meta, arrays } = bundle;
  const { nUsers, nItems, nnz } = meta;
  if (!isCount(nUsers) || !isCount(nItems) || !isCount(nnz)) return undefined;
  const counts = { nUsers, nItems, nnz };
  for (const name of ARRAY_ORDER) {
    const array = arrays[name];
    const type = name.endsWith("Ratings") ? Float32Array : Uint32Array;
    if (!(array instanceof type) || array.length !== lengthOf(name, counts)) return undefined;
  }
  const u = (name: ArrayName) => arrays[name] as Uint32Array;
  const f = (name: ArrayName) => arrays[name] as Float32Array;
  return {
    userIds: u("userIds"),
    itemIds: u("itemIds"),
    ratings: {
      nUsers,
      nItems,
      nnz,
      userPtr: u("userPtr"),
      userItems: u("userItems"),
      userRatings: f("userRatings"),
      userTimes: u("userTimes"),
      itemPtr: u("itemPtr"),
      itemUsers: u("itemUsers"),
      itemRatings: f("itemRatings"),
      itemTimes: u("itemTimes"),
    },
  };
}

/**
 * Writes the cache atomically: a temp file beside `path`, then a rename over it.
 *
 * @example
 * ```ts
 * import { writeCache } from "./_cache.ts";
 * import { fromTriplets } from "./coo.ts";
 * const dir = await Deno.makeTempDir();
 * const ratings = fromTriplets(1, 1, [0], [0], [5], [0]);
 * const content = { ratings, userIds: Uint32Array.of(1), itemIds: Uint32Array.of(2, 3) };
 * try {
 *   await writeCache(`${dir}/r.bin`, { path: "/x", size: 1, mtimeMs: 1 }, content);
 *   throw new Error("two item ids for one item should be refused");
 * } catch (e) {
 *   if (!(e as Error).message.includes("itemIds has 2 entries, expected 1")) throw e;
 * } finally {
 *   await Deno.remove(dir, { recursive: true });
 * }
 * ```
 */
export async function writeCache(
  path: string,
  source: CacheSource,
  content: CachedRatings,
): Promise<void> {
  const m = content.ratings;
  const counts = { nUsers: m.nUsers, nItems: m.nItems, nnz: m.nnz };
  const all = { ...m, userIds: content.userIds, itemIds: content.itemIds };
  const arrays: Record<string, Uint32Array | Float32Array> = {};
  for (const name of ARRAY_ORDER) {
    const array = all[name];
    if (array.length !== lengthOf(name, counts)) {
      throw new Error(
        `cache: ${name} has ${array.length} entries, expected ${lengthOf(name, counts)}`,
      );
    }
    arrays[name] = array;
  }
  await writeBundle(path, KIND, { version: FORMAT_VERSION, sources: [source], ...counts }, arrays);
}
