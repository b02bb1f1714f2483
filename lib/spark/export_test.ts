import { parquetReadObjects } from "../deps/hyparquet.ts";
import { assert, assertEquals } from "../../tests/_assert.ts";
import { loadMovieLens } from "../data/load.ts";
import { fromTriplets } from "../data/coo.ts";
import { makeSplit, warmPart } from "./export.ts";
import { writeRatings } from "./ratings_file.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const SMALL = new URL("../../../shared/data/ml-latest-small", import.meta.url).pathname;

/** Runs `deno run -A lib/cli/export.ts args…` from the repository root. */
async function runExport(...args: string[]) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--config", `${ROOT}deno.json`, `${ROOT}lib/cli/export.ts`, ...args],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
}

type Row = { userId: number; movieId: number; rating: number; timestamp: number };

/** The rows of an exported table, read back with hyparquet (Parquet) or by splitting lines (CSV). */
async function readTable(path: string): Promise<Row[]> {
  if (path.endsWith(".csv")) {
    const [header, ...lines] = (await Deno.readTextFile(path)).trimEnd().split("\n");
    assertEquals(header, "userId,movieId,rating,timestamp");
    return lines.filter((l) => l !== "").map((line) => {
      const [userId, movieId, rating, timestamp] = line.split(",").map(Number);
      return { userId: userId!, movieId: movieId!, rating: rating!, timestamp: timestamp! };
    });
  }
  const bytes = await Deno.readFile(path);
  const rows = await parquetReadObjects({ file: bytes.buffer as ArrayBuffer });
  return rows.map((r) => ({
    userId: Number(r.userId as bigint),
    movieId: Number(r.movieId as bigint),
    rating: r.rating as number,
    timestamp: Number(r.timestamp as bigint),
  }));
}

/** "userId/movieId" → rating and time of every rating in ml-latest-small's ratings.csv. */
async function originalRatings(): Promise<Map<string, string>> {
  const text = await Deno.readTextFile(`${SMALL}/ratings.csv`);
  const map = new Map<string, string>();
  for (const line of text.split(/\r?\n/).slice(1)) {
    if (line === "") continue;
    const [u, i, r, t] = line.split(",");
    map.set(`${u}/${i}`, `${Number(r)}@${t}`);
  }
  return map;
}

Deno.test("export.ts writes every split of ml-latest-small as Parquet or CSV with raw ids; they partition ratings.csv", async () => {
  const original = await originalRatings();
  const dir = await Deno.makeTempDir();
  try {
    const cases = [
      ["random", ["--test-fraction", "0.2", "--seed", "3"], "parquet"],
      ["temporal", ["--train-fraction", "0.7"], "csv"],
      ["leave-last-n", ["--n", "2"], "parquet"],
      ["cold-items", ["--item-fraction", "0.1"], "csv"],
    ] as const;
    for (const [split, options, format] of cases) {
      const out = `${dir}/${split}`;
      const result = await runExport(
        ...["--dataset", SMALL, "--split", split, ...options, "--format", format, "--out", out],
        ...["--k", "4", "--epochs", "3", "--quiet"],
      );
      assertEquals(result.code, 0, result.stderr);
      const manifest = JSON.parse(await Deno.readTextFile(`${out}/export.json`));
      assertEquals(manifest.split.kind, split);
      assertEquals(manifest.format, format);
      assertEquals(manifest.spark, {
        rank: 4,
        maxIter: 3,
        regParam: 0.1,
        implicitPrefs: false,
        nonnegative: false,
        seed: split === "random" ? 3 : 42,
      });
      const tables = {
        train: await readTable(`${out}/train.${format}`),
        validation: await readTable(`${out}/validation.${format}`),
        test: await readTable(`${out}/test.${format}`),
      };
      // Together the three tables are ratings.csv, each rating once, with its rating and time.
      const seen = new Set<string>();
      let trainSum = 0;
      for (const [name, rows] of Object.entries(tables)) {
        assertEquals(rows.length, manifest.counts[name], `${split} ${name} count`);
        for (const r of rows) {
          const key = `${r.userId}/${r.movieId}`;
          assertEquals(original.get(key), `${r.rating}@${r.timestamp}`, `${split} ${key}`);
          assert(!seen.has(key), `${split}: ${key} exported twice`);
          seen.add(key);
          if (name === "train") trainSum += r.rating;
        }
      }
      assertEquals(seen.size, original.size, `${split}: every rating exported`);
      assert(Math.abs(manifest.mu - trainSum / tables.train.length) < 1e-9, "μ is the train mean");
      assert(manifest.zig.max_abs_bias < 1e-6, "biases pinned");
      assert(manifest.zig.train_rmse < manifest.zig.test_rmse, `${split}: ${result.stdout}`);
      if (split === "temporal") {
        const last = Math.max(...tables.train.map((r) => r.timestamp));
        assert(tables.test.every((r) => r.timestamp >= last), "test is the future");
      }
      if (split === "leave-last-n") {
        const perUser = new Map<number, number>();
        for (const r of tables.test) perUser.set(r.userId, (perUser.get(r.userId) ?? 0) + 1);
        assert([...perUser.values()].every((n) => n === 2), "two per user");
      }
      if (split === "cold-items") {
        const trained = new Set([...tables.train, ...tables.validation].map((r) => r.movieId));
        assert(tables.test.every((r) => !trained.has(r.movieId)), "test movies are cold");
        assertEquals(manifest.counts.test_warm, 0);
        assertEquals(manifest.zig.test_rmse_warm, null);
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("export.ts refuses bad arguments before loading anything", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/file`, "");
    for (
      const [args, message] of [
        [[], "--out DIR is required"],
        [["--out", `${dir}/file`], "is a file"],
        [["--out", dir, "--split", "random", "--n", "2"], "--n applies to --split leave-last-n"],
        [["--out", dir, "--split", "svd"], "--split is one of random, temporal"],
        [["--out", dir, "--format", "orc"], "--format is one of parquet, csv"],
        [["--out", dir, "--lambda", "0"], "--lambda must be > 0"],
        [["--out", dir, "--test-fraction", "1.5"], "--test-fraction expects a number in 0.01..0.9"],
        [["--out", dir, "--validation-fraction", "x"], "--validation-fraction expects a number"],
        [["--out", dir, "--unweighted"], "unknown argument --unweighted"],
      ] as const
    ) {
      const result = await runExport(...args);
      assertEquals(result.code, 2, `${args.join(" ")}: ${result.stderr}`);
      assert(result.stderr.includes(message), `${args.join(" ")}: ${result.stderr}`);
      assert(result.stderr.includes("usage: export.ts"), result.stderr);
    }
    assertEquals([...Deno.readDirSync(dir)].map((e) => e.name), ["file"], "nothing written");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("writeRatings keeps ids beyond 2^31 and refuses ids of another dataset", async () => {
  const m = fromTriplets(2, 1, [0, 1], [0, 0], [0.5, 5], [0, 4_000_000_000]);
  const dir = await Deno.makeTempDir();
  try {
    const ids = { userIds: Uint32Array.of(1, 0xffff_ffff), itemIds: Uint32Array.of(3_000_000_000) };
    await writeRatings(`${dir}/r.parquet`, m, { ...ids, format: "parquet" });
    assertEquals(await readTable(`${dir}/r.parquet`), [
      { userId: 1, movieId: 3_000_000_000, rating: 0.5, timestamp: 0 },
      { userId: 0xffff_ffff, movieId: 3_000_000_000, rating: 5, timestamp: 4_000_000_000 },
    ]);
    let error: unknown;
    try {
      await writeRatings(`${dir}/bad.csv`, m, {
        ...ids,
        itemIds: Uint32Array.of(1, 2),
        format: "csv",
      });
    } catch (e) {
      error = e;
    }
    assert(error instanceof Error && error.message.includes("another dataset"), String(error));
    assertEquals([...Deno.readDirSync(dir)].map((e) => e.name), ["r.parquet"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("makeSplit carves validation from train; warmPart keeps pairs known in train", async () => {
  const ds = await loadMovieLens(SMALL, { cache: false, sideFiles: false });
  const s = makeSplit(ds.ratings, { kind: "random", seed: 1, validationFraction: 0.2 });
  assertEquals(s.train.nnz + s.validation.nnz + s.test.nnz, ds.ratings.nnz);
  assert(Math.abs(s.validation.nnz / (s.train.nnz + s.validation.nnz) - 0.2) < 0.01);
  const none = makeSplit(ds.ratings, { kind: "random", seed: 1, validationFraction: 0 });
  assertEquals(none.validation.nnz, 0);
  const warm = warmPart(s.test, s.train);
  let cold = 0;
  for (let u = 0; u < s.test.nUsers; u++) {
    for (let e = s.test.userPtr[u]!; e < s.test.userPtr[u + 1]!; e++) {
      const i = s.test.userItems[e]!;
      const known = s.train.userPtr[u + 1]! > s.train.userPtr[u]! &&
        s.train.itemPtr[i + 1]! > s.train.itemPtr[i]!;
      if (!known) cold++;
    }
  }
  assert(cold > 0, "ml-latest-small has test movies without training ratings");
  assertEquals(warm.nnz, s.test.nnz - cold);
});
