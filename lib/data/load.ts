/**
 * Loading a MovieLens folder (GroupLens format) into a typed {@linkcode Dataset}: ratings.csv is
 * parsed by the Zig kernel (multithreaded, straight from the mapped bytes), ids are made dense and
 * the matrix is built as CSR + CSC; a binary cache (data/processed/ for folders inside the
 * repository, see {@linkcode defaultCacheDir}) makes the second load near disk speed. movies.csv,
 * links.csv and tags.csv are read by the project's streaming CSV reader (lib/data/_csv.ts); they
 * have binary caches beside the ratings cache too.
 *
 * @module
 */
import { readCache, writeCache } from "./_cache.ts";
import type { CachedRatings, CacheSource } from "./_cache.ts";
import { readMoviesCache, readTagsCache, writeMoviesCache, writeTagsCache } from "./_side_cache.ts";
import { emptyMovies, emptyTags, readMovies, readTags } from "./side_files.ts";
import { detectRelease, loadClassicMovieLens } from "./load_classic.ts";
import type { Dataset, Movies, Tags } from "./types.ts";
import { withIdMaps } from "./id_maps.ts";
import {
  buildMatrix,
  defaultThreads,
  densifyIdColumns,
  KernelError,
  readRatingColumns,
  Status,
} from "../ffi/kernels.ts";

/** Options of {@linkcode loadMovieLens}. */
export interface LoadOptions {
  /** Kernel threads (default: `RECSYS_THREADS` or all cores). */
  threads?: number;
  /** Read and write the binary caches of ratings and side files (default true). */
  cache?: boolean;
  /** Where caches live (default: {@linkcode defaultCacheDir} of the folder). */
  cacheDir?: string;
  /** Read movies.csv, links.csv and tags.csv too (default true). */
  sideFiles?: boolean;
}

/** The repository's data/ folder, resolved from this module, not from the working directory. */
export const DATA_DIR: string = new URL("../../data/", import.meta.url).pathname.replace(/\/$/, "");

/**
 * Where the binary caches of a dataset folder go unless `cacheDir` is given: `RECSYS_CACHE_DIR`
 * when set; else `data/processed/` for a folder inside this repository; else the user's cache
 * folder (`$XDG_CACHE_HOME/movielens-recsys`, default `~/.cache/movielens-recsys`), so that
 * loading a folder elsewhere writes nothing into the project (or beside read-only data). The
 * dataset card names the folder used.
 *
 * @param dir The dataset folder (absolute).
 * @returns The cache folder.
 *
 * @example
 * ```ts
 * import { DATA_DIR, defaultCacheDir } from "./load.ts";
 * if (Deno.env.get("RECSYS_CACHE_DIR") === undefined) {
 *   if (defaultCacheDir(`${DATA_DIR}/raw/x`) !== `${DATA_DIR}/processed`) throw new Error("inside");
 *   if (defaultCacheDir("/srv/movielens/ml-32m").startsWith(DATA_DIR)) throw new Error("outside");
 * }
 * ```
 */
export function defaultCacheDir(dir: string): string {
  const env = (name: string) => Deno.env.get(name) || undefined;
  const chosen = env("RECSYS_CACHE_DIR");
  if (chosen) return chosen;
  const root = DATA_DIR.slice(0, DATA_DIR.lastIndexOf("/"));
  const home = env("XDG_CACHE_HOME") ?? (env("HOME") ? `${env("HOME")}/.cache` : undefined);
  if (dir.startsWith(`${root}/`) || home === undefined) return `${DATA_DIR}/processed`;
  return `${home}/movielens-recsys`;
}

const FIELD_NAMES = ["", "userId", "movieId", "rating", "timestamp"];

function describe(path: string, error: KernelError): Error {
  const { line, field } = error.info;
  // A blank line with data after it: too few fields, none of the 4 (kernels/parse.zig).
  const { expected: wanted, actual } = error.info;
  if (error.status === Status.tooFewFields && wanted === 4 && actual === 0) {
    return new Error(
      `${path} line ${line} is blank; expected 4 comma-separated fields ` +
        "userId,movieId,rating,timestamp (blank lines may only end the file)",
      { cause: error },
    );
  }
  const where = line > 0 ? ` line ${line}` : "";
  const what = field > 0 ? ` field ${field} (${FIELD_NAMES[field] ?? "?"})` : "";
  let expected = "";
  switch (error.status) {
    case Status.badHeader:
      expected = ': expected the header "userId,movieId,rating,timestamp"';
      break;
    case Status.tooFewFields:
    case Status.tooManyFields:
      expected = ": expected 4 comma-separated fields userId,movieId,rating,timestamp";
      break;
    case Status.notANumber:
      expected = field === 3
        ? ": expected a decimal rating such as 3.5"
        : ": expected a whole number that fits in 32 bits";
      break;
    case Status.ratingOutOfRange:
      expected = ": expected a rating from 0.5 to 5";
      break;
    case Status.ratingOffGrid:
      expected = ": expected a rating in half stars (0.5, 1, 1.5, …, 5)";
      break;
    case Status.noRatings:
      expected = ": expected at least one line userId,movieId,rating,timestamp";
      break;
  }
  const reason = error.text;
  return new Error(`${path}${where}${what}: ${reason}${expected}`, { cause: error });
}

async function cacheKey(ratingsPath: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(ratingsPath));
  return Array.from(new Uint8Array(digest).subarray(0, 6), (b) => b.toString(16).padStart(2, "0"))
    .join("");
}

function sourceOf(path: string, stat: Deno.FileInfo): CacheSource {
  return { path, size: stat.size, mtimeMs: stat.mtime?.getTime() ?? 0 };
}

/** The cache source of a regular file, or `null` when there is none at `path`. */
async function optionalSource(path: string): Promise<CacheSource | null> {
  try {
    const stat = await Deno.stat(path);
    return stat.isFile ? sourceOf(path, stat) : null;
  } catch {
    return null;
  }
}

/** movies.csv (+ links.csv) from the cache at `cachePath` when fresh, else parsed (and cached). */
async function loadMovies(dir: string, cachePath: string | undefined): Promise<Movies> {
  const movies = await optionalSource(`${dir}/movies.csv`);
  if (movies === null) return emptyMovies();
  if (cachePath === undefined) return await readMovies(dir);
  const sources = [movies, await optionalSource(`${dir}/links.csv`)];
  const cached = await readMoviesCache(cachePath, sources);
  if (cached !== undefined) return cached;
  const parsed = await readMovies(dir);
  await writeMoviesCache(cachePath, sources, parsed);
  return parsed;
}

/** tags.csv from the cache at `cachePath` when fresh, else parsed (and cached). */
async function loadTags(dir: string, cachePath: string | undefined): Promise<Tags> {
  const tags = await optionalSource(`${dir}/tags.csv`);
  if (tags === null) return emptyTags();
  if (cachePath === undefined) return await readTags(dir);
  const sources = [tags];
  const cached = await readTagsCache(cachePath, sources);
  if (cached !== undefined) return cached;
  const parsed = await readTags(dir);
  await writeTagsCache(cachePath, sources, parsed);
  return parsed;
}

/**
 * Parses a ratings.csv into a matrix with dense ids (no cache). Errors name the file, the line,
 * the field and what was expected; a repeated (userId, movieId) pair names both lines.
 *
 * @example
 * ```ts
 * import { parseRatings } from "./load.ts";
 * const parsed = await parseRatings("../shared/data/ml-latest-small/ratings.csv");
 * const { ratings, userIds, itemIds } = parsed;
 * if (ratings.nnz !== 100_836 || ratings.nUsers !== 610) throw new Error("ml-latest-small size");
 * // Dense index → raw id: userIds 1..610 in order; item 0 is movieId 1 (Toy Story).
 * if (userIds[609] !== 610 || itemIds[0] !== 1) throw new Error("raw ids");
 * ```
 */
export async function parseRatings(
  path: string,
  options: { threads?: number } = {},
): Promise<CachedRatings> {
  const threads = options.threads ?? defaultThreads();
  let columns;
  try {
    columns = await readRatingColumns(path, threads);
  } catch (error) {
    if (error instanceof KernelError) throw describe(path, error);
    throw error;
  }
  const [userIds, itemIds] = densifyIdColumns(
    [columns.users, columns.movies],
    [columns.maxUser, columns.maxMovie],
  ) as [Uint32Array, Uint32Array];
  let arrays;
  try {
    arrays = await buildMatrix(userIds.length, itemIds.length, {
      users: columns.users,
      items: columns.movies,
      ratings: columns.ratings,
      times: columns.times,
    }, { threads });
  } catch (error) {
    if (error instanceof KernelError && error.status === Status.duplicatePair) {
      const user = userIds[error.info.row] ?? 0;
      const movie = itemIds[error.info.index] ?? 0;
      // The columns now hold dense ids, unchanged by the build: find the two lines by those.
      const lines: number[] = [];
      const { row: a, index: b } = error.info;
      for (let j = 0; j < columns.users.length && lines.length < 2; j++) {
        if (columns.users[j] === a && columns.movies[j] === b) lines.push(j + 2);
      }
      throw new Error(
        `${path} line ${lines[1]}: duplicate rating for userId ${user}, movieId ${movie} ` +
          `(first at line ${lines[0]}); expected one rating per (user, movie) pair`,
        { cause: error },
      );
    }
    throw error;
  }
  return {
    userIds,
    itemIds,
    ratings: {
      nUsers: userIds.length,
      nItems: itemIds.length,
      nnz: columns.ratings.length,
      ...arrays,
      ids: { userIds, itemIds },
    },
  };
}

/**
 * Loads a MovieLens folder (ratings.csv required; movies.csv, links.csv, tags.csv optional). A
 * folder of ML-100K (u.data, u.item, u.user) or ML-1M (ratings.dat, movies.dat, users.dat) is read
 * by {@linkcode loadClassicMovieLens} instead, with its users table (and no cache).
 *
 * @example
 * ```ts
 * import { loadMovieLens } from "./load.ts";
 * const cacheDir = await Deno.makeTempDir(); // default: data/processed/ of the repository
 * const first = await loadMovieLens("../shared/data/ml-latest-small", { cacheDir });
 * const again = await loadMovieLens("../shared/data/ml-latest-small", { cacheDir });
 * await Deno.remove(cacheDir, { recursive: true });
 * if (first.fromCache || !again.fromCache) throw new Error("parsed once, then from the cache");
 * if (again.ratings.nnz !== 100_836 || again.movies.titles.length !== 9_742) {
 *   throw new Error("ratings and catalogue");
 * }
 * ```
 */
export async function loadMovieLens(dir: string, options: LoadOptions = {}): Promise<Dataset> {
  const started = performance.now();
  const absDir = await Deno.realPath(dir).catch(() => {
    throw new Error(`${dir}: no such folder; expected a MovieLens folder containing ratings.csv`);
  });
  const ratingsPath = `${absDir}/ratings.csv`;
  const release = await detectRelease(absDir);
  if (release === "ml-100k" || release === "ml-1m") {
    return await loadClassicMovieLens(absDir, release, { threads: options.threads });
  }
  const stat = await Deno.stat(ratingsPath).catch(() => {
    throw new Error(
      `${ratingsPath}: file not found; expected the MovieLens ratings file ` +
        "(or u.data of ML-100K, ratings.dat of ML-1M)",
    );
  });
  const name = absDir.slice(absDir.lastIndexOf("/") + 1);
  const source = sourceOf(ratingsPath, stat);
  const useCache = options.cache ?? true;
  const cacheDir = options.cacheDir ?? defaultCacheDir(absDir);
  const cacheBase = `${cacheDir}/${name}-${await cacheKey(ratingsPath)}`;
  const cachePath = `${cacheBase}.ratings.bin`;
  let content = useCache ? await readCache(cachePath, source) : undefined;
  const fromCache = content !== undefined;
  if (!content) {
    content = await parseRatings(ratingsPath, { threads: options.threads });
    if (useCache) {
      await writeCache(cachePath, source, content).catch((error) => {
        throw new Error(
          `${ratingsPath}: cannot write the ratings cache in ${cacheDir} (${error.message}); set ` +
            "RECSYS_CACHE_DIR (or options.cacheDir) to a writable folder, or pass { cache: false }",
          { cause: error },
        );
      });
    }
  }
  const sideFiles = options.sideFiles ?? true;
  const [movies, tags] = sideFiles
    ? await Promise.all([
      loadMovies(absDir, useCache ? `${cacheBase}.movies.bin` : undefined),
      loadTags(absDir, useCache ? `${cacheBase}.tags.bin` : undefined),
    ])
    : [emptyMovies(), emptyTags()];
  return {
    name,
    dir: absDir,
    ratings: withIdMaps(content.ratings, { userIds: content.userIds, itemIds: content.itemIds }),
    userIds: content.userIds,
    itemIds: content.itemIds,
    movies,
    tags,
    loadSeconds: (performance.now() - started) / 1000,
    fromCache,
    ...(useCache ? { cacheDir } : {}),
  };
}
