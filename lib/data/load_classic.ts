/**
 * Loaders for the two older GroupLens releases that describe their users, into the same
 * {@linkcode Dataset} as ratings.csv plus a {@linkcode Users} table:
 *
 * - **ML-100K**: `u.data` (userId, movieId, rating, timestamp, tab-separated), `u.item` (24
 *   `|`-separated fields: id, title, release date, video release date, IMDb URL and 19 genre flags
 *   0/1 in the order of u.genre), `u.user` (id|age|gender|occupation|zip).
 * - **ML-1M**: `ratings.dat` (UserID::MovieID::Rating::Timestamp), `movies.dat`
 *   (MovieID::Title::Genre|Genre…), `users.dat` (UserID::Gender::Age::Occupation::Zip-code; age a
 *   bucket code 1/18/25/35/45/50/56, occupation a code 0–20).
 *
 * All files are Latin-1. Ratings are whole stars 1–5. Genres map onto the CSV releases' vocabulary
 * (`MOVIELENS_GENRES`): "Children's" → "Children", ML-100K's "unknown" → "(no genres listed)".
 *
 * Strict: any malformed line is an error naming the file, the line, the field and what was
 * expected — a wrong number of fields, a non-numeric id, a rating outside 1–5, an unknown gender,
 * age code, occupation or genre, a blank line, a repeated (user, movie) pair (both lines named), a
 * repeated movie or user id, a rated user missing from the users file or a rated movie missing
 * from the catalogue. Users who rated nothing are left out (the users table is aligned with the
 * dense user indices). These releases are small (at most 1,000,209 ratings), so there is no
 * binary cache: they are parsed in well under a second; the matrix is built by the same Zig
 * builder as ratings.csv.
 *
 * @module
 */
import { buildMatrix, densifyIds, KernelError, Status } from "../ffi/kernels.ts";
import { emptyTags, MOVIELENS_GENRES, splitTitle } from "./side_files.ts";
import type { Dataset, Movies, RatingMatrix, Users } from "./types.ts";
import { AGE_BUCKETS, ageBucketOf, ML100K_OCCUPATIONS, ML1M_OCCUPATIONS } from "./users.ts";

/** The releases this module reads. */
export type ClassicRelease = "ml-100k" | "ml-1m";

/** The three files of each release: ratings, catalogue, users. */
export const CLASSIC_FILES: Readonly<Record<ClassicRelease, readonly [string, string, string]>> = {
  "ml-100k": ["u.data", "u.item", "u.user"],
  "ml-1m": ["ratings.dat", "movies.dat", "users.dat"],
};

/**
 * The 18 genres of the older releases, in the order of ML-100K's u.genre and of ML-1M's README
 * (alphabetical, as `MOVIELENS_GENRES`): the vocabulary less IMAX (added later) and the no-genre
 * marker.
 */
const CLASSIC_GENRES: readonly string[] = MOVIELENS_GENRES.filter((g) =>
  g !== "IMAX" && g !== "(no genres listed)"
);

/**
 * ML-100K's 19 genre flags in u.genre order, as names of `MOVIELENS_GENRES` (the synthetic
 * ML-100K writer uses the same order): "unknown" first, then the 18 genres.
 *
 * @example
 * ```ts
 * import { ML100K_GENRE_FLAGS } from "./load_classic.ts";
 * if (ML100K_GENRE_FLAGS.length !== 19 || ML100K_GENRE_FLAGS[15] !== "Sci-Fi") throw new Error("u.genre");
 * if (ML100K_GENRE_FLAGS[0] !== "(no genres listed)" || ML100K_GENRE_FLAGS[4] !== "Children") {
 *   throw new Error("unknown first; Children's is Children");
 * }
 * ```
 */
export const ML100K_GENRE_FLAGS: readonly string[] = ["(no genres listed)", ...CLASSIC_GENRES];

/** ML-1M's 18 genre words (as movies.dat spells them) → `MOVIELENS_GENRES` names. */
const ML1M_GENRES: ReadonlyMap<string, string> = new Map(
  CLASSIC_GENRES.map((g) => [g === "Children" ? "Children's" : g, g]),
);

const U32_MAX = 0xffff_ffff;
const WHOLE = /^[0-9]+$/;

/** A line of a file: its 1-based number and its fields. */
interface Record_ {
  line: number;
  fields: string[];
}

/** Reads a Latin-1 file into records of exactly `names.length` fields split by `sep`. */
async function readRecords(path: string, sep: string, names: readonly string[]) {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new Error(`${path}: file not found`, { cause: error });
    }
    throw error;
  }
  const text = new TextDecoder("latin1").decode(bytes);
  const lines = text.split("\n");
  // Blank lines (LF or CRLF) that end the file are ignored; one with data after it is an error.
  while (lines.length > 0 && /^\r?$/.test(lines[lines.length - 1]!)) lines.pop();
  if (lines.length === 0) throw new Error(`${path}: empty file; expected ${names.join(sep)} lines`);
  const expected = `${names.length} ${JSON.stringify(sep)}-separated fields ${names.join(sep)}`;
  const records: Record_[] = new Array(lines.length);
  for (let k = 0; k < lines.length; k++) {
    let raw = lines[k]!;
    if (raw.endsWith("\r")) raw = raw.slice(0, -1);
    const line = k + 1;
    if (raw === "") {
      throw new Error(
        `${path} line ${line} is blank; expected ${expected} (blank lines may only end the file)`,
      );
    }
    const fields = raw.split(sep);
    if (fields.length !== names.length) {
      throw new Error(`${path} line ${line}: ${fields.length} fields; expected ${expected}`);
    }
    records[k] = { line, fields };
  }
  return records;
}

function fieldError(path: string, r: Record_, k: number, name: string, expected: string): Error {
  const got = r.fields[k] ?? "";
  return new Error(
    `${path} line ${r.line} field ${k + 1} (${name}): got ${
      JSON.stringify(got)
    }; expected ${expected}`,
  );
}

function whole(path: string, r: Record_, k: number, name: string, min = 0, max = U32_MAX) {
  const text = r.fields[k]!;
  const value = WHOLE.test(text) ? Number(text) : NaN;
  if (!(value >= min && value <= max)) {
    throw fieldError(
      path,
      r,
      k,
      name,
      max === U32_MAX ? "a whole number that fits in 32 bits" : `a whole number ${min}–${max}`,
    );
  }
  return value;
}

/** The columns of a ratings file and the line of each rating. */
interface RatingColumns {
  users: Uint32Array;
  movies: Uint32Array;
  ratings: Float32Array;
  times: Uint32Array;
  lines: Uint32Array;
}

async function readRatings(path: string, sep: string): Promise<RatingColumns> {
  const names = ["userId", "movieId", "rating", "timestamp"];
  const records = await readRecords(path, sep, names);
  const n = records.length;
  const out: RatingColumns = {
    users: new Uint32Array(n),
    movies: new Uint32Array(n),
    ratings: new Float32Array(n),
    times: new Uint32Array(n),
    lines: new Uint32Array(n),
  };
  for (let j = 0; j < n; j++) {
    const r = records[j]!;
    out.users[j] = whole(path, r, 0, "userId");
    out.movies[j] = whole(path, r, 1, "movieId");
    out.ratings[j] = whole(path, r, 2, "rating", 1, 5);
    out.times[j] = whole(path, r, 3, "timestamp");
    out.lines[j] = r.line;
  }
  return out;
}

/** Dense ids and the CSR + CSC matrix; a repeated (user, movie) pair names both lines. */
async function buildRatings(path: string, c: RatingColumns, threads?: number) {
  const rawUsers = c.users.slice();
  const rawMovies = c.movies.slice();
  const userIds = densifyIds(c.users);
  const itemIds = densifyIds(c.movies);
  try {
    const arrays = await buildMatrix(userIds.length, itemIds.length, {
      users: c.users,
      items: c.movies,
      ratings: c.ratings,
      times: c.times,
    }, { threads });
    const ratings: RatingMatrix = {
      nUsers: userIds.length,
      nItems: itemIds.length,
      nnz: c.ratings.length,
      ...arrays,
      ids: { userIds, itemIds },
    };
    return { userIds, itemIds, ratings, rawUsers, rawMovies };
  } catch (error) {
    if (error instanceof KernelError && error.status === Status.duplicatePair) {
      const user = userIds[error.info.row] ?? 0;
      const movie = itemIds[error.info.index] ?? 0;
      const lines: number[] = [];
      for (let j = 0; j < rawUsers.length && lines.length < 2; j++) {
        if (rawUsers[j] === user && rawMovies[j] === movie) lines.push(c.lines[j]!);
      }
      throw new Error(
        `${path} line ${lines[1]}: duplicate rating for userId ${user}, movieId ${movie} ` +
          `(first at line ${lines[0]}); expected one rating per (user, movie) pair`,
        { cause: error },
      );
    }
    throw error;
  }
}

/** A catalogue row before it becomes {@linkcode Movies}. */
interface MovieRow {
  id: number;
  line: number;
  title: string;
  genres: number[];
}

function genreIndex(name: string): number {
  const g = MOVIELENS_GENRES.indexOf(name);
  if (g < 0) throw new Error(`internal: genre ${name} not in MOVIELENS_GENRES`);
  return g;
}

async function readUItem(path: string): Promise<MovieRow[]> {
  const names = ["movieId", "title", "release date", "video release date", "IMDb URL"];
  for (let g = 0; g < ML100K_GENRE_FLAGS.length; g++) names.push(`genre flag ${g}`);
  const records = await readRecords(path, "|", names);
  const flagGenres = ML100K_GENRE_FLAGS.map(genreIndex);
  return records.map((r) => {
    const genres: number[] = [];
    for (let g = 0; g < flagGenres.length; g++) {
      const flag = r.fields[5 + g];
      if (flag === "1") genres.push(flagGenres[g]!);
      else if (flag !== "0") {
        throw fieldError(path, r, 5 + g, `${ML100K_GENRE_FLAGS[g]} flag`, "0 or 1");
      }
    }
    return { id: whole(path, r, 0, "movieId"), line: r.line, title: r.fields[1]!, genres };
  });
}

async function readMoviesDat(path: string): Promise<MovieRow[]> {
  const records = await readRecords(path, "::", ["MovieID", "Title", "Genres"]);
  return records.map((r) => {
    const genres: number[] = [];
    for (const word of r.fields[2]!.split("|")) {
      const name = ML1M_GENRES.get(word);
      if (name === undefined) {
        throw fieldError(
          path,
          r,
          2,
          "Genres",
          `genres separated by "|" from ${[...ML1M_GENRES.keys()].join(", ")}`,
        );
      }
      genres.push(genreIndex(name));
    }
    return { id: whole(path, r, 0, "MovieID"), line: r.line, title: r.fields[1]!, genres };
  });
}

function toMovies(path: string, rows: MovieRow[]): Movies {
  rows.sort((a, b) => a.id - b.id);
  for (let k = 1; k < rows.length; k++) {
    if (rows[k]!.id === rows[k - 1]!.id) {
      const [first, second] = [rows[k - 1]!.line, rows[k]!.line].sort((a, b) => a - b);
      throw new Error(
        `${path} line ${second}: movieId ${rows[k]!.id} again (first at line ${first}); ` +
          "expected each movie once",
      );
    }
  }
  const genrePtr = new Uint32Array(rows.length + 1);
  const genreIdx: number[] = [];
  const titles: string[] = [];
  const years = new Uint16Array(rows.length);
  rows.forEach((row, m) => {
    const { title, year } = splitTitle(row.title);
    titles.push(title);
    years[m] = year;
    for (const g of [...new Set(row.genres)].sort((a, b) => a - b)) genreIdx.push(g);
    genrePtr[m + 1] = genreIdx.length;
  });
  return {
    movieIds: Uint32Array.from(rows, (r) => r.id),
    titles,
    years,
    genreNames: [...MOVIELENS_GENRES],
    genrePtr,
    genreIdx: Uint8Array.from(genreIdx),
    imdbIds: new Uint32Array(rows.length),
    tmdbIds: new Uint32Array(rows.length),
  };
}

/** One users-file row with codes. */
interface UserRecord {
  id: number;
  line: number;
  gender: number;
  age: number;
  bucket: number;
  occupation: number;
  zip: string;
}

function gender(path: string, r: Record_, k: number): number {
  const g = r.fields[k];
  if (g === "F") return 0;
  if (g === "M") return 1;
  throw fieldError(path, r, k, "gender", '"F" or "M"');
}

function zip(path: string, r: Record_, k: number): string {
  const z = r.fields[k]!;
  if (z === "") throw fieldError(path, r, k, "zip code", "a non-empty zip code");
  return z;
}

async function readUUser(path: string): Promise<UserRecord[]> {
  const records = await readRecords(path, "|", ["userId", "age", "gender", "occupation", "zip"]);
  return records.map((r) => {
    const age = whole(path, r, 1, "age", 1, 120);
    const occupation = ML100K_OCCUPATIONS.indexOf(r.fields[3]!);
    if (occupation < 0) {
      throw fieldError(path, r, 3, "occupation", `one of ${ML100K_OCCUPATIONS.join(", ")}`);
    }
    return {
      id: whole(path, r, 0, "userId"),
      line: r.line,
      gender: gender(path, r, 2),
      age,
      bucket: ageBucketOf(age),
      occupation,
      zip: zip(path, r, 4),
    };
  });
}

async function readUsersDat(path: string): Promise<UserRecord[]> {
  const names = ["UserID", "Gender", "Age", "Occupation", "Zip-code"];
  const records = await readRecords(path, "::", names);
  const codes = AGE_BUCKETS.map((b) => b.code);
  return records.map((r) => {
    const age = WHOLE.test(r.fields[2]!) ? Number(r.fields[2]) : NaN;
    const bucket = codes.indexOf(age);
    if (bucket < 0) throw fieldError(path, r, 2, "Age", `one of the codes ${codes.join(", ")}`);
    return {
      id: whole(path, r, 0, "UserID"),
      line: r.line,
      gender: gender(path, r, 1),
      age,
      bucket,
      occupation: whole(path, r, 3, "Occupation", 0, ML1M_OCCUPATIONS.length - 1),
      zip: zip(path, r, 4),
    };
  });
}

/** The users table aligned with the dense user ids; every rated user must be described. */
function alignUsers(
  path: string,
  ratingsPath: string,
  records: UserRecord[],
  userIds: Uint32Array,
  occupationNames: readonly string[],
): Users {
  const byId = new Map<number, UserRecord>();
  for (const rec of records) {
    const seen = byId.get(rec.id);
    if (seen !== undefined) {
      throw new Error(
        `${path} line ${rec.line}: userId ${rec.id} again (first at line ${seen.line}); ` +
          "expected each user once",
      );
    }
    byId.set(rec.id, rec);
  }
  const n = userIds.length;
  const users = {
    userIds: userIds.slice(),
    genders: new Uint8Array(n),
    ages: new Uint8Array(n),
    ageBuckets: new Uint8Array(n),
    occupations: new Uint8Array(n),
    occupationNames: [...occupationNames],
    zips: new Array<string>(n),
  };
  for (let u = 0; u < n; u++) {
    const rec = byId.get(userIds[u]!);
    if (rec === undefined) {
      throw new Error(
        `${ratingsPath}: userId ${userIds[u]} has ratings but no line in ${path}; ` +
          "expected every rating's user in the users file",
      );
    }
    users.genders[u] = rec.gender;
    users.ages[u] = rec.age;
    users.ageBuckets[u] = rec.bucket;
    users.occupations[u] = rec.occupation;
    users.zips[u] = rec.zip;
  }
  return users;
}

/**
 * Reads one ratings file of ML-100K's format (u.data and its folds u1.base … u5.test:
 * tab-separated userId, movieId, rating, timestamp) or ML-1M's (ratings.dat, `::`-separated) into
 * a matrix with its own id maps (`ids`), with the same strict errors as the folder loader.
 *
 * @param path The file.
 * @param release Its format.
 * @param options Threads.
 * @returns The ratings, dense ids in ascending raw id.
 *
 * @example
 * ```ts
 * import { loadClassicRatings } from "./load_classic.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/u1.test`, "7\t50\t5\t881250949\n3\t50\t4\t881250950\n");
 * const m = await loadClassicRatings(`${dir}/u1.test`, "ml-100k");
 * await Deno.remove(dir, { recursive: true });
 * if (m.nnz !== 2 || m.ids?.userIds.join() !== "3,7" || m.ids.itemIds.join() !== "50") {
 *   throw new Error("two ratings of movie 50 by users 3 and 7");
 * }
 * ```
 */
export async function loadClassicRatings(
  path: string,
  release: ClassicRelease,
  options: ClassicLoadOptions = {},
): Promise<RatingMatrix> {
  const columns = await readRatings(path, release === "ml-100k" ? "\t" : "::");
  return (await buildRatings(path, columns, options.threads)).ratings;
}

/** Options of {@linkcode loadClassicMovieLens}. */
export interface ClassicLoadOptions {
  /** Kernel threads for the matrix build (default: `RECSYS_THREADS` or all cores). */
  threads?: number;
}

/**
 * Which release a folder holds, by its ratings file: `"csv"` (ratings.csv), `"ml-100k"` (u.data)
 * or `"ml-1m"` (ratings.dat); `undefined` when none is there.
 *
 * @param dir The folder.
 * @returns The format.
 *
 * @example
 * ```ts
 * import { detectRelease } from "./load_classic.ts";
 * if (await detectRelease("../shared/data/ml-latest-small") !== "csv") throw new Error("CSV");
 * ```
 */
export async function detectRelease(dir: string): Promise<"csv" | ClassicRelease | undefined> {
  const isFile = async (p: string) => {
    try {
      return (await Deno.stat(p)).isFile;
    } catch {
      return false;
    }
  };
  if (await isFile(`${dir}/ratings.csv`)) return "csv";
  if (await isFile(`${dir}/u.data`)) return "ml-100k";
  if (await isFile(`${dir}/ratings.dat`)) return "ml-1m";
  return undefined;
}

/**
 * Loads an ML-100K or ML-1M folder (all three files required) into a {@linkcode Dataset} with
 * `users`. `loadMovieLens` calls this when a folder has u.data or ratings.dat instead of
 * ratings.csv.
 *
 * @param dir The folder.
 * @param release Which release's files to read.
 * @param options Threads.
 * @returns The dataset; `tags` is empty, `fromCache` false.
 *
 * @example
 * ```ts
 * import { loadClassicMovieLens } from "./load_classic.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/u.data`, "1\t2\t5\t881250949\n2\t2\t3\t881250950\n");
 * const flags = (hot: number) => Array.from({ length: 19 }, (_, g) => (g === hot ? 1 : 0)).join("|");
 * await Deno.writeTextFile(`${dir}/u.item`, `2|GoldenEye (1995)|01-Jan-1995||http://x|${flags(1)}\n`);
 * await Deno.writeTextFile(`${dir}/u.user`, "1|24|M|technician|85711\n2|53|F|other|94043\n");
 * const ds = await loadClassicMovieLens(dir, "ml-100k");
 * await Deno.remove(dir, { recursive: true });
 * if (ds.ratings.nnz !== 2 || ds.movies.genreNames[ds.movies.genreIdx[0]!] !== "Action") {
 *   throw new Error("two ratings of an action movie");
 * }
 * if (ds.users?.ages[1] !== 53 || ds.users.ageBuckets[1] !== 5) throw new Error("50-55 bucket");
 * ```
 */
export async function loadClassicMovieLens(
  dir: string,
  release: ClassicRelease,
  options: ClassicLoadOptions = {},
): Promise<Dataset> {
  const started = performance.now();
  const absDir = await Deno.realPath(dir).catch(() => {
    throw new Error(`${dir}: no such folder; expected an ${release} folder`);
  });
  const [ratingsFile, moviesFile, usersFile] = CLASSIC_FILES[release];
  const ratingsPath = `${absDir}/${ratingsFile}`;
  const moviesPath = `${absDir}/${moviesFile}`;
  const usersPath = `${absDir}/${usersFile}`;
  const ml100k = release === "ml-100k";
  const [columns, movieRows, userRecords] = await Promise.all([
    readRatings(ratingsPath, ml100k ? "\t" : "::"),
    ml100k ? readUItem(moviesPath) : readMoviesDat(moviesPath),
    ml100k ? readUUser(usersPath) : readUsersDat(usersPath),
  ]);
  const built = await buildRatings(ratingsPath, columns, options.threads);
  const movies = toMovies(moviesPath, movieRows);
  const catalogue = new Set(movies.movieIds);
  for (let j = 0; j < built.rawMovies.length; j++) {
    if (!catalogue.has(built.rawMovies[j]!)) {
      throw new Error(
        `${ratingsPath} line ${columns.lines[j]}: movieId ${built.rawMovies[j]} is not in ` +
          `${moviesPath}; expected every rated movie in the catalogue`,
      );
    }
  }
  const occupationNames = ml100k ? ML100K_OCCUPATIONS : ML1M_OCCUPATIONS;
  const users = alignUsers(usersPath, ratingsPath, userRecords, built.userIds, occupationNames);
  return {
    name: absDir.slice(absDir.lastIndexOf("/") + 1),
    dir: absDir,
    ratings: built.ratings,
    userIds: built.userIds,
    itemIds: built.itemIds,
    movies,
    tags: emptyTags(),
    users,
    loadSeconds: (performance.now() - started) / 1000,
    fromCache: false,
  };
}
