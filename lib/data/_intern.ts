/**
 * Interning of UTF-8 byte strings: each distinct byte sequence gets a dense id (in order of first
 * appearance), kept once in a growing byte blob. Decoding to JavaScript strings happens once at the
 * end, with a single `TextDecoder` call over the blob (when it is all UTF-8), instead of once per
 * occurrence. Tags of ML-32M: 2 million occurrences, far fewer distinct strings.
 *
 * @module
 */

import { decodeField } from "./_csv.ts";

const FNV_OFFSET = 0x811c_9dc5;
const FNV_PRIME = 0x0100_0193;
const SEPARATOR = 0;

/** The decoded vocabulary, and how ids changed if decoding merged some (see `decode`). */
export interface DecodedVocab {
  /** Distinct strings, by id. */
  strings: string[];
  /** Old id → new id when decoding merged byte strings into equal strings; else undefined. */
  remap: Uint32Array | undefined;
}

/**
 * A set of byte strings with dense ids. Open addressing (linear probing) over FNV-1a hashes; the
 * table stays at most half full.
 *
 * @example
 * ```ts
 * import { ByteInterner } from "./_intern.ts";
 * const bytes = new TextEncoder().encode("funny,dark,funny");
 * const pool = new ByteInterner();
 * const ids = [pool.intern(bytes, 0, 5), pool.intern(bytes, 6, 10), pool.intern(bytes, 11, 16)];
 * if (ids.join() !== "0,1,0" || pool.decode().strings.join() !== "funny,dark") {
 *   throw new Error("unexpected");
 * }
 * ```
 */
export class ByteInterner {
  #table = new Int32Array(1 << 12).fill(-1);
  #hashes = new Uint32Array(1 << 10);
  /** Entry `i` is `#blob[#offsets[i] .. #offsets[i + 1] - 1)`; a separator byte follows each. */
  #offsets = new Uint32Array((1 << 10) + 1);
  #blob = new Uint8Array(1 << 14);
  #size = 0;
  #hasSeparator = false;

  /** Number of distinct byte strings so far. */
  get size(): number {
    return this.#size;
  }

  /** The id of `bytes[start..end)`, adding it when new. */
  intern(bytes: Uint8Array, start: number, end: number): number {
    let h = FNV_OFFSET;
    for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i]!, FNV_PRIME);
    h >>>= 0;
    const table = this.#table;
    const mask = table.length - 1;
    const length = end - start;
    for (let slot = h & mask;; slot = (slot + 1) & mask) {
      const id = table[slot]!;
      if (id < 0) break;
      if (this.#hashes[id] !== h) continue;
      const at = this.#offsets[id]!;
      if (this.#offsets[id + 1]! - 1 - at !== length) continue;
      const blob = this.#blob;
      let same = true;
      for (let i = 0; i < length; i++) {
        if (blob[at + i] !== bytes[start + i]) {
          same = false;
          break;
        }
      }
      if (same) return id;
    }
    return this.#add(bytes, start, end, h);
  }

  #add(bytes: Uint8Array, start: number, end: number, h: number): number {
    const id = this.#size;
    if (id + 1 >= this.#hashes.length) {
      const hashes = new Uint32Array(this.#hashes.length * 2);
      hashes.set(this.#hashes);
      this.#hashes = hashes;
      const offsets = new Uint32Array(hashes.length + 1);
      offsets.set(this.#offsets);
      this.#offsets = offsets;
    }
    const at = this.#offsets[id]!;
    const need = at + (end - start) + 1;
    if (need > this.#blob.length) {
      const blob = new Uint8Array(Math.max(need, this.#blob.length * 2));
      blob.set(this.#blob.subarray(0, at));
      this.#blob = blob;
    }
    const piece = bytes.subarray(start, end);
    if (!this.#hasSeparator && piece.includes(SEPARATOR)) this.#hasSeparator = true;
    this.#blob.set(piece, at);
    this.#blob[need - 1] = SEPARATOR;
    this.#offsets[id + 1] = need;
    this.#hashes[id] = h;
    this.#size = id + 1;
    if (this.#size * 2 > this.#table.length) this.#rehash(this.#table.length * 2);
    else this.#place(this.#table, id, h);
    return id;
  }

  #place(table: Int32Array, id: number, h: number): void {
    const mask = table.length - 1;
    let slot = h & mask;
    while (table[slot]! >= 0) slot = (slot + 1) & mask;
    table[slot] = id;
  }

  #rehash(size: number): void {
    const table = new Int32Array(size).fill(-1);
    for (let id = 0; id < this.#size; id++) this.#place(table, id, this.#hashes[id]!);
    this.#table = table;
  }

  /**
   * The distinct strings, decoded by the side files' one rule ({@linkcode decodeField}): UTF-8, or
   * Latin-1 for a byte string that is not valid UTF-8, so no byte becomes U+FFFD. A Latin-1 string
   * may equal a UTF-8 one (`Caf\xE9` and `Caf\xC3\xA9` are both "Café"); those are merged and
   * `remap` says where each old id went.
   */
  decode(): DecodedVocab {
    const n = this.#size;
    if (n === 0) return { strings: [], remap: undefined };
    const blob = this.#blob;
    const offsets = this.#offsets;
    if (!this.#hasSeparator) {
      // One call over the blob when it is all valid UTF-8 (U+0000 separates the entries).
      const text = wholeUtf8(blob.subarray(0, offsets[n]! - 1));
      if (text !== undefined) {
        const strings = text.split("\0");
        if (strings.length !== n) {
          throw new Error(`intern: ${strings.length} strings, expected ${n}`);
        }
        return { strings, remap: undefined };
      }
    }
    const strings: string[] = new Array(n);
    for (let id = 0; id < n; id++) {
      strings[id] = decodeField(blob.subarray(offsets[id], offsets[id + 1]! - 1));
    }
    return mergeEqual(strings);
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** `bytes` as UTF-8, or `undefined` when they are not valid UTF-8. */
function wholeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** Merges equal strings (first appearance keeps its place); `remap` only when some merged. */
function mergeEqual(strings: string[]): DecodedVocab {
  const n = strings.length;
  const seen = new Map<string, number>();
  const remap = new Uint32Array(n);
  const merged: string[] = [];
  for (let id = 0; id < n; id++) {
    const s = strings[id]!;
    let to = seen.get(s);
    if (to === undefined) {
      to = merged.length;
      merged.push(s);
      seen.set(s, to);
    }
    remap[id] = to;
  }
  return merged.length === n ? { strings, remap: undefined } : { strings: merged, remap };
}
