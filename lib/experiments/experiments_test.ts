import { assert, assertAlmostEquals, assertEquals } from "../../tests/_assert.ts";
import { fromTriplets } from "../data/_coo.ts";
import { Rng } from "../stats/rng.ts";
import { welchTTest } from "../stats/hypothesis.ts";
import { abTest, welchFromSums } from "./ab_test.ts";
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
