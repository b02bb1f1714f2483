/**
 * Spark figures for `./run bench --only spark` (lib/cli/bench.ts): seconds per ALS iteration of
 * Spark MLlib (lib/spark/als.py, `local[1]` and `local[2]`) next to the Zig kernel's seconds per
 * epoch (1 and 2 threads) on the same ratings, at K = 64.
 *
 * The data: a subsample of 1,000,000 ratings of the benchmark dataset, drawn by whole users
 * (`subsampleRatings(m, 1e6, { seed: 7, by: "user" })`), split by
 * `makeSplit({ kind: "random", testFraction: 0.01, validationFraction: 0, seed: 1 })`; both sides
 * fit its training part. One Spark iteration and one Zig epoch are the same work (every user row
 * solved, then every item row). Spark's per-iteration time is (t(maxIter = 6) − t(maxIter = 1)) / 5,
 * so its one-off costs (JVM, reading, partitioning the ratings into blocks) are left out.
 *
 * Skipped, with one line saying so, when pyspark is not installed in .venv.
 *
 * @module
 */
import { join } from "node:path";
import type { Dataset, RatingMatrix } from "../data/types.ts";
import { subsampleRatings } from "../data/subsample.ts";
import { runAlsEpoch } from "../models/als.ts";
import { initAlsState } from "../models/als_state.ts";
import { trainMean } from "../models/explicit_model.ts";
import { exportSplit, makeSplit, PINNED_BIAS_LAMBDA, type SplitSpec } from "../spark/export.ts";
import type { EmitFigure } from "./bench_als.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const PYTHON = join(ROOT, ".venv/bin/python");

/**
 * The documented subsample and split (see the module).
 *
 * @example
 * ```ts
 * import { SPARK_BENCH } from "./bench_spark.ts";
 * if (SPARK_BENCH.k !== 64) throw new Error("K = 64, as issue 17 asks");
 * ```
 */
export const SPARK_BENCH = {
  ratings: 1_000_000,
  subsampleSeed: 7,
  k: 64,
  lambda: 0.05,
  maxIter: 6,
  split: { kind: "random", testFraction: 0.01, validationFraction: 0, seed: 1 } as SplitSpec,
} as const;

/**
 * Whether .venv has pyspark and numpy (what lib/spark/als.py imports).
 *
 * @example
 * ```ts
 * import { sparkAvailable } from "./bench_spark.ts";
 * if (typeof (await sparkAvailable()) !== "boolean") throw new Error("yes or no");
 * ```
 */
export async function sparkAvailable(): Promise<boolean> {
  try {
    const out = await new Deno.Command(PYTHON, {
      args: ["-c", "import pyspark, numpy"],
      stdout: "null",
      stderr: "null",
    }).output();
    return out.success;
  } catch {
    return false;
  }
}

/** Mean seconds of 3 Zig epochs after a warm-up, biases pinned as in the export. */
async function zigEpochSeconds(train: RatingMatrix, threads: number): Promise<number> {
  const state = initAlsState(train.nUsers, train.nItems, SPARK_BENCH.k, {
    seed: 1,
    mu: trainMean(train),
  });
  const lambdaBias = PINNED_BIAS_LAMBDA;
  const epoch = () =>
    runAlsEpoch(train, state, { lambda: SPARK_BENCH.lambda, lambdaBias, threads });
  await epoch(); // warm-up
  const started = performance.now();
  for (let e = 0; e < 3; e++) await epoch();
  return (performance.now() - started) / 1000 / 3;
}

/** Options of {@linkcode benchSpark}. */
export interface BenchSparkOptions {
  /** Spark masters to time, as core counts (`local[n]`). Default [1, 2]. */
  cores?: readonly number[];
  /** Ratings in the subsample. Default {@linkcode SPARK_BENCH}.ratings. */
  ratings?: number;
}

/**
 * Emits `als.epoch_seconds` (threads 1 and 2) and `spark.iteration_seconds` (one per master,
 * `local[n]` for each of `cores`) on the subsample described in the module. Without pyspark the
 * Spark figures are skipped with one line to `log`.
 *
 * @param ds The benchmark dataset.
 * @param emit Receives each figure.
 * @param log Receives the skip line.
 * @param options Masters and subsample size.
 *
 * @example
 * ```ts
 * import { benchSpark } from "./bench_spark.ts";
 * import { loadMovieLens } from "../data/load.ts";
 * const ds = await loadMovieLens("../shared/data/ml-latest-small", { cache: false, sideFiles: false });
 * const names: string[] = [];
 * await benchSpark(ds, (name) => names.push(name), () => {}, { cores: [], ratings: 20_000 });
 * if (names.join() !== "als.epoch_seconds,als.epoch_seconds") throw new Error(`${names}`);
 * ```
 */
export async function benchSpark(
  ds: Dataset,
  emit: EmitFigure,
  log: (text: string) => void,
  options: BenchSparkOptions = {},
): Promise<void> {
  const { cores = [1, 2], ratings = SPARK_BENCH.ratings } = options;
  const sub = subsampleRatings(ds.ratings, ratings, {
    seed: SPARK_BENCH.subsampleSeed,
    by: "user",
  });
  const { train } = makeSplit(sub, SPARK_BENCH.split);
  const base = {
    k: SPARK_BENCH.k,
    ratings: train.nnz,
    data: `${ds.name} subsample by user, seed ${SPARK_BENCH.subsampleSeed}`,
  };
  for (const threads of [1, 2]) {
    const seconds = await zigEpochSeconds(train, threads);
    emit("als.epoch_seconds", seconds, "s", { ...base, threads, biases: "pinned at 0" });
  }
  if (cores.length === 0) return;
  if (!(await sparkAvailable())) {
    log(
      "spark: skipped — pyspark is not installed in .venv (./run test-spark or ./run spark " +
        "installs it)",
    );
    return;
  }
  const dir = await Deno.makeTempDir({ prefix: "recsys-spark-bench-" });
  try {
    const ids = {
      userIds: Uint32Array.from({ length: sub.nUsers }, (_, u) => u + 1),
      itemIds: Uint32Array.from({ length: sub.nItems }, (_, i) => i + 1),
    };
    await exportSplit(dir, sub, {
      ...ids,
      split: SPARK_BENCH.split,
      k: SPARK_BENCH.k,
      lambda: SPARK_BENCH.lambda,
      epochs: SPARK_BENCH.maxIter,
    });
    for (const n of cores) {
      const master = `local[${n}]`;
      const out = join(dir, `spark-${n}`);
      const run = await new Deno.Command(PYTHON, {
        args: [
          join(ROOT, "lib/spark/als.py"),
          dir,
          ...["--master", master, "--time-iterations", "--quiet", "--out", out],
        ],
        stdout: "null",
        stderr: "piped",
      }).output();
      if (!run.success) {
        throw new Error(`spark bench (${master}) failed:\n${new TextDecoder().decode(run.stderr)}`);
      }
      const report = JSON.parse(await Deno.readTextFile(join(out, "spark.json")));
      const params = { ...base, threads: n, master };
      emit("spark.iteration_seconds", report.iteration_seconds, "s", params);
      emit("spark.fit_seconds", report.fit_seconds, "s", {
        ...params,
        max_iter: SPARK_BENCH.maxIter,
      });
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
