/**
 * Readers for the MovieLens side files: movies.csv (titles and genres), links.csv (IMDb and TMDb
 * ids) and tags.csv (free-text tags), into the {@linkcode Movies} and {@linkcode Tags} shapes of
 * `types.ts`. All three are read by the one streaming byte-level CSV reader of `_csv.ts` (RFC 4180:
 * quoted fields with commas, doubled quotes and line breaks; LF, CRLF or CR line endings), which
 * makes no object per row; tags.csv (2 million rows in ML-32M) keeps each distinct tag text once.
 *
 * Bad input throws an `Error` naming the file, the line number (1 = header) and what was expected:
 * a wrong header, a wrong number of fields, a non-numeric id or timestamp, a duplicate movieId, a
 * blank line followed by more rows (blank lines may only end a file). The files are UTF-8; a field
 * that is not valid UTF-8 is read as Latin-1, the encoding of GroupLens' older releases, in all
 * three files alike (never U+FFFD).
 *
 * @module
 */

import { CsvReader } from "./_csv.ts";
import { ByteInterner } from "./_intern.ts";
import type { Movies, Tags } from "./types.ts";

/**
 * The genre vocabulary, in this fixed order: the 19 genres that occur in the MovieLens files, in
 * alphabetical order (the README's list, which spells "Children's" where the files say "Children"
 * and omits IMAX), then `"(no genres listed)"`. A genre index in {@linkcode Movies.genreIdx}
 * is a position in this list. A genre name outside the list met while reading is appended to the
 * movies' own `genreNames` in order of first appearance (this constant never changes).
 *
 * @example
 * ```ts
 * import { MOVIELENS_GENRES } from "./side_files.ts";
 * if (MOVIELENS_GENRES.indexOf("Drama") !== 7) throw new Error("unexpected order");
 * ```
 */
export const MOVIELENS_GENRES: readonly string[] = Object.freeze([
  "Action",
  "Adventure",
  "Animation",
  "Children",
  "Comedy",
  "Crime",
  "Documentary",
  "Drama",
  "Fantasy",
  "Film-Noir",
  "Horror",
  "IMAX",
  "Musical",
  "Mystery",
  "Romance",
  "Sci-Fi",
  "Thriller",
  "War",
  "Western",
  "(no genres listed)",
]);

/** A movie title split into its name and release year. */
export interface TitleYear {
  /** The title without the trailing "(year)" and without surrounding spaces. */
  title: string;
  /** The year, or 0 when the title carries none. */
  year: number;
}

/** The "(yyyy)" or "(yyyy–yyyy)" / "(yyyy- )" at the end of a title, from its last "(" on. */
const YEAR_SUFFIX = /^\((\d{4})(?:\s*[-–]\s*(?:\d{4})?\s*)?\)$/;
const LINE_TERMINATOR = /[\n\r\u2028\u2029]/;
const CLOSE_PAREN = 41;

/**
 * Split a MovieLens title such as `"Toy Story (1995)"` into `{ title: "Toy Story", year: 1995 }`.
 * Surrounding spaces are trimmed first (some titles end in `") "`). A trailing year range such as
 * `"(2006–2007)"` or `"(2016- )"` (series) yields its first year. A title with no trailing
 * parenthesised year, such as `"Babylon 5"`, yields year 0 and the trimmed title; so does a title
 * that is nothing but a year, such as `"(1995)"` (kept whole, so no title is ever empty).
 *
 * @param raw The title field of movies.csv.
 * @returns The title and year.
 *
 * @example
 * ```ts
 * import { splitTitle } from "./side_files.ts";
 * const { title, year } = splitTitle("American President, The (1995) ");
 * if (title !== "American President, The" || year !== 1995) throw new Error("unexpected");
 * if (splitTitle("Babylon 5").year !== 0) throw new Error("Babylon 5 has no year");
 * ```
 */
export function splitTitle(raw: string): TitleYear {
  // Same result as matching /^(.*?)\s*\((\d{4})(?:\s*[-–]\s*(?:\d{4})?\s*)?\)$/ on the trimmed
  // title, without the regular expression's backtracking: the year's "(" is the last "(".
  const trimmed = raw.trim();
  const open = trimmed.lastIndexOf("(");
  if (open <= 0 || trimmed.charCodeAt(trimmed.length - 1) !== CLOSE_PAREN) {
    return { title: trimmed, year: 0 };
  }
  const match = YEAR_SUFFIX.exec(trimmed.slice(open));
  const title = trimmed.slice(0, open).trimEnd();
  if (match === null || title === "" || LINE_TERMINATOR.test(title)) {
    return { title: trimmed, year: 0 };
  }
  return { title, year: Number(match[1]) };
}

/**
 * An empty catalogue (for datasets without movies.csv). Its `genreNames` is the full fixed
 * vocabulary {@linkcode MOVIELENS_GENRES}, so genre indices mean the same in every dataset.
 *
 * @returns A `Movies` value with zero rows.
 *
 * @example
 * ```ts
 * import { emptyMovies } from "./side_files.ts";
 * const m = emptyMovies();
 * if (m.movieIds.length !== 0 || m.genrePtr.length !== 1) throw new Error("unexpected");
 * ```
 */
export function emptyMovies(): Movies {
  return {
    movieIds: new Uint32Array(0),
    titles: [],
    years: new Uint16Array(0),
    genreNames: [...MOVIELENS_GENRES],
    genrePtr: new Uint32Array(1),
    genreIdx: new Uint8Array(0),
    imdbIds: new Uint32Array(0),
    tmdbIds: new Uint32Array(0),
  };
}

/**
 * Empty tags (for datasets without tags.csv).
 *
 * @returns A `Tags` value with zero rows.
 *
 * @example
 * ```ts
 * import { emptyTags } from "./side_files.ts";
 * if (emptyTags().tags.length !== 0) throw new Error("unexpected");
 * ```
 */
export function emptyTags(): Tags {
  return {
    userIds: new Uint32Array(0),
    movieIds: new Uint32Array(0),
    tags: [],
    tagVocab: [],
    tagIndex: new Uint32Array(0),
    times: new Uint32Array(0),
  };
}

/** Tag rows given as one string per row: the input of {@linkcode tagsFromStrings}. */
export interface TagRows {
  /** Raw userId of each row. */
  userIds: Uint32Array;
  /** Raw movieId of each row. */
  movieIds: Uint32Array;
  /** The tag text of each row. */
  tags: readonly string[];
  /** Seconds since the epoch of each row. */
  times: Uint32Array;
}

/**
 * Build a {@linkcode Tags} value from one string per row (for tests and hand-made data): the
 * vocabulary holds the distinct strings in order of first appearance.
 *
 * @param rows Equal-length columns.
 * @returns The tags, with `tagVocab` and `tagIndex` filled in.
 *
 * @example
 * ```ts
 * import { tagsFromStrings } from "./side_files.ts";
 * const t = tagsFromStrings({
 *   userIds: new Uint32Array([1, 2, 3]),
 *   movieIds: new Uint32Array([10, 10, 20]),
 *   tags: ["funny", "dark", "funny"],
 *   times: new Uint32Array(3),
 * });
 * if (t.tagVocab.join() !== "funny,dark" || t.tagIndex.join() !== "0,1,0") throw new Error("?");
 * ```
 */
export function tagsFromStrings(rows: TagRows): Tags {
  const n = rows.tags.length;
  if (rows.userIds.length !== n || rows.movieIds.length !== n || rows.times.length !== n) {
    throw new Error(
      `tagsFromStrings: expected equal lengths, got ${n} tags, ${rows.userIds.length} userIds, ` +
        `${rows.movieIds.length} movieIds and ${rows.times.length} times`,
    );
  }
  const ids = new Map<string, number>();
  const tagVocab: string[] = [];
  const tagIndex = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const tag = rows.tags[i]!;
    let id = ids.get(tag);
    if (id === undefined) {
      id = tagVocab.length;
      tagVocab.push(tag);
      ids.set(tag, id);
    }
    tagIndex[i] = id;
  }
  return {
    userIds: rows.userIds,
    movieIds: rows.movieIds,
    tags: materialize(tagVocab, tagIndex),
    tagVocab,
    tagIndex,
    times: rows.times,
  };
}

function joinPath(dir: string, file: string): string {
  return dir === "" ? file : `${dir.replace(/\/+$/, "")}/${file}`;
}

/**
 * Read movies.csv from `dir` (header `movieId,title,genres`) and, when present, links.csv (header
 * `movieId,imdbId,tmdbId`). Rows keep the file's order. Titles are split with
 * {@linkcode splitTitle}; genres are `|`-separated names mapped onto the fixed vocabulary
 * {@linkcode MOVIELENS_GENRES} (`"(no genres listed)"` becomes that genre; an unknown name is
 * appended to `genreNames`; an empty genres field gives no genres; a genre repeated within a row is
 * kept once). IMDb and TMDb ids are 0 where links.csv is absent, lacks the movie or leaves the
 * field empty.
 *
 * Both files are read by the streaming reader of `_csv.ts`; a field that is not valid UTF-8 (a
 * Latin-1 title) is decoded as Latin-1. Throws an `Error` naming file and line for: a missing
 * movies.csv, a wrong header, a wrong field count, a blank line followed by more rows, a
 * non-numeric movieId/imdbId/tmdbId, a duplicate movieId in either file, a links.csv row for a
 * movieId not in movies.csv, an empty genre name (`"Action||Drama"`), or more than 256 genres.
 *
 * @param dir The dataset folder, e.g. `data/raw/ml-latest-small`.
 * @returns The catalogue.
 *
 * @example
 * ```ts
 * import { readMovies } from "./side_files.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(
 *   `${dir}/movies.csv`,
 *   'movieId,title,genres\r\n1,"American President, The (1995)",Comedy|Drama|Romance\r\n',
 * );
 * const movies = await readMovies(dir);
 * if (movies.titles[0] !== "American President, The" || movies.years[0] !== 1995) {
 *   throw new Error("unexpected");
 * }
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function readMovies(dir: string): Promise<Movies> {
  const path = joinPath(dir, "movies.csv");
  const rows = await readMovieRows(path);
  const n = rows.movieIds.length;
  const genrePtr = new Uint32Array(n + 1);
  for (let r = 0; r < n; r++) genrePtr[r + 1] = genrePtr[r]! + rows.genres[r]!.length;
  const genreIdx = new Uint8Array(genrePtr[n]!);
  for (let r = 0; r < n; r++) genreIdx.set(rows.genres[r]!, genrePtr[r]);
  const links = await readLinks(joinPath(dir, "links.csv"), path, rows.rowOf);
  return {
    movieIds: Uint32Array.from(rows.movieIds),
    titles: rows.titles,
    years: Uint16Array.from(rows.years),
    genreNames: rows.genreNames,
    genrePtr,
    genreIdx,
    imdbIds: links.imdbIds,
    tmdbIds: links.tmdbIds,
  };
}

/** movies.csv as read: one entry per row in file order, genres as indices into `genreNames`. */
interface MovieRows {
  movieIds: number[];
  titles: string[];
  years: number[];
  genres: number[][];
  genreNames: string[];
  /** movieId → row. */
  rowOf: Map<number, number>;
}

async function readMovieRows(path: string): Promise<MovieRows> {
  const csv = await CsvReader.open(path, ["movieId", "title", "genres"]);
  if (csv === undefined) {
    throw new Error(`${path}: file not found (use emptyMovies() for a dataset without movies.csv)`);
  }
  const genres = new GenreLists(path);
  const rows: MovieRows = {
    movieIds: [],
    titles: [],
    years: [],
    genres: [],
    genreNames: genres.names,
    rowOf: new Map(),
  };
  const lines: number[] = [];
  try {
    while (await csv.fill()) {
      while (csv.next()) {
        const movieId = csv.u32(0, "movieId");
        const seen = rows.rowOf.get(movieId);
        if (seen !== undefined) {
          throw new Error(
            `${path} line ${csv.line}: duplicate movieId ${movieId} (first on line ${lines[seen]})`,
          );
        }
        rows.rowOf.set(movieId, rows.movieIds.length);
        rows.movieIds.push(movieId);
        lines.push(csv.line);
        const { title, year } = splitTitle(csv.text(1));
        rows.titles.push(title);
        rows.years.push(year);
        rows.genres.push(genres.of(csv.text(2), csv.line));
      }
    }
  } finally {
    csv.close();
  }
  return rows;
}

/**
 * The genre vocabulary of one movies.csv: {@linkcode MOVIELENS_GENRES}, then unknown names in order
 * of first appearance. Few distinct genres fields occur ("Comedy|Drama", …): each is split once.
 */
class GenreLists {
  readonly names: string[] = [...MOVIELENS_GENRES];
  readonly #path: string;
  readonly #index = new Map(this.names.map((g, i) => [g, i]));
  readonly #lists = new Map<string, number[]>();

  constructor(path: string) {
    this.#path = path;
  }

  /** The genre indices of a genres field, each once, in the field's order. */
  of(field: string, line: number): number[] {
    let list = this.#lists.get(field);
    if (list !== undefined) return list;
    list = [];
    if (field !== "") {
      for (const name of field.split("|")) {
        if (name === "") {
          throw new Error(
            `${this.#path} line ${line}: expected genre names separated by single "|", got "${field}"`,
          );
        }
        const g = this.#indexOf(name, line);
        if (!list.includes(g)) list.push(g);
      }
    }
    this.#lists.set(field, list);
    return list;
  }

  #indexOf(name: string, line: number): number {
    let g = this.#index.get(name);
    if (g !== undefined) return g;
    g = this.names.length;
    if (g > 255) {
      throw new Error(`${this.#path} line ${line}: more than 256 distinct genres (at "${name}")`);
    }
    this.names.push(name);
    this.#index.set(name, g);
    return g;
  }
}

/** IMDb and TMDb ids per movies.csv row from links.csv (0 where absent, missing or empty). */
async function readLinks(
  path: string,
  moviesPath: string,
  rowOf: ReadonlyMap<number, number>,
): Promise<{ imdbIds: Uint32Array; tmdbIds: Uint32Array }> {
  const imdbIds = new Uint32Array(rowOf.size);
  const tmdbIds = new Uint32Array(rowOf.size);
  const csv = await CsvReader.open(path, ["movieId", "imdbId", "tmdbId"]);
  if (csv === undefined) return { imdbIds, tmdbIds };
  const linkLine = new Map<number, number>();
  try {
    while (await csv.fill()) {
      while (csv.next()) {
        const movieId = csv.u32(0, "movieId");
        const r = rowOf.get(movieId);
        if (r === undefined) {
          throw new Error(`${path} line ${csv.line}: movieId ${movieId} is not in ${moviesPath}`);
        }
        const first = linkLine.get(movieId);
        if (first !== undefined) {
          throw new Error(
            `${path} line ${csv.line}: duplicate movieId ${movieId} (first on line ${first})`,
          );
        }
        linkLine.set(movieId, csv.line);
        imdbIds[r] = csv.start(1) === csv.end(1) ? 0 : csv.u32(1, "imdbId");
        tmdbIds[r] = csv.start(2) === csv.end(2) ? 0 : csv.u32(2, "tmdbId");
      }
    }
  } finally {
    csv.close();
  }
  return { imdbIds, tmdbIds };
}

/**
 * Read tags.csv from `dir` (header `userId,movieId,tag,timestamp`), one entry per row in file
 * order, tag text as written (quoted tags unquoted, no trimming), each distinct text decoded once
 * into `tagVocab` (UTF-8, or Latin-1 for a tag that is not valid UTF-8, as in movies.csv). The file
 * is streamed in chunks through the byte-level reader of `_csv.ts` (no object per row). Throws an
 * `Error` naming file and line for a missing file, a wrong header, a wrong field count, an unclosed
 * double quote, text after a closing double quote, a blank line followed by more rows, or a userId,
 * movieId or timestamp that is not a whole number in 0..2³²−1.
 *
 * @param dir The dataset folder.
 * @returns The tags.
 *
 * @example
 * ```ts
 * import { readTags } from "./side_files.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(
 *   `${dir}/tags.csv`,
 *   'userId,movieId,tag,timestamp\r\n2,60756,"funny, really",1445714994\r\n',
 * );
 * const tags = await readTags(dir);
 * if (tags.tags[0] !== "funny, really" || tags.times[0] !== 1445714994) throw new Error("unexpected");
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function readTags(dir: string): Promise<Tags> {
  const path = joinPath(dir, "tags.csv");
  const csv = await CsvReader.open(path, ["userId", "movieId", "tag", "timestamp"]);
  if (csv === undefined) {
    throw new Error(`${path}: file not found (use emptyTags() for a dataset without tags.csv)`);
  }
  let capacity = 1 << 16;
  let userIds = new Uint32Array(capacity);
  let movieIds = new Uint32Array(capacity);
  let tagIndex = new Uint32Array(capacity);
  let times = new Uint32Array(capacity);
  const vocab = new ByteInterner();
  let n = 0;
  try {
    while (await csv.fill()) {
      while (csv.next()) {
        if (n === capacity) {
          capacity *= 2;
          userIds = grow(userIds, capacity);
          movieIds = grow(movieIds, capacity);
          tagIndex = grow(tagIndex, capacity);
          times = grow(times, capacity);
        }
        userIds[n] = csv.u32(0, "userId");
        movieIds[n] = csv.u32(1, "movieId");
        tagIndex[n] = vocab.intern(csv.bytes, csv.start(2), csv.end(2));
        times[n] = csv.u32(3, "timestamp");
        n++;
      }
    }
  } finally {
    csv.close();
  }
  const { strings: tagVocab, remap } = vocab.decode();
  tagIndex = tagIndex.slice(0, n);
  if (remap !== undefined) { for (let i = 0; i < n; i++) tagIndex[i] = remap[tagIndex[i]!]!; }
  return {
    userIds: userIds.slice(0, n),
    movieIds: movieIds.slice(0, n),
    tags: materialize(tagVocab, tagIndex),
    tagVocab,
    tagIndex,
    times: times.slice(0, n),
  };
}

function grow(array: Uint32Array, capacity: number): Uint32Array<ArrayBuffer> {
  const grown = new Uint32Array(capacity);
  grown.set(array);
  return grown;
}

/** One string reference per row (`new Array(n)` then a fill is the fastest way to build it). */
function materialize(vocab: readonly string[], index: Uint32Array): string[] {
  const out: string[] = new Array(index.length);
  for (let i = 0; i < index.length; i++) out[i] = vocab[index[i]!]!;
  return out;
}
