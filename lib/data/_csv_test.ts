import { csvParseRows } from "../deps/d3_dsv.ts";
import { assert, assertEquals, assertRejects } from "../../tests/_assert.ts";
import { CsvReader } from "./_csv.ts";
import { readMovies, readTags, splitTitle } from "./side_files.ts";

const SMALL = new URL("../../../shared/data/ml-latest-small", import.meta.url).pathname;

interface Parsed {
  rows: string[][];
  lines: number[];
}

/** Every data row of `path` as strings, with the line each starts on. */
async function readAll(path: string, header: string[], chunkBytes?: number): Promise<Parsed> {
  const csv = await CsvReader.open(path, header, { chunkBytes });
  assert(csv !== undefined, `${path} exists`);
  const rows: string[][] = [];
  const lines: number[] = [];
  try {
    while (await csv.fill()) {
      while (csv.next()) {
        rows.push(Array.from({ length: csv.count }, (_, k) => csv.text(k)));
        lines.push(csv.line);
      }
    }
  } finally {
    csv.close();
  }
  return { rows, lines };
}

async function withFile<T>(content: string | Uint8Array, fn: (path: string) => Promise<T>) {
  const path = await Deno.makeTempFile({ prefix: "csv_test_", suffix: ".csv" });
  try {
    if (typeof content === "string") await Deno.writeTextFile(path, content);
    else await Deno.writeFile(path, content);
    return await fn(path);
  } finally {
    await Deno.remove(path);
  }
}

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  "",
  "plain",
  "a,b",
  'say "hi"',
  '"',
  '""',
  ",",
  "multi\nline",
  "crlf\r\ninside",
  "lone\rcr",
  "ünïcödé ☃ 𝄞 日本語",
  " spaced ",
  "tab\there",
  'ab"c',
];

/** Line breaks in `s`, counting CRLF once. */
function breaks(s: string): number {
  return (s.match(/\r\n|\r|\n/g) ?? []).length;
}

/** A random well-formed CSV text with 3 columns, and its rows and their start lines. */
function randomCsv(seed: number): { text: string; expected: Parsed } {
  const next = rng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!;
  const eols = ["\n", "\r\n", "\r"];
  let text = next() < 0.3 ? "\uFEFF" : "";
  text += "x,y,z" + pick(eols);
  let line = 2;
  const rows: string[][] = [];
  const lines: number[] = [];
  const nRows = 1 + Math.floor(next() * 40);
  for (let r = 0; r < nRows; r++) {
    const row = [pick(PIECES), pick(PIECES), pick(PIECES)];
    const fields = row.map((f) => {
      // A field holding a quote or a line break must be quoted; one starting with a quote too.
      const must = /[",\r\n]/.test(f);
      return must || next() < 0.2 ? `"${f.replaceAll('"', '""')}"` : f;
    });
    rows.push(row);
    lines.push(line);
    line += row.reduce((n, f) => n + breaks(f), 0);
    const last = r === nRows - 1;
    if (!last || next() < 0.7) {
      text += fields.join(",") + pick(eols);
      line++;
    } else text += fields.join(",");
  }
  // Blank lines may end the file (after a lone CR, an LF would merely complete a CRLF).
  if (text.endsWith("\r") || text.endsWith("\n")) {
    const blank = Math.floor(next() * 3);
    for (let k = 0; k < blank; k++) text += text.endsWith("\r") ? "\r" : pick(eols);
  }
  return { text, expected: { rows, lines } };
}

Deno.test("CsvReader: random well-formed files match d3-dsv, for many chunk sizes", async () => {
  for (let seed = 1; seed <= 40; seed++) {
    const { text, expected } = randomCsv(seed);
    // The reference parser agrees on the rows (d3-dsv yields [""] for blank lines).
    const d3 = csvParseRows(text.replace(/^\uFEFF/, "")).slice(1)
      .filter((row) => !(row.length === 1 && row[0] === ""));
    assertEquals(d3, expected.rows, `seed ${seed}: d3-dsv`);
    await withFile(text, async (path) => {
      for (const chunkBytes of [16, 17, 23, 64, 1 << 22]) {
        const got = await readAll(path, ["x", "y", "z"], chunkBytes);
        assertEquals(got, expected, `seed ${seed}, chunk ${chunkBytes}`);
      }
    });
  }
});

Deno.test("CsvReader: blank lines at the end of the file are ignored, whatever the chunk", async () => {
  const endings = ["\n", "\n\n", "\r\n\r\n\r\n", "\r\r", "\n\r\n\r", "\r\n\n"];
  for (const ending of endings) {
    await withFile(`a,b\r\n1,"x\n\ny"${ending}`, async (path) => {
      for (const chunkBytes of [16, 17, 1 << 22]) {
        const got = await readAll(path, ["a", "b"], chunkBytes);
        assertEquals(got, { rows: [["1", "x\n\ny"]], lines: [2] }, JSON.stringify(ending));
      }
    });
  }
  await withFile("a,b\n\n\r\n", async (path) => {
    assertEquals(await readAll(path, ["a", "b"]), { rows: [], lines: [] }, "header only");
  });
});

Deno.test("CsvReader: a field that is not valid UTF-8 is read as Latin-1, the others as UTF-8", async () => {
  const utf8 = (text: string) => [...new TextEncoder().encode(text)];
  // Row 2 holds "Café" with é as the Latin-1 byte 0xE9; rows 3 and 4 are UTF-8 (é is C3 A9).
  const bytes = new Uint8Array([
    ...utf8("a,b\n1,Caf"),
    0xe9,
    ...utf8("\n2,Café\n3,\u00e0 \u65e5\n"),
    ...utf8('4,"x'),
    0xff,
    ...utf8('"\n'),
  ]);
  await withFile(bytes, async (path) => {
    const got = await readAll(path, ["a", "b"], 16);
    assertEquals(got.rows.map((r) => r[1]), ["Café", "Café", "\u00e0 \u65e5", "x\u00ff"]);
  });
});

Deno.test("CsvReader: a row longer than the chunk grows the buffer", async () => {
  const long = "é".repeat(5000) + ',"' + 'q""'.repeat(3000) + '"';
  const text = `a,b\r\n${long}\r\n1,2`;
  await withFile(text, async (path) => {
    const got = await readAll(path, ["a", "b"], 16);
    assertEquals(got.rows, [["é".repeat(5000), 'q"'.repeat(3000)], ["1", "2"]]);
    assertEquals(got.lines, [2, 3]);
  });
});

Deno.test("CsvReader: u32 fields", async () => {
  const text = 'n\n0\n007\n4294967295\n"12"\n';
  await withFile(text, async (path) => {
    const csv = (await CsvReader.open(path, ["n"]))!;
    const values: number[] = [];
    while (await csv.fill()) while (csv.next()) values.push(csv.u32(0, "n"));
    csv.close();
    assertEquals(values, [0, 7, 4294967295, 12]);
  });
  const bad = ['""', "-1", "1.5", "4294967296", "99999999999999999999", "x", " 1", "1e3"];
  for (const field of bad) {
    const shown = field === '""' ? "" : field;
    await withFile(`n\r\n1\r\n${field}\r\n`, async (path) => {
      const csv = (await CsvReader.open(path, ["n"]))!;
      await assertRejects(
        async () => {
          while (await csv.fill()) while (csv.next()) csv.u32(0, "count");
        },
        Error,
        `${path} line 3: expected count to be a whole number in 0..4294967295, got "${shown}"`,
      );
      csv.close();
    });
  }
});

Deno.test("CsvReader: bad input names file, line and what was expected", async () => {
  const cases: [string, string][] = [
    ["", 'line 1: expected header "a,b", got an empty file'],
    ["\uFEFF", 'line 1: expected header "a,b", got an empty file'],
    ["a,c\n1,2\n", 'line 1: expected header "a,b", got "a,c"'],
    ["a,b,c\n", 'line 1: expected header "a,b", got "a,b,c"'],
    ["\na,b\n", 'line 1: expected header "a,b", got ""'],
    ["a,b\n1,2\n1,2,3\n", "line 3: expected 2 fields (a,b), got 3"],
    ["a,b\n1,2\r\n3\r\n", "line 3: expected 2 fields (a,b), got 1"],
    [
      'a,b\n"x\ny",1\n"p\nq"\n',
      "line 4: expected 2 fields (a,b), got 1 (an unclosed double quote?)",
    ],
    ['a,b\n1,"x\n2,3\n', "line 2: unclosed double quote in field 2"],
    ['a,b\n"p\nq",2\n1,"x\n', "line 4: unclosed double quote in field 2"],
    [
      'a,b\n1,"x"y\n',
      'line 2: expected a comma or a line end after the closing double quote of field 2, got "y"',
    ],
    ['a,b\n"x\n" 1,2\n', "line 3: expected a comma or a line end after the closing double quote"],
    [
      "a,b\n1,2\n\n3,4\n",
      "line 3 is blank; expected 2 fields (a,b) (blank lines may only end the file)",
    ],
    ["a,b\r\n\r\n1,2\r\n", "line 2 is blank; expected 2 fields (a,b)"],
    ["a,b\n1,2\r\r\r3,4", "line 3 is blank; expected 2 fields (a,b)"],
    ["a,b\n1,2\n\n\n3\n", "line 3 is blank; expected 2 fields (a,b)"],
    ['a,b\n\n1,"x\n', "line 2 is blank; expected 2 fields (a,b)"],
    ['a,b\n"p\n\nq",1\n\n"r",2', "line 5 is blank; expected 2 fields (a,b)"],
  ];
  for (const [text, message] of cases) {
    for (const chunkBytes of [16, 1 << 22]) {
      await withFile(text, async (path) => {
        await assertRejects(
          () => readAll(path, ["a", "b"], chunkBytes),
          Error,
          `${path} ${message}`,
        );
      });
    }
  }
  assertEquals(await CsvReader.open("/nonexistent/x.csv", ["a"]), undefined);
});

Deno.test("readTags: ml-latest-small equals the d3-dsv parse", async () => {
  const text = await Deno.readTextFile(`${SMALL}/tags.csv`);
  const rows = csvParseRows(text).slice(1);
  const t = await readTags(SMALL);
  assertEquals(t.tags, rows.map((r) => r[2]));
  assertEquals(Array.from(t.userIds), rows.map((r) => Number(r[0])));
  assertEquals(Array.from(t.movieIds), rows.map((r) => Number(r[1])));
  assertEquals(Array.from(t.times), rows.map((r) => Number(r[3])));
  assertEquals(new Set(t.tagVocab).size, t.tagVocab.length, "vocabulary entries are distinct");
  assertEquals(t.tagVocab, [...new Set(t.tags)], "vocabulary in order of first appearance");
  for (let i = 0; i < t.tags.length; i++) {
    assert(t.tags[i] === t.tagVocab[t.tagIndex[i]!], `row ${i}`);
  }
});

Deno.test("readMovies: ml-latest-small equals the d3-dsv parse (ids, titles, years, genres, links)", async () => {
  const movies = csvParseRows(await Deno.readTextFile(`${SMALL}/movies.csv`)).slice(1);
  const links = csvParseRows(await Deno.readTextFile(`${SMALL}/links.csv`)).slice(1);
  const m = await readMovies(SMALL);
  assertEquals(Array.from(m.movieIds), movies.map((r) => Number(r[0])));
  const split = movies.map((r) => splitTitle(r[1]!));
  assertEquals(m.titles, split.map((t) => t.title));
  assertEquals(Array.from(m.years), split.map((t) => t.year));
  const genres = movies.map((r) => [...new Set(r[2] === "" ? [] : r[2]!.split("|"))]);
  const got = movies.map((_, row) => {
    const names: string[] = [];
    for (let k = m.genrePtr[row]!; k < m.genrePtr[row + 1]!; k++) {
      names.push(m.genreNames[m.genreIdx[k]!]!);
    }
    return names;
  });
  assertEquals(got, genres);
  const link = new Map(links.map((r) => [Number(r[0]), [Number(r[1]), Number(r[2] || 0)]]));
  assertEquals(link.size, m.movieIds.length, "one links.csv row per movie");
  assertEquals(Array.from(m.imdbIds), Array.from(m.movieIds, (id) => link.get(id)?.[0] ?? -1));
  assertEquals(Array.from(m.tmdbIds), Array.from(m.movieIds, (id) => link.get(id)?.[1] ?? -1));
});

Deno.test("readTags: quoted commas, quotes, line breaks, BOM, CRLF, odd bytes", async () => {
  const text = "\uFEFFuserId,movieId,tag,timestamp\r\n" +
    '1,10,"funny, really",100\r\n' +
    '2,10,"the ""best"" one",200\n' +
    '3,11,"two\r\nlines",300\r\n' +
    "4,11,funny,400\r\n" +
    '5,12,"",500\n' +
    '6,12,"nul\u0000inside",600\n' +
    "7,12,日本語 ☃,700\n" +
    '8,13,"funny, really",800\r\n\r\n';
  const dir = await Deno.makeTempDir({ prefix: "csv_test_tags_" });
  try {
    await Deno.writeTextFile(`${dir}/tags.csv`, text);
    const t = await readTags(dir);
    const expected = [
      "funny, really",
      'the "best" one',
      "two\r\nlines",
      "funny",
      "",
      "nul\u0000inside",
      "日本語 ☃",
      "funny, really",
    ];
    assertEquals(t.tags, expected);
    assertEquals(
      t.tags,
      csvParseRows(text.slice(1)).slice(1).filter((r) => r.length > 1).map((r) => r[2]),
    );
    assertEquals(t.tagVocab, expected.slice(0, 7));
    assertEquals(Array.from(t.tagIndex), [0, 1, 2, 3, 4, 5, 6, 0]);
    assertEquals(Array.from(t.userIds), [1, 2, 3, 4, 5, 6, 7, 8]);
    assertEquals(Array.from(t.times), [100, 200, 300, 400, 500, 600, 700, 800]);
    // Tags that are not valid UTF-8 are Latin-1 (as in movies.csv), never U+FFFD: 0xFF is ÿ, 0xFE
    // is þ, and Latin-1 "Caf\xE9" meets UTF-8 "Café" as one vocabulary entry.
    const utf8 = (text: string) => [...new TextEncoder().encode(text)];
    const bytes = new Uint8Array([
      ...utf8("userId,movieId,tag,timestamp\n1,2,"),
      0xff,
      ...utf8(",3\n1,2,"),
      0xfe,
      ...utf8(",4\n1,2,ok,5\n1,2,Café,6\n1,2,Caf"),
      0xe9,
      ...utf8(",7\n"),
    ]);
    await Deno.writeFile(`${dir}/tags.csv`, bytes);
    const odd = await readTags(dir);
    assertEquals(odd.tagVocab, ["\u00ff", "\u00fe", "ok", "Café"]);
    assertEquals(Array.from(odd.tagIndex), [0, 1, 2, 3, 3]);
    assertEquals(odd.tags, ["\u00ff", "\u00fe", "ok", "Café", "Café"]);
    assert(!odd.tags.some((t) => t.includes("\uFFFD")), "no replacement characters");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
