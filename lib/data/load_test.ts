import { assert, assertEquals, assertRejects } from "../../tests/_assert.ts";
import { assertMatrixConsistent } from "./_check.ts";
import { loadMovieLens, parseRatings } from "./load.ts";

const SMALL = new URL("../../../shared/data/ml-latest-small", import.meta.url).pathname;

async function tempDir(): Promise<{ dir: string; cacheDir: string }> {
  const dir = await Deno.makeTempDir({ prefix: "recsys-load-" });
  return { dir, cacheDir: `${dir}/cache` };
}

Deno.test("ml-latest-small: exact counts from the GroupLens README", async () => {
  const { cacheDir } = await tempDir();
  const ds = await loadMovieLens(SMALL, { cacheDir });
  assertEquals(ds.name, "ml-latest-small");
  assertEquals(ds.ratings.nnz, 100_836);
  assertEquals(ds.ratings.nUsers, 610);
  assertEquals(ds.ratings.nItems, 9_724);
  assertEquals(ds.movies.movieIds.length, 9_742);
  assertEquals(ds.tags.tags.length, 3_683);
  assertEquals(ds.userIds[0], 1);
  assertEquals(ds.userIds[609], 610);
  assertEquals(ds.fromCache, false);
  await Deno.remove(cacheDir, { recursive: true });
});

Deno.test("ml-latest-small: known rows, in CSR and CSC", async () => {
  const { cacheDir } = await tempDir();
  const ds = await loadMovieLens(SMALL, { cacheDir, sideFiles: false });
  const m = ds.ratings;
  const rating = (rawUser: number, rawMovie: number) => {
    const u = ds.userIds.indexOf(rawUser);
    const i = ds.itemIds.indexOf(rawMovie);
    assert(u >= 0 && i >= 0, `ids ${rawUser}/${rawMovie} present`);
    let csr: [number, number] | undefined;
    for (let e = m.userPtr[u]!; e < m.userPtr[u + 1]!; e++) {
      if (m.userItems[e] === i) csr = [m.userRatings[e]!, m.userTimes[e]!];
    }
    let csc: [number, number] | undefined;
    for (let e = m.itemPtr[i]!; e < m.itemPtr[i + 1]!; e++) {
      if (m.itemUsers[e] === u) csc = [m.itemRatings[e]!, m.itemTimes[e]!];
    }
    assertEquals(csr, csc);
    return csr;
  };
  // First, second and last data lines of ratings.csv.
  assertEquals(rating(1, 1), [4.0, 964982703]);
  assertEquals(rating(1, 3), [4.0, 964981247]);
  assertEquals(rating(610, 170875), [3.0, 1493846415]);
  assertEquals(rating(610, 168252), [5.0, 1493846352]);
  // User 1 rated 232 movies.
  assertEquals(m.userPtr[1]! - m.userPtr[0]!, 232);
  assertMatrixConsistent(m);
  await Deno.remove(cacheDir, { recursive: true });
});

Deno.test("parse is identical for 1, 2 and 3 threads", async () => {
  const path = `${SMALL}/ratings.csv`;
  const one = await parseRatings(path, { threads: 1 });
  for (const threads of [2, 3]) {
    const other = await parseRatings(path, { threads });
    assertEquals(other.ratings.userItems, one.ratings.userItems);
    assertEquals(other.ratings.userRatings, one.ratings.userRatings);
    assertEquals(other.ratings.itemUsers, one.ratings.itemUsers);
    assertEquals(other.ratings.itemTimes, one.ratings.itemTimes);
  }
});

Deno.test("cache: second load reads it; a changed source rebuilds it; a corrupt one is ignored", async () => {
  const { dir, cacheDir } = await tempDir();
  const data = `${dir}/mini`;
  await Deno.mkdir(data);
  const header = "userId,movieId,rating,timestamp\n";
  await Deno.writeTextFile(`${data}/ratings.csv`, header + "1,10,4.0,100\n2,10,3.5,200\n");
  const first = await loadMovieLens(data, { cacheDir });
  assertEquals(first.fromCache, false);
  const second = await loadMovieLens(data, { cacheDir });
  assertEquals(second.fromCache, true);
  assertEquals(second.ratings.userRatings, first.ratings.userRatings);
  assertEquals(second.itemIds, first.itemIds);
  const cacheFiles = [...Deno.readDirSync(cacheDir)].map((e) => e.name);
  assertEquals(cacheFiles.length, 1, "one cache file and no temp file");

  await Deno.writeTextFile(
    `${data}/ratings.csv`,
    header + "1,10,4.0,100\n2,10,3.5,200\n3,11,5,300\n",
  );
  const changed = await loadMovieLens(data, { cacheDir });
  assertEquals(changed.fromCache, false);
  assertEquals(changed.ratings.nnz, 3);

  const cacheFile = `${cacheDir}/${cacheFiles[0]}`;
  const bytes = await Deno.readFile(cacheFile);
  await Deno.writeFile(cacheFile, bytes.subarray(0, bytes.length - 5));
  const afterCorrupt = await loadMovieLens(data, { cacheDir });
  assertEquals(afterCorrupt.fromCache, false);
  assertEquals(afterCorrupt.ratings.nnz, 3);
  assertEquals((await loadMovieLens(data, { cacheDir })).fromCache, true);
  await Deno.remove(dir, { recursive: true });
});

const HEADER = "userId,movieId,rating,timestamp";
const BAD_INPUTS: [string, string, RegExp][] = [
  ["empty file", "", /ratings\.csv line 1: the file is empty; expected a header line/],
  [
    "wrong header",
    "user,movie,rating,time\n1,2,3,4\n",
    /line 1: wrong header: expected the header/,
  ],
  ["non-numeric id", `${HEADER}\n1,2,3,4\n1,abc,3,4\n`, /line 3 field 2 \(movieId\): not a number/],
  [
    "non-numeric rating",
    `${HEADER}\n1,2,x,4\n`,
    /line 2 field 3 \(rating\): not a number: expected a decimal rating/,
  ],
  [
    "rating out of range",
    `${HEADER}\n1,2,3,4\n1,3,7,4\n`,
    /line 3 field 3 \(rating\): rating outside 0\.5–5/,
  ],
  ["zero rating", `${HEADER}\n1,2,0.0,4\n`, /line 2 field 3 \(rating\): rating outside/],
  ["too few fields", `${HEADER}\n1,2,3\n`, /line 2 field 3 \(rating\): too few fields: expected 4/],
  [
    "too many fields",
    `${HEADER}\r\n1,2,3,4,5\r\n`,
    /line 2 field 4 \(timestamp\): too many fields/,
  ],
  ["truncated last line", `${HEADER}\n1,2,3,4\n2,5,`, /line 3 field 3 \(rating\): too few fields/],
  [
    "blank line in the middle",
    `${HEADER}\n1,2,3,4\n\n3,4,5,6\n`,
    /ratings\.csv line 3 is blank; expected 4 comma-separated fields userId,movieId,rating,timestamp \(blank lines may only end the file\)$/,
  ],
  [
    "blank lines after the header",
    `${HEADER}\r\n\r\n\r\n1,2,3,4\r\n`,
    /ratings\.csv line 2 is blank;/,
  ],
  ["one field", `${HEADER}\n1,2,3,4\n1\n`, /line 3 field 1 \(userId\): too few fields: expected 4/],
  [
    "header only",
    `${HEADER}\n`,
    /ratings\.csv: no ratings after the header: expected at least one line userId,movieId,/,
  ],
  ["header and blank lines", `${HEADER}\r\n\r\n\r\n`, /ratings\.csv: no ratings after the header/],
  [
    "rating off the half-star grid",
    `${HEADER}\n1,2,3.5,4\n1,3,3.25,4\n`,
    /line 3 field 3 \(rating\): rating not on the half-star grid: expected a rating in half stars/,
  ],
  ["negative id", `${HEADER}\n-1,2,3,4\n`, /line 2 field 1 \(userId\): not a number/],
  [
    "id over 32 bits",
    `${HEADER}\n1,2,3,4294967296\n`,
    /line 2 field 4 \(timestamp\): not a number/,
  ],
  [
    "duplicate pair",
    `${HEADER}\n1,2,3,4\n1,5,3,4\n7,9,1,1\n1,2,4,5\n`,
    /line 5: duplicate rating for userId 1, movieId 2 \(first at line 2\)/,
  ],
];

for (const [name, content, expected] of BAD_INPUTS) {
  Deno.test(`bad input: ${name} names file, line and what was expected`, async () => {
    const { dir, cacheDir } = await tempDir();
    await Deno.writeTextFile(`${dir}/ratings.csv`, content);
    for (const threads of [1, 2]) {
      await assertRejects(
        () => loadMovieLens(dir, { cacheDir, threads }),
        Error,
        undefined,
      ).then((error) => {
        assert(error.message.startsWith(`${dir}/ratings.csv`), error.message);
        assert(expected.test(error.message), `${error.message} !~ ${expected}`);
      });
    }
    await assertRejects(() => Deno.stat(cacheDir), Deno.errors.NotFound);
    await Deno.remove(dir, { recursive: true });
  });
}

Deno.test("bad input: missing folder and missing ratings.csv", async () => {
  const { dir } = await tempDir();
  await assertRejects(() => loadMovieLens(`${dir}/nope`), Error, "no such folder");
  await assertRejects(() => loadMovieLens(dir), Error, `${dir}/ratings.csv: file not found`);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("ids up to 2^32 - 1 load as they are (memory grows with the distinct ids only)", async () => {
  const { dir, cacheDir } = await tempDir();
  const rows = ["4294967295,4294967294,4.0,1", "1,4294967294,3.5,2", "4294967295,7,5,3", "1,7,1,4"];
  await Deno.writeTextFile(`${dir}/ratings.csv`, `${HEADER}\n${rows.join("\n")}\n`);
  const ds = await loadMovieLens(dir, { cacheDir });
  assertEquals(Array.from(ds.userIds), [1, 4294967295]);
  assertEquals(Array.from(ds.itemIds), [7, 4294967294]);
  assertEquals(Array.from(ds.ratings.userPtr), [0, 2, 4]);
  assertEquals(Array.from(ds.ratings.userItems), [0, 1, 0, 1]);
  assertEquals(Array.from(ds.ratings.userRatings), [1, 3.5, 5, 4]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("blank lines at the end are ignored, LF or CRLF", async () => {
  const { dir } = await tempDir();
  for (const end of ["\n", "\n\n", "\r\n\r\n", "\n\n\n\n"]) {
    const eol = end.startsWith("\r") ? "\r\n" : "\n";
    await Deno.writeTextFile(`${dir}/ratings.csv`, `${HEADER}${eol}1,2,3.5,4${eol}2,2,4.5,5${end}`);
    for (const threads of [1, 2, 3]) {
      const { ratings } = await parseRatings(`${dir}/ratings.csv`, { threads });
      assertEquals(ratings.nnz, 2, JSON.stringify(end));
      assertEquals(Array.from(ratings.itemRatings), [3.5, 4.5]);
    }
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a last line without a newline is accepted", async () => {
  const { dir, cacheDir } = await tempDir();
  await Deno.writeTextFile(`${dir}/ratings.csv`, `${HEADER}\r\n1,2,3.5,4\r\n2,2,4.5,5`);
  const ds = await loadMovieLens(dir, { cacheDir });
  assertEquals(ds.ratings.nnz, 2);
  assertEquals(Array.from(ds.ratings.itemRatings), [3.5, 4.5]);
  await Deno.remove(dir, { recursive: true });
});
