import {
  assert,
  assertJsonEquals as assertEquals,
  assertRejectsIncluding as assertRejects,
} from "../../tests/_assert.ts";
import {
  emptyMovies,
  emptyTags,
  MOVIELENS_GENRES,
  readMovies,
  readTags,
  splitTitle,
} from "./side_files.ts";
import type { Movies } from "./types.ts";

const SMALL = new URL("../../../shared/data/ml-latest-small", import.meta.url).pathname;

function genresOf(m: Movies, row: number): string[] {
  const out: string[] = [];
  for (let k = m.genrePtr[row]!; k < m.genrePtr[row + 1]!; k++) {
    out.push(m.genreNames[m.genreIdx[k]!]!);
  }
  return out;
}

function rowOf(m: Movies, movieId: number): number {
  const r = m.movieIds.indexOf(movieId);
  assert(r >= 0, `movieId ${movieId} not found`);
  return r;
}

/** A temp folder holding the given files; removed after `fn`. */
async function withFiles(
  files: Record<string, string>,
  fn: (dir: string) => Promise<unknown>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "side_files_test_" });
  try {
    for (const [name, text] of Object.entries(files)) {
      await Deno.writeTextFile(`${dir}/${name}`, text);
    }
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("splitTitle: years, trailing spaces, ranges and titles without a year", () => {
  assertEquals(splitTitle("Toy Story (1995)"), { title: "Toy Story", year: 1995 });
  assertEquals(splitTitle("American President, The (1995)"), {
    title: "American President, The",
    year: 1995,
  });
  assertEquals(splitTitle("From Dusk Till Dawn 2: Texas Blood Money (1999) "), {
    title: "From Dusk Till Dawn 2: Texas Blood Money",
    year: 1999,
  });
  assertEquals(splitTitle("Assembly (Ji jie hao) (2007) "), {
    title: "Assembly (Ji jie hao)",
    year: 2007,
  });
  assertEquals(splitTitle("Babylon 5"), { title: "Babylon 5", year: 0 });
  assertEquals(splitTitle("Death Note: Desu nôto (2006–2007)"), {
    title: "Death Note: Desu nôto",
    year: 2006,
  });
  assertEquals(splitTitle("Stranger Things (2016- )"), { title: "Stranger Things", year: 2016 });
  assertEquals(splitTitle("1971 (2007)"), { title: "1971", year: 2007 });
  assertEquals(splitTitle("(1995)"), { title: "(1995)", year: 0 });
  assertEquals(splitTitle("Men (19x5)"), { title: "Men (19x5)", year: 0 });
});

Deno.test("readMovies: ml-latest-small counts and spot checks", async () => {
  const m = await readMovies(SMALL);
  assertEquals(m.movieIds.length, 9742, "movies");
  assertEquals(m.titles.length, 9742, "titles");
  assertEquals(m.genrePtr.length, 9743, "genrePtr");
  assertEquals(m.genreNames, [...MOVIELENS_GENRES], "vocabulary");

  const toy = rowOf(m, 1);
  assertEquals(toy, 0);
  assertEquals(m.titles[toy], "Toy Story");
  assertEquals(m.years[toy], 1995);
  assertEquals(genresOf(m, toy), ["Adventure", "Animation", "Children", "Comedy", "Fantasy"]);
  assertEquals(m.imdbIds[toy], 114709, "imdb of Toy Story");
  assertEquals(m.tmdbIds[toy], 862, "tmdb of Toy Story");

  const pres = rowOf(m, 11);
  assertEquals(m.titles[pres], "American President, The");
  assertEquals(m.years[pres], 1995);

  const babylon = rowOf(m, 40697);
  assertEquals(m.titles[babylon], "Babylon 5");
  assertEquals(m.years[babylon], 0);
  assertEquals(genresOf(m, babylon), ["Sci-Fi"]);
  assertEquals(m.tmdbIds[babylon], 0, "Babylon 5 has an empty tmdbId");

  const dusk = rowOf(m, 27008);
  assertEquals(m.titles[dusk], "From Dusk Till Dawn 2: Texas Blood Money");
  assertEquals(m.years[dusk], 1999);

  const hyena = rowOf(m, 143410);
  assertEquals(genresOf(m, hyena), ["(no genres listed)"]);

  // Counts from the file itself (see shared/data/README.md).
  let noGenres = 0, drama = 0, emptyTmdb = 0, noYear = 0;
  for (let r = 0; r < m.movieIds.length; r++) {
    const g = genresOf(m, r);
    if (g.includes("(no genres listed)")) noGenres++;
    if (g.includes("Drama")) drama++;
    if (m.tmdbIds[r] === 0) emptyTmdb++;
    if (m.years[r] === 0) noYear++;
    assert(m.titles[r] === m.titles[r]!.trim() && m.titles[r] !== "", `title ${r} untrimmed`);
    assert(m.imdbIds[r]! > 0, `movie ${m.movieIds[r]} has no imdbId`);
  }
  assertEquals(noGenres, 34, "(no genres listed)");
  assertEquals(drama, 4361, "Drama");
  assertEquals(emptyTmdb, 8, "empty tmdbIds");
  assertEquals(noYear, 12, "titles without a year");
  // 2079 quoted titles hold a comma; one more quoted title holds a doubled quote.
  assertEquals(m.titles.filter((t) => t.includes(",")).length, 2079, "titles with commas");
  assertEquals(m.titles.filter((t) => t.includes('"')).length, 1, "titles with a quote");
});

Deno.test("readTags: ml-latest-small", async () => {
  const t = await readTags(SMALL);
  assertEquals(t.tags.length, 3683);
  assertEquals(t.userIds.length, 3683);
  assertEquals([t.userIds[0], t.movieIds[0], t.tags[0], t.times[0]], [
    2,
    60756,
    "funny",
    1445714994,
  ]);
  assertEquals(t.tags[1], "Highly quotable");
  assert(t.tags.includes('"artsy"'), "the doubled-quote tag was not unescaped");
  assert(t.tags.every((s) => !s.endsWith("\r")), "a tag kept its CR");
});

Deno.test("readMovies: CRLF, LF, BOM, quotes, trailing blank lines, unknown genre, missing links", async () => {
  const movies = "\uFEFFmovieId,title,genres\r\n" +
    '5,"Good, the Bad and the Ugly, The (1966) ",Western|Action\r\n' +
    "7,Babylon 5,Space Opera|Sci-Fi|Space Opera\n" +
    "9,Nothing (2001),(no genres listed)\r\n" +
    "11,Empty genres (2002),\r\n\r\n\n";
  await withFiles({ "movies.csv": movies }, async (dir) => {
    const m = await readMovies(dir);
    assertEquals([...m.movieIds], [5, 7, 9, 11]);
    assertEquals(m.titles, [
      "Good, the Bad and the Ugly, The",
      "Babylon 5",
      "Nothing",
      "Empty genres",
    ]);
    assertEquals([...m.years], [1966, 0, 2001, 2002]);
    assertEquals(m.genreNames.length, 21, "Space Opera appended");
    assertEquals(m.genreNames[20], "Space Opera");
    assertEquals(genresOf(m, 0), ["Western", "Action"]);
    assertEquals(genresOf(m, 1), ["Space Opera", "Sci-Fi"], "repeated genre kept once");
    assertEquals(genresOf(m, 2), ["(no genres listed)"]);
    assertEquals(genresOf(m, 3), []);
    assertEquals([...m.imdbIds], [0, 0, 0, 0], "no links.csv");
    assertEquals([...m.tmdbIds], [0, 0, 0, 0]);
  });
  await withFiles({
    "movies.csv": "movieId,title,genres\n1,A (2000),Drama\n2,B (2001),Comedy\n",
    "links.csv": "movieId,imdbId,tmdbId\r\n2,0000042,\r\n\r\n",
  }, async (dir) => {
    const m = await readMovies(dir);
    assertEquals([...m.imdbIds], [0, 42], "movie 1 lacks a link row");
    assertEquals([...m.tmdbIds], [0, 0]);
  });
});

Deno.test("readMovies: a movies.csv line in Latin-1 is decoded as Latin-1, UTF-8 lines stay UTF-8", async () => {
  const dir = await Deno.makeTempDir({ prefix: "side_files_test_" });
  try {
    const head = new TextEncoder().encode(
      "movieId,title,genres\r\n1,Am\u00e9lie (2001),Comedy\r\n",
    );
    // "2,Café noir (1967),Drama" with é as the single Latin-1 byte 0xE9 (not valid UTF-8).
    const latin = new Uint8Array([..."2,Caf".split("").map((c) => c.charCodeAt(0)), 0xe9]);
    const tail = new TextEncoder().encode(" noir (1967),Drama\r\n3,\u00c0 nous (1931),Drama\r\n");
    await Deno.writeFile(`${dir}/movies.csv`, new Uint8Array([...head, ...latin, ...tail]));
    const m = await readMovies(dir);
    assertEquals(m.titles, ["Am\u00e9lie", "Caf\u00e9 noir", "\u00c0 nous"]);
    assert(!m.titles.some((t) => t.includes("\uFFFD")), "no replacement characters");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readMovies / readTags: bad input names file, line and expectation", async () => {
  const header = "movieId,title,genres\r\n";
  const cases: [Record<string, string>, string[]][] = [
    [{ "movies.csv": "id,title,genres\r\n1,A,Drama\r\n" }, [
      "movies.csv line 1",
      'expected header "movieId,title,genres"',
      'got "id,title,genres"',
    ]],
    [{ "movies.csv": "" }, ["movies.csv line 1", "empty file"]],
    [{ "movies.csv": header + "1,A (2000),Drama\r\n2,B, C (2001),Drama\r\n" }, [
      "movies.csv line 3",
      "expected 3 fields",
      "got 4",
    ]],
    [{ "movies.csv": header + "1,A (2000)\r\n" }, [
      "movies.csv line 2",
      "expected 3 fields",
      "got 2",
    ]],
    [{ "movies.csv": header + '1,"A (2000),Drama\r\n2,B,Drama\r\n' }, [
      "movies.csv line 2",
      "unclosed double quote",
    ]],
    [{ "movies.csv": header + "1,A,Drama\r\nx7,B,Drama\r\n" }, [
      "movies.csv line 3",
      "movieId",
      'got "x7"',
    ]],
    [{ "movies.csv": header + "-1,A,Drama\r\n" }, ["movies.csv line 2", "movieId", 'got "-1"']],
    [{ "movies.csv": header + "99999999999,A,Drama\r\n" }, ["movies.csv line 2", "movieId"]],
    [{ "movies.csv": header + "1,A,Drama\r\n2,B,Drama\r\n1,C,Drama\r\n" }, [
      "movies.csv line 4",
      "duplicate movieId 1",
      "first on line 2",
    ]],
    [{ "movies.csv": header + '1,"multi\nline (2000)",Drama\r\n1,C,Drama\r\n' }, [
      "movies.csv line 4",
      "duplicate movieId 1",
    ]],
    [{ "movies.csv": header + "1,A,Action||Drama\r\n" }, ["movies.csv line 2", "genre names"]],
    [{ "movies.csv": header + "1,A,Drama\r\n", "links.csv": "movieId,imdbId\r\n1,2\r\n" }, [
      "links.csv line 1",
      'expected header "movieId,imdbId,tmdbId"',
    ]],
    [
      {
        "movies.csv": header + "1,A,Drama\r\n",
        "links.csv": "movieId,imdbId,tmdbId\r\n1,tt2,\r\n",
      },
      [
        "links.csv line 2",
        "imdbId",
        'got "tt2"',
      ],
    ],
    [{
      "movies.csv": header + "1,A,Drama\r\n",
      "links.csv": "movieId,imdbId,tmdbId\r\n1,2,3.5\r\n",
    }, [
      "links.csv line 2",
      "tmdbId",
    ]],
    [{
      "movies.csv": header + "1,A,Drama\r\n",
      "links.csv": "movieId,imdbId,tmdbId\r\n1,2,3,4\r\n",
    }, [
      "links.csv line 2",
      "expected 3 fields",
    ]],
    [
      { "movies.csv": header + "1,A,Drama\r\n", "links.csv": "movieId,imdbId,tmdbId\r\n8,2,3\r\n" },
      [
        "links.csv line 2",
        "movieId 8 is not in",
      ],
    ],
    [{
      "movies.csv": header + "1,A,Drama\r\n",
      "links.csv": "movieId,imdbId,tmdbId\r\n1,2,3\r\n1,2,3\r\n",
    }, ["links.csv line 3", "duplicate movieId 1", "first on line 2"]],
    [{ "movies.csv": header + "1,A,Drama\r\n\r\n2,B,Drama\r\n" }, [
      "movies.csv line 3 is blank",
      "expected 3 fields (movieId,title,genres)",
      "blank lines may only end the file",
    ]],
    [{ "movies.csv": header + "\n\n1,A,Drama\n" }, ["movies.csv line 2 is blank"]],
    [{
      "movies.csv": header + "1,A,Drama\r\n2,B,Drama\r\n",
      "links.csv": "movieId,imdbId,tmdbId\r\n1,2,3\r\n\r\n2,4,5\r\n",
    }, ["links.csv line 3 is blank", "expected 3 fields (movieId,imdbId,tmdbId)"]],
  ];
  for (const [files, parts] of cases) {
    await withFiles(files, (dir) => assertRejects(() => readMovies(dir), ...parts));
  }
  await withFiles({}, (dir) => assertRejects(() => readMovies(dir), "movies.csv", "not found"));

  const tagHeader = "userId,movieId,tag,timestamp\r\n";
  const tagCases: [string, string[]][] = [
    ["userId,movieId,tag\r\n", [
      "tags.csv line 1",
      'expected header "userId,movieId,tag,timestamp"',
    ]],
    [tagHeader + "1,2,ok,3\r\n1,2,x\r\n", ["tags.csv line 3", "expected 4 fields", "got 3"]],
    [tagHeader + "u1,2,x,3\r\n", ["tags.csv line 2", "userId", 'got "u1"']],
    [tagHeader + "1,m,x,3\r\n", ["tags.csv line 2", "movieId", 'got "m"']],
    [tagHeader + "1,2,x,1.5e9\r\n", ["tags.csv line 2", "timestamp", 'got "1.5e9"']],
    [tagHeader + "1,2,x,\r\n", ["tags.csv line 2", "timestamp", 'got ""']],
    [tagHeader + "1,2,x,3\r\n\r\n\r\n1,2,y,4\r\n", [
      "tags.csv line 3 is blank",
      "expected 4 fields (userId,movieId,tag,timestamp)",
    ]],
  ];
  for (const [text, parts] of tagCases) {
    await withFiles({ "tags.csv": text }, (dir) => assertRejects(() => readTags(dir), ...parts));
  }
  await withFiles({}, (dir) => assertRejects(() => readTags(dir), "tags.csv", "not found"));
  await withFiles({ "tags.csv": tagHeader + "1,2,x,3\r\n\r\n\n" }, async (dir) => {
    assertEquals((await readTags(dir)).tags, ["x"], "blank lines at the end are ignored");
  });
});

Deno.test("emptyMovies / emptyTags: zero rows, fixed vocabulary", () => {
  const m = emptyMovies();
  assertEquals(m.movieIds.length + m.titles.length + m.years.length + m.genreIdx.length, 0);
  assertEquals([...m.genrePtr], [0]);
  assertEquals(m.genreNames, [...MOVIELENS_GENRES]);
  assertEquals(m.genreNames.length, 20);
  m.genreNames.push("changed");
  assertEquals(emptyMovies().genreNames.length, 20, "each call returns a fresh vocabulary");
  const t = emptyTags();
  assertEquals(t.tags.length + t.userIds.length + t.movieIds.length + t.times.length, 0);
});
