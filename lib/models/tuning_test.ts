import {
  assert,
  assertAlmostEquals,
  assertEquals,
  assertRejects,
  assertThrows,
} from "../../tests/_assert.ts";
import { loadMovieLens } from "../data/load.ts";
import { randomSplit } from "../data/split.ts";
import { subsampleRatings } from "../data/subsample.ts";
import type { RatingMatrix } from "../data/types.ts";
import { scoreMatrix } from "../ffi/kernels.ts";
import { drawSettings, fitTrial, gridSearch, randomSearch } from "./tuning.ts";

const SMALL = new URL("../../../shared/data/ml-latest-small", import.meta.url).pathname;

let cached: { train: RatingMatrix; validation: RatingMatrix } | undefined;
/** About 6,000 ratings of whole ml-latest-small users, 80/20. */
async function data(): Promise<{ train: RatingMatrix; validation: RatingMatrix }> {
  if (cached) return cached;
  const ds = await loadMovieLens(SMALL, { cache: false, sideFiles: false });
  const m = subsampleRatings(ds.ratings, 6_000, { seed: 3, by: "user" });
  const { train, test } = randomSplit(m, { testFraction: 0.2, seed: 1 });
  return cached = { train, validation: test };
}

async function rmse(state: Parameters<typeof scoreMatrix>[0], m: RatingMatrix): Promise<number> {
  const s = await scoreMatrix(state, m, { ratingMin: 0.5, ratingMax: 5 });
  return Math.sqrt(s.sse / s.count);
}

Deno.test("fitTrial returns the best epoch's parameters and stops after `patience` idle epochs", async () => {
  const { train, validation } = await data();
  // On this sample the validation RMSE of K = 16, λ = 0.05 bottoms out after about 7 epochs.
  const { trial, state } = await fitTrial(train, validation, {
    k: 16,
    lambda: 0.05,
    maxEpochs: 30,
    patience: 3,
    minDelta: 0,
    threads: 2,
  });
  const curve = trial.history.map((h) => h.validationRmse!);
  const min = Math.min(...curve);
  assertEquals(trial.validationRmse, min);
  assertEquals(trial.bestEpoch, curve.indexOf(min) + 1);
  assert(trial.bestEpoch < trial.epochs, `overfits: best ${trial.bestEpoch} of ${trial.epochs}`);
  assert(trial.epochs < 30, "stopped early");
  assertEquals(trial.epochs - trial.bestEpoch, 3, "three epochs without improvement");
  assertAlmostEquals(await rmse(state, validation), trial.validationRmse, 1e-9);
  assert(!trial.warmStarted && trial.seconds > 0, "cold start, timed");
});

Deno.test("fitTrial keeps the best parameters also when the epoch budget ends first", async () => {
  const { train, validation } = await data();
  const { trial, state } = await fitTrial(train, validation, {
    k: 16,
    lambda: 0.05,
    maxEpochs: 10,
    patience: 10,
    threads: 2,
  });
  assertEquals(trial.epochs, 10);
  assert(trial.bestEpoch < 10, `the last epoch is not the best (best ${trial.bestEpoch})`);
  assertAlmostEquals(await rmse(state, validation), trial.validationRmse, 1e-9);
  await assertRejects(
    () => fitTrial(train, validation, { k: 2, lambda: 0.1, maxEpochs: 0 }),
    RangeError,
    "maxEpochs",
  );
});

Deno.test("gridSearch: every setting, grouped by K with λ descending, warm within a K", async () => {
  const { train, validation } = await data();
  const r = await gridSearch(train, validation, {
    ks: [4, 8],
    lambdas: [0.05, 0.2],
    maxEpochs: 8,
    threads: 2,
  });
  assertEquals(r.trials.map((t) => [t.k, t.lambda, t.warmStarted]), [
    [4, 0.2, false],
    [4, 0.05, true],
    [8, 0.2, false],
    [8, 0.05, true],
  ]);
  const min = Math.min(...r.trials.map((t) => t.validationRmse));
  assertEquals(r.best.validationRmse, min);
  assertAlmostEquals(await rmse(r.bestState, validation), min, 1e-9);
  assertEquals(r.epochs, r.trials.reduce((n, t) => n + t.epochs, 0));
  // A cold grid gives, for its first λ of each K, the same fit as the warm one (both cold there).
  const cold = await gridSearch(train, validation, {
    ks: [4],
    lambdas: [0.05, 0.2],
    maxEpochs: 8,
    warmStart: false,
    threads: 1,
  });
  assert(cold.trials.every((t) => !t.warmStarted), "all cold");
  assertEquals(cold.trials[0]!.validationRmse, r.trials[0]!.validationRmse);
  assertThrows(() => gridSearch(train, validation, { ks: [], lambdas: [1] }), RangeError, "ks");
});

Deno.test("drawSettings: seeded, K from the list, λ log-uniform in the range", () => {
  const a = drawSettings(2000, [8, 16, 32], [0.001, 1], 5);
  assertEquals(a, drawSettings(2000, [8, 16, 32], [0.001, 1], 5));
  assert(
    JSON.stringify(a) !== JSON.stringify(drawSettings(2000, [8, 16, 32], [0.001, 1], 6)),
    "seed",
  );
  for (const k of [8, 16, 32]) {
    const share = a.filter((s) => s.k === k).length / a.length;
    assert(Math.abs(share - 1 / 3) < 0.05, `K = ${k} drawn ${share}`);
  }
  // log10 λ is uniform on [−3, 0]: each decade holds about a third of the draws.
  for (const [lo, hi] of [[0.001, 0.01], [0.01, 0.1], [0.1, 1]]) {
    const share = a.filter((s) => s.lambda >= lo! && s.lambda < hi!).length / a.length;
    assert(Math.abs(share - 1 / 3) < 0.05, `decade [${lo}, ${hi}) holds ${share}`);
  }
  assertThrows(() => drawSettings(1, [8], [0, 1], 1), RangeError, "lambdaRange");
  assertThrows(() => drawSettings(0, [8], [0.1, 1], 1), RangeError, "trials");
});

Deno.test("randomSearch fits the drawn settings", async () => {
  const { train, validation } = await data();
  const options = { trials: 3, ks: [4, 8], lambdaRange: [0.02, 0.5] as const, drawSeed: 2 };
  const r = await randomSearch(train, validation, { ...options, maxEpochs: 5, threads: 2 });
  const drawn = drawSettings(3, [4, 8], [0.02, 0.5], 2);
  const key = (s: { k: number; lambda: number }) => `${s.k}/${s.lambda}`;
  assertEquals(r.trials.map(key).sort(), drawn.map(key).sort());
  assertEquals(r.best.validationRmse, Math.min(...r.trials.map((t) => t.validationRmse)));
});

Deno.test("tune searches any subset of a model's options: λ_b of ALS, and bias-only λ", async () => {
  const { train, validation } = await data();
  const { tune } = await import("./tuning.ts");
  const { Als } = await import("./als.ts");
  const als = await tune(train, validation, {
    model: "als",
    grid: { lambdaBias: [0.3, 3, 30, 300] },
    fixed: { k: 8, lambda: 5, weighted: false },
    maxEpochs: 12,
  });
  assertEquals(als.trials.map((t) => t.setting.lambdaBias), [0.3, 3, 30, 300]);
  const scores = als.trials.map((t) => t.score);
  assert(new Set(scores).size === 4, `λ_b changes the fit: ${scores}`);
  assertEquals(als.best.score, Math.min(...scores));
  assertEquals(als.bestOptions.lambdaBias, als.best.setting.lambdaBias);
  assertEquals(als.table.length, 4);
  // The best options reproduce the best trial's validation RMSE when fitted again.
  const refit = await Als.fit(train, { ...als.bestOptions, validation, progress: false });
  assertAlmostEquals(refit.history.at(-1)!.validationRmse!, als.best.score, 1e-6);

  const bias = await tune(train, validation, {
    model: "bias-als",
    random: { space: { lambda: { low: 0.5, high: 50, log: true } }, trials: 4, seed: 9 },
  });
  assert(
    bias.trials.every((t) => Number(t.setting.lambda) >= 0.5 && Number(t.setting.lambda) <= 50),
  );
  assertEquals(bias.best.metric, "validation RMSE");
});

Deno.test("tune ranks implicit models by validation NDCG@10 (higher is better) and refuses bad spaces", async () => {
  const { train, validation } = await data();
  const { tune } = await import("./tuning.ts");
  const { implicitPositives } = await import("../data/implicit.ts");
  const positives = implicitPositives(train, { threshold: 3.5 });
  const held = implicitPositives(validation, { threshold: 3.5 });
  const result = await tune(positives, held, {
    model: "ials",
    grid: { alpha: [1, 10] },
    fixed: { k: 8, lambda: 1, threads: 1 },
    maxEpochs: 4,
  });
  assertEquals(result.best.metric, "validation NDCG@10");
  assertEquals(result.best.score, Math.max(...result.trials.map((t) => t.score)));
  await assertRejects(() => tune(train, validation, { model: "als" }), Error, "exactly one");
  await assertRejects(
    () => tune(train, validation, { model: "als", grid: { k: [] } }),
    RangeError,
    "no values",
  );
});

Deno.test("tune refuses an option the model does not take instead of fitting the same model N times", async () => {
  const { train, validation } = await data();
  const { tune } = await import("./tuning.ts");
  await assertRejects(
    () => tune(train, validation, { model: "bias-als", grid: { lamda: [0.1, 10] } }),
    RangeError,
    "grid.lamda is not an option of bias-als",
  );
  await assertRejects(
    () => tune(train, validation, { model: "bias-als", grid: { lambdaBias: [1, 10] } }),
    RangeError,
    "grid.lambdaBias is not an option of bias-als",
  );
  await assertRejects(
    () => tune(train, validation, { model: "als", grid: { k: [4] }, fixed: { K: 8 } }),
    RangeError,
    "fixed.K is not an option of als",
  );
  await assertRejects(
    () => tune(train, validation, { model: "als", grid: { epochs: [1, 50] } }),
    RangeError,
    "grid.epochs is set by tune",
  );
});
