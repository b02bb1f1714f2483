/**
 * Spark MLlib's ALS against the Zig ALS on ml-latest-small: `./run test-spark` (it installs
 * pyspark into .venv first; see README "Running on a cluster"). Spark runs local[2] with the UI
 * off and the driver bound to 127.0.0.1. Without RECSYS_SPARK_TEST=1 (set by that command) these
 * tests are ignored, so the default `deno test` does not need pyspark.
 *
 * @module
 */
import { assert, assertEquals } from "../../tests/_assert.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const SMALL = new URL("../../../shared/data/ml-latest-small", import.meta.url).pathname;
const PYTHON = `${ROOT}.venv/bin/python`;
const ignore = Deno.env.get("RECSYS_SPARK_TEST") !== "1";

const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

async function run(command: string, args: string[]) {
  const output = await new Deno.Command(command, {
    args,
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
}

async function exportSplit(out: string, ...options: string[]) {
  const result = await run(Deno.execPath(), [
    ...["run", "-A", "--config", `${ROOT}deno.json`, `${ROOT}lib/cli/export.ts`],
    ...["--dataset", SMALL, "--out", out, "--quiet", ...options],
  ]);
  assertEquals(result.code, 0, result.stderr);
  return JSON.parse(await Deno.readTextFile(`${out}/export.json`));
}

async function spark(dir: string, ...options: string[]) {
  const result = await run(PYTHON, [`${ROOT}lib/spark/als.py`, dir, ...options]);
  assertEquals(result.code, 0, `${result.stdout}\n${result.stderr}`);
  return {
    stdout: result.stdout,
    report: JSON.parse(await Deno.readTextFile(`${dir}/spark/spark.json`)),
  };
}

Deno.test({
  name:
    "Spark ALS (local[2]) on ml-latest-small: test RMSE within 0.01 of the Zig ALS on the same objective",
  ignore,
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      const manifest = await exportSplit(
        dir,
        ...["--k", "16", "--lambda", "0.1", "--epochs", "15", "--seed", "42"],
      );
      const { report, stdout } = await spark(dir, "--master", "local[2]", "--quiet");
      assertEquals(report.master, "local[2]");
      assertEquals(report.params.rank, 16);
      assertEquals(report.params.maxIter, 15);
      assertEquals(report.params.regParam, 0.1);
      // The same pairs are scored on both sides: test ratings whose user and movie trained.
      assertEquals(report.test.count, manifest.counts.test);
      assertEquals(report.test.count_known, manifest.counts.test_warm);
      assert(report.test.count_known < report.test.count, "some test movies are unknown");
      const gap = Math.abs(report.test.rmse_known - manifest.zig.test_rmse_warm);
      assert(gap < 0.01, `spark ${report.test.rmse_known} vs zig ${manifest.zig.test_rmse_warm}`);
      // Over all pairs too (unknown ones predicted as μ on both sides).
      assert(Math.abs(report.test.rmse_all - manifest.zig.test_rmse) < 0.01, stdout);
      // With coldStartStrategy "drop", RegressionEvaluator scores exactly the known pairs.
      assert(Math.abs(report.test.evaluator_rmse - report.test.rmse_known) < 1e-9, stdout);
      // Both fits beat predicting μ everywhere by far, and neither is just overfitting train.
      assert(report.train.rmse_known < report.test.rmse_known, stdout);
      assert(report.test.rmse_known < 0.95, stdout);
      const files = [...Deno.readDirSync(`${dir}/spark/predictions`)].map((e) => e.name);
      assert(files.includes("_SUCCESS"), `${files}`);
      assert(files.some((f) => f.endsWith(".parquet")), `${files}`);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "Spark ALS on a cold-item split: coldStartStrategy nan gives the evaluator NaN; μ for unknowns matches the Zig model",
  ignore,
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      const manifest = await exportSplit(
        dir,
        ...["--split", "cold-items", "--format", "csv", "--k", "4", "--epochs", "3"],
      );
      const { report } = await spark(dir, "--cold-start", "nan", "--quiet");
      assertEquals(report.master, "local[2]", "the default master");
      assertEquals(report.test.count_known, 0);
      assertEquals(report.test.rmse_known, null);
      assertEquals(report.test.evaluator_rmse, "NaN" as unknown, "NaN poisons the evaluator");
      // Every test movie is unknown: both sides predict μ (clamped), so the RMSEs are equal.
      assert(
        Math.abs(report.test.rmse_all - manifest.zig.test_rmse) < 1e-6,
        JSON.stringify(report),
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "als.py names the missing export.json and exits 1 without starting Spark",
  ignore,
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      const result = await run(PYTHON, [`${ROOT}lib/spark/als.py`, dir]);
      assertEquals(result.code, 1, result.stderr);
      assert(result.stderr.includes(`${dir}/export.json: not found`), result.stderr);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
