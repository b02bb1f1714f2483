/**
 * The binary side-file caches under data/processed/, next to the ratings cache: one for the
 * catalogue (movies.csv + links.csv) and one for tags.csv. Each is a bundle (lib/data/bundle.ts)
 * read and checked like the ratings cache (lib/data/_cache.ts): written atomically, keyed on the
 * source files' path, size and modification time, and ignored when stale, truncated, damaged or of
 * an older format (the caller then parses and rewrites them).
 *
 * The number arrays are stored as they are. A string list is stored as one UTF-8 blob (array
 * `NAME.utf8`): the strings joined with U+0000 when none contains it (decoded with one
 * `TextDecoder` call and split), otherwise with u32 byte offsets (array `NAME.offsets`); the
 * metadata's `strings` gives each list's count and which of the two it is.
 *
 * @module
 */
import { readCacheBundle } from "./_cache.ts";
import type { CacheReadOptions, CacheSource } from "./_cache.ts";
import { writeBundle } from "./bundle.ts";
import type { BundleArray } from "./bundle.ts";
import type { Movies, Tags } from "./types.ts";

/** The layout of the arrays and metadata inside the bundle (2: the first bundle-based one). */
const FORMAT_VERSION = 2;

type NumberArray = Uint8Array | Uint16Array | Uint32Array;

interface StringList {
  count: number;
  /** True when the blob is the strings joined with "\0" (no offsets array). */
  joined: boolean;
}

interface Decoded {
  arrays: Map<string, NumberArray>;
  strings: Map<string, string[]>;
}

const decoder = new TextDecoder("utf-8", { ignoreBOM: true });

function numberArray(array: BundleArray | undefined): NumberArray | undefined {
  return array instanceof Uint8Array || array instanceof Uint16Array ||
      array instanceof Uint32Array
    ? array
    : undefined;
}

function decodeStrings(
  list: unknown,
  blob: BundleArray | undefined,
  offsets: BundleArray | undefined,
): string[] | undefined {
  const { count, joined } = (list ?? {}) as Partial<StringList>;
  if (!Number.isSafeInteger(count) || count! < 0 || typeof joined !== "boolean") return undefined;
  if (!(blob instanceof Uint8Array)) return undefined;
  if (count === 0) return blob.length === 0 ? [] : undefined;
  if (joined) {
    const decoded = decoder.decode(blob).split("\0");
    return decoded.length === count ? decoded : undefined;
  }
  if (!(offsets instanceof Uint32Array) || offsets.length !== count! + 1) return undefined;
  if (offsets[0] !== 0 || offsets[count!] !== blob.length) return undefined;
  const decoded: string[] = new Array(count);
  for (let i = 0; i < count!; i++) {
    const from = offsets[i]!, to = offsets[i + 1]!;
    if (from > to) return undefined;
    decoded[i] = decoder.decode(blob.subarray(from, to));
  }
  return decoded;
}

/** Reads a cache of `kind` built from `sources`, or `undefined` when missing, stale or bad. */
async function readSide(
  path: string,
  kind: string,
  sources: (CacheSource | null)[],
  options: CacheReadOptions,
): Promise<Decoded | undefined> {
  const bundle = await readCacheBundle(path, kind, FORMAT_VERSION, sources, options);
  if (bundle === undefined) return undefined;
  const { meta } = bundle;
  const lists = meta.strings;
  if (typeof lists !== "object" || lists === null || Array.isArray(lists)) return undefined;
  const arrays = new Map<string, NumberArray>();
  const strings = new Map<string, string[]>();
  for (const [name, array] of Object.entries(bundle.arrays)) {
    if (name.endsWith(".utf8") || name.endsWith(".offsets")) continue;
    const numbers = numberArray(array);
    if (numbers === undefined) return undefined;
    arrays.set(name, numbers);
  }
  for (const [name, list] of Object.entries(lists)) {
    const decoded = decodeStrings(
      list,
      bundle.arrays[`${name}.utf8`],
      bundle.arrays[`${name}.offsets`],
    );
    if (decoded === undefined) return undefined;
    strings.set(name, decoded);
  }
  return { arrays, strings };
}

/** Writes a cache atomically: a temp file beside `path`, then a rename over it. */
async function writeSide(
  path: string,
  kind: string,
  sources: (CacheSource | null)[],
  content: {
    arrays: Record<string, NumberArray>;
    strings: Record<string, string[]>;
  },
): Promise<void> {
  const arrays: Record<string, BundleArray> = { ...content.arrays };
  const lists: Record<string, StringList> = {};
  const encoder = new TextEncoder();
  for (const [name, list] of Object.entries(content.strings)) {
    const joined = list.every((s) => !s.includes("\0"));
    lists[name] = { count: list.length, joined };
    if (joined) {
      arrays[`${name}.utf8`] = encoder.encode(list.join("\0"));
    } else {
      const pieces = list.map((s) => encoder.encode(s));
      const offsets = new Uint32Array(list.length + 1);
      for (let i = 0; i < pieces.length; i++) offsets[i + 1] = offsets[i]! + pieces[i]!.length;
      const blob = new Uint8Array(offsets[list.length]!);
      pieces.forEach((p, i) => blob.set(p, offsets[i]));
      arrays[`${name}.utf8`] = blob;
      arrays[`${name}.offsets`] = offsets;
    }
  }
  await writeBundle(path, kind, { version: FORMAT_VERSION, sources, strings: lists }, arrays);
}

const MOVIES = "movies-cache";
const TAGS = "tags-cache";

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
  options: CacheReadOptions = {},
): Promise<Movies | undefined> {
  const bundle = await readSide(path, MOVIES, sources, options);
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
  await writeSide(path, MOVIES, sources, {
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
  options: CacheReadOptions = {},
): Promise<Tags | undefined> {
  const bundle = await readSide(path, TAGS, sources, options);
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
  await writeSide(path, TAGS, sources, {
    arrays: {
      userIds: tags.userIds,
      movieIds: tags.movieIds,
      tagIndex: tags.tagIndex,
      times: tags.times,
    },
    strings: { tagVocab: tags.tagVocab },
  });
}
