import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../../tests/_assert.ts";
import { loadMovieLens } from "../data/load.ts";
import { subsampleRatings } from "../data/subsample.ts";
import {
  agreementCheck,
  compareBaseline,
  extrapolate,
  fitCostModel,
  fitScaling,
  predictEpochSeconds,
  timeKernelAls,
  timeNaiveAls,
} from "./baseline_comparison.ts";

const SMALL = new URL("../../../shared/data/ml-latest-small", import.meta.url).pathname;

Deno.test("fitScaling recovers a power law and extrapolates it", () => {
  const sizes = [1e4, 3e4, 1e5, 1e6];
  const seconds = sizes.map((n) => 2e-6 * n ** 1.2);
  const fit = fitScaling(sizes, seconds);
  assertAlmostEquals(fit.exponent, 1.2, 1e-9);
  assertAlmostEquals(fit.coefficient, 2e-6, 1e-15);
  assertAlmostEquals(extrapolate(fit, 32e6), 2e-6 * 32e6 ** 1.2, 1e-6);
  assertThrows(() => fitScaling([1], [1]), Error, "at least 2");
  assertThrows(() => fitScaling([5, 5], [1, 2]), Error, "all sizes are equal");
  assertThrows(() => fitScaling([1, 0], [1, 2]), Error, "> 0");
});

Deno.test("compareBaseline: both implementations do the same work on real ratings", async () => {
  const ds = await loadMovieLens(SMALL, { cache: false, sideFiles: false });
  const m = subsampleRatings(ds.ratings, 2_000, { seed: 2, by: "user" });
  const c = await compareBaseline(m, { k: 4, threads: 2, kernelEpochs: 2, naiveEpochs: 2 });
  assert(c.rmseGap <= 1e-4, `gap ${c.rmseGap}`);
  assert(c.naive.epochSeconds.length === 2 && c.kernel.epochSeconds.length === 2, "epochs");
  assert(c.naive.ratings === m.nnz && c.kernel.users === m.nUsers, "shape recorded");
  // After the same number of epochs (kernel: warm-up + 2 = 3, naive: 2) both have fitted well.
  assert(c.naive.trainRmse < 1 && c.kernel.trainRmse < c.naive.trainRmse + 1e-3, "kept training");
  assertAlmostEquals(c.speedup, c.naive.secondsPerEpoch / c.kernel.secondsPerEpoch, 1e-12);
  const k = await timeKernelAls(m, { k: 4, epochs: 2, threads: 1, seed: 3 });
  const n = timeNaiveAls(m, { k: 4, epochs: 3, seed: 3 });
  // Same start and 3 epochs each (kernel: warm-up + 2): the same model.
  assertAlmostEquals(k.trainRmse, n.trainRmse, 1e-5);
  assert(k.threads === 1 && n.threads === 1, "threads recorded");
});

Deno.test("agreementCheck reports matching RMSE and tiny parameter gaps every epoch", async () => {
  const ds = await loadMovieLens(SMALL, { cache: false, sideFiles: false });
  const m = subsampleRatings(ds.ratings, 3_000, { seed: 4, by: "user" });
  const rows = await agreementCheck(m, { k: 8, epochs: 4, threads: 2 });
  assert(rows.map((r) => r.epoch).join() === "1,2,3,4", "one row per epoch");
  for (const r of rows) {
    assertAlmostEquals(r.naiveRmse, r.kernelRmse, 1e-5);
    assert(r.maxParameterGap < 1e-4, `epoch ${r.epoch}: gap ${r.maxParameterGap}`);
  }
  assert(rows[3]!.naiveRmse < rows[0]!.naiveRmse, "training RMSE falls");
});

Deno.test("fitCostModel recovers both terms, stays non-negative and falls back to one term", () => {
  const truth = (n: number, r: number) => 2e-6 * n + 3e-4 * r;
  const pts = [
    [1e4, 3_000],
    [1e5, 10_000],
    [1e6, 20_000],
  ].map(([n, r]) => ({ ratings: n!, rows: r!, seconds: truth(n!, r!) }));
  const m = fitCostModel(pts);
  assertAlmostEquals(m.secondsPerRating, 2e-6, 1e-12);
  assertAlmostEquals(m.secondsPerRow, 3e-4, 1e-10);
  assertAlmostEquals(predictEpochSeconds(m, 32e6, 288_533), truth(32e6, 288_533), 1e-6);
  // Time falling with rows would need a negative per-row cost: a one-term model is used instead.
  const odd = fitCostModel([
    { ratings: 1e4, rows: 5_000, seconds: 1 },
    { ratings: 1e5, rows: 1_000, seconds: 10 },
  ]);
  assert(odd.secondsPerRating >= 0 && odd.secondsPerRow >= 0, "non-negative");
  assertAlmostEquals(odd.secondsPerRating, 1e-4, 1e-12);
  assertEquals(odd.secondsPerRow, 0);
  // Rows proportional to ratings: the terms cannot be told apart; one term fits exactly.
  const line = fitCostModel([
    { ratings: 1e4, rows: 1e3, seconds: 1 },
    { ratings: 1e5, rows: 1e4, seconds: 10 },
  ]);
  assertAlmostEquals(predictEpochSeconds(line, 1e6, 1e5), 100, 1e-9);
  assertThrows(() => fitCostModel([]), Error, "at least one");
  assertThrows(() => fitCostModel([{ ratings: 1, rows: 0, seconds: 1 }]), Error, "> 0");
});
