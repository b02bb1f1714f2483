/**
 * The binary ratings cache under data/processed/: the dense id mappings plus CSR and CSC arrays,
 * read straight into typed arrays. Written atomically (temp file + rename) and keyed on the source
 * file's path, size and modification time, so a changed ratings.csv rebuilds it and an interrupted
 * write never leaves a file that loads.
 *
 * Layout (little-endian): 8-byte magic "RSCACHE1", u32 header length, JSON header, zero padding to
 * 8 bytes, then the arrays in `ARRAY_ORDER`, each padded to 8 bytes.
 *
 * @module
 */
import { padded8, writeChunksAtomic } from "./atomic.ts";
import { adviseHugePages } from "../ffi/kernels.ts";
import type { RatingMatrix } from "./types.ts";

const MAGIC = "RSCACHE1";
const FORMAT_VERSION = 1;

/** What the cache remembers about the ratings.csv it was built from. */
export interface CacheSource {
  path: string;
  size: number;
  mtimeMs: number;
}

interface CacheHeader {
  version: number;
  source: CacheSource;
  nUsers: number;
  nItems: number;
  nnz: number;
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

function lengthOf(name: ArrayName, h: CacheHeader): number {
  switch (name) {
    case "userIds":
      return h.nUsers;
    case "itemIds":
      return h.nItems;
    case "userPtr":
      return h.nUsers + 1;
    case "itemPtr":
      return h.nItems + 1;
    default:
      return h.nnz;
  }
}

const pad8 = (n: number) => (n + 7) & ~7;

/** Reads exactly `into.length` bytes or returns false at end of file. */
async function readFull(file: Deno.FsFile, into: Uint8Array): Promise<boolean> {
  let off = 0;
  while (off < into.length) {
    const n = await file.read(into.subarray(off));
    if (n === null) return false;
    off += n;
  }
  return true;
}

function sameSource(a: CacheSource, b: CacheSource): boolean {
  return a.path === b.path && a.size === b.size && a.mtimeMs === b.mtimeMs;
}

/**
 * Reads the cache at `path` if it exists, is complete, has this format version and matches
 * `source`; otherwise returns `undefined` (the caller rebuilds it).
 */
export async function readCache(
  path: string,
  source: CacheSource,
): Promise<CachedRatings | undefined> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch {
    return undefined;
  }
  try {
    const fixed = new Uint8Array(12);
    if (!await readFull(file, fixed)) return undefined;
    if (new TextDecoder().decode(fixed.subarray(0, 8)) !== MAGIC) return undefined;
    const headerLength = new DataView(fixed.buffer).getUint32(8, true);
    if (headerLength > 1 << 20) return undefined;
    const headerBytes = new Uint8Array(pad8(12 + headerLength) - 12);
    if (!await readFull(file, headerBytes)) return undefined;
    const header = JSON.parse(
      new TextDecoder().decode(headerBytes.subarray(0, headerLength)),
    ) as CacheHeader;
    if (header.version !== FORMAT_VERSION || !sameSource(header.source, source)) return undefined;
    const arrays: Partial<Record<ArrayName, Uint32Array | Float32Array>> = {};
    for (const name of ARRAY_ORDER) {
      const n = lengthOf(name, header);
      const array = name.endsWith("Ratings")
        ? new Float32Array(pad8(n * 4) / 4)
        : new Uint32Array(pad8(n * 4) / 4);
      adviseHugePages(array);
      if (!await readFull(file, new Uint8Array(array.buffer))) return undefined;
      arrays[name] = array.subarray(0, n);
    }
    if (await file.read(new Uint8Array(1)) !== null) return undefined;
    const u = (name: ArrayName) => arrays[name] as Uint32Array;
    const f = (name: ArrayName) => arrays[name] as Float32Array;
    return {
      userIds: u("userIds"),
      itemIds: u("itemIds"),
      ratings: {
        nUsers: header.nUsers,
        nItems: header.nItems,
        nnz: header.nnz,
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
  } catch {
    return undefined;
  } finally {
    file.close();
  }
}

/** Writes the cache atomically: a temp file beside `path`, then a rename over it. */
export async function writeCache(
  path: string,
  source: CacheSource,
  content: CachedRatings,
): Promise<void> {
  const m = content.ratings;
  const header: CacheHeader = {
    version: FORMAT_VERSION,
    source,
    nUsers: m.nUsers,
    nItems: m.nItems,
    nnz: m.nnz,
  };
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const fixed = new Uint8Array(pad8(12 + headerBytes.length));
  fixed.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(fixed.buffer).setUint32(8, headerBytes.length, true);
  fixed.set(headerBytes, 12);
  const all = { ...m, userIds: content.userIds, itemIds: content.itemIds };
  const chunks: Uint8Array[] = [fixed];
  for (const name of ARRAY_ORDER) {
    const array = all[name];
    if (array.length !== lengthOf(name, header)) {
      throw new Error(
        `cache: ${name} has ${array.length} entries, expected ${lengthOf(name, header)}`,
      );
    }
    chunks.push(...padded8(array));
  }
  await writeChunksAtomic(path, chunks);
}
