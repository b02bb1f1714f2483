import { assert, assertAlmostEquals, assertThrows } from "../../tests/_assert.ts";
import { fromTriplets } from "../data/coo.ts";
import { loadMovieLens } from "../data/load.ts";
import { subsampleRatings } from "../data/subsample.ts";
import type { RatingMatrix } from "../data/types.ts";
import { alsEpoch, scoreMatrix } from "../ffi/kernels.ts";
import { cloneAlsState, initAlsState } from "./als_state.ts";
import { naiveAlsEpoch, naiveAlsFit, naiveRmse } from "./naive_als.ts";

const SMALL = new URL("../../../shared/data/ml-latest-small", import.meta.url).pathname;

let cached: RatingMatrix | undefined;
/** 4,000 ratings of ml-latest-small (seeded), with empty users and items dropped. */
async function smallRatings(): Promise<RatingMatrix> {
  if (cached) return cached;
  const ds = await loadMovieLens(SMALL, { cache: false, sideFiles: false });
  return cached = subsampleRatings(ds.ratings, 4_000, { seed: 7 });
}

function meanRating(m: RatingMatrix): number {
  let s = 0;
  for (const r of m.userRatings) s += r;
  return Math.fround(s / m.nnz);
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let d = 0;
  for (let j = 0; j < a.length; j++) d = Math.max(d, Math.abs(a[j]! - b[j]!));
  return d;
}

for (const weighted of [false, true]) {
  Deno.test(`reference ALS agrees with the Zig kernel epoch by epoch (weighted: ${weighted})`, async () => {
    const m = await smallRatings();
    const k = 8;
    const options = {
      lambda: weighted ? 0.05 : 1,
      lambdaBias: weighted ? 0.05 : 1,
      weighted,
    };
    const naive = initAlsState(m.nUsers, m.nItems, k, { seed: 3, mu: meanRating(m) });
    const kernel = cloneAlsState(naive);
    let previous = Infinity;
    for (let epoch = 1; epoch <= 6; epoch++) {
      naiveAlsEpoch(m, naive, options);
      await alsEpoch(m, kernel, { ...options, threads: 2 });
      const rmseNaive = naiveRmse(naive, m);
      const score = await scoreMatrix(kernel, m, { ratingMin: 0.5, ratingMax: 5 });
      const rmseKernel = Math.sqrt(score.sse / score.count);
      assertAlmostEquals(
        rmseNaive,
        rmseKernel,
        1e-5,
        `epoch ${epoch}: ${rmseNaive} vs ${rmseKernel}`,
      );
      assert(rmseNaive < previous + 1e-6, `epoch ${epoch}: training RMSE went up`);
      previous = rmseNaive;
      for (const key of ["userFactors", "itemFactors", "userBias", "itemBias"] as const) {
        const d = maxAbsDiff(naive[key], kernel[key]);
        assert(d < 1e-4, `epoch ${epoch}: ${key} differ by up to ${d}`);
      }
    }
    assert(previous < 0.6, `6 epochs of K = 8 should fit 4,000 ratings well, RMSE ${previous}`);
  });
}

Deno.test("reference ALS solves the normal equations exactly (K = 1, hand-checked)", () => {
  // One user, two items with fixed item factors y = (1, 2), item biases 0, μ = 3.
  const m = fromTriplets(1, 2, [0, 0], [0, 1], [4, 5], [0, 0]);
  const state = {
    k: 1,
    mu: 3,
    userFactors: Float32Array.of(0),
    itemFactors: Float32Array.of(1, 2),
    userBias: Float32Array.of(0),
    itemBias: Float32Array.of(0, 0),
  };
  // User half-step: z = (1, 1), (2, 1); r' = (1, 2); λ = 1 unweighted.
  // A = [[1+4+1, 1+2], [1+2, 2+1]] = [[6, 3], [3, 3]], b = (1+4, 1+2) = (5, 3) → x = 2/3, b_u = 1/3.
  const users = { ...state };
  naiveAlsEpoch(m, users, { lambda: 1, lambdaBias: 1 });
  // After the item half-step the user values are still those of the first half-step:
  assertAlmostEquals(users.userFactors[0]!, 2 / 3, 1e-6);
  assertAlmostEquals(users.userBias[0]!, 1 / 3, 1e-6);
  // Item 0 given x = 2/3, b_u = 1/3: z = (2/3, 1), r' = 4 − 3 − 1/3 = 2/3.
  // A = [[4/9 + 1, 2/3], [2/3, 1 + 1]], b = (4/9, 2/3).
  const det = (13 / 9) * 2 - (2 / 3) ** 2;
  const y0 = (2 * (4 / 9) - (2 / 3) * (2 / 3)) / det;
  const b0 = ((13 / 9) * (2 / 3) - (2 / 3) * (4 / 9)) / det;
  assertAlmostEquals(users.itemFactors[0]!, y0, 1e-6);
  assertAlmostEquals(users.itemBias[0]!, b0, 1e-6);
});

Deno.test("reference ALS: rows without ratings get zeros; bad options are refused", () => {
  const m = fromTriplets(3, 3, [0, 1], [0, 1], [4, 2], [0, 0]);
  const state = initAlsState(3, 3, 2, { seed: 1, mu: 3 });
  naiveAlsEpoch(m, state, { lambda: 0.1, lambdaBias: 0 });
  assert(
    state.userFactors[4] === 0 && state.userFactors[5] === 0 && state.userBias[2] === 0,
    "user 2",
  );
  assert(state.itemFactors[4] === 0 && state.itemBias[2] === 0, "item 2");
  assertThrows(
    () => naiveAlsEpoch(m, state, { lambda: 0, lambdaBias: 0 }),
    RangeError,
    "naiveAlsEpoch: lambda must be a finite number > 0, got 0",
  );
  assertThrows(
    () =>
      naiveAlsEpoch(m, initAlsState(2, 3, 2, { seed: 1, mu: 3 }), {
        lambda: 1,
        lambdaBias: 1,
      }),
    RangeError,
    "the matrix 3 users",
  );
});

Deno.test("naiveAlsFit starts from initAlsState with the training mean and reports each epoch", async () => {
  const m = await smallRatings();
  const fit = naiveAlsFit(m, { k: 4, epochs: 2, seed: 5, lambda: 1, lambdaBias: 1 });
  const by = initAlsState(m.nUsers, m.nItems, 4, { seed: 5, mu: meanRating(m) });
  naiveAlsEpoch(m, by, { lambda: 1, lambdaBias: 1 });
  naiveAlsEpoch(m, by, { lambda: 1, lambdaBias: 1 });
  assert(maxAbsDiff(fit.state.userFactors, by.userFactors) === 0, "same start, same path");
  assert(fit.trainRmse.length === 2 && fit.epochSeconds.length === 2, "one entry per epoch");
  assertAlmostEquals(fit.trainRmse[1]!, naiveRmse(by, m), 1e-12);
});
