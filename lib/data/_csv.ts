/**
 * A streaming CSV reader over UTF-8 bytes, for side files too large for a row-of-strings parser
 * (tags.csv of ML-32M has 2 million rows). The file is read in chunks into one buffer; the current
 * row's fields are byte ranges of that buffer, so a caller parses numbers and interns strings with
 * no object per row.
 *
 * Format: RFC 4180. A field that starts with a double quote runs to the matching closing quote and
 * may hold commas, doubled quotes (`""` stands for `"`) and line breaks; after its closing quote
 * only a comma, a line end or the end of the file may follow. A double quote inside an unquoted
 * field is kept as a character. Rows end in LF, CRLF or a lone CR; the last row may lack a line
 * end. A UTF-8 byte order mark before the header is skipped. Blank lines at the end of the file
 * are ignored; a blank line followed by a row is an error ("line N is blank"), the rule of every
 * MovieLens reader here (ratings.csv in Zig, the ML-100K/ML-1M files in `load_classic.ts`).
 * Fields are UTF-8, or Latin-1 where a field is not valid UTF-8 ({@linkcode decodeField}).
 *
 * Errors name the file, the line (1 = header; a row's line is the one it starts on) and what was
 * expected.
 *
 * @module
 */

const COMMA = 44;
const QUOTE = 34;
const LF = 10;
const CR = 13;
const ZERO = 48;
const U32_MAX = 0xffff_ffff;

/** Options of {@linkcode CsvReader.open}. */
export interface CsvReaderOptions {
  /** Bytes read per chunk (default 4 MiB); a row longer than this grows the buffer. */
  chunkBytes?: number;
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const latin1 = new TextDecoder("latin1");

/**
 * The text of one field: UTF-8, or Latin-1 (WHATWG's `latin1`, i.e. windows-1252, the encoding of
 * GroupLens' older releases) when the bytes are not valid UTF-8, so no byte becomes U+FFFD. One
 * Latin-1 field leaves every other field's UTF-8 intact.
 *
 * @example
 * ```ts
 * import { decodeField } from "./_csv.ts";
 * if (decodeField(new Uint8Array([0x43, 0x61, 0x66, 0xe9])) !== "Café") throw new Error("Latin-1");
 * if (decodeField(new Uint8Array([0xc3, 0xa9])) !== "é") throw new Error("UTF-8");
 * ```
 */
export function decodeField(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    return latin1.decode(bytes);
  }
}

/** Describe one byte for an error message. */
function showByte(byte: number): string {
  return byte >= 32 && byte < 127
    ? `"${String.fromCharCode(byte)}"`
    : `byte 0x${byte.toString(16)}`;
}

/**
 * Reads a CSV file with a known header row by row. Typical use:
 *
 * ```ts
 * import { CsvReader } from "./_csv.ts";
 * const path = await Deno.makeTempFile();
 * await Deno.writeTextFile(path, "userId,movieId,tag,timestamp\n3,7,funny,0\n4,7,dark,0\n");
 * const csv = (await CsvReader.open(path, ["userId", "movieId", "tag", "timestamp"]))!;
 * const seen: string[] = [];
 * try {
 *   while (await csv.fill()) {
 *     // Field 2 is a byte range of csv.bytes: decode (or intern) it without a string per row.
 *     while (csv.next()) seen.push(`${csv.u32(0, "userId")}:${csv.end(2) - csv.start(2)}`);
 *   }
 * } finally {
 *   csv.close();
 * }
 * await Deno.remove(path);
 * if (seen.join() !== "3:5,4:4") throw new Error("users 3 and 4 with 5- and 4-byte tags");
 * ```
 *
 * Every data row handed out by {@linkcode CsvReader.next} has exactly `header.length` fields.
 *
 * @example
 * ```ts
 * import { CsvReader } from "./_csv.ts";
 * const path = await Deno.makeTempFile();
 * await Deno.writeTextFile(path, 'id,name\r\n7,"Smith, ""Jo"""\r\n');
 * const csv = (await CsvReader.open(path, ["id", "name"]))!;
 * const rows: [number, string][] = [];
 * while (await csv.fill()) while (csv.next()) rows.push([csv.u32(0, "id"), csv.text(1)]);
 * csv.close();
 * if (rows[0]![0] !== 7 || rows[0]![1] !== 'Smith, "Jo"') throw new Error("unexpected");
 * await Deno.remove(path);
 * ```
 */
export class CsvReader {
  /** The file's path, as used in error messages. */
  readonly path: string;
  /** The expected header fields. */
  readonly header: readonly string[];
  /**
   * The buffer holding the current row: field `k` is `bytes[start(k) .. end(k))`. A new buffer
   * replaces it when a row outgrows it, so read it afresh after each {@linkcode CsvReader.next}.
   */
  bytes: Uint8Array;
  /** The line the current row starts on (1 = header). */
  line = 1;

  #file: Deno.FsFile;
  #length = 0;
  #pos = 0;
  #eof = false;
  #closed = false;
  #nextLine = 1;
  #count = 0;
  /** The line of the first blank line met so far (0 = none): an error once a row follows it. */
  #blankLine = 0;
  #headerRead = false;
  /** Scratch of the row being parsed: the line it has reached, whether a field holds `""`. */
  #scanLines = 1;
  #scanDoubled = 0;
  #starts: Int32Array;
  #ends: Int32Array;
  #escaped: Uint8Array;
  #chunkBytes: number;

  private constructor(path: string, header: readonly string[], file: Deno.FsFile, chunk: number) {
    this.path = path;
    this.header = header;
    this.#file = file;
    this.#chunkBytes = chunk;
    this.bytes = new Uint8Array(chunk);
    this.#starts = new Int32Array(header.length);
    this.#ends = new Int32Array(header.length);
    this.#escaped = new Uint8Array(header.length);
  }

  /**
   * Opens `path` and checks its header; returns `undefined` when the file does not exist.
   * Throws (naming file and line 1) on an empty file or a header other than `header`.
   */
  static async open(
    path: string,
    header: readonly string[],
    options: CsvReaderOptions = {},
  ): Promise<CsvReader | undefined> {
    let file: Deno.FsFile;
    try {
      file = await Deno.open(path, { read: true });
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return undefined;
      throw e;
    }
    const chunk = Math.max(16, Math.floor(options.chunkBytes ?? 1 << 22));
    const csv = new CsvReader(path, header, file, chunk);
    try {
      await csv.#readHeader();
    } catch (e) {
      csv.close();
      throw e;
    }
    return csv;
  }

  /** Reads the header row, which must be the first line and equal `header`. */
  async #readHeader(): Promise<void> {
    const expected = this.header.join(",");
    await this.fill();
    const b = this.bytes;
    if (this.#length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) this.#pos = 3;
    let got: string | undefined;
    for (;;) {
      // Parse the header with room for any number of fields.
      const row = this.#row(Number.MAX_SAFE_INTEGER);
      if (row === "row") {
        if (this.line !== 1) got = "";
        else {
          const fields: string[] = [];
          for (let k = 0; k < this.#count; k++) fields.push(this.text(k));
          got = fields.join(",");
        }
        break;
      }
      if (row === "more" && await this.fill()) continue;
      break;
    }
    if (got === undefined) {
      throw new Error(`${this.path} line 1: expected header "${expected}", got an empty file`);
    }
    if (got !== expected) {
      throw new Error(`${this.path} line 1: expected header "${expected}", got "${got}"`);
    }
    this.#headerRead = true;
  }

  /** Number of fields of the current row (always `header.length` for a data row). */
  get count(): number {
    return this.#count;
  }

  /**
   * Makes room and reads the next chunk. Returns false once the file is exhausted and every row
   * has been handed out.
   */
  async fill(): Promise<boolean> {
    if (this.#closed) return false;
    if (this.#eof) return this.#pos < this.#length;
    let b = this.bytes;
    const rest = this.#length - this.#pos;
    if (this.#pos === 0 && rest === b.length) {
      const grown = new Uint8Array(b.length * 2);
      grown.set(b);
      this.bytes = b = grown;
    } else if (this.#pos > 0) {
      b.copyWithin(0, this.#pos, this.#length);
    }
    this.#pos = 0;
    this.#length = rest;
    while (this.#length < b.length) {
      const n = await this.#file.read(b.subarray(this.#length));
      if (n === null) {
        this.#eof = true;
        break;
      }
      this.#length += n;
      if (this.#length - rest >= this.#chunkBytes) break;
    }
    return this.#eof ? this.#pos < this.#length : true;
  }

  /**
   * Advances to the next data row in the buffer. Returns false when the buffer holds no complete
   * row (call {@linkcode CsvReader.fill}). Throws on a row with the wrong number of fields, an
   * unclosed double quote, text after a closing double quote, or a row after a blank line.
   */
  next(): boolean {
    const n = this.header.length;
    const row = this.#row(n);
    if (row !== "row") return false;
    if (this.#count !== n) {
      const spans = this.#nextLine - this.line > 1 ? " (an unclosed double quote?)" : "";
      throw new Error(
        `${this.path} line ${this.line}: expected ${n} fields (${
          this.header.join(",")
        }), got ${this.#count}${spans}`,
      );
    }
    return true;
  }

  /**
   * Parses one row from the buffer, storing at most `capacity` field ranges. Returns "row" after a
   * complete row, "more" when the buffer ends first and the file has more, "end" at the end.
   * Nothing is committed (position, line, unescaping) unless the row is complete.
   */
  #row(capacity: number): "row" | "more" | "end" {
    const skipped = this.#skipBlankLines();
    if (skipped !== "row") return skipped;
    if (this.#blankLine > 0 && this.#headerRead) this.#blankError();
    const b = this.bytes;
    const n = this.#length;
    const stored = Math.min(capacity, this.#starts.length);
    let p = this.#pos;
    this.#scanLines = this.#nextLine;
    let k = 0;
    let anyEscaped = false;
    for (;;) {
      let start = p;
      let end: number;
      this.#scanDoubled = 0;
      if (p < n && b[p] === QUOTE) {
        end = this.#closingQuote(p, k);
        if (end < 0) return "more";
        start = p + 1;
        p = end + 1;
      } else {
        end = p = this.#plainEnd(p);
        if (p < 0) return "more";
      }
      if (k < stored) {
        this.#starts[k] = start;
        this.#ends[k] = end;
        this.#escaped[k] = this.#scanDoubled;
        if (this.#scanDoubled) anyEscaped = true;
      } else if (k === stored && capacity > stored) {
        this.#grow(k);
        return this.#row(capacity);
      }
      k++;
      if (p >= n) break;
      if (b[p] === COMMA) {
        p++;
        continue;
      }
      p = this.#pastLineEnd(p);
      if (p < 0) return "more";
      this.#scanLines++;
      break;
    }
    this.#commit(p, k, Math.min(k, stored), anyEscaped);
    return "row";
  }

  /**
   * Skips blank lines before the next row, noting the first one met in `#blankLine`. Returns "row"
   * when a row starts at `#pos`, else "more" or "end" as {@linkcode CsvReader.next} means them.
   */
  #skipBlankLines(): "row" | "more" | "end" {
    const b = this.bytes;
    const n = this.#length;
    for (;;) {
      const p = this.#pos;
      if (p >= n) return this.#eof ? "end" : "more";
      const c = b[p]!;
      if (c !== LF && c !== CR) return "row";
      const next = this.#pastLineEnd(p);
      if (next < 0) return "more";
      if (this.#blankLine === 0) this.#blankLine = this.#nextLine;
      this.#pos = next;
      this.#nextLine++;
    }
  }

  /** Past the line end (LF, CRLF or a lone CR) at `p`; -1 when a CR ends the buffer early. */
  #pastLineEnd(p: number): number {
    const b = this.bytes;
    if (b[p] === LF) return p + 1;
    if (p + 1 < this.#length) return b[p + 1] === LF ? p + 2 : p + 1;
    return this.#eof ? p + 1 : -1;
  }

  /** Where the unquoted field at `p` ends (a comma, a line end, the file's end); -1 for "more". */
  #plainEnd(p: number): number {
    const b = this.bytes;
    const n = this.#length;
    while (p < n) {
      const c = b[p]!;
      if (c === COMMA || c === LF || c === CR) return p;
      p++;
    }
    return this.#eof ? p : -1;
  }

  /**
   * The closing quote of field `k`, quoted from `open`; -1 when the buffer ends first. Adds the
   * line breaks inside to `#scanLines`, sets `#scanDoubled` when the field holds a `""`. Throws on
   * an unclosed quote or on text after the closing quote.
   */
  #closingQuote(open: number, k: number): number {
    const b = this.bytes;
    const n = this.#length;
    let lines = this.#scanLines;
    let r = open + 1;
    for (;;) {
      if (r >= n) {
        if (!this.#eof) return -1;
        throw new Error(
          `${this.path} line ${this.#scanLines}: unclosed double quote in field ${
            k + 1
          }; expected a closing " before the end of the file`,
        );
      }
      const c = b[r]!;
      if (c === QUOTE) {
        if (r + 1 < n && b[r + 1] === QUOTE) {
          this.#scanDoubled = 1;
          r += 2;
          continue;
        }
        break;
      }
      if (c === LF || (c === CR && (r + 1 >= n || b[r + 1] !== LF))) lines++;
      r++;
    }
    if (r + 1 >= n) {
      if (!this.#eof) return -1;
    } else {
      const c = b[r + 1]!;
      if (c !== COMMA && c !== LF && c !== CR) {
        throw new Error(
          `${this.path} line ${lines}: expected a comma or a line end after the closing ` +
            `double quote of field ${k + 1}, got ${showByte(c)}`,
        );
      }
    }
    this.#scanLines = lines;
    return r;
  }

  /** A row follows a blank line: the blank line is the error. */
  #blankError(): never {
    throw new Error(
      `${this.path} line ${this.#blankLine} is blank; expected ${this.header.length} fields (${
        this.header.join(",")
      }) (blank lines may only end the file)`,
    );
  }

  /** Commits a complete row of `k` fields ending before `p`; unescapes doubled quotes in place. */
  #commit(p: number, k: number, stored: number, anyEscaped: boolean): void {
    this.line = this.#nextLine;
    this.#pos = p;
    this.#nextLine = this.#scanLines;
    this.#count = k;
    if (!anyEscaped) return;
    const starts = this.#starts;
    const ends = this.#ends;
    for (let f = 0; f < stored; f++) {
      if (this.#escaped[f]) ends[f] = unescapeQuotes(this.bytes, starts[f]!, ends[f]!);
    }
  }

  /** Room for more stored fields (only the header row asks for more than `header.length`). */
  #grow(at: number): void {
    const size = Math.max(at + 1, this.#starts.length * 2);
    const starts = new Int32Array(size), ends = new Int32Array(size);
    const escaped = new Uint8Array(size);
    starts.set(this.#starts);
    ends.set(this.#ends);
    escaped.set(this.#escaped);
    this.#starts = starts;
    this.#ends = ends;
    this.#escaped = escaped;
  }

  /** Byte offset in {@linkcode CsvReader.bytes} where field `k` of the current row starts. */
  start(k: number): number {
    return this.#starts[k]!;
  }

  /** Byte offset in {@linkcode CsvReader.bytes} just past field `k` of the current row. */
  end(k: number): number {
    return this.#ends[k]!;
  }

  /** Field `k` of the current row as a string, decoded by {@linkcode decodeField}. */
  text(k: number): string {
    return decodeField(this.bytes.subarray(this.#starts[k], this.#ends[k]));
  }

  /**
   * Field `k` of the current row as a whole number in 0..2³²−1 (decimal digits only, leading
   * zeros allowed). Throws naming file, line and `name` otherwise.
   */
  u32(k: number, name: string): number {
    const b = this.bytes;
    const s = this.#starts[k]!, e = this.#ends[k]!;
    let v = 0;
    for (let i = s; i < e; i++) {
      const d = b[i]! - ZERO;
      if (d < 0 || d > 9) return this.#notU32(k, name);
      v = v * 10 + d;
    }
    if (s === e || v > U32_MAX) return this.#notU32(k, name);
    return v;
  }

  #notU32(k: number, name: string): never {
    throw new Error(
      `${this.path} line ${this.line}: expected ${name} to be a whole number in 0..4294967295, ` +
        `got "${this.text(k)}"`,
    );
  }

  /** Closes the file (idempotent). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#file.close();
  }
}

/** Collapses each `""` in `b[start..end)` to `"` in place; returns the new end. */
function unescapeQuotes(b: Uint8Array, start: number, end: number): number {
  let w = start;
  for (let r = start; r < end; r++, w++) {
    const c = b[r]!;
    b[w] = c;
    if (c === QUOTE) r++;
  }
  return w;
}
