import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../../tests/_assert.ts";
import { fromTriplets } from "../data/coo.ts";
import type { RatingMatrix } from "../data/types.ts";
import { Bpr } from "./bpr.ts";
import { foldIn } from "./fold_in.ts";
import { foldInBpr, foldInIals, recommendImplicit } from "./fold_in_implicit.ts";
import { GenreAls } from "./genre_als.ts";
import { Ials } from "./ials.ts";
import { randomRatings } from "./_test_fixtures.ts";
import { Rng } from "../stats/rng.ts";

/** The same interactions with users and items swapped (CSR ↔ CSC). */
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

/** Positives (value 1, or `value(u, i)`) of a random matrix. */
function positives(nUsers: number, nItems: number, density: number, seed: number, value = 1) {
  const m = randomRatings(nUsers, nItems, density, seed);
  const users: number[] = [], items: number[] = [];
  for (let u = 0; u < m.nUsers; u++) {
    for (let e = m.userPtr[u]!; e < m.userPtr[u + 1]!; e++) {
      users.push(u);
      items.push(m.userItems[e]!);
    }
  }
  const values = users.map((_, j) => (value === 1 ? 1 : 1 + (j % 4)));
  return fromTriplets(nUsers, nItems, users, items, values, users.map(() => 0));
}

// The kernel updates users, then items. Fitting on the transposed matrix makes the original
// users the side solved last (by exact Cholesky), so their rows are exact row solves against the
// final item side.
Deno.test("iALS fold-in of a training user's positives reproduces their row when users were updated last", async () => {
  for (
    const [k, lambda, alpha, confidence, counts] of [
      [8, 0.5, 10, "linear", false],
      [16, 2, 3, "log", true],
    ] as const
  ) {
    const m = positives(60, 80, 0.15, k, counts ? 2 : 1);
    const fitted = await Ials.fit(transpose(m), {
      k,
      lambda,
      alpha,
      confidence,
      solver: "cholesky",
      epochs: 4,
      seed: 2,
    });
    // The original items are the fit's users.
    const model = {
      k,
      itemFactors: fitted.userFactors,
      itemBias: new Float32Array(80),
      hyper: fitted.hyper,
    };
    let worst = 0, rows = 0;
    for (let u = 0; u < m.nUsers; u++) {
      const s = m.userPtr[u]!, e = m.userPtr[u + 1]!;
      const person = foldInIals(model, m.userItems.subarray(s, e), {
        values: m.userRatings.subarray(s, e),
      });
      for (let f = 0; f < k; f++) {
        worst = Math.max(worst, Math.abs(person.factors[f]! - fitted.itemFactors[u * k + f]!));
      }
      rows += e > s ? 1 : 0;
    }
    assert(rows > 50, `${rows} users compared`);
    assert(worst < 1e-4, `k=${k} ${confidence}: largest difference ${worst}`);
  }
});

Deno.test("iALS fold-in refuses bad input; no likes give x = 0", async () => {
  const m = positives(20, 15, 0.3, 1);
  const model = await Ials.fit(m, { k: 3, epochs: 2 });
  assertThrows(() => foldInIals(model, [1, 1]), RangeError, "item 1 is liked twice");
  assertThrows(() => foldInIals(model, [15]), RangeError, "item 15 is not a dense index");
  assertThrows(() => foldInIals(model, [2], { values: [0] }), RangeError, "expected > 0");
  assertThrows(() => foldInIals(model, [2], { lambda: 0 }), RangeError, "lambda must be");
  assertEquals([...foldInIals(model, []).factors], [0, 0, 0]);
});

/** Four groups of 25 movies; each user likes about 8 movies of their own group. */
function clustered(nUsers: number, seed: number): RatingMatrix {
  const rng = new Rng(seed);
  const users: number[] = [], items: number[] = [];
  for (let u = 0; u < nUsers; u++) {
    const group = u % 4;
    const picked = new Set<number>();
    while (picked.size < 8) picked.add(group * 25 + rng.int(25));
    for (const i of [...picked].sort((a, b) => a - b)) {
      users.push(u);
      items.push(i);
    }
  }
  return fromTriplets(nUsers, 100, users, items, users.map(() => 1), users.map(() => 0));
}

/** AUC of the `target` items against the items of the other groups under scores b_i + x·y_i. */
function groupAuc(
  model: { k: number; itemFactors: Float32Array; itemBias: Float32Array },
  x: ArrayLike<number>,
  target: number[],
  others: number[],
): number {
  const score = (i: number) => {
    let s = model.itemBias[i]!;
    for (let f = 0; f < model.k; f++) s += x[f]! * model.itemFactors[i * model.k + f]!;
    return s;
  };
  let wins = 0;
  for (const i of target) for (const j of others) wins += score(i) > score(j) ? 1 : 0;
  return wins / (target.length * others.length);
}

Deno.test("BPR fold-in ranks the liked movies' neighbours above other groups, far better than a random vector", async () => {
  const train = clustered(240, 4);
  const model = await Bpr.fit(train, { k: 8, epochs: 40, learningRate: 0.1, threads: 1, seed: 1 });
  const liked = [0, 3, 7, 12, 20]; // group 0
  const neighbours = Array.from({ length: 25 }, (_, i) => i).filter((i) => !liked.includes(i));
  const others = Array.from({ length: 75 }, (_, i) => 25 + i);
  const person = foldInBpr(model, liked, { seed: 5 });
  const folded = groupAuc(model, person.factors, neighbours, others);
  const rng = new Rng(11);
  const norm = Math.hypot(...person.factors);
  const random = Array.from({ length: 8 }, () => rng.normal());
  const scale = norm / Math.hypot(...random);
  const baseline = groupAuc(model, random.map((v) => v * scale), neighbours, others);
  assert(folded > 0.9, `fold-in AUC ${folded}`);
  assert(folded > baseline + 0.2, `fold-in AUC ${folded} vs random ${baseline}`);
  // Its top-10 (liked movies left out) is mostly the group's other movies.
  const top = recommendImplicit(model, person, { n: 10 });
  assert(top.items.every((i) => !liked.includes(i)), `${top.items}`);
  assert(top.items.filter((i) => i < 25).length >= 8, `${top.items}`);
  // Same seed, same x; another seed, another x.
  assertEquals([...foldInBpr(model, liked, { seed: 5 }).factors], [...person.factors]);
  assert(foldInBpr(model, liked, { seed: 6 }).factors.some((v, f) => v !== person.factors[f]));
});

Deno.test("genre ALS fold-in reproduces the users' rows of the epoch (users solved against the previous items)", async () => {
  const m = randomRatings(60, 40, 0.25, 9);
  // Features: intercept + one of three genres per movie.
  const ptr = new Uint32Array(41), index: number[] = [];
  for (let i = 0; i < 40; i++) {
    index.push(0, 1 + (i % 3));
    ptr[i + 1] = index.length;
  }
  const features = {
    spec: { groups: [], names: ["(intercept)", "genre:A", "genre:B", "genre:C"] },
    nItems: 40,
    nFeatures: 4,
    ptr,
    index: Uint32Array.from(index),
    values: new Float32Array(index.length).fill(1),
  };
  for (const weighted of [false, true]) {
    const options = {
      features,
      k: 6,
      lambda: 0.5,
      lambdaBias: 0.3,
      weighted,
      seed: 3,
      progress: false,
    };
    // The users of epoch E are solved against the items of epoch E − 1.
    const before = await GenreAls.fit(m, { ...options, epochs: 4 });
    const after = await GenreAls.fit(m, { ...options, epochs: 5 });
    const itemSide = { state: before.state, hyper: after.hyper };
    let worst = 0;
    for (let u = 0; u < m.nUsers; u++) {
      const s = m.userPtr[u]!, e = m.userPtr[u + 1]!;
      const person = foldIn(itemSide, m.userItems.subarray(s, e), m.userRatings.subarray(s, e));
      for (let f = 0; f < 6; f++) {
        worst = Math.max(worst, Math.abs(person.factors[f]! - after.state.userFactors[u * 6 + f]!));
      }
      worst = Math.max(worst, Math.abs(person.bias - after.state.userBias[u]!));
    }
    assert(worst < 1e-4, `weighted=${weighted}: largest difference ${worst}`);
    assertAlmostEquals(after.state.mu, before.state.mu, 1e-12);
  }
});
