/**
 * Fits a model on a MovieLens folder from the terminal: a random train/test split, one Zig epoch
 * per call with a progress bar on stderr, then the test RMSE and MAE next to the global mean's and
 * (for the ranking models) the top-10 precision, recall, NDCG, hit rate and coverage on the test
 * ratings; optionally saves the model for `recommend.ts`.
 *
 *   ./run deno task fit                                          ALS with fit's defaults
 *   ./run deno task fit --dataset ml-latest-small --model bias-als --lambda 3
 *   ./run deno task fit --k 64 --lambda 10 --lambda-bias 3 --unweighted --out data/models/als.rsm
 *   options: --dataset DIR|NAME  --model als|bias-als|global-mean  --k N  --lambda X
 *            --lambda-bias X  --unweighted  --epochs N  --patience N  --test-fraction X  --seed N
 *            --threads N  --out FILE  --quiet
 *
 * Defaults: the dataset the notebooks would use (RECSYS_DATASET, else the best present), ALS with
 * `Als.fit`'s defaults (K = 32, λ = 0.1 with ALS-WR weighting, 15 epochs), the rating scale inferred
 * from the training ratings (printed), a 10 % test split with seed 42. `--patience N` carves a validation set (10 % of train) and stops early on it; the test
 * ratings are never used for a choice.
 *
 * @module
 */
import type { Reporter } from "../models/reporter.ts";
import { notebookReporter } from "../notebook/progress.ts";
import { inferRatingScale } from "../data/id_maps.ts";
import { randomSplit } from "../data/split.ts";
import type { RatingMatrix } from "../data/types.ts";
import { rankingMetrics } from "../metrics/ranking.ts";
import { Als } from "../models/als.ts";
import { BiasAls } from "../models/bias_als.ts";
import { GlobalMean } from "../models/global_mean.ts";
import type { AnyRatingModel } from "../models/load_model.ts";
import { RankingModel } from "../models/explicit_model.ts";
import { notebookDataset } from "../notebook/dataset.ts";
import { Args, runCli, UsageError } from "./_args.ts";

const USAGE = "usage: fit.ts [--dataset DIR|NAME] [--model als|bias-als|global-mean] [--k N] " +
  "[--lambda X] [--lambda-bias X] [--unweighted] [--epochs N] [--patience N] " +
  "[--test-fraction X] [--seed N] [--threads N] [--out FILE] [--quiet]";
const SPEC = {
  flags: ["--unweighted", "--quiet"],
  values: [
    "--dataset",
    "--model",
    "--k",
    "--lambda",
    "--lambda-bias",
    "--epochs",
    "--patience",
    "--test-fraction",
    "--seed",
    "--threads",
    "--out",
  ],
};

/** What to fit, read and checked before any data is loaded. */
interface FitPlan {
  kind: "als" | "bias-als" | "global-mean";
  dataset?: string;
  testFraction: number;
  seed: number;
  patience?: number;
  threads?: number;
  out?: string;
  /** Options passed to `fit` as they are (undefined keeps `fit`'s default). */
  options: {
    k?: number;
    lambda?: number;
    lambdaBias?: number;
    weighted?: boolean;
    epochs?: number;
    progress?: false | Reporter;
  };
}

function planOf(args: Args): FitPlan {
  const kind =
    (args.string("--model", ["als", "bias-als", "global-mean"]) ?? "als") as FitPlan["kind"];
  const only = (names: string[], kinds: string[]) => {
    for (const name of names) {
      if (args.has(name) && !kinds.includes(kind)) {
        throw new UsageError(`${name} applies to --model ${kinds.join(" or ")}, not ${kind}`);
      }
    }
  };
  only(["--k", "--lambda-bias"], ["als"]);
  only(["--lambda", "--unweighted", "--epochs", "--patience"], ["als", "bias-als"]);
  const lambda = args.number("--lambda", { min: 0, max: 1e6 });
  if (kind === "als" && lambda === 0) throw new UsageError("--lambda must be > 0 for --model als");
  return {
    kind,
    dataset: args.string("--dataset"),
    testFraction: args.number("--test-fraction", { min: 0.01, max: 0.5 }) ?? 0.1,
    seed: args.number("--seed", { integer: true, min: 0, max: 0xffff_ffff }) ?? 42,
    patience: args.number("--patience", { integer: true, min: 1, max: 10_000 }),
    threads: args.number("--threads", { integer: true, min: 1, max: 256 }),
    out: checkOut(args.string("--out")),
    options: {
      k: args.number("--k", { integer: true, min: 1, max: 1024 }),
      lambda,
      lambdaBias: args.number("--lambda-bias", { min: 0, max: 1e6 }),
      weighted: args.has("--unweighted") ? false : undefined,
      epochs: args.number("--epochs", { integer: true, min: 1, max: 10_000 }),
      progress: args.has("--quiet") ? false : notebookReporter,
    },
  };
}

/** Fits the planned model on `train` (with patience, on 90 % of it, stopping on the other 10 %). */
async function fitModel(plan: FitPlan, train: RatingMatrix, ids: object): Promise<AnyRatingModel> {
  const { kind, patience, threads, seed } = plan;
  if (kind === "global-mean") return await GlobalMean.fit(train, { ...ids, threads });
  const carved = patience === undefined
    ? { train, test: undefined }
    : randomSplit(train, { testFraction: 0.1, seed: (seed + 1) >>> 0 });
  if (carved.test !== undefined && (carved.test.nnz === 0 || carved.train.nnz === 0)) {
    throw new Error(
      `--patience: 10 % of the ${train.nnz} training ratings as a validation set leaves ` +
        `${carved.test.nnz} to validate on and ${carved.train.nnz} to fit; too few ratings`,
    );
  }
  const { k, lambdaBias, ...shared } = plan.options;
  const common = { ...ids, ...shared, validation: carved.test, patience, threads };
  if (kind === "bias-als") return await BiasAls.fit(carved.train, common);
  return await Als.fit(carved.train, { ...common, k, lambdaBias, seed });
}

/** "K = 64, λ = 10, …" from the model's hyper-parameters. */
function settingsOf(model: AnyRatingModel): string {
  const names: Record<string, string> = { k: "K", lambda: "λ", lambdaBias: "λ_b" };
  const parts = Object.entries(model.hyper)
    .filter(([key]) => key in names || key === "weighted" || key === "epochs")
    .map(([key, value]) =>
      key === "weighted"
        ? (value ? "ALS-WR weighting" : "unweighted")
        : key === "epochs"
        ? `${value} epoch${value === 1 ? "" : "s"}`
        : `${names[key]} = ${value}`
    );
  return parts.length === 0 ? "no hyper-parameters" : parts.join(", ");
}

/** `text` as one shell word: unchanged when it is plain, else single-quoted. */
function shellWord(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`;
}

/** `--out` must name a file that can be written: checked before hours of fitting, not after. */
function checkOut(out: string | undefined): string | undefined {
  if (out === undefined) return undefined;
  if (out.trim() === "") throw new UsageError("--out needs a file path, got an empty one");
  try {
    if (Deno.statSync(out).isDirectory) {
      throw new UsageError(`--out ${out} is a folder; give a file path such as ${out}/als.rsm`);
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotADirectory)) {
      throw error;
    }
  }
  checkWritableFolder(out);
  return out;
}

/**
 * The folder that will hold `out` (save creates missing folders) must be writable: the nearest
 * existing one of its ancestors must be a folder in which a file can be created (probed with a temp
 * file, removed at once). Refusals are usage errors naming `--out` and the folder.
 */
function checkWritableFolder(out: string): void {
  const slash = out.lastIndexOf("/");
  let folder = slash < 0 ? "." : slash === 0 ? "/" : out.slice(0, slash);
  for (let depth = 0; depth < 4096; depth++) {
    let info: Deno.FileInfo | undefined;
    try {
      info = Deno.statSync(folder);
    } catch (error) {
      const missing = error instanceof Deno.errors.NotFound ||
        error instanceof Deno.errors.NotADirectory;
      if (!missing) {
        throw new UsageError(`--out ${out}: cannot use ${folder} (${(error as Error).message})`);
      }
    }
    if (info !== undefined) {
      if (!info.isDirectory) throw new UsageError(`--out ${out}: ${folder} is not a folder`);
      try {
        Deno.removeSync(Deno.makeTempFileSync({ dir: folder, prefix: ".fit-out-probe-" }));
      } catch (error) {
        throw new UsageError(
          `--out ${out}: cannot write into ${folder} (${(error as Error).message})`,
        );
      }
      return;
    }
    const up = folder.lastIndexOf("/");
    folder = up < 0 ? "." : up === 0 ? "/" : folder.slice(0, up);
  }
}

/** Top-10 quality on the test split: every user with test ratings, their training movies left out. */
async function reportRanking(model: RankingModel, train: RatingMatrix, test: RatingMatrix) {
  const users: number[] = [];
  for (let u = 0; u < test.nUsers; u++) if (test.userPtr[u + 1]! > test.userPtr[u]!) users.push(u);
  const lists = await model.recommendBatch(users, { n: 10, exclude: train });
  const r = rankingMetrics(lists, test, { threshold: 4 });
  const percent = (x: number) => `${(100 * x).toFixed(1)} %`;
  console.log(
    `top-10 on test (relevant: rated ≥ 4; ${r.users.toLocaleString("en-US")} users): ` +
      `precision ${r.precision.toFixed(4)}, recall ${r.recall.toFixed(4)}, NDCG ` +
      `${r.ndcg.toFixed(4)}, hit rate ${percent(r.hitRate)}, coverage ${percent(r.coverage)}`,
  );
}

async function main(): Promise<void> {
  const plan = planOf(Args.parse(Deno.args, SPEC));
  const ds = await notebookDataset({ dataset: plan.dataset });
  const { train, test } = randomSplit(ds.ratings, {
    testFraction: plan.testFraction,
    seed: plan.seed,
  });
  console.log(
    `split: ${train.nnz.toLocaleString("en-US")} train, ${test.nnz.toLocaleString("en-US")} ` +
      `test (random ${plan.testFraction * 100} %, seed ${plan.seed})`,
  );
  if (test.nnz === 0 || train.nnz === 0) {
    throw new Error(
      `--test-fraction ${plan.testFraction} of ${ds.ratings.nnz} ratings leaves ${train.nnz} to ` +
        `fit and ${test.nnz} to test; the dataset is too small for this split`,
    );
  }
  const ids = { userIds: ds.userIds, itemIds: ds.itemIds };
  const started = performance.now();
  const model = await fitModel(plan, train, ids);
  const seconds = (performance.now() - started) / 1000;
  const [score, baseline] = await Promise.all([
    model.evaluate(test),
    (await GlobalMean.fit(train, ids)).evaluate(test),
  ]);
  console.log(`${model.kind}: ${settingsOf(model)}; fitted in ${seconds.toFixed(2)} s`);
  const [lo, hi] = model.ratingScale;
  const { step } = inferRatingScale(train);
  console.log(
    `rating scale ${lo}–${hi}${step > 0 ? ` in steps of ${step}` : ""} (inferred from the ` +
      "training ratings; predictions are clamped to it)",
  );
  console.log(
    `test RMSE ${score.rmse.toFixed(4)}, MAE ${score.mae.toFixed(4)} (global mean: RMSE ` +
      `${baseline.rmse.toFixed(4)}, MAE ${baseline.mae.toFixed(4)})`,
  );
  if (model instanceof RankingModel) await reportRanking(model, train, test);
  if (plan.out !== undefined) {
    try {
      await model.save(plan.out, { dataset: ds.dir });
    } catch (error) {
      throw new Error(`--out ${plan.out}: cannot write the model`, { cause: error });
    }
    const megabytes = (await Deno.stat(plan.out)).size / 1e6;
    const user = ds.userIds[0];
    const hint = model.kind === "global-mean" || user === undefined
      ? ""
      : `; try: ./run recommend --model ${shellWord(plan.out)} --user ${user}`;
    console.log(`saved ${plan.out} (${megabytes.toFixed(1)} MB)${hint}`);
  }
}

await runCli("fit.ts", USAGE, main);
