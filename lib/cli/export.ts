/**
 * Exports a split for Spark MLlib (lib/spark/als.py): train / validation / test as Parquet or
 * CSV with the raw ids, and export.json with the hyper-parameters mapped onto Spark's ALS and the
 * RMSE of the Zig ALS fitted on the same training ratings with the same objective (biases pinned
 * at zero, ALS-WR; see lib/spark/export.ts).
 *
 *   ./run deno task export --out data/export/small
 *   ./run deno task export --dataset ml-latest-small --split temporal --train-fraction 0.8 --out DIR
 *   ./run deno task export --split cold-items --item-fraction 0.1 --format csv --out DIR
 *   options: --out DIR (required)  --dataset DIR|NAME  --split random|temporal|leave-last-n|cold-items
 *            --test-fraction X (random)  --train-fraction X (temporal)  --n N (leave-last-n)
 *            --item-fraction X (cold-items)  --validation-fraction X  --seed N  --format parquet|csv
 *            --k N  --lambda X  --epochs N  --threads N  --quiet
 *
 * Defaults: the notebooks' dataset, a random split (10 % test, seed 42), 10 % of train as
 * validation, Parquet, K = 10, λ = 0.1 per rating (ALS-WR), 15 epochs.
 *
 * @module
 */
import { notebookReporter } from "../notebook/progress.ts";
import { notebookDataset } from "../notebook/dataset.ts";
import { exportSplit, type SplitKind, type SplitSpec } from "../spark/export.ts";
import type { RatingsFormat } from "../spark/ratings_file.ts";
import { Args, runCli, UsageError } from "./_args.ts";

const USAGE = "usage: export.ts --out DIR [--dataset DIR|NAME] " +
  "[--split random|temporal|leave-last-n|cold-items] [--test-fraction X] [--train-fraction X] " +
  "[--n N] [--item-fraction X] [--validation-fraction X] [--seed N] [--format parquet|csv] " +
  "[--k N] [--lambda X] [--epochs N] [--threads N] [--quiet]";
const SPEC = {
  flags: ["--quiet"],
  values: [
    "--out",
    "--dataset",
    "--split",
    "--test-fraction",
    "--train-fraction",
    "--n",
    "--item-fraction",
    "--validation-fraction",
    "--seed",
    "--format",
    "--k",
    "--lambda",
    "--epochs",
    "--threads",
  ],
};

/** The option that only applies to each split. */
const SPLIT_OPTION: Record<string, SplitKind> = {
  "--test-fraction": "random",
  "--train-fraction": "temporal",
  "--n": "leave-last-n",
  "--item-fraction": "cold-items",
};

/** `--out` must be a folder path that is not a file: checked before loading anything. */
function checkOut(out: string | undefined): string {
  if (out === undefined) throw new UsageError("--out DIR is required (the export folder)");
  if (out.trim() === "") throw new UsageError("--out needs a folder path, got an empty one");
  try {
    if (!Deno.statSync(out).isDirectory) {
      throw new UsageError(`--out ${out} is a file; give a folder (it is created if missing)`);
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return out;
}

function planOf(args: Args) {
  const kind = (args.string("--split", ["random", "temporal", "leave-last-n", "cold-items"]) ??
    "random") as SplitKind;
  for (const [name, applies] of Object.entries(SPLIT_OPTION)) {
    if (args.has(name) && applies !== kind) {
      throw new UsageError(`${name} applies to --split ${applies}, not ${kind}`);
    }
  }
  const split: SplitSpec = {
    kind,
    testFraction: args.number("--test-fraction", { min: 0.01, max: 0.9 }),
    trainFraction: args.number("--train-fraction", { min: 0.1, max: 0.99 }),
    n: args.number("--n", { integer: true, min: 1, max: 100_000 }),
    itemFraction: args.number("--item-fraction", { min: 0.01, max: 0.9 }),
    validationFraction: args.number("--validation-fraction", { min: 0, max: 0.5 }) ?? 0.1,
    seed: args.number("--seed", { integer: true, min: 0, max: 0xffff_ffff }) ?? 42,
  };
  const lambda = args.number("--lambda", { min: 0, max: 1e6 });
  if (lambda === 0) throw new UsageError("--lambda must be > 0");
  return {
    out: checkOut(args.string("--out")),
    dataset: args.string("--dataset"),
    format: (args.string("--format", ["parquet", "csv"]) ?? "parquet") as RatingsFormat,
    split,
    k: args.number("--k", { integer: true, min: 1, max: 1024 }),
    lambda,
    epochs: args.number("--epochs", { integer: true, min: 1, max: 10_000 }),
    threads: args.number("--threads", { integer: true, min: 1, max: 256 }),
    quiet: args.has("--quiet"),
  };
}

const fmt = (n: number) => n.toLocaleString("en-US");
const rmse = (x: number | null) => x === null ? "–" : x.toFixed(4);

async function main(): Promise<void> {
  const plan = planOf(Args.parse(Deno.args, SPEC));
  const ds = await notebookDataset({ dataset: plan.dataset });
  const m = await exportSplit(plan.out, ds.ratings, {
    userIds: ds.userIds,
    itemIds: ds.itemIds,
    split: plan.split,
    format: plan.format,
    dataset: ds.dir,
    k: plan.k,
    lambda: plan.lambda,
    epochs: plan.epochs,
    threads: plan.threads,
    progress: plan.quiet ? false : notebookReporter,
  });
  const c = m.counts;
  console.log(
    `wrote ${plan.out}: ${m.files.train} (${fmt(c.train)}), ${m.files.validation} ` +
      `(${fmt(c.validation)}), ${m.files.test} (${fmt(c.test)}; ${fmt(c.test_warm)} with a ` +
      `known user and movie), export.json`,
  );
  console.log(
    `split: ${Object.entries(m.split).map(([k, v]) => `${k} ${v}`).join(", ")}; μ = ${
      m.mu.toFixed(4)
    }`,
  );
  console.log(
    `zig ALS (K = ${m.hyper.k}, λ = ${m.hyper.lambda} ALS-WR, ${m.hyper.epochs} epochs, no ` +
      `biases) in ${m.zig.fit_seconds.toFixed(2)} s: train RMSE ${rmse(m.zig.train_rmse)}, ` +
      `validation ${rmse(m.zig.validation_rmse)}, test ${rmse(m.zig.test_rmse)} ` +
      `(known users and movies: ${rmse(m.zig.test_rmse_warm)})`,
  );
  console.log(
    `spark: rank ${m.spark.rank}, maxIter ${m.spark.maxIter}, regParam ${m.spark.regParam}`,
  );
  console.log(`next: ./run spark ${plan.out}`);
}

await runCli("export.ts", USAGE, main);
