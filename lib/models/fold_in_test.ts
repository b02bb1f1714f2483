import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../../tests/_assert.ts";
import type { RatingMatrix } from "../data/types.ts";
import { Als } from "./als.ts";
import type { AlsState } from "./als_state.ts";
import { BiasAls } from "./bias_als.ts";
import { explain, explanationSentence } from "./explain.ts";
import { foldIn, scorePerson } from "./fold_in.ts";
import { topN } from "./top_n.ts";
import { randomRatings } from "./_test_fixtures.ts";
import { Rng } from "../stats/rng.ts";

/** The same ratings with users and items swapped (CSR ↔ CSC). */
function transpose(m: RatingMatrix): RatingMatrix {
  return {
    nUsers: m.nItems,
    nItems: m.nUsers,
    nnz: m.nnz,
    userPtr: m.itemPtr,
    userItems: m.itemUsers,
    userRatings: m.itemRatings,
    userTimes: m.itemTimes,
    itemPtr: m.userPtr,
    itemUsers: m.userItems,
    itemRatings: m.userRatings,
    itemTimes: m.userTimes,
  };
}

/** The model's parameters seen from the other side (its users become items). */
function swapSides(s: AlsState): AlsState {
  return {
    k: s.k,
    mu: s.mu,
    userFactors: s.itemFactors,
    itemFactors: s.userFactors,
    userBias: s.itemBias,
    itemBias: s.userBias,
  };
}

// The kernel updates users, then items, in every epoch. Fitting on the transposed matrix makes
// the original users the side solved last, so their stored rows are exact row solves against the
// final item side — what folding in their own ratings must reproduce.
Deno.test("folding in a training user's own ratings reproduces the kernel's row when users were updated last", async () => {
  const m = randomRatings(70, 45, 0.25, 11); // rows of ~11 ratings: primal and dual kernel solves
  for (
    const [k, weighted, lambda, lambdaBias] of [[8, true, 0.1, 0.05], [16, false, 2, 1]] as const
  ) {
    const fitted = await Als.fit(transpose(m), {
      k,
      lambda,
      lambdaBias,
      weighted,
      epochs: 6,
      seed: 4,
      progress: false,
    });
    const model = { state: swapSides(fitted.state), hyper: fitted.hyper };
    let worst = 0;
    for (let u = 0; u < m.nUsers; u++) {
      const s = m.userPtr[u]!, e = m.userPtr[u + 1]!;
      if (e === s) continue;
      const person = foldIn(model, m.userItems.subarray(s, e), m.userRatings.subarray(s, e));
      for (let f = 0; f < k; f++) {
        worst = Math.max(worst, Math.abs(person.factors[f]! - model.state.userFactors[u * k + f]!));
      }
      worst = Math.max(worst, Math.abs(person.bias - model.state.userBias[u]!));
    }
    assert(worst < 1e-4, `k=${k} weighted=${weighted}: largest difference ${worst}`);
  }
});

Deno.test("fold-in of a bias-only model is its closed-form user update", async () => {
  const m = randomRatings(40, 30, 0.3, 2);
  const fitted = await BiasAls.fit(transpose(m), { lambda: 3, epochs: 4, progress: false });
  const model = { state: swapSides(fitted.state), hyper: fitted.hyper };
  for (let u = 0; u < m.nUsers; u++) {
    const s = m.userPtr[u]!, e = m.userPtr[u + 1]!;
    const person = foldIn(model, m.userItems.subarray(s, e), m.userRatings.subarray(s, e));
    assertEquals(person.factors.length, 0);
    assertAlmostEquals(person.bias, model.state.userBias[u]!, 1e-5);
  }
});

Deno.test("fold-in refuses repeated, unknown and non-finite input; no ratings give a zero row", async () => {
  const m = randomRatings(20, 15, 0.4, 3);
  const model = await Als.fit(m, { k: 4, epochs: 2, progress: false });
  assertThrows(() => foldIn(model, [1, 1], [4, 5]), RangeError, "item 1 is rated twice");
  assertThrows(() => foldIn(model, [15], [4]), RangeError, "item 15 is not a dense index");
  assertThrows(() => foldIn(model, [2], [NaN]), RangeError, "rating of item 2");
  assertThrows(() => foldIn(model, [2], []), RangeError, "1 items but 0 ratings");
  assertThrows(
    () => foldIn({ state: model.state, hyper: {} }, [2], [3]),
    RangeError,
    "lambda must be",
  );
  const empty = foldIn(model, [], []);
  assertEquals([...empty.factors, empty.bias], [0, 0, 0, 0, 0]);
  const e = explain(model.state, empty, 3);
  assertEquals(e.contributions, []);
  assertAlmostEquals(e.prediction, model.mu + model.itemBias[3]!, 1e-6);
});

Deno.test("explanations add up: μ + b_i + Σ contributions = prediction = μ + b + b_i + x·y_i", async () => {
  const m = randomRatings(80, 60, 0.3, 5);
  const model = await Als.fit(m, { k: 12, lambda: 0.1, epochs: 5, seed: 1, progress: false });
  const rng = new Rng(9);
  for (let trial = 0; trial < 5; trial++) {
    const items = [...new Set(Array.from({ length: 8 }, () => rng.int(60)))];
    const ratings = items.map(() => (1 + rng.int(10)) / 2);
    const person = foldIn(model, items, ratings);
    const scores = scorePerson(model.state, person);
    for (let i = 0; i < 60; i += 7) {
      const e = explain(model.state, person, i);
      let dot = 0;
      for (let f = 0; f < 12; f++) dot += person.factors[f]! * model.itemFactors[i * 12 + f]!;
      const factorSum = e.contributions.reduce((s, c) => s + c.factor, 0);
      const biasSum = e.contributions.reduce((s, c) => s + c.bias, 0);
      const total = e.mu + e.itemBias + e.contributions.reduce((s, c) => s + c.total, 0);
      const scale = 1 + Math.abs(e.prediction);
      assert(Math.abs(factorSum - dot) < 1e-12 * scale * 100, `factor ${factorSum} vs ${dot}`);
      assert(Math.abs(biasSum - person.bias) < 1e-12 * scale * 100, `bias ${biasSum}`);
      assert(Math.abs(total - e.prediction) < 1e-12 * scale, `sum ${total} vs ${e.prediction}`);
      const direct = model.mu + person.bias + model.itemBias[i]! + dot;
      assert(Math.abs(e.prediction - direct) < 1e-9 * scale, `${e.prediction} vs ${direct}`);
      assertAlmostEquals(scores[i]!, e.prediction, 1e-5); // the f32 score vector agrees
      assertEquals(e.contributions.map((c) => c.item), items);
    }
  }
});

Deno.test("a high rating of a movie raises its neighbours' contributions; the sentence names it", async () => {
  // Two taste groups: users 0–19 love items 0–4 and dislike 5–9; users 20–39 the reverse.
  const users: number[] = [], items: number[] = [], ratings: number[] = [];
  const rng = new Rng(1);
  for (let u = 0; u < 40; u++) {
    for (let i = 0; i < 10; i++) {
      if (rng.next() < 0.2) continue;
      users.push(u);
      items.push(i);
      ratings.push((u < 20) === (i < 5) ? 4.5 + rng.int(2) / 2 : 1 + rng.int(2) / 2);
    }
  }
  const { fromTriplets } = await import("../data/coo.ts");
  const m = fromTriplets(40, 10, users, items, ratings, users.map(() => 0));
  const model = await Als.fit(m, { k: 2, lambda: 0.05, epochs: 10, seed: 2, progress: false });
  const person = foldIn(model, [0, 7], [5, 1]);
  const e = explain(model.state, person, 1);
  const [liked, disliked] = e.contributions;
  assert(liked!.factor > 0, `rating movie 0 5★ pushes movie 1 up (${liked!.factor})`);
  assert(disliked!.factor > 0, `rating movie 7 1★ also argues for movie 1 (${disliked!.factor})`);
  const s = explanationSentence(e, (i) => `movie ${i}`);
  assert(s.startsWith("because you rated movie "), s);
});

Deno.test("topN agrees with a full sort under a mask, ties to the lower index", () => {
  const rng = new Rng(3);
  for (let trial = 0; trial < 20; trial++) {
    const m = 1 + rng.int(300);
    const scores = Float32Array.from({ length: m }, () => rng.int(40) / 4);
    const allowed = Uint8Array.from({ length: m }, () => (rng.next() < 0.6 ? 1 : 0));
    const n = 1 + rng.int(25);
    const expected = [...scores.keys()].filter((i) => allowed[i] === 1)
      .sort((a, b) => scores[b]! - scores[a]! || a - b).slice(0, n);
    const got = topN(scores, n, { allowed });
    assertEquals([...got.items], expected);
    assertEquals([...got.scores], expected.map((i) => scores[i]!));
  }
  assertEquals([...topN(Float32Array.of(NaN, 1), 2).items], [1]);
  assertThrows(() => topN([1], 0), RangeError, "n must be ≥ 1");
});
