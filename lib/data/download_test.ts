import {
  assert,
  assertJsonEquals as assertEquals,
  assertRejectsIncluding as assertRejects,
} from "../../tests/_assert.ts";
import { createHash } from "node:crypto";
import { strToU8, type Zippable, zipSync } from "../deps/fflate.ts";
import { downloadMovieLens, type DownloadProgress, movieLensUrl } from "./download.ts";
import { crc32, extractZip } from "./_unzip.ts";

const md5 = (b: Uint8Array) => createHash("md5").update(b).digest("hex");
const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

/** About 3 MB of ratings, so the download and the inflate both span several chunks. */
function ratingsCsv(): string {
  const lines = ["userId,movieId,rating,timestamp"];
  let s = 1;
  for (let k = 0; k < 120_000; k++) {
    s = (Math.imul(s, 1_103_515_245) + 12_345) >>> 0;
    lines.push(`${1 + (k >> 7)},${1 + (s % 90_000)},${0.5 * (1 + (s % 10))},${964_982_703 + s}`);
  }
  return lines.join("\r\n") + "\r\n";
}

const RATINGS = ratingsCsv();
const MOVIES =
  'movieId,title,genres\r\n1,Toy Story (1995),Adventure|Animation\r\n2,"A, B (2000)",Drama\r\n';
const LINKS = "movieId,imdbId,tmdbId\r\n1,0114709,862\r\n2,0000001,\r\n";

function datasetZip(extra: Zippable = {}, omit: string[] = []): Uint8Array {
  const files: Zippable = {
    "ml-latest-small": {}, // a folder entry, "ml-latest-small/" in the archive
    "ml-latest-small/ratings.csv": strToU8(RATINGS),
    "ml-latest-small/movies.csv": strToU8(MOVIES),
    "ml-latest-small/links.csv": [strToU8(LINKS), { level: 0 }], // a stored (uncompressed) member
    ...extra,
  };
  for (const name of omit) delete files[name];
  return zipSync(files);
}

const GOOD = datasetZip();
const CORRUPT = GOOD.slice();
for (let k = 0; k < 64; k++) CORRUPT[Math.floor(GOOD.length / 3) + k]! ^= 0x5a;
const TRUNCATED = GOOD.slice(0, Math.floor(GOOD.length * 0.6));
const NO_MOVIES = datasetZip({}, ["ml-latest-small/movies.csv"]);
const EVIL = datasetZip({ "../escaped.txt": strToU8("gotcha") });
const GARBAGE = strToU8("<html>not a zip</html>");

type Route = { zip?: Uint8Array; md5?: string };

/** Serve `/<route>/ml-latest-small.zip` and `.zip.md5` while `fn` runs; count zip requests. */
async function withServer(
  routes: Record<string, Route>,
  fn: (base: (route: string) => string, hits: () => number) => Promise<void>,
): Promise<void> {
  let zipHits = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    const [, route = "", file = ""] = new URL(req.url).pathname.split("/");
    const r = routes[route];
    if (r?.zip !== undefined && file === "ml-latest-small.zip") {
      zipHits++;
      return new Response(new Uint8Array(r.zip));
    }
    if (r?.md5 !== undefined && file === "ml-latest-small.zip.md5") {
      return new Response(`MD5 (ml-latest-small.zip) = ${r.md5}\n`);
    }
    return new Response("not found", { status: 404, statusText: "Not Found" });
  });
  try {
    await fn((route) => `http://127.0.0.1:${server.addr.port}/${route}/`, () => zipHits);
  } finally {
    await server.shutdown();
  }
}

async function withRawDir(fn: (rawDir: string) => Promise<void>): Promise<void> {
  const rawDir = await Deno.makeTempDir({ prefix: "download_test_" });
  try {
    await fn(rawDir);
  } finally {
    await Deno.remove(rawDir, { recursive: true });
  }
}

async function listing(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const e of Deno.readDir(dir)) names.push(e.name);
  return names.sort();
}

Deno.test("crc32: the standard check value", () => {
  assertEquals(crc32(0, strToU8("123456789")), 0xcbf43926);
  const whole = crc32(0, strToU8("hello world"));
  assertEquals(crc32(crc32(0, strToU8("hello ")), strToU8("world")), whole, "incremental");
  // The 8-bytes-at-a-time path against the textbook bit-by-bit definition, at every tail length.
  const data = new Uint8Array(1000).map((_, k) => (k * 2_654_435_761) >>> 24);
  for (let len = 0; len <= 40; len++) {
    let c = 0xffff_ffff;
    for (let k = 0; k < len; k++) {
      c ^= data[k]!;
      for (let b = 0; b < 8; b++) c = c & 1 ? 0xedb8_8320 ^ (c >>> 1) : c >>> 1;
    }
    assertEquals(crc32(0, data.subarray(0, len)), ~c >>> 0, `length ${len}`);
  }
});

Deno.test("movieLensUrl: default, option and environment variable", () => {
  const saved = Deno.env.get("RECSYS_MOVIELENS_URL");
  try {
    Deno.env.delete("RECSYS_MOVIELENS_URL");
    assertEquals(
      movieLensUrl("ml-32m"),
      "https://files.grouplens.org/datasets/movielens/ml-32m.zip",
    );
    Deno.env.set("RECSYS_MOVIELENS_URL", "http://mirror.test/ml");
    assertEquals(movieLensUrl("ml-latest-small"), "http://mirror.test/ml/ml-latest-small.zip");
    assertEquals(movieLensUrl("ml-32m", "http://other.test/"), "http://other.test/ml-32m.zip");
  } finally {
    if (saved === undefined) Deno.env.delete("RECSYS_MOVIELENS_URL");
    else Deno.env.set("RECSYS_MOVIELENS_URL", saved);
  }
  let err: unknown;
  try {
    movieLensUrl("ml-20m" as "ml-32m");
  } catch (e) {
    err = e;
  }
  assert(err instanceof Error && err.message.includes('"ml-20m"'), "unknown name accepted");
});

Deno.test("downloadMovieLens: verified with the published md5, extracted intact", async () => {
  await withServer(
    { ok: { zip: GOOD, md5: md5(GOOD) } },
    (base, hits) =>
      withRawDir(async (rawDir) => {
        const reports: DownloadProgress[] = [];
        const result = await downloadMovieLens("ml-latest-small", {
          baseUrl: base("ok"),
          rawDir,
          onProgress: (p) => reports.push(p),
        });
        assertEquals(result.dir, `${rawDir}/ml-latest-small`);
        assertEquals(result.downloaded, true);
        assertEquals(result.verifiedWith, ["md5"]);
        assertEquals([result.bytes, result.md5, result.sha256], [
          GOOD.length,
          md5(GOOD),
          sha256(GOOD),
        ]);
        assertEquals(await listing(rawDir), ["ml-latest-small"], "no temporary files left");
        assertEquals(await listing(result.dir), ["links.csv", "movies.csv", "ratings.csv"]);
        assertEquals(await Deno.readTextFile(`${result.dir}/ratings.csv`), RATINGS);
        assertEquals(await Deno.readTextFile(`${result.dir}/movies.csv`), MOVIES);
        assertEquals(await Deno.readTextFile(`${result.dir}/links.csv`), LINKS);
        const last = reports.at(-1)!;
        assertEquals([last.done, last.receivedBytes, last.totalBytes], [
          true,
          GOOD.length,
          GOOD.length,
        ]);
        assertEquals(reports.filter((p) => p.done).length, 1, "one final report");

        // Present already: nothing fetched.
        const again = await downloadMovieLens("ml-latest-small", { baseUrl: base("ok"), rawDir });
        assertEquals([again.downloaded, hits()], [false, 1]);
      }),
  );
});

Deno.test("downloadMovieLens: sha256 option, force replaces, no checksum noted", async () => {
  const other = datasetZip({
    "ml-latest-small/tags.csv": strToU8("userId,movieId,tag,timestamp\r\n"),
  });
  await withServer(
    { plain: { zip: GOOD }, other: { zip: other } },
    (base) =>
      withRawDir(async (rawDir) => {
        const r1 = await downloadMovieLens("ml-latest-small", {
          baseUrl: base("plain"),
          rawDir,
          sha256: sha256(GOOD).toUpperCase(),
          quiet: true,
        });
        assertEquals(r1.verifiedWith, ["sha256"], "the .md5 404 is fine when sha256 is given");
        const r2 = await downloadMovieLens("ml-latest-small", {
          baseUrl: base("other"),
          rawDir,
          force: true,
          quiet: true,
        });
        assertEquals([r2.downloaded, r2.verifiedWith.length], [true, 0]);
        assertEquals(r2.sha256, sha256(other));
        assertEquals(await listing(rawDir), ["ml-latest-small"]);
        assertEquals(await listing(r2.dir), ["links.csv", "movies.csv", "ratings.csv", "tags.csv"]);
        const r3 = await downloadMovieLens("ml-latest-small", {
          baseUrl: base("plain"),
          rawDir,
          force: true,
          md5: md5(GOOD),
          quiet: true,
        });
        assertEquals(r3.verifiedWith, ["md5"]);
        assertEquals(await listing(r3.dir), ["links.csv", "movies.csv", "ratings.csv"]);
      }),
  );
});

Deno.test("downloadMovieLens: failures say what failed and leave nothing behind", async () => {
  const routes: Record<string, Route> = {
    badsum: { zip: GOOD, md5: "0123456789abcdef0123456789abcdef" },
    corrupt: { zip: CORRUPT, md5: md5(CORRUPT) },
    truncated: { zip: TRUNCATED, md5: md5(TRUNCATED) },
    garbage: { zip: GARBAGE, md5: md5(GARBAGE) },
    nomovies: { zip: NO_MOVIES, md5: md5(NO_MOVIES) },
    evil: { zip: EVIL, md5: md5(EVIL) },
    nomd5: { zip: GOOD },
    badmd5file: { zip: GOOD, md5: "not-a-hash" },
  };
  await withServer(routes, async (base, hits) => {
    const cases: [string, Parameters<typeof downloadMovieLens>[1], string[]][] = [
      ["badsum", {}, [
        "checksum mismatch",
        "expected md5 0123456789abcdef0123456789abcdef",
        `got ${md5(GOOD)}`,
      ]],
      ["nomd5", { sha256: "ab".repeat(32) }, [
        "checksum mismatch",
        `expected sha256 ${"ab".repeat(32)}`,
        `got ${sha256(GOOD)}`,
      ]],
      ["corrupt", {}, ["corrupt zip", "ratings.csv"]],
      ["truncated", {}, ["corrupt zip", "end-of-central-directory"]],
      ["garbage", {}, ["corrupt zip", "not a zip"]],
      ["nomovies", {}, ["lacks movies.csv"]],
      ["evil", {}, ["corrupt zip", "unsafe", "../escaped.txt"]],
      ["missing", {}, ["HTTP 404", "missing/ml-latest-small.zip"]],
      ["nomd5", { requireChecksum: true }, ["no checksum", "HTTP 404"]],
      ["badmd5file", {}, [".md5", "expected a 32-digit hex MD5"]],
      ["nomd5", { md5: "xyz" }, ["md5 must be 32 hex digits"]],
    ];
    for (const [route, options, parts] of cases) {
      await withRawDir(async (rawDir) => {
        await assertRejects(
          () =>
            downloadMovieLens("ml-latest-small", {
              ...options,
              baseUrl: base(route),
              rawDir,
              quiet: true,
            }),
          ...parts,
        );
        assertEquals(await listing(rawDir), [], `route ${route}: left behind`);
      });
    }
    const before = hits();
    await withRawDir(async (rawDir) => {
      await assertRejects(
        () =>
          downloadMovieLens("ml-latest-small", {
            baseUrl: base("nomd5"),
            rawDir,
            requireChecksum: true,
          }),
        "no checksum",
      );
    });
    assertEquals(hits(), before, "requireChecksum refuses before downloading");

    // A failed forced refresh keeps the existing folder untouched.
    await withRawDir(async (rawDir) => {
      await Deno.mkdir(`${rawDir}/ml-latest-small`);
      await Deno.writeTextFile(`${rawDir}/ml-latest-small/ratings.csv`, "old");
      await assertRejects(
        () =>
          downloadMovieLens("ml-latest-small", {
            baseUrl: base("corrupt"),
            rawDir,
            force: true,
            quiet: true,
          }),
        "corrupt zip",
      );
      assertEquals(await listing(rawDir), ["ml-latest-small"]);
      assertEquals(await Deno.readTextFile(`${rawDir}/ml-latest-small/ratings.csv`), "old");
      // And a folder without ratings.csv is not mistaken for a finished download.
      await Deno.remove(`${rawDir}/ml-latest-small/ratings.csv`);
      await assertRejects(
        () => downloadMovieLens("ml-latest-small", { baseUrl: base("nomd5"), rawDir, quiet: true }),
        "exists but has no ratings.csv",
      );
    });
  });
});

Deno.test("extractZip: damaged members are caught by size or CRC-32", async () => {
  const payload = strToU8("x".repeat(1000));
  const stored = zipSync({ "a.txt": [payload, { level: 0 }] });
  const dataAt = 30 + "a.txt".length; // the stored bytes follow the local header and the name
  const flipped = stored.slice();
  flipped[dataAt + 500] = 0x79; // "y": same size, different CRC
  const dir = await Deno.makeTempDir({ prefix: "unzip_test_" });
  try {
    await Deno.writeFile(`${dir}/ok.zip`, stored);
    await Deno.mkdir(`${dir}/ok`);
    assertEquals(await extractZip(`${dir}/ok.zip`, `${dir}/ok`), ["a.txt"]);
    assertEquals((await Deno.readFile(`${dir}/ok/a.txt`)).length, 1000);
    await Deno.writeFile(`${dir}/bad.zip`, flipped);
    await Deno.mkdir(`${dir}/bad`);
    await assertRejects(
      () => extractZip(`${dir}/bad.zip`, `${dir}/bad`),
      'member "a.txt"',
      "CRC-32",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("downloadMovieLens: ML-100K and ML-1M zips, each checked for its own files", async () => {
  const releases = {
    "ml-100k": { "u.data": "1\t10\t5\t874965758\n", "u.item": "x", "u.user": "1|24|M|writer|1\n" },
    "ml-1m": { "ratings.dat": "1::10::5::978300760\n", "movies.dat": "x", "users.dat": "y" },
  } as const;
  const zips = Object.fromEntries(
    Object.entries(releases).map(([name, files]) => [
      name,
      zipSync(
        Object.fromEntries(Object.entries(files).map(([f, t]) => [`${name}/${f}`, strToU8(t)])),
      ),
    ]),
  );
  const lacking = zipSync({ "ml-1m/ratings.dat": strToU8("1::10::5::1\n") });
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    const path = new URL(req.url).pathname;
    const zip = path === "/bad/ml-1m.zip"
      ? lacking
      : zips[path.slice(path.lastIndexOf("/") + 1, -4)];
    return path.endsWith(".zip") && zip !== undefined
      ? new Response(new Uint8Array(zip))
      : new Response("not found", { status: 404 });
  });
  const base = `http://127.0.0.1:${server.addr.port}`;
  try {
    await withRawDir(async (rawDir) => {
      for (const name of ["ml-100k", "ml-1m"] as const) {
        const result = await downloadMovieLens(name, {
          baseUrl: `${base}/ok/`,
          rawDir,
          quiet: true,
        });
        assertEquals(result.url, `${base}/ok/${name}.zip`);
        assert(result.downloaded);
        for (const file of Object.keys(releases[name])) {
          assert((await Deno.stat(`${rawDir}/${name}/${file}`)).isFile, `${name}/${file}`);
        }
        const again = await downloadMovieLens(name, {
          baseUrl: `${base}/ok/`,
          rawDir,
          quiet: true,
        });
        assert(!again.downloaded, "already there: not fetched again");
      }
      assertEquals(await listing(rawDir), ["ml-100k", "ml-1m"]);
    });
    await withRawDir(async (rawDir) => {
      await assertRejects(
        () => downloadMovieLens("ml-1m", { baseUrl: `${base}/bad/`, rawDir, quiet: true }),
        "the zip lacks movies.dat and users.dat",
      );
      assertEquals(await listing(rawDir), [], "nothing left behind");
    });
  } finally {
    await server.shutdown();
  }
});
