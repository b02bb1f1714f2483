import {
  assert,
  assertAlmostEquals,
  assertEquals,
  assertRejects,
  assertThrows,
} from "../../tests/_assert.ts";
import { notebookReporter } from "../notebook/progress.ts";
import { fromTriplets } from "../data/coo.ts";
import { Als, runAlsEpoch } from "./als.ts";
import { cloneAlsState, initAlsState } from "./als_state.ts";
import { naiveAlsEpoch } from "./naive_als.ts";
import { firstBitDifference, planted, randomRatings, rowsPerThread } from "./_test_fixtures.ts";

function maxDifference(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  for (let j = 0; j < a.length; j++) worst = Math.max(worst, Math.abs(a[j]! - b[j]!));
  return worst;
}

Deno.test("a kernel epoch solves the normal equations of als_state.ts (vs the dense f64 naiveAlsEpoch)", async () => {
  // 30 users × 60 items at 30 % density, an empty user and an empty item: rows long enough
  // for the primal solve and short enough for the dual one.
  const base = randomRatings(30, 60, 0.3, 5);
  const keep = Uint8Array.from(
    base.userItems,
    (i, e) => (i === 7 || e < base.userPtr[2]! && e >= base.userPtr[1]!) ? 0 : 1,
  );
  const { filterMatrix } = await import("../data/split.ts");
  const m = filterMatrix(base, keep);
  for (
    const [k, weighted, lambdaBias] of [[4, true, 0.05], [12, false, 0.5], [24, true, 0]] as const
  ) {
    const kernel = initAlsState(m.nUsers, m.nItems, k, { seed: 3, mu: 3.4 });
    const reference = cloneAlsState(kernel);
    for (let epoch = 0; epoch < 3; epoch++) {
      await runAlsEpoch(m, kernel, { lambda: 0.1, lambdaBias, weighted });
      naiveAlsEpoch(m, reference, { lambda: 0.1, lambdaBias, weighted });
      for (const key of ["userFactors", "itemFactors", "userBias", "itemBias"] as const) {
        const d = maxDifference(kernel[key], reference[key]);
        assert(d < 1e-4, `k=${k} epoch ${epoch + 1} ${key}: max difference ${d}`);
      }
    }
    // The empty user 1 and the empty item 7 get zeros.
    assert(kernel.userFactors.subarray(k, 2 * k).every((v) => v === 0) && kernel.userBias[1] === 0);
    assert(kernel.itemFactors.subarray(7 * k, 8 * k).every((v) => v === 0));
    assertEquals(kernel.itemBias[7], 0);
  }
});

Deno.test("ALS recovers a planted low-rank matrix, including the cells it never saw", async () => {
  const p = planted({ nUsers: 60, nItems: 50, k: 3, observed: 0.6, seed: 11 });
  const model = await Als.fit(p.train, {
    k: 3,
    lambda: 1e-3,
    lambdaBias: 1e-3,
    weighted: true,
    epochs: 60,
    seed: 2,
    ratingScale: [-100, 100],
  });
  const train = await model.evaluate(p.train);
  const test = await model.evaluate(p.test);
  assert(train.rmse < 0.01, `train RMSE ${train.rmse}`);
  assert(test.rmse < 0.05, `held-out RMSE ${test.rmse}`);
  // Training RMSE never increases from one epoch to the next (each half-step minimises the loss).
  const curve = model.history.map((h) => h.trainRmse!);
  for (let e = 1; e < curve.length; e++) {
    assert(curve[e]! <= curve[e - 1]! + 1e-4, `epoch ${e + 1}`);
  }
});

Deno.test("same seed and threads give the same numbers; 1, 2 and 3 threads agree exactly", async () => {
  // Both sides need 3 × grain rows for 3 threads to make 3 partitions of each half-step.
  const grain = await rowsPerThread("als.zig");
  const nUsers = 3 * grain + 11;
  const nItems = 3 * grain + 29;
  // About 10 ratings per row: a mix of primal and dual solves at k = 8 (λ_b > 0).
  const m = randomRatings(nUsers, nItems, 10 / nItems, 21);
  const fit = (threads: number, seed = 5) =>
    Als.fit(m, { k: 8, lambda: 0.1, epochs: 4, seed, threads, trainRmse: false });
  const [one, two, twoAgain, three, otherSeed] = await Promise.all([
    fit(1),
    fit(2),
    fit(2),
    fit(3),
    fit(2, 6),
  ]);
  for (const key of ["userFactors", "itemFactors", "userBias", "itemBias"] as const) {
    for (const [label, model] of [["2", two], ["2 again", twoAgain], ["3", three]] as const) {
      const j = firstBitDifference(one[key], model[key]);
      assert(j < 0, `${key}[${j}]: ${model[key][j]} with ${label} threads, ${one[key][j]} with 1`);
    }
  }
  assert(maxDifference(one.itemFactors, otherSeed.itemFactors) > 0, "another seed, other factors");
});

Deno.test("validation RMSE per epoch, early stopping restores the best epoch, onEpoch can stop", async () => {
  const m = randomRatings(60, 80, 0.25, 8);
  const { randomSplit } = await import("../data/split.ts");
  const { train, test } = randomSplit(m, { testFraction: 0.2, seed: 1 });
  // Random ratings have no structure: a weakly regularised model overfits and gets worse on test.
  const model = await Als.fit(train, {
    k: 16,
    lambda: 0.001,
    weighted: false,
    epochs: 30,
    validation: test,
    patience: 2,
  });
  const curve = model.history.map((h) => h.validationRmse!);
  assert(curve.length < 30, "stopped early");
  const best = Math.min(...curve);
  assertAlmostEquals((await model.evaluate(test)).rmse, best, 1e-5);
  // minDelta only decides when to stop: gains below it do not count as progress, yet the fit
  // keeps the epoch with the lowest validation RMSE, even a later one than the last "progress".
  const slow = await Als.fit(train, {
    k: 16,
    lambda: 0.001,
    weighted: false,
    epochs: 30,
    validation: test,
    patience: 3,
    minDelta: 0.05,
  });
  const slowCurve = slow.history.map((h) => h.validationRmse!);
  const slowBest = slowCurve.indexOf(Math.min(...slowCurve));
  assert(slowBest > 0 && slowBest < slowCurve.length - 1, `restored from a copy: ${slowCurve}`);
  assertAlmostEquals((await slow.evaluate(test)).rmse, slowCurve[slowBest]!, 1e-6);
  // With patience, the best epoch is also restored when the epochs run out first.
  const budget = await Als.fit(train, {
    k: 16,
    lambda: 0.001,
    weighted: false,
    epochs: 8,
    validation: test,
    patience: 100,
  });
  const budgetCurve = budget.history.map((h) => h.validationRmse!);
  assertEquals(budgetCurve.length, 8);
  const budgetBest = Math.min(...budgetCurve);
  assert(budgetBest < budgetCurve.at(-1)!, `the last epoch is not the best: ${budgetCurve}`);
  assertAlmostEquals((await budget.evaluate(test)).rmse, budgetBest, 1e-6);
  await assertRejects(
    () => Als.fit(train, { validation: fromTriplets(60, 80, [], [], [], []), patience: 1 }),
    Error,
    "validation matrix has no ratings",
  );
  const seen: number[] = [];
  const stopped = await Als.fit(train, {
    k: 4,
    epochs: 10,
    onEpoch: (r) => {
      seen.push(r.epoch);
      return r.epoch < 3;
    },
  });
  assertEquals(seen, [1, 2, 3]);
  assertEquals(stopped.history.length, 3);
  await assertRejects(() => Als.fit(train, { patience: 2 }), Error, "validation");
});

Deno.test("predictions: clamped, fallback for unknown users and movies, never NaN", async () => {
  const m = fromTriplets(3, 3, [0, 0, 1, 2, 2], [0, 1, 1, 0, 2], [5, 4, 1, 4, 2], [0, 0, 0, 0, 0]);
  const model = await Als.fit(m, {
    k: 2,
    lambda: 0.1,
    epochs: 5,
    userIds: Uint32Array.of(10, 20, 30),
    itemIds: Uint32Array.of(100, 200, 300),
  });
  const s = model.state;
  const r = model.predict([0, 99, 0, 99, -1], [99, 1, 1, 99, 2.5]);
  assertAlmostEquals(r[0]!, s.mu + s.userBias[0]!, 1e-6); // unknown movie: μ + b_u
  assertAlmostEquals(r[1]!, s.mu + s.itemBias[1]!, 1e-6); // unknown user: μ + b_i
  assertAlmostEquals(r[3]!, s.mu, 1e-6); // both unknown: μ
  assertAlmostEquals(r[4]!, s.mu, 1e-6); // not an index at all
  assert(r.every((v) => v >= 0.5 && v <= 5 && !Number.isNaN(v)));
  const raw = model.predictIds([10, 999, 10], [200, 200, 12345]);
  assertEquals(raw[0], r[2]);
  assertAlmostEquals(raw[1]!, s.mu + s.itemBias[1]!, 1e-6);
  assertAlmostEquals(raw[2]!, s.mu + s.userBias[0]!, 1e-6);
  // Even a broken model predicts numbers on the scale.
  s.userFactors.fill(NaN);
  assert(model.predict([0, 1], [0, 1]).every((v) => v >= 0.5 && v <= 5));
});

Deno.test("recommend excludes rated items and equals a brute-force top-N", async () => {
  const m = randomRatings(40, 70, 0.2, 3);
  const model = await Als.fit(m, { k: 6, lambda: 0.05, epochs: 5, seed: 9 });
  const { k, mu, userFactors, itemFactors, userBias, itemBias } = model.state;
  const users = [0, 5, 17, 39, 1000];
  const batch = await model.recommendBatch(users, { n: 8, exclude: m });
  for (const [j, user] of users.entries()) {
    const rated = new Set(
      user < m.nUsers ? m.userItems.subarray(m.userPtr[user]!, m.userPtr[user + 1]!) : [],
    );
    const scored: { item: number; score: number }[] = [];
    for (let i = 0; i < m.nItems; i++) {
      if (rated.has(i)) continue;
      let s = mu + itemBias[i]!;
      if (user < m.nUsers) {
        s += userBias[user]!;
        for (let f = 0; f < k; f++) s += userFactors[user * k + f]! * itemFactors[i * k + f]!;
      }
      scored.push({ item: i, score: s });
    }
    scored.sort((a, b) => b.score - a.score || a.item - b.item);
    const list = model.list(batch, j);
    assertEquals(list.items.length, 8);
    for (let r = 0; r < 8; r++) {
      assert(!rated.has(list.items[r]!), "a rated item was recommended");
      assertAlmostEquals(list.scores[r]!, scored[r]!.score, 1e-4);
      // Items may swap only where scores tie to float precision.
      if (list.items[r] !== scored[r]!.item) {
        assertAlmostEquals(scored[r]!.score, scored[r + 1]?.score ?? NaN, 1e-5);
      }
    }
    const single = await model.recommend(user, { n: 8, exclude: m });
    assertEquals(single.items, list.items);
    assertEquals(single.movieIds, list.items);
  }
  // Asking for more items than are left pads nothing: the list is just shorter.
  const all = await model.recommend(0, { n: 500, exclude: m });
  assertEquals(all.items.length, m.nItems - (m.userPtr[1]! - m.userPtr[0]!));
  await assertRejects(() => model.recommend(0, { n: 0 }), RangeError, "n must be");
});

Deno.test("similarItems ranks by cosine of the item factors", async () => {
  const m = randomRatings(30, 20, 0.5, 12);
  const model = await Als.fit(m, { k: 4, epochs: 3 });
  const similar = model.similarItems(3, { n: 5 });
  assertEquals(similar.length, 5);
  const y = (i: number) => model.itemFactors.subarray(i * 4, i * 4 + 4);
  const cos = (a: Float32Array, b: Float32Array) => {
    let d = 0, na = 0, nb = 0;
    for (let f = 0; f < 4; f++) {
      d += a[f]! * b[f]!;
      na += a[f]! ** 2;
      nb += b[f]! ** 2;
    }
    return d / Math.sqrt(na * nb);
  };
  let best = -2;
  for (let i = 0; i < 20; i++) if (i !== 3) best = Math.max(best, cos(y(3), y(i)));
  assertAlmostEquals(similar[0]!.similarity, best, 1e-6);
  assert(similar.every((s, j) => j === 0 || s.similarity <= similar[j - 1]!.similarity));
  assert(model.similarItems(3, { candidates: (i) => i % 2 === 0 }).every((s) => s.item % 2 === 0));
  assertThrows(() => model.similarItems(99), RangeError, "dense index");
});

Deno.test("bad options and diverged parameters are clear errors", async () => {
  const m = randomRatings(10, 10, 0.5, 1);
  await assertRejects(() => Als.fit(m, { k: 0 }), RangeError, "k must be");
  await assertRejects(() => Als.fit(m, { lambda: 0 }), RangeError, "lambda must be");
  await assertRejects(() => Als.fit(m, { epochs: -1 }), RangeError, "epochs");
  const empty = fromTriplets(2, 2, [], [], [], []);
  await assertRejects(() => Als.fit(empty), Error, "no ratings");
  const state = initAlsState(10, 10, 3, { seed: 1, mu: 3 });
  state.itemFactors.fill(Infinity);
  await assertRejects(() => runAlsEpoch(m, state, { lambda: 0.1 }), Error, "not positive definite");
});

Deno.test("a failing epoch ends the progress report with the error, then the error propagates", async () => {
  const { fitLoop } = await import("./_fit_loop.ts");
  const m = randomRatings(4, 5, 0.5, 3);
  const printed: string[] = [];
  const original = console.log;
  console.log = (...args: unknown[]) => printed.push(args.join(" "));
  try {
    await assertRejects(
      () =>
        fitLoop(
          {
            state: initAlsState(4, 5, 2, { seed: 1, mu: 3 }),
            epoch: () => Promise.reject(new Error("kernel gone")),
            ratingScale: [0.5, 5],
            label: "demo",
          },
          m,
          { epochs: 3, progress: (r) => notebookReporter({ ...r, mode: "lines" }) },
          3,
        ),
      Error,
      "kernel gone",
    );
  } finally {
    console.log = original;
  }
  assertEquals(printed, ["demo failed: kernel gone"]);
});
