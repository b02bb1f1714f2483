/**
 * The binary side-file caches under data/processed/, next to the ratings cache: one for the
 * catalogue (movies.csv + links.csv) and one for tags.csv. Like the ratings cache they are written
 * atomically (temp file + rename), keyed on the source files' path, size and modification time, and
 * ignored when stale, truncated or otherwise malformed (the caller then parses and rewrites them).
 *
 * Layout (little-endian): 8-byte magic "RSSIDE01", u32 header length, JSON header, zero padding to 8
 * bytes, then the sections the header lists, each padded to 8 bytes. A string list is stored as
 * one UTF-8 blob: the strings joined with U+0000 when none contains it (decoded with one
 * `TextDecoder` call and split), otherwise with u32 byte offsets.
 *
 * @module
 */
import { padded8, writeChunksAtomic } from "./atomic.ts";
import type { CacheSource } from "./_cache.ts";
import type { Movies, Tags } from "./types.ts";

const MAGIC = "RSSIDE01";
const FORMAT_VERSION = 1;
const HEADER_MAX = 1 << 20;

type ArrayType = "u8" | "u16" | "u32";
type NumberArray = Uint8Array | Uint16Array | Uint32Array;

interface Section {
  name: string;
  type: ArrayType;
  length: number;
}

interface StringList {
  name: string;
  count: number;
  /** True when the blob is the strings joined with "\0" (no offsets section). */
  joined: boolean;
}

interface Header {
  version: number;
  kind: string;
  sources: (CacheSource | null)[];
  sections: Section[];
  strings: StringList[];
}

interface Bundle {
  arrays: Map<string, NumberArray>;
  strings: Map<string, string[]>;
}

const BYTES: Record<ArrayType, number> = { u8: 1, u16: 2, u32: 4 };
const pad8 = (n: number) => (n + 7) & ~7;

function typeOf(array: NumberArray): ArrayType {
  return array instanceof Uint8Array ? "u8" : array instanceof Uint16Array ? "u16" : "u32";
}

function view(buffer: ArrayBuffer, offset: number, type: ArrayType, length: number): NumberArray {
  switch (type) {
    case "u8":
      return new Uint8Array(buffer, offset, length);
    case "u16":
      return new Uint16Array(buffer, offset, length);
    case "u32":
      return new Uint32Array(buffer, offset, length);
  }
}

function sameSources(a: unknown, b: (CacheSource | null)[]): boolean {
  if (!Array.isArray(a) || a.length !== b.length) return false;
  return b.every((s, i) => {
    const t = a[i] as CacheSource | null;
    if (s === null || t === null) return s === t;
    return t.path === s.path && t.size === s.size && t.mtimeMs === s.mtimeMs;
  });
}

const decoder = new TextDecoder("utf-8", { ignoreBOM: true });

/**
 * The whole file in one freshly allocated buffer (offset 0, so typed-array views are aligned), or
 * `undefined` when it cannot be read. Faster than `Deno.readFile` for tens of megabytes.
 */
async function readWhole(path: string): Promise<Uint8Array | undefined> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch {
    return undefined;
  }
  try {
    const size = (await file.stat()).size;
    const bytes = new Uint8Array(size);
    let off = 0;
    while (off < size) {
      const n = await file.read(bytes.subarray(off));
      if (n === null) return undefined;
      off += n;
    }
    return await file.read(new Uint8Array(1)) === null ? bytes : undefined;
  } catch {
    return undefined;
  } finally {
    file.close();
  }
}

/** Reads a bundle of `kind` built from `sources`, or `undefined` when missing, stale or bad. */
async function readBundle(
  path: string,
  kind: string,
  sources: (CacheSource | null)[],
): Promise<Bundle | undefined> {
  const bytes = await readWhole(path);
  if (bytes === undefined) return undefined;
  try {
    if (bytes.length < 12 || decoder.decode(bytes.subarray(0, 8)) !== MAGIC) return undefined;
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const headerLength = dv.getUint32(8, true);
    if (headerLength > HEADER_MAX || 12 + headerLength > bytes.length) return undefined;
    const header = JSON.parse(decoder.decode(bytes.subarray(12, 12 + headerLength))) as Header;
    if (header.version !== FORMAT_VERSION || header.kind !== kind) return undefined;
    if (!sameSources(header.sources, sources)) return undefined;
    const buffer = bytes.buffer as ArrayBuffer;
    let at = pad8(12 + headerLength);
    const take = (type: ArrayType, length: number): NumberArray | undefined => {
      if (!(type in BYTES) || !Number.isSafeInteger(length) || length < 0) return undefined;
      const size = length * BYTES[type];
      if (at + size > bytes.length) return undefined;
      const array = view(buffer, bytes.byteOffset + at, type, length);
      at += pad8(size);
      return array;
    };
    const arrays = new Map<string, NumberArray>();
    for (const s of header.sections) {
      const array = take(s.type, s.length);
      if (array === undefined) return undefined;
      arrays.set(s.name, array);
    }
    const strings = new Map<string, string[]>();
    for (const list of header.strings) {
      const offsets = list.joined ? undefined : take("u32", list.count + 1) as Uint32Array;
      const blobLength = list.joined ? take("u32", 1)?.[0] : offsets?.[list.count];
      if (blobLength === undefined) return undefined;
      const blob = take("u8", blobLength) as Uint8Array | undefined;
      if (blob === undefined) return undefined;
      let decoded: string[];
      if (list.count === 0) decoded = [];
      else if (offsets === undefined) decoded = decoder.decode(blob).split("\0");
      else {
        decoded = new Array(list.count);
        for (let i = 0; i < list.count; i++) {
          const from = offsets[i]!, to = offsets[i + 1]!;
          if (from > to || to > blob.length) return undefined;
          decoded[i] = decoder.decode(blob.subarray(from, to));
        }
      }
      if (decoded.length !== list.count) return undefined;
      strings.set(list.name, decoded);
    }
    if (at !== bytes.length) return undefined;
    return { arrays, strings };
  } catch {
    return undefined;
  }
}

/** Writes a bundle atomically: a temp file beside `path`, then a rename over it. */
async function writeBundle(
  path: string,
  kind: string,
  sources: (CacheSource | null)[],
  content: {
    arrays: Record<string, NumberArray>;
    strings: Record<string, string[]>;
  },
): Promise<void> {
  const chunks: Uint8Array[] = [];
  const push = (array: NumberArray) => chunks.push(...padded8(array));
  const sections: Section[] = [];
  for (const [name, array] of Object.entries(content.arrays)) {
    sections.push({ name, type: typeOf(array), length: array.length });
    push(array);
  }
  const strings: StringList[] = [];
  const encoder = new TextEncoder();
  for (const [name, list] of Object.entries(content.strings)) {
    const joined = list.every((s) => !s.includes("\0"));
    strings.push({ name, count: list.length, joined });
    if (joined) {
      const blob = encoder.encode(list.join("\0"));
      push(Uint32Array.of(blob.length));
      push(blob);
    } else {
      const pieces = list.map((s) => encoder.encode(s));
      const offsets = new Uint32Array(list.length + 1);
      for (let i = 0; i < pieces.length; i++) offsets[i + 1] = offsets[i]! + pieces[i]!.length;
      const blob = new Uint8Array(offsets[list.length]!);
      pieces.forEach((p, i) => blob.set(p, offsets[i]));
      push(offsets);
      push(blob);
    }
  }
  const header: Header = { version: FORMAT_VERSION, kind, sources, sections, strings };
  const headerBytes = encoder.encode(JSON.stringify(header));
  const fixed = new Uint8Array(pad8(12 + headerBytes.length));
  fixed.set(encoder.encode(MAGIC), 0);
  new DataView(fixed.buffer).setUint32(8, headerBytes.length, true);
  fixed.set(headerBytes, 12);

  await writeChunksAtomic(path, [fixed, ...chunks]);
}

const MOVIES = "movies";
const TAGS = "tags";

/**
 * Reads the catalogue cache at `path` if it was built from exactly `sources` (movies.csv, then
 * links.csv or `null` when absent); otherwise `undefined`.
 *
 * @example
 * ```ts
 * import { readMoviesCache, writeMoviesCache } from "./_side_cache.ts";
 * import { emptyMovies } from "./side_files.ts";
 * const dir = await Deno.makeTempDir();
 * const sources = [{ path: "/x/movies.csv", size: 1, mtimeMs: 2 }, null];
 * await writeMoviesCache(`${dir}/m.bin`, sources, emptyMovies());
 * if ((await readMoviesCache(`${dir}/m.bin`, sources))?.genreNames.length !== 20) {
 *   throw new Error("cache miss");
 * }
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function readMoviesCache(
  path: string,
  sources: (CacheSource | null)[],
): Promise<Movies | undefined> {
  const bundle = await readBundle(path, MOVIES, sources);
  if (bundle === undefined) return undefined;
  const { arrays, strings } = bundle;
  const movieIds = arrays.get("movieIds");
  const years = arrays.get("years");
  const genrePtr = arrays.get("genrePtr");
  const genreIdx = arrays.get("genreIdx");
  const imdbIds = arrays.get("imdbIds");
  const tmdbIds = arrays.get("tmdbIds");
  const titles = strings.get("titles");
  const genreNames = strings.get("genreNames");
  if (
    !(movieIds instanceof Uint32Array) || !(years instanceof Uint16Array) ||
    !(genrePtr instanceof Uint32Array) || !(genreIdx instanceof Uint8Array) ||
    !(imdbIds instanceof Uint32Array) || !(tmdbIds instanceof Uint32Array) ||
    titles === undefined || genreNames === undefined
  ) return undefined;
  const n = movieIds.length;
  if (
    years.length !== n || imdbIds.length !== n || tmdbIds.length !== n || titles.length !== n ||
    genrePtr.length !== n + 1 || genrePtr[n] !== genreIdx.length || genreNames.length > 256
  ) return undefined;
  for (let r = 0; r < n; r++) if (genrePtr[r]! > genrePtr[r + 1]!) return undefined;
  for (const g of genreIdx) if (g >= genreNames.length) return undefined;
  return { movieIds, titles, years, genreNames, genrePtr, genreIdx, imdbIds, tmdbIds };
}

/** Writes the catalogue cache atomically (see {@linkcode readMoviesCache}). */
export async function writeMoviesCache(
  path: string,
  sources: (CacheSource | null)[],
  movies: Movies,
): Promise<void> {
  await writeBundle(path, MOVIES, sources, {
    arrays: {
      movieIds: movies.movieIds,
      years: movies.years,
      genrePtr: movies.genrePtr,
      genreIdx: movies.genreIdx,
      imdbIds: movies.imdbIds,
      tmdbIds: movies.tmdbIds,
    },
    strings: { titles: movies.titles, genreNames: movies.genreNames },
  });
}

/**
 * Reads the tags cache at `path` if it was built from exactly `sources` (tags.csv); otherwise
 * `undefined`. The `tags` strings are rebuilt from the vocabulary (shared, not copied).
 *
 * @example
 * ```ts
 * import { readTagsCache, writeTagsCache } from "./_side_cache.ts";
 * import { tagsFromStrings } from "./side_files.ts";
 * const dir = await Deno.makeTempDir();
 * const sources = [{ path: "/x/tags.csv", size: 1, mtimeMs: 2 }];
 * const tags = tagsFromStrings({
 *   userIds: new Uint32Array([1, 2]),
 *   movieIds: new Uint32Array([5, 5]),
 *   tags: ["dark", "dark"],
 *   times: new Uint32Array([7, 8]),
 * });
 * await writeTagsCache(`${dir}/t.bin`, sources, tags);
 * if ((await readTagsCache(`${dir}/t.bin`, sources))?.tags[1] !== "dark") throw new Error("miss");
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function readTagsCache(
  path: string,
  sources: (CacheSource | null)[],
): Promise<Tags | undefined> {
  const bundle = await readBundle(path, TAGS, sources);
  if (bundle === undefined) return undefined;
  const { arrays, strings } = bundle;
  const userIds = arrays.get("userIds");
  const movieIds = arrays.get("movieIds");
  const tagIndex = arrays.get("tagIndex");
  const times = arrays.get("times");
  const tagVocab = strings.get("tagVocab");
  if (
    !(userIds instanceof Uint32Array) || !(movieIds instanceof Uint32Array) ||
    !(tagIndex instanceof Uint32Array) || !(times instanceof Uint32Array) || tagVocab === undefined
  ) return undefined;
  const n = userIds.length;
  if (movieIds.length !== n || tagIndex.length !== n || times.length !== n) return undefined;
  const tags: string[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const tag = tagVocab[tagIndex[i]!];
    if (tag === undefined) return undefined;
    tags[i] = tag;
  }
  return { userIds, movieIds, tags, tagVocab, tagIndex, times };
}

/** Writes the tags cache atomically (see {@linkcode readTagsCache}). */
export async function writeTagsCache(
  path: string,
  sources: (CacheSource | null)[],
  tags: Tags,
): Promise<void> {
  await writeBundle(path, TAGS, sources, {
    arrays: {
      userIds: tags.userIds,
      movieIds: tags.movieIds,
      tagIndex: tags.tagIndex,
      times: tags.times,
    },
    strings: { tagVocab: tags.tagVocab },
  });
}
