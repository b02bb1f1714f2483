import { assert, assertAlmostEquals, assertEquals } from "../../tests/_assert.ts";
import { fromTriplets } from "../data/coo.ts";
import { Rng } from "../stats/rng.ts";
import { welchTTest } from "../stats/hypothesis.ts";
import { abTest, holmAdjust, multiArmAbTest, welchFromSums } from "./ab_test.ts";
import {
  clickProbabilities,
  ClickSampler,
  ctrMoments,
  listRelevance,
  popularityLists,
  positionBias,
} from "./click_model.ts";
import { abPower, teamDraft, usersPerArm } from "./power.ts";
import { aaFalsePositiveRate, msprtRatio, peekingSimulation } from "./sequential.ts";
import { bprArm, offlineExperiment, offlineSplit, servingBySegment } from "./offline.ts";

Deno.test("ClickSampler draws the Poisson-binomial click count", () => {
  const p = Float64Array.of(0.9, 0.5, 0.2);
  const sampler = new ClickSampler(p, 3);
  const rng = new Rng(4);
  const counts = new Float64Array(4);
  const draws = 40_000;
  for (let k = 0; k < draws; k++) counts[sampler.draw(0, rng)]! += 1;
  // Exact: P(0) = .1·.5·.8 = .04; P(3) = .9·.5·.2 = .09; P(1) = .9·.5·.8 + .1·.5·.8 + .1·.5·.2 = .41.
  for (const [c, exact] of [[0, 0.04], [1, 0.41], [3, 0.09]] as const) {
    assertAlmostEquals(counts[c]! / draws, exact, 0.01, `P(${c} clicks)`);
  }
  assertAlmostEquals(sampler.expected[0]!, 1.6, 1e-12);
  assertAlmostEquals(sampler.variance[0]!, 0.09 + 0.25 + 0.16, 1e-12);
});

Deno.test("click model: position bias × relevance of the held-out rating", () => {
  const test = fromTriplets(2, 4, [0, 0, 1], [0, 3, 2], [5, 3.75, 1], [0, 0, 0]);
  const lists = { users: Uint32Array.of(0, 1), n: 2, items: Uint32Array.of(3, 0, 2, 0xffff_ffff) };
  const rel = listRelevance(lists, test, { background: 0.1 });
  assertEquals([...rel], [0.5, 1, 0, 0]);
  const p = clickProbabilities(rel, 2);
  assertAlmostEquals(p[1]!, positionBias(2), 1e-15);
});

Deno.test("popularityLists skips what the user already rated, most rated first", () => {
  const train = fromTriplets(3, 4, [0, 1, 2, 1, 2, 2], [3, 3, 3, 1, 1, 0], [4, 4, 4, 4, 4, 4], [
    0,
    0,
    0,
    0,
    0,
    0,
  ]);
  const lists = popularityLists(train, [0, 2], { n: 2 });
  assertEquals([...lists.items], [1, 0, 2, 0xffff_ffff]);
});

Deno.test("welchFromSums is Welch's t (stdlib ttest2)", () => {
  const rng = new Rng(1);
  const a = Array.from({ length: 30 }, () => rng.normal());
  const b = Array.from({ length: 45 }, () => 0.3 + 2 * rng.normal());
  const sums = (x: number[]) => ({
    n: x.length,
    sum: x.reduce((s, v) => s + v, 0),
    sumSquares: x.reduce((s, v) => s + v * v, 0),
  });
  const w = welchFromSums(sums(b), sums(a));
  const ref = welchTTest(b, a);
  assertAlmostEquals(w.statistic, ref.statistic, 1e-10);
  assertAlmostEquals(w.df, ref.df, 1e-8);
  assertAlmostEquals(w.pValue, ref.pValue, 1e-10);
});

Deno.test("usersPerArm and abPower: the textbook numbers and each other", () => {
  assertEquals(usersPerArm(0.5, 1, 1), 63); // 2·(1.96 + 0.8416)²/0.25 = 62.8
  assertEquals(usersPerArm(0.2, 1, 1, { alpha: 0.05, power: 0.9 }), 526); // 2·(1.96 + 1.2816)²/0.04
  for (const n of [10, 100, 1000]) {
    const p = abPower(n, 0.1, 1, 1.5);
    assert(p > 0 && p < 1);
  }
  assertAlmostEquals(abPower(usersPerArm(0.3, 1, 2), 0.3, 1, 2), 0.8, 0.003);
});

Deno.test("msprtRatio: the normal-mixture likelihood ratio, by direct integration", () => {
  // Λ = ∫ φ(θ̂; θ, V) / φ(θ̂; 0, V) · φ(θ; 0, τ²) dθ, by the trapezoid rule.
  const [d, v, t2] = [0.3, 0.01, 0.04];
  let integral = 0;
  const step = 1e-4;
  for (let theta = -2; theta <= 2; theta += step) {
    const lr = Math.exp((d * d - (d - theta) ** 2) / (2 * v));
    integral += lr * Math.exp(-(theta * theta) / (2 * t2)) / Math.sqrt(2 * Math.PI * t2) * step;
  }
  assertAlmostEquals(msprtRatio(d, v, t2) / integral, 1, 1e-6);
});

Deno.test("teamDraft: every item once, teams balanced, each team's picks in its own order", () => {
  const rng = new Rng(7);
  for (let trial = 0; trial < 200; trial++) {
    const a = Array.from({ length: 10 }, (_, k) => (k * 3 + trial) % 17);
    const b = Array.from({ length: 10 }, (_, k) => (k * 5 + 2 * trial) % 17);
    const { items, teams } = teamDraft([...new Set(a)], [...new Set(b)], 10, rng);
    assertEquals(new Set(items).size, items.length);
    const na = teams.filter((t) => t === 0).length;
    assert(Math.abs(na - (items.length - na)) <= 1, "picks differ by at most one");
    const fromA = items.filter((_, r) => teams[r] === 0);
    const positions = fromA.map((i) => a.indexOf(i));
    assert(positions.every((p, k) => k === 0 || p > positions[k - 1]!), "A's picks in A's order");
  }
});

Deno.test("A/A calibrated, peeking inflated, mSPRT at most α; a real effect is found", () => {
  const users = 600;
  const probs = Float64Array.from({ length: users * 5 }, (_, k) => ((k * 7919) % 13) / 40);
  const arm = new ClickSampler(probs, 5);
  const aa = aaFalsePositiveRate(arm, { replicates: 1000, seed: 3 });
  assert(aa.rate > 0.03 && aa.rate < 0.07, `A/A rate ${aa.rate}`);
  const peek = peekingSimulation([arm, arm], {
    streamUsers: 10_000,
    lookEvery: 500,
    replicates: 300,
    seed: 5,
  });
  assert(peek.peeking > 0.15, `peeking ${peek.peeking}`);
  assert(peek.msprt <= 0.06, `mSPRT ${peek.msprt}`);
  const better = new ClickSampler(probs.map((p) => Math.min(1, 1.3 * p)), 5);
  const ab = abTest(arm, better, { seed: 9, bootstrap: 500 });
  assert(ab.welch.pValue < 0.05 && ab.relativeCiPercent[0] > 0, JSON.stringify(ab));
  const m = ctrMoments(better);
  assert(m.mean > ctrMoments(arm).mean);
});

Deno.test("holmAdjust: R's p.adjust(…, 'holm'), monotone in p, never below the raw p", () => {
  // R: p.adjust(c(0.02, 0.001, 0.04, 0.5, 0.03), "holm") = 0.08 0.005 0.09 0.5 0.09
  const p = [0.02, 0.001, 0.04, 0.5, 0.03];
  const q = holmAdjust(p);
  [0.08, 0.005, 0.09, 0.5, 0.09].forEach((want, i) => assertAlmostEquals(q[i]!, want, 1e-12));
  assertEquals([...holmAdjust([0.9, 0.3])], [0.9, 0.6]); // 2·0.3, then max(0.6, 0.9)
  let threw = false;
  try {
    holmAdjust([0.1, NaN]);
  } catch {
    threw = true;
  }
  assert(threw, "NaN is not a p-value");
});

Deno.test("multiArmAbTest: arms balanced, the bootstrap CI covers the true effect ≈ 95 %", () => {
  const users = 900, n = 4;
  const rng = new Rng(11);
  // Users differ in how much they click (the between-user variance of a real population).
  const base = Float64Array.from({ length: users * n }, () => 0.05 + 0.3 * rng.next());
  const control = new ClickSampler(base, n);
  const same = new ClickSampler(base, n);
  const better = new ClickSampler(base.map((p) => 1.25 * p), n);
  const truth = 100 * (ctrMoments(better).mean / ctrMoments(control).mean - 1);
  assertAlmostEquals(truth, 25, 1e-9);
  let covered = 0, nullRejected = 0, found = 0;
  const replicates = 200;
  for (let r = 0; r < replicates; r++) {
    const ab = multiArmAbTest([control, same, better], { seed: 100 + r, bootstrap: 400 });
    assertEquals(ab.users.reduce((s, m) => s + m, 0), users);
    assert(ab.users.every((m) => Math.abs(m - users / 3) < 80), `arms ${ab.users}`);
    const [aa, ba] = ab.comparisons;
    assert(aa!.holmPValue >= aa!.welch.pValue && ba!.holmPValue >= ba!.welch.pValue);
    assertEquals([aa!.arm, ba!.arm], [1, 2]);
    if (ba!.relativeCiPercent[0] <= truth && truth <= ba!.relativeCiPercent[1]) covered++;
    if (aa!.holmPValue < 0.05) nullRejected++;
    if (ba!.holmPValue < 0.05) found++;
  }
  assert(covered / replicates > 0.9 && covered / replicates < 0.99, `coverage ${covered}`);
  assert(nullRejected / replicates < 0.06, `A/A arm rejected ${nullRejected} times`);
  // ~300 users per arm: the normal-approximation power for +25 % here is ≈ 0.8.
  assert(found / replicates > 0.65, `+25 % found only ${found} times of ${replicates}`);
});

Deno.test("multiArmAbTest: rejects arms of different shapes and a lone control", () => {
  const a = new ClickSampler(new Float64Array(20).fill(0.1), 2);
  const b = new ClickSampler(new Float64Array(30).fill(0.1), 3);
  for (const arms of [[a, b], [a]]) {
    let threw = false;
    try {
      multiArmAbTest(arms);
    } catch (error) {
      threw = error instanceof RangeError;
    }
    assert(threw, `${arms.length} arms`);
  }
});

/**
 * Two tastes: users 0–39 like items 0–9, users 40–59 items 10–19; the first group is larger, so
 * popularity recommends its items to everyone. Each user rates 8 of their own items (≥ 4) and 2 of
 * the other group's (a 1), one rating per time step.
 */
function twoTasteRatings(users = 60) {
  const u: number[] = [], i: number[] = [], r: number[] = [], t: number[] = [];
  for (let user = 0; user < users; user++) {
    const own = user < 40 ? 0 : 10, other = user < 40 ? 10 : 0;
    for (let j = 0; j < 8; j++) {
      u.push(user);
      i.push(own + ((user + j) % 10));
      r.push(5);
      t.push(j);
    }
    for (let j = 0; j < 2; j++) {
      u.push(user);
      i.push(other + ((user + 3 * j) % 10));
      r.push(1);
      t.push(8 + j);
    }
  }
  // The newest two of each user must be liked items for the test to have positives: move them.
  for (let user = 0; user < users; user++) {
    t[user * 10 + 0] = 20;
    t[user * 10 + 1] = 21;
  }
  return fromTriplets(users, 20, u, i, r, t);
}

Deno.test("offlineSplit: the newest lastN per user held out; too small a population throws", () => {
  const m = twoTasteRatings();
  const split = offlineSplit(m, { lastN: 2 });
  assertEquals(split.users.length, 60);
  assertEquals(split.test.nnz, 120);
  assertEquals(split.train.nnz + split.test.nnz, m.nnz);
  assert(Array.from(split.test.userRatings).every((x) => x === 5), "the two moved liked items");
  let threw = false;
  try {
    offlineSplit(fromTriplets(3, 2, [0, 0, 1], [0, 1, 0], [4, 4, 4], [0, 1, 0]), { lastN: 1 });
  } catch (error) {
    threw = String(error).includes("need 20");
  }
  assert(threw);
});

Deno.test("bprArm: learns the second taste popularity misses; seeded and 1-thread reproducible", async () => {
  const m = twoTasteRatings();
  const split = offlineSplit(m, { lastN: 2 });
  const options = {
    k: 4,
    epochs: 60,
    learningRates: [0.1],
    lambdas: [0.01, 0.1],
    validationLastN: 2,
  };
  const bpr = await bprArm(split, options);
  assertEquals(bpr.validation.length, 2);
  assert(bpr.validation.includes(bpr.chosen));
  assertEquals(bpr.positives, 60 * 6, "train keeps 6 liked ratings per user");
  assertEquals(bpr.model.hyper.lambda, bpr.chosen.lambda);
  const again = await bprArm(split, options);
  assertEquals([...again.lists.items], [...bpr.lists.items]);
  const ex = await offlineExperiment({ ratings: m, userIds: identity(60), itemIds: identity(20) }, {
    prepared: split,
    n: 5,
    k: 4,
    epochs: 5,
    extraArms: [{ name: bpr.name, lists: { ...bpr.lists, n: 5, items: top5(bpr.lists.items) } }],
  });
  const [pop, , arm] = ex.arms;
  const mean = (x: Float64Array, from: number, to: number) =>
    x.slice(from, to).reduce((s, v) => s + v, 0) / (to - from);
  // The minority (users 40–59): popularity lists the majority's items, BPR their own.
  assert(
    mean(arm!.recall, 40, 60) > mean(pop!.recall, 40, 60) + 0.3,
    "BPR finds the minority taste",
  );
  const seg = servingBySegment(ex, { cold: 9 });
  assertEquals(seg.reduce((s, x) => s + x.users, 0), 60);
  assertEquals(seg[0]!.members.length, 60, "every user has 8 training ratings < 9: cold start");
  assert(Number.isFinite(seg[0]!.alsRmse) && Number.isFinite(seg[0]!.ndcg.BPR!));
});

function identity(n: number) {
  return Uint32Array.from({ length: n }, (_, k) => k);
}

function top5(items: Uint32Array) {
  const out = new Uint32Array((items.length / 10) * 5);
  for (let k = 0; k < items.length / 10; k++) out.set(items.subarray(k * 10, k * 10 + 5), k * 5);
  return out;
}

Deno.test("offlineExperiment: a prepared split of other ratings and a misordered arm throw", async () => {
  const m = twoTasteRatings();
  const split = offlineSplit(m, { lastN: 2 });
  const ds = { ratings: m, userIds: identity(60), itemIds: identity(20) };
  const other = offlineSplit(twoTasteRatings(50), { lastN: 2 });
  for (
    const options of [
      { prepared: other, k: 2, epochs: 1 },
      {
        prepared: split,
        k: 2,
        epochs: 1,
        extraArms: [{
          name: "reversed",
          lists: { users: split.users.slice().reverse(), n: 10, items: new Uint32Array(600) },
        }],
      },
    ]
  ) {
    let threw = false;
    try {
      await offlineExperiment(ds, options);
    } catch (error) {
      threw = error instanceof RangeError;
    }
    assert(threw);
  }
});
