/**
 * Title search for autocomplete: words typed in any case, with or without accents, in the
 * natural order ("the matrix") or GroupLens' ("Matrix, The"), with an optional year, ranked by
 * how well the title matches and then by popularity.
 *
 * Each title is normalised (Unicode NFD with the combining marks removed, ß/æ/œ/ø/ł spelled out,
 * lower case, every run of other characters one space) and split into words; a title of the form
 * "Matrix, The" also counts as "the matrix", and an alternative title in parentheses
 * ("City of Lost Children, The (Cité des enfants perdus, La)") is searchable too. A sorted word
 * list with posting lists makes a query cost a binary search per typed word plus the postings of
 * the words it prefixes; the ranking then walks the titles in popularity order and stops as soon as
 * the first `limit` cannot change (the whole-title and title-start levels come from a map and a
 * sorted key list), so a one-letter query does not rank all 87k titles (measured by
 * `./run bench --only serve`: `search.autocomplete_p99_ms`).
 *
 * A query matches a title when every query word is a prefix of one of the title's words. A
 * four-digit number from 1870 to 2100 is a year: it matches a title from that year, or a title
 * word. Ranking, best first: the whole title equals the query, the title starts with the query,
 * every query word is a whole title word, the rest; within a level, more ratings first, then
 * alphabetical.
 *
 * @module
 */

/** One searchable title. */
export interface SearchEntry {
  /** The caller's id (e.g. a dense item index). */
  id: number;
  /** The title as in movies.csv, without the year ("Matrix, The"). */
  title: string;
  /** Release year, 0 when unknown. */
  year: number;
  /** Popularity used to rank equal matches (e.g. number of ratings). */
  popularity: number;
}

/** One result of {@linkcode TitleIndex.search}. */
export interface SearchHit extends SearchEntry {
  /** The title with a trailing article moved to the front ("The Matrix"). */
  display: string;
  /** 3: the whole title, 2: the title's start, 1: whole words, 0: word prefixes. */
  match: number;
}

const FOLD: Record<string, string> = {
  "ß": "ss",
  "æ": "ae",
  "œ": "oe",
  "ø": "o",
  "ł": "l",
  "đ": "d",
  "ð": "d",
  "þ": "th",
  "ı": "i",
};

/**
 * Lower case without accents, every run of non-alphanumerics a single space, trimmed.
 *
 * @example
 * ```ts
 * import { normalizeText } from "./search.ts";
 * if (normalizeText("  Amélie (Fabuleux destin d'Amélie Poulain, Le)") !==
 *   "amelie fabuleux destin d amelie poulain le") throw new Error("folded");
 * if (normalizeText("Straße") !== "strasse") throw new Error("ß");
 * ```
 */
export function normalizeText(s: string): string {
  return s.normalize("NFD").replace(/\p{M}+/gu, "").toLowerCase()
    .replace(/[ßæœøłđðþı]/g, (c) => FOLD[c] ?? c)
    .replace(/[^\p{L}\p{N}]+/gu, " ").trim();
}

const TRAILING_ARTICLE =
  /^(.+), (the|a|an|les|la|le|l'|el|los|las|il|lo|gli|i|der|die|das|den|det|de|het|een|ein|eine|o|os|as|um|uma|en|et)$/i;

/**
 * A GroupLens title with its trailing article moved to the front: "Matrix, The" → "The Matrix",
 * "Haine, La" → "La Haine", "L'Avventura"-style elisions kept; others unchanged. An alternative
 * title in parentheses is moved the same way.
 *
 * @example
 * ```ts
 * import { displayTitle } from "./search.ts";
 * if (displayTitle("Matrix, The") !== "The Matrix") throw new Error("the");
 * if (displayTitle("City of Lost Children, The (Cité des enfants perdus, La)") !==
 *   "The City of Lost Children (La Cité des enfants perdus)") throw new Error("both");
 * if (displayTitle("Toy Story") !== "Toy Story") throw new Error("unchanged");
 * ```
 */
export function displayTitle(title: string): string {
  const move = (t: string) => {
    const m = t.trim().match(TRAILING_ARTICLE);
    if (!m) return t.trim();
    const article = m[2]!;
    return article.endsWith("'") ? `${article}${m[1]}` : `${article} ${m[1]}`;
  };
  const alt = title.match(/^(.*?)\s*\((.+)\)\s*$/);
  if (alt && alt[1]!.length > 0) return `${move(alt[1]!)} (${move(alt[2]!)})`;
  return move(title);
}

/** The first position ≥ `prefix` in a sorted list. */
function lowerBound(list: readonly string[], prefix: string): number {
  let lo = 0, hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]! < prefix) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function isYear(word: string): boolean {
  if (!/^\d{4}$/.test(word)) return false;
  const y = Number(word);
  return y >= 1870 && y <= 2100;
}

/**
 * A prebuilt title index.
 *
 * @example
 * ```ts
 * import { TitleIndex } from "./search.ts";
 * const index = new TitleIndex([
 *   { id: 0, title: "Matrix, The", year: 1999, popularity: 278 },
 *   { id: 1, title: "Matrix Reloaded, The", year: 2003, popularity: 57 },
 *   { id: 2, title: "Animatrix, The", year: 2003, popularity: 9 },
 *   { id: 3, title: "Amélie (Fabuleux destin d'Amélie Poulain, Le)", year: 2001, popularity: 120 },
 * ]);
 * const hits = index.search("the matrix");
 * if (hits.map((h) => h.id).join() !== "0,1") throw new Error(`${hits.map((h) => h.id)}`);
 * if (index.search("MATRIX 2003")[0]?.id !== 1) throw new Error("year");
 * if (index.search("amelie")[0]?.display !== "Amélie (Le Fabuleux destin d'Amélie Poulain)") {
 *   throw new Error("accents");
 * }
 * ```
 */
export class TitleIndex {
  /** The entries, in the order given. */
  readonly entries: readonly SearchEntry[];
  #display: string[];
  #keys: string[][]; // normalised whole-title forms per entry
  #wordText: string[]; // " w1 w2 … " per entry, for whole-word tests
  #words: string[]; // sorted distinct words
  #postPtr: Uint32Array;
  #post: Uint32Array;
  #mark: Uint32Array;
  #generation = 0;
  #order: Uint32Array; // entries best first by popularity, then display title, then id
  #rank: Uint32Array; // position of each entry in #order
  #exact: Map<string, number[]>; // whole-title form → entries
  #sortedKeys: string[]; // every whole-title form, sorted
  #sortedKeyEntry: Uint32Array; // its entry

  /** Builds the index (a second or two for 87k titles: the word postings, the popularity order and the sorted keys). */
  constructor(entries: readonly SearchEntry[]) {
    this.entries = entries;
    const n = entries.length;
    this.#display = new Array(n);
    this.#keys = new Array(n);
    this.#wordText = new Array(n);
    const byWord = new Map<string, number[]>();
    for (let e = 0; e < n; e++) {
      const { title } = entries[e]!;
      const display = displayTitle(title);
      this.#display[e] = display;
      const alt = display.match(/^(.*?)\s*\((.+)\)\s*$/);
      const keys = new Set([normalizeText(display), normalizeText(title)]);
      if (alt) {
        keys.add(normalizeText(alt[1]!));
        keys.add(normalizeText(alt[2]!));
      }
      const bare = title.replace(/\s*\(.*\)\s*$/, "").match(TRAILING_ARTICLE);
      if (bare) keys.add(normalizeText(bare[1]!)); // "Matrix, The" is also just "matrix"
      this.#keys[e] = [...keys];
      const words = new Set(normalizeText(`${title} ${display}`).split(" "));
      this.#wordText[e] = ` ${[...words].join(" ")} `;
      for (const w of words) {
        if (w === "") continue;
        let list = byWord.get(w);
        if (!list) byWord.set(w, list = []);
        list.push(e);
      }
    }
    this.#words = [...byWord.keys()].sort();
    this.#postPtr = new Uint32Array(this.#words.length + 1);
    let total = 0;
    this.#words.forEach((w, j) => {
      total += byWord.get(w)!.length;
      this.#postPtr[j + 1] = total;
    });
    this.#post = new Uint32Array(total);
    this.#words.forEach((w, j) => this.#post.set(byWord.get(w)!, this.#postPtr[j]!));
    this.#mark = new Uint32Array(n);
    this.#order = Uint32Array.from({ length: n }, (_, e) => e).sort((a, b) => {
      const pa = entries[a]!.popularity, pb = entries[b]!.popularity;
      if (pa !== pb) return pb - pa;
      const da = this.#display[a]!, db = this.#display[b]!;
      if (da !== db) return da < db ? -1 : 1;
      return a - b;
    });
    this.#rank = new Uint32Array(n);
    this.#order.forEach((e, r) => this.#rank[e] = r);
    this.#exact = new Map();
    const pairs: [string, number][] = [];
    for (let e = 0; e < n; e++) {
      for (const key of this.#keys[e]!) {
        let list = this.#exact.get(key);
        if (!list) this.#exact.set(key, list = []);
        list.push(e);
        pairs.push([key, e]);
      }
    }
    pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1]));
    this.#sortedKeys = pairs.map((p) => p[0]);
    this.#sortedKeyEntry = Uint32Array.from(pairs, (p) => p[1]);
  }

  /** The first word position ≥ `prefix` in the sorted word list. */
  #lowerBound(prefix: string): number {
    return lowerBound(this.#words, prefix);
  }

  /**
   * Titles matching `query`, best first (see the module notes); at most `limit` (default 10).
   * An empty query returns nothing.
   */
  search(query: string, options: { limit?: number } = {}): SearchHit[] {
    const limit = options.limit ?? 10;
    const q = normalizeText(query);
    if (q === "" || limit < 1) return [];
    const tokens = q.split(" ");
    if (this.#generation + tokens.length + 1 >= 0xffff_fff0) {
      this.#mark.fill(0);
      this.#generation = 0;
    }
    const base = this.#generation;
    this.#generation += tokens.length;
    const final = base + tokens.length;
    tokens.forEach((token, t) => {
      const year = isYear(token) ? Number(token) : 0;
      const visit = (e: number) => {
        if (this.#mark[e] !== base + t) {
          if (!(t === 0 && this.#mark[e]! <= base)) return;
        }
        this.#mark[e] = base + t + 1;
      };
      for (let j = this.#lowerBound(token); j < this.#words.length; j++) {
        if (!this.#words[j]!.startsWith(token)) break;
        for (let p = this.#postPtr[j]!; p < this.#postPtr[j + 1]!; p++) visit(this.#post[p]!);
      }
      if (year > 0) {
        for (let e = 0; e < this.entries.length; e++) {
          if (this.entries[e]!.year === year) visit(e);
        }
      }
    });
    const isCandidate = (e: number) => this.#mark[e] === final;
    const words = tokens.filter((w) => !isYear(w));
    const text = words.join(" ");
    const byRank = (a: number, b: number) => this.#rank[a]! - this.#rank[b]!;
    // Level 3 (the whole title) from the exact map; level 2 (the title's start) from the sorted
    // keys when few keys start with the text, else found while scanning.
    const level3 = text === "" ? [] : [...new Set(this.#exact.get(text) ?? [])]
      .filter(isCandidate).sort(byRank).slice(0, limit);
    const taken = new Set(level3);
    let level2: number[] = [];
    let level2InScan = false;
    if (text !== "") {
      const lo = lowerBound(this.#sortedKeys, text);
      let hi = lo;
      while (
        hi < this.#sortedKeys.length && hi - lo <= 4096 && this.#sortedKeys[hi]!.startsWith(text)
      ) {
        hi++;
      }
      if (hi - lo > 4096) level2InScan = true;
      else {
        const found = new Set<number>();
        for (let j = lo; j < hi; j++) {
          const e = this.#sortedKeyEntry[j]!;
          if (isCandidate(e) && !taken.has(e)) found.add(e);
        }
        level2 = [...found].sort(byRank).slice(0, limit);
        for (const e of level2) taken.add(e);
      }
    }
    // Level 1 (every word whole) is possible only if every word is a word of some title.
    const level1Possible = words.every((w) => {
      const j = this.#lowerBound(w);
      return this.#words[j] === w;
    });
    const level1: number[] = [], level0: number[] = [];
    // The rest in rank order: the first found of each level are its best, so stop as soon as the
    // levels that can still grow cannot change the first `limit`.
    const enough = () => {
      const top = level3.length + level2.length;
      if (level2InScan) return top >= limit;
      if (level1Possible) return top + level1.length >= limit;
      return top + level0.length >= limit;
    };
    if (!enough()) {
      for (let r = 0; r < this.#order.length; r++) {
        const e = this.#order[r]!;
        if (!isCandidate(e) || taken.has(e)) continue;
        let match = 0;
        if (level2InScan && this.#keys[e]!.some((k) => k.startsWith(text))) match = 2;
        else if (words.every((w) => this.#wordText[e]!.includes(` ${w} `))) match = 1;
        const list = match === 2 ? level2 : match === 1 ? level1 : level0;
        if (list.length < limit) list.push(e);
        if (enough()) break;
      }
    }
    const best = [
      ...level3.map((e) => ({ e, match: 3 })),
      ...level2.map((e) => ({ e, match: 2 })),
      ...level1.map((e) => ({ e, match: 1 })),
      ...level0.map((e) => ({ e, match: 0 })),
    ].slice(0, limit);
    return best.map(({ e, match }) => ({
      ...this.entries[e]!,
      display: this.#display[e]!,
      match,
    }));
  }
}
