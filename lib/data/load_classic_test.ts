import { assert, assertEquals, assertRejectsIncluding } from "../../tests/_assert.ts";
import { assertMatrixConsistent } from "./_check.ts";
import { loadMovieLens } from "./load.ts";
import { detectRelease, loadClassicMovieLens } from "./load_classic.ts";
import { generateSyntheticClassic } from "./synthetic_classic.ts";
import { userRow } from "./users.ts";

const FLAGS = (...hot: number[]) =>
  Array.from({ length: 19 }, (_, g) => (hot.includes(g) ? 1 : 0)).join("|");

/** Writes `files` (Latin-1: one byte per character) into a fresh folder. */
async function folder(files: Record<string, string>): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "classic_test_" });
  for (const [name, text] of Object.entries(files)) {
    await Deno.writeFile(`${dir}/${name}`, Uint8Array.from(text, (c) => c.charCodeAt(0)));
  }
  return dir;
}

const ML100K = {
  "u.data": "3\t20\t4\t881250949\n1\t10\t5\t874965758\n3\t10\t1\t891717742\n",
  "u.item": `10|Caf\xe9 Society (1995)|01-Jan-1995||http://x|${FLAGS(4, 5)}\n` +
    `20|unknown|||http://x|${FLAGS(0)}\n30|Never Rated (1996)|01-Jan-1996||http://x|${FLAGS(15)}\n`,
  "u.user": "1|24|M|technician|85711\n2|30|F|writer|32067\n3|56|F|engineer|V3N4P\n",
};
const ML1M = {
  "ratings.dat": "1::1193::5::978300760\n1::661::3::978302109\n2::1193::4::978298413\n",
  "movies.dat": "661::James and the Giant Peach (1996)::Animation|Children's|Musical\n" +
    "1193::One Flew Over the Cuckoo's Nest (1975)::Drama\n",
  "users.dat": "1::F::1::10::48067\n2::M::56::16::70072\n",
};

Deno.test("ML-100K: ratings, Latin-1 catalogue with genre flags, users aligned with dense ids", async () => {
  const dir = await folder(ML100K);
  try {
    assertEquals(await detectRelease(dir), "ml-100k");
    const ds = await loadMovieLens(dir); // dispatches on u.data
    assertEquals([ds.ratings.nnz, ds.ratings.nUsers, ds.ratings.nItems], [3, 2, 2]);
    assertEquals([...ds.userIds], [1, 3], "user 2 rated nothing: left out");
    assertEquals([...ds.itemIds], [10, 20]);
    assertMatrixConsistent(ds.ratings);
    assertEquals([...ds.ratings.userRatings], [5, 1, 4]);
    assertEquals(ds.movies.titles, ["Café Society", "unknown", "Never Rated"]);
    assertEquals([...ds.movies.years], [1995, 0, 1996]);
    const genres = (m: number) =>
      [...ds.movies.genreIdx.subarray(ds.movies.genrePtr[m]!, ds.movies.genrePtr[m + 1]!)]
        .map((g) => ds.movies.genreNames[g]);
    assertEquals(genres(0), ["Children", "Comedy"]);
    assertEquals(genres(1), ["(no genres listed)"]);
    assertEquals(genres(2), ["Sci-Fi"]);
    assert(ds.users !== undefined);
    assertEquals(userRow(ds.users, 0), {
      userId: 1,
      gender: "M",
      age: 24,
      ageBucket: "18-24",
      occupation: "technician",
      zip: "85711",
    });
    assertEquals(userRow(ds.users, 1).ageBucket, "56+");
    assertEquals(userRow(ds.users, 1).zip, "V3N4P");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ML-1M: '::' fields, age codes and occupation codes with their names", async () => {
  const dir = await folder(ML1M);
  try {
    const ds = await loadClassicMovieLens(dir, "ml-1m");
    assertEquals([ds.ratings.nnz, ds.ratings.nUsers, ds.ratings.nItems], [3, 2, 2]);
    assertEquals(ds.movies.titles[1], "One Flew Over the Cuckoo's Nest");
    assertEquals(
      [...ds.movies.genreIdx.subarray(0, 3)].map((g) => ds.movies.genreNames[g]),
      ["Animation", "Children", "Musical"],
    );
    assert(ds.users !== undefined);
    assertEquals(userRow(ds.users, 0).ageBucket, "Under 18");
    assertEquals(userRow(ds.users, 0).occupation, "K-12 student");
    assertEquals(userRow(ds.users, 1).occupation, "self-employed");
    assertEquals(userRow(ds.users, 1).age, 56);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** Each bad input → an error naming the file, the line and what was expected. */
const BAD: [string, Record<string, string>, string[]][] = [
  ["too few fields", { "u.data": "1\t10\t5\n" }, ["u.data line 1", "3 fields", "expected 4"]],
  ["non-numeric id", { "u.data": "1\t10\t5\t1\nx\t10\t5\t1\n" }, [
    "u.data line 2 field 1 (userId)",
    'got "x"',
    "whole number",
  ]],
  ["rating 6", { "u.data": "1\t10\t6\t1\n" }, ["line 1 field 3 (rating)", "1–5"]],
  ["half star", { "u.data": "1\t10\t3.5\t1\n" }, ["field 3 (rating)", 'got "3.5"']],
  ["blank line", { "u.data": "1\t10\t5\t1\n\n3\t10\t1\t2\n" }, [
    "u.data line 2 is blank",
    'expected 4 "\\t"-separated fields userId\tmovieId\trating\ttimestamp',
    "(blank lines may only end the file)",
  ]],
  ["blank CRLF line", { "u.user": "1|24|M|technician|85711\r\n\r\n3|56|F|engineer|V3N4P\r\n" }, [
    "u.user line 2 is blank",
  ]],
  ["only blank lines", { "u.item": "\n\r\n\n" }, ["u.item: empty file"]],
  ["empty", { "u.data": "" }, ["u.data: empty file"]],
  ["duplicate pair", { "u.data": "1\t10\t5\t1\n3\t10\t1\t2\n1\t10\t4\t3\n" }, [
    "u.data line 3",
    "duplicate rating for userId 1, movieId 10",
    "first at line 1",
  ]],
  ["unknown movie", { "u.data": "1\t99\t5\t1\n" }, ["u.data line 1: movieId 99", "u.item"]],
  ["unknown user", { "u.data": "9\t10\t5\t1\n" }, [
    "userId 9 has ratings but no line in",
    "u.user",
  ]],
  ["bad flag", { "u.item": `10|A (1995)|||x|${FLAGS(3).replace("1", "2")}\n` }, [
    "u.item line 1 field 9 (Animation flag)",
    "0 or 1",
  ]],
  ["bad gender", { "u.user": "1|24|X|technician|1\n3|56|F|engineer|2\n" }, [
    "u.user line 1 field 3 (gender)",
    '"F" or "M"',
  ]],
  ["bad occupation", { "u.user": "1|24|M|astronaut|1\n3|56|F|engineer|2\n" }, [
    "u.user line 1 field 4 (occupation)",
    "administrator",
  ]],
  ["repeated user", { "u.user": "1|24|M|writer|1\n3|56|F|engineer|2\n1|30|F|writer|3\n" }, [
    "u.user line 3: userId 1 again (first at line 1)",
  ]],
  ["missing u.user", { "u.user": "\0remove" }, ["u.user: file not found"]],
];

Deno.test("ML-100K: bad input names the file, line, field and what was expected", async () => {
  for (const [what, override, fragments] of BAD) {
    const files = { ...ML100K, ...override };
    const dir = await folder(
      Object.fromEntries(Object.entries(files).filter(([, t]) => t !== "\0remove")),
    );
    try {
      await assertRejectsIncluding(() => loadMovieLens(dir), ...fragments).catch((e) => {
        throw new Error(`${what}: ${e.message}`);
      });
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  }
});

Deno.test("ML-100K and ML-1M: blank lines at the end of every file are ignored, LF or CRLF", async () => {
  for (const [release, files] of [["ml-100k", ML100K], ["ml-1m", ML1M]] as const) {
    for (const end of ["\n", "\n\n", "\r\n\r\n", "\n\r\n\n\n"]) {
      const crlf = end.startsWith("\r");
      const ended = Object.fromEntries(
        Object.entries(files).map(([name, text]) => {
          const body = crlf ? text.replaceAll("\n", "\r\n") : text;
          return [name, body + end.slice(crlf ? 2 : 1)];
        }),
      );
      const dir = await folder(ended);
      try {
        const ds = await loadClassicMovieLens(dir, release);
        assertEquals(ds.ratings.nnz, 3, `${release} ${JSON.stringify(end)}`);
        assertEquals(ds.users?.userIds.length, 2, "rated users");
        assertEquals(ds.movies.movieIds.length, release === "ml-100k" ? 3 : 2);
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    }
  }
});

Deno.test("ML-1M: bad age code, occupation code and genre are errors", async () => {
  const cases: [Record<string, string>, string[]][] = [
    [{ "users.dat": "1::F::20::10::1\n2::M::56::16::2\n" }, [
      "users.dat line 1 field 3 (Age)",
      "1, 18, 25, 35, 45, 50, 56",
    ]],
    [{ "users.dat": "1::F::1::21::1\n2::M::56::16::2\n" }, ["field 4 (Occupation)", "0–20"]],
    [{ "movies.dat": "661::A (1996)::Animation|Cartoon\n1193::B (1975)::Drama\n" }, [
      "movies.dat line 1 field 3 (Genres)",
      "Children's",
    ]],
    [{ "ratings.dat": "1::1193::5::978300760::7\n" }, ["ratings.dat line 1: 5 fields"]],
  ];
  for (const [override, fragments] of cases) {
    const dir = await folder({ ...ML1M, ...override });
    try {
      await assertRejectsIncluding(() => loadMovieLens(dir), ...fragments);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  }
});

Deno.test("synthetic ML-100K and ML-1M folders load with their exact sizes and demographics", async () => {
  const root = await Deno.makeTempDir({ prefix: "classic_synth_" });
  try {
    for (const release of ["ml-100k", "ml-1m"] as const) {
      const out = await generateSyntheticClassic(`${root}/${release}`, release, {
        users: 300,
        movies: 500,
        ratings: 20_000,
        seed: 7,
      });
      const ds = await loadMovieLens(out.dir);
      assertEquals(ds.ratings.nnz, 20_000);
      assertEquals(ds.users?.userIds.length, 300);
      assertEquals(ds.movies.movieIds.length, 500);
      assertMatrixConsistent(ds.ratings);
      const r = ds.ratings.userRatings;
      assert(r.every((x) => Number.isInteger(x) && x >= 1 && x <= 5), "whole stars");
      const info = JSON.parse(await Deno.readTextFile(`${out.dir}/synthetic.json`));
      assertEquals(
        info.planted.occupationName,
        release === "ml-100k" ? "engineer" : "technician/engineer",
      );
      // Same seed, same bytes.
      const again = await generateSyntheticClassic(`${root}/again`, release, {
        users: 300,
        movies: 500,
        ratings: 20_000,
        seed: 7,
        force: true,
      });
      const file = release === "ml-100k" ? "u.data" : "ratings.dat";
      assertEquals(
        await Deno.readTextFile(`${again.dir}/${file}`),
        await Deno.readTextFile(`${out.dir}/${file}`),
      );
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
