import { assert, assertAlmostEquals, assertEquals, assertRejects } from "../../tests/_assert.ts";
import { fromTriplets } from "../data/coo.ts";
import { biasAlsEpoch } from "../ffi/kernels.ts";
import { BiasAls } from "./bias_als.ts";
import { GlobalMean } from "./global_mean.ts";
import { firstBitDifference, planted, randomRatings, rowsPerThread } from "./_test_fixtures.ts";
import { Rng } from "../stats/rng.ts";

Deno.test("one bias epoch by hand: users first, then items from the new user biases", async () => {
  // u0 rated i0 = 4 and i1 = 2, u1 rated i0 = 5; μ = 11/3; λ = 1.
  const m = fromTriplets(2, 2, [0, 0, 1], [0, 1, 0], [4, 2, 5], [0, 0, 0]);
  const mu = 11 / 3;
  const model = await BiasAls.fit(m, { lambda: 1, epochs: 1 });
  assertAlmostEquals(model.mu, mu, 1e-12);
  const bu0 = (4 - mu + 2 - mu) / (2 + 1);
  const bu1 = (5 - mu) / (1 + 1);
  const bi0 = (4 - mu - bu0 + 5 - mu - bu1) / (2 + 1);
  const bi1 = (2 - mu - bu0) / (1 + 1);
  assertAlmostEquals(model.userBias[0]!, bu0, 1e-6);
  assertAlmostEquals(model.userBias[1]!, bu1, 1e-6);
  assertAlmostEquals(model.itemBias[0]!, bi0, 1e-6);
  assertAlmostEquals(model.itemBias[1]!, bi1, 1e-6);
  assertAlmostEquals(model.predict([1], [1])[0]!, mu + bu1 + bi1, 1e-6);
  // ALS-WR: λ·n in the denominator.
  const state = { mu, userBias: new Float32Array(2), itemBias: new Float32Array(2) };
  await biasAlsEpoch(m, state, { lambda: 0.5, weighted: true });
  assertAlmostEquals(state.userBias[0]!, (4 - mu + 2 - mu) / (2 + 0.5 * 2), 1e-6);
});

Deno.test("λ shrinks the bias of a movie with one rating; with λ = 0 it takes the full residual", async () => {
  // Ten users rate movie 0 at 3; user 0 also gives movie 1 a single 5.
  const users = [...Array.from({ length: 10 }, (_, u) => u), 0];
  const items = [...Array(10).fill(0), 1];
  const ratings = [...Array(10).fill(3), 5];
  const m = fromTriplets(10, 2, users, items, ratings, Array(11).fill(0));
  const free = await BiasAls.fit(m, { lambda: 0, epochs: 30 });
  const shrunk = await BiasAls.fit(m, { lambda: 10, epochs: 30 });
  // Without shrinkage the lone 5 is explained entirely (prediction 5); with λ = 10 the movie's
  // bias is pulled toward 0, by the factor n / (n + λ) = 1/11 of its residual.
  assertAlmostEquals(free.predict([0], [1])[0]!, 5, 1e-3);
  assert(shrunk.itemBias[1]! < free.itemBias[1]! / 5, "shrunk toward zero");
  assert(shrunk.itemBias[1]! > 0, "still above the mean");
});

Deno.test("bias ALS converges to the planted biases and beats the global mean", async () => {
  const p = planted({ nUsers: 200, nItems: 150, k: 1, observed: 0.5, seed: 4 });
  const model = await BiasAls.fit(p.train, { lambda: 1, epochs: 20, validation: p.test });
  const baseline = await GlobalMean.fit(p.train);
  const bias = (await model.evaluate(p.test)).rmse;
  const mean = (await baseline.evaluate(p.test)).rmse;
  assert(bias < 0.8 * mean, `bias ${bias} vs global mean ${mean}`);
  // Later epochs change little: the alternating minimisation has converged.
  const h = model.history;
  assertAlmostEquals(h.at(-1)!.validationRmse!, h.at(-2)!.validationRmse!, 1e-4);
});

Deno.test("1, 2 and 3 threads give bit-identical biases (both sides cut into 2 and 3 parts)", async () => {
  // Both sides need 3 × grain rows for 3 threads to make 3 partitions of each half-step.
  const grain = await rowsPerThread("bias_als.zig");
  const nUsers = 3 * grain + 101;
  const nItems = 3 * grain + 37;
  // Sparse, drawn cell by cell only where rated: each user rates 0..7 distinct random items
  // (about 3.5 ratings per item, a few items none).
  const rng = new Rng(17);
  const users: number[] = [], items: number[] = [], ratings: number[] = [];
  for (let u = 0; u < nUsers; u++) {
    const rated = new Set<number>();
    const degree = rng.int(8);
    while (rated.size < degree) rated.add(rng.int(nItems));
    for (const i of rated) {
      users.push(u);
      items.push(i);
      ratings.push((1 + rng.int(10)) / 2);
    }
  }
  const m = fromTriplets(nUsers, nItems, users, items, ratings, new Array(users.length).fill(0));
  const mu = 3.25;
  for (const weighted of [false, true]) {
    const fit = async (threads: number) => {
      const state = {
        mu,
        userBias: new Float32Array(nUsers),
        itemBias: new Float32Array(nItems),
      };
      for (let epoch = 0; epoch < 3; epoch++) {
        await biasAlsEpoch(m, state, { lambda: 2, weighted, threads });
      }
      return state;
    };
    const [one, two, twoAgain, three] = await Promise.all([fit(1), fit(2), fit(2), fit(3)]);
    assert(one.itemBias.some((b) => b !== 0) && one.userBias.some((b) => b !== 0), "fitted");
    for (const key of ["userBias", "itemBias"] as const) {
      for (const [label, state] of [["2", two], ["2 again", twoAgain], ["3", three]] as const) {
        const j = firstBitDifference(one[key], state[key]);
        assert(
          j < 0,
          `${key}[${j}]: ${state[key][j]} with ${label} threads, ${one[key][j]} with 1`,
        );
      }
    }
  }
});

Deno.test("bias-only recommendations are the highest item biases, rated items skipped", async () => {
  const m = randomRatings(30, 25, 0.3, 2);
  const model = await BiasAls.fit(m, { lambda: 2, epochs: 5 });
  const rated = new Set(m.userItems.subarray(m.userPtr[4]!, m.userPtr[5]!));
  const expected = Array.from({ length: 25 }, (_, i) => i)
    .filter((i) => !rated.has(i))
    .sort((a, b) => model.itemBias[b]! - model.itemBias[a]! || a - b)
    .slice(0, 5);
  const rec = await model.recommend(4, { n: 5, exclude: m });
  assertEquals(Array.from(rec.items), expected);
});

Deno.test("BiasAls rejects a negative λ and an empty matrix", async () => {
  const m = randomRatings(5, 5, 0.5, 1);
  await assertRejects(() => BiasAls.fit(m, { lambda: -1 }), RangeError, "lambda");
  await assertRejects(() => BiasAls.fit(fromTriplets(1, 1, [], [], [], [])), Error, "no ratings");
});
