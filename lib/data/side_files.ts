/**
 * Readers for the MovieLens side files: movies.csv (titles and genres), links.csv (IMDb and TMDb
 * ids) and tags.csv (free-text tags), into the {@linkcode Movies} and {@linkcode Tags} shapes of
 * `types.ts`. movies.csv and links.csv (87 thousand rows at most) are parsed with the d3-dsv CSV
 * parser; tags.csv (2 million rows in ML-32M) with the streaming byte-level reader of `_csv.ts`,
 * which makes no object per row and keeps each distinct tag text once. Both follow RFC 4180
 * (quoted fields with commas, doubled quotes and line breaks; CRLF or LF line endings).
 *
 * Bad input throws an `Error` naming the file, the line number (1 = header) and what was expected:
 * a wrong header, a wrong number of fields, a non-numeric id or timestamp, a duplicate movieId.
 * Blank lines are skipped. movies.csv and links.csv are UTF-8; a line that is not valid UTF-8 is
 * read as Latin-1, the encoding of GroupLens' older releases (see {@linkcode decodeText}).
 *
 * @module
 */

// @ts-types="npm:@types/d3-dsv@3.0.7"
import { csvParseRows } from "d3-dsv";
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

/** CSV rows after the header, with the line number each row starts on. */
interface Table {
  rows: string[][];
  lines: number[];
}

function joinPath(dir: string, file: string): string {
  return dir === "" ? file : `${dir.replace(/\/+$/, "")}/${file}`;
}

/** Read a file as text, or `undefined` when it does not exist. */
async function readOptional(path: string): Promise<string | undefined> {
  try {
    return decodeText(await Deno.readFile(path));
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const latin1 = new TextDecoder("latin1");

/**
 * The text of a side file: UTF-8, except that a line which is not valid UTF-8 is read as Latin-1
 * (the encoding of GroupLens' older releases; WHATWG's `latin1`, i.e. windows-1252) instead of
 * turning its bytes into U+FFFD. Lines are decoded apart, so one Latin-1 line in a UTF-8 file
 * leaves the other lines' accents intact (a '\n' byte never occurs inside a UTF-8 sequence).
 *
 * @example
 * ```ts
 * import { decodeText } from "./side_files.ts";
 * const bytes = new Uint8Array([0x43, 0x61, 0x66, 0xe9, 0x0a, 0xc3, 0xa9]); // "Caf\xe9\n" + UTF-8 "é"
 * if (decodeText(bytes) !== "Café\né") throw new Error(decodeText(bytes));
 * ```
 */
export function decodeText(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    const lines: string[] = [];
    let start = 0;
    while (start <= bytes.length) {
      let end = bytes.indexOf(0x0a, start);
      if (end < 0) end = bytes.length;
      const line = bytes.subarray(start, end);
      try {
        lines.push(utf8.decode(line));
      } catch {
        lines.push(latin1.decode(line));
      }
      start = end + 1;
    }
    return lines.join("\n");
  }
}

function parseTable(text: string, path: string, header: readonly string[]): Table {
  const all = csvParseRows(text.startsWith("\uFEFF") ? text.slice(1) : text);
  const expected = header.join(",");
  const first = all[0];
  if (first === undefined) {
    throw new Error(`${path} line 1: expected header "${expected}", got an empty file`);
  }
  if (first.join(",") !== expected) {
    throw new Error(`${path} line 1: expected header "${expected}", got "${first.join(",")}"`);
  }
  const rows: string[][] = [];
  const lines: number[] = [];
  let line = 1 + newlines(first);
  for (let r = 1; r < all.length; r++) {
    const row = all[r]!;
    line++;
    if (row.length === 1 && row[0] === "") continue;
    if (row.length !== header.length) {
      const hint = newlines(row) > 0 ? " (an unclosed double quote?)" : "";
      throw new Error(
        `${path} line ${line}: expected ${header.length} fields (${expected}), got ${row.length}${hint}`,
      );
    }
    rows.push(row);
    lines.push(line);
    line += newlines(row);
  }
  return { rows, lines };
}

/** Line breaks inside quoted fields, which make a row span several lines. */
function newlines(row: string[]): number {
  let n = 0;
  for (const field of row) {
    if (!field.includes("\n")) continue;
    for (let i = 0; i < field.length; i++) if (field.charCodeAt(i) === 10) n++;
  }
  return n;
}

function parseU32(value: string, path: string, line: number, field: string): number {
  let n = 0;
  let digits = value.length > 0;
  for (let i = 0; i < value.length && digits; i++) {
    const d = value.charCodeAt(i) - 48;
    digits = d >= 0 && d <= 9;
    n = n * 10 + d;
  }
  if (!digits || n > 0xffff_ffff) {
    throw new Error(
      `${path} line ${line}: expected ${field} to be a whole number in 0..4294967295, got "${value}"`,
    );
  }
  return n;
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
 * Throws an `Error` naming file and line for: a missing movies.csv, a wrong header, a wrong field
 * count, a non-numeric movieId/imdbId/tmdbId, a duplicate movieId in either file, a links.csv row
 * for a movieId not in movies.csv, an empty genre name (`"Action||Drama"`), or more than 256 genres.
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
  const text = await readOptional(path);
  if (text === undefined) {
    throw new Error(`${path}: file not found (use emptyMovies() for a dataset without movies.csv)`);
  }
  const { rows, lines } = parseTable(text, path, ["movieId", "title", "genres"]);
  const n = rows.length;
  const movieIds = new Uint32Array(n);
  const titles: string[] = new Array(n);
  const years = new Uint16Array(n);
  const genreNames = [...MOVIELENS_GENRES];
  const genreIndex = new Map(genreNames.map((g, i) => [g, i]));
  const genrePtr = new Uint32Array(n + 1);
  // Few distinct genre fields ("Comedy|Drama", …): each is split and looked up once.
  const genreSets = new Map<string, number[]>();
  const rowGenres: number[][] = new Array(n);
  const rowOf = new Map<number, number>();
  for (let r = 0; r < n; r++) {
    const row = rows[r]!;
    const line = lines[r]!;
    const movieId = parseU32(row[0]!, path, line, "movieId");
    const seen = rowOf.get(movieId);
    if (seen !== undefined) {
      throw new Error(
        `${path} line ${line}: duplicate movieId ${movieId} (first on line ${lines[seen]})`,
      );
    }
    rowOf.set(movieId, r);
    movieIds[r] = movieId;
    const { title, year } = splitTitle(row[1]!);
    titles[r] = title;
    years[r] = year;
    const genres = row[2]!;
    let set = genreSets.get(genres);
    if (set === undefined) {
      set = [];
      if (genres !== "") {
        for (const name of genres.split("|")) {
          if (name === "") {
            throw new Error(
              `${path} line ${line}: expected genre names separated by single "|", got "${genres}"`,
            );
          }
          let g = genreIndex.get(name);
          if (g === undefined) {
            g = genreNames.length;
            if (g > 255) {
              throw new Error(`${path} line ${line}: more than 256 distinct genres (at "${name}")`);
            }
            genreNames.push(name);
            genreIndex.set(name, g);
          }
          if (!set.includes(g)) set.push(g);
        }
      }
      genreSets.set(genres, set);
    }
    rowGenres[r] = set;
    genrePtr[r + 1] = genrePtr[r]! + set.length;
  }
  const genreIdx = new Uint8Array(genrePtr[n]!);
  for (let r = 0; r < n; r++) genreIdx.set(rowGenres[r]!, genrePtr[r]);

  const imdbIds = new Uint32Array(n);
  const tmdbIds = new Uint32Array(n);
  const linksPath = joinPath(dir, "links.csv");
  const linksText = await readOptional(linksPath);
  if (linksText !== undefined) {
    const links = parseTable(linksText, linksPath, ["movieId", "imdbId", "tmdbId"]);
    const linkLine = new Map<number, number>();
    for (let k = 0; k < links.rows.length; k++) {
      const [id, imdb, tmdb] = links.rows[k]! as [string, string, string];
      const line = links.lines[k]!;
      const movieId = parseU32(id, linksPath, line, "movieId");
      const r = rowOf.get(movieId);
      if (r === undefined) {
        throw new Error(`${linksPath} line ${line}: movieId ${movieId} is not in ${path}`);
      }
      const first = linkLine.get(movieId);
      if (first !== undefined) {
        throw new Error(
          `${linksPath} line ${line}: duplicate movieId ${movieId} (first on line ${first})`,
        );
      }
      linkLine.set(movieId, line);
      imdbIds[r] = imdb === "" ? 0 : parseU32(imdb, linksPath, line, "imdbId");
      tmdbIds[r] = tmdb === "" ? 0 : parseU32(tmdb, linksPath, line, "tmdbId");
    }
  }
  return {
    movieIds,
    titles,
    years,
    genreNames,
    genrePtr,
    genreIdx,
    imdbIds,
    tmdbIds,
  };
}

/**
 * Read tags.csv from `dir` (header `userId,movieId,tag,timestamp`), one entry per row in file
 * order, tag text as written (quoted tags unquoted, no trimming), each distinct text decoded once
 * into `tagVocab`. The file is streamed in chunks through the byte-level reader of `_csv.ts` (no
 * object per row). Throws an `Error` naming file and line for a missing file, a wrong header, a
 * wrong field count, an unclosed double quote, text after a closing double quote, or a userId,
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
