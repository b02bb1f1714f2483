import { assert, assertAlmostEquals, assertThrows } from "../../tests/_assert.ts";
import { loadMovieLens } from "../data/load.ts";
import { subsampleRatings } from "../data/subsample.ts";
import { compareBaseline, extrapolate, fitScaling, timeKernelAls, timeNaiveAls } from "./baseline.ts";

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
