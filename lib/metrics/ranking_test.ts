import { assertAlmostEquals, assertEquals, assertThrows } from "../../tests/_assert.ts";
import { fromTriplets } from "../data/coo.ts";
import type { RecommendationBatch } from "../models/explicit_model.ts";
import { rankingMetrics } from "./ranking.ts";

const PAD = 0xffff_ffff;
const INV_LOG2_3 = 0.6309297535714575; // 1 / log2(3), the discount at rank 2; rank 3 gives 1/2

/** A test matrix from (user, item, rating) triples. */
function heldOut(nUsers: number, nItems: number, triples: [number, number, number][]) {
  return fromTriplets(
    nUsers,
    nItems,
    triples.map((t) => t[0]),
    triples.map((t) => t[1]),
    triples.map((t) => t[2]),
    triples.map(() => 0),
  );
}

Deno.test("every metric of a hand-computed 3-user, 5-item example", () => {
  const test = heldOut(3, 5, [
    // user 0: relevant {0, 2}; 2 stars is below the threshold 4.
    [0, 0, 5],
    [0, 2, 4],
    [0, 4, 2],
    // user 1: relevant {0, 2, 3, 4} (4 exactly counts: ≥ threshold), 3.5 is not.
    [1, 0, 4],
    [1, 1, 3.5],
    [1, 2, 5],
    [1, 3, 4.5],
    [1, 4, 4],
    // user 2: nothing relevant, so skipped.
    [2, 1, 2],
    [2, 3, 3.5],
  ]);
  const lists = {
    users: Uint32Array.of(0, 1, 2),
    n: 3,
    items: Uint32Array.of(0, 1, 2, 1, 3, 4, 0, 2, 4),
  };
  const m = rankingMetrics(lists, test);
  // user 0: hits at ranks 1 and 3 of 2 relevant: P 2/3, R 2/2, R capped 2/min(3, 2) = 1,
  //   DCG = 1 + 1/log2(4) = 1.5, IDCG (2 ideal hits) = 1 + 1/log2(3) = 1.6309297535714575,
  //   NDCG = 0.9197207891481876.
  // user 1: hits at ranks 2 and 3 of 4 relevant: P 2/3, R 2/4, R capped 2/min(3, 4) = 2/3,
  //   DCG = 1/log2(3) + 1/log2(4) = 1.1309297535714575,
  //   IDCG (min(3, 4) = 3 ideal hits) = 1 + 1/log2(3) + 1/2 = 2.1309297535714575,
  //   NDCG = 0.5307212739772434.
  assertEquals(m.users, 2);
  assertAlmostEquals(m.precision, 2 / 3, 1e-15);
  assertAlmostEquals(m.recall, (1 + 0.5) / 2, 1e-15);
  assertAlmostEquals(m.recallCapped, (1 + 2 / 3) / 2, 1e-15);
  assertAlmostEquals(1.5 / (1 + INV_LOG2_3), 0.9197207891481876, 1e-15);
  assertAlmostEquals((INV_LOG2_3 + 0.5) / (1.5 + INV_LOG2_3), 0.5307212739772434, 1e-15);
  assertAlmostEquals(m.ndcg, (0.9197207891481876 + 0.5307212739772434) / 2, 1e-15);
  assertEquals(m.hitRate, 1);
  assertEquals(m.coverage, 1); // the lists name all five items
  // MAP@3: user 0 (1/1 + 2/3) / min(3, 2) = 5/6; user 1 (1/2 + 2/3) / min(3, 4) = 7/18.
  assertAlmostEquals(m.map, (5 / 6 + 7 / 18) / 2, 1e-15);
});

Deno.test("the threshold decides relevance with ≥", () => {
  const test = heldOut(1, 5, [[0, 0, 4], [0, 1, 3.5], [0, 2, 3]]);
  const lists = { users: Uint32Array.of(0), n: 2, items: Uint32Array.of(1, 2) };
  // At 4 only item 0 is relevant, and the list misses it.
  assertEquals(rankingMetrics(lists, test).precision, 0);
  // At 3.5 items 0 and 1 are: one hit at rank 1 of two relevant.
  const m = rankingMetrics(lists, test, { threshold: 3.5 });
  assertEquals([m.users, m.precision, m.recall], [1, 0.5, 0.5]);
  // At 3 all three are relevant; both ranks hit: DCG = IDCG(2) = 1 + 1/log2(3).
  const all = rankingMetrics(lists, test, { threshold: 3 });
  assertEquals([all.precision, all.recall, all.recallCapped, all.ndcg], [1, 2 / 3, 1, 1]);
});

Deno.test("users without a relevant test item are skipped; hit rate is over the rest", () => {
  const test = heldOut(3, 5, [
    [0, 0, 5], // user 0: relevant {0}, list misses it
    [1, 3, 4], // user 1: relevant {3}, hit at rank 1
    // user 2: no held-out ratings at all
  ]);
  const lists = { users: Uint32Array.of(0, 1, 2), n: 2, items: Uint32Array.of(1, 2, 3, 4, 0, 1) };
  const m = rankingMetrics(lists, test);
  // Means over 2 users, not 3: P (0 + 1/2) / 2, R (0 + 1) / 2, NDCG (0 + 1) / 2, hit rate 1/2.
  assertEquals(m.users, 2);
  assertEquals(m.precision, 0.25);
  assertEquals(m.recall, 0.5);
  assertEquals(m.recallCapped, 0.5);
  assertEquals(m.ndcg, 0.5);
  assertEquals(m.hitRate, 0.5);
  // Coverage still counts the skipped user's list: items {1, 2, 3, 4, 0} of 5.
  assertEquals(m.coverage, 1);
});

Deno.test("no evaluated user gives NaN means but a coverage", () => {
  const test = heldOut(1, 5, [[0, 0, 1]]);
  const m = rankingMetrics({ users: Uint32Array.of(0), n: 2, items: Uint32Array.of(0, 1) }, test);
  assertEquals(m.users, 0);
  assertEquals(
    [m.precision, m.recall, m.recallCapped, m.ndcg, m.hitRate].every(Number.isNaN),
    true,
  );
  assertEquals(m.coverage, 2 / 5);
});

Deno.test("padding is never a hit nor covered, and precision still divides by k", () => {
  const test = heldOut(2, 5, [
    [0, 0, 5], // user 0: relevant {0, 2, 3}
    [0, 2, 4],
    [0, 3, 4.5],
    [1, 4, 5], // user 1: relevant {4}, but the list ran out entirely
  ]);
  const lists = {
    users: Uint32Array.of(0, 1),
    n: 4,
    items: Uint32Array.of(2, 0, PAD, PAD, PAD, PAD, PAD, PAD),
  };
  const m = rankingMetrics(lists, test);
  // user 0: hits at ranks 1, 2: P 2/4 (not 2/2), R 2/3, R capped 2/min(4, 3) = 2/3,
  //   DCG = 1 + 1/log2(3) = 1.6309297535714575, IDCG (3) = 2.1309297535714575,
  //   NDCG = 0.7653606369886217.
  // user 1: evaluated, no hit: all zero.
  assertEquals(m.users, 2);
  assertAlmostEquals(m.precision, (0.5 + 0) / 2, 1e-15);
  assertAlmostEquals(m.recall, (2 / 3 + 0) / 2, 1e-15);
  assertAlmostEquals(m.recallCapped, (2 / 3 + 0) / 2, 1e-15);
  assertAlmostEquals((1 + INV_LOG2_3) / (1.5 + INV_LOG2_3), 0.7653606369886217, 1e-15);
  assertAlmostEquals(m.ndcg, 0.7653606369886217 / 2, 1e-15);
  assertEquals(m.hitRate, 0.5);
  assertEquals(m.coverage, 2 / 5);
});

Deno.test("cut-off k < n: only the first k entries count, and precision divides by k", () => {
  const test = heldOut(1, 5, [[0, 0, 5], [0, 2, 4], [0, 3, 4]]); // relevant {0, 2, 3}
  const lists = { users: Uint32Array.of(0), n: 4, items: Uint32Array.of(1, 0, 2, 3) };
  const m = rankingMetrics(lists, test, { k: 2 });
  // Top 2 = [1, 0]: one hit at rank 2. P 1/2 (not 1/4 nor 3/4), R 1/3, R capped 1/min(2, 3),
  // DCG = 1/log2(3), IDCG (min(2, 3) = 2) = 1 + 1/log2(3): NDCG = 0.3868528072345416.
  assertEquals(m.precision, 0.5);
  assertEquals(m.recall, 1 / 3);
  assertEquals(m.recallCapped, 0.5);
  assertAlmostEquals(INV_LOG2_3 / (1 + INV_LOG2_3), 0.3868528072345416, 1e-15);
  assertAlmostEquals(m.ndcg, 0.3868528072345416, 1e-15);
  assertEquals(m.coverage, 2 / 5); // items 1 and 0; 2 and 3 lie beyond k
  assertEquals(m.map, 0.25); // AP@2 = (1/2) / min(2, 3)
  // The full list: three hits at ranks 2, 3, 4 of an ideal 1, 2, 3.
  const full = rankingMetrics(lists, test);
  assertEquals([full.precision, full.recall, full.recallCapped, full.coverage], [0.75, 1, 1, 0.8]);
  assertAlmostEquals(full.ndcg, (INV_LOG2_3 + 0.5 + 1 / Math.log2(5)) / (1.5 + INV_LOG2_3), 1e-15);
  assertAlmostEquals(full.map, (1 / 2 + 2 / 3 + 3 / 4) / 3, 1e-15);
  // k = 1 misses; the hit at rank 1 of a one-item cut scores 1 in every metric.
  assertEquals(rankingMetrics(lists, test, { k: 1 }).hitRate, 0);
  const first = { users: Uint32Array.of(0), n: 4, items: Uint32Array.of(3, 1, 4, 0) };
  const one = rankingMetrics(first, test, { k: 1 });
  assertEquals([one.precision, one.recallCapped, one.ndcg, one.hitRate], [1, 1, 1, 1]);
});

Deno.test("coverage: distinct items over all lists' top k, divided by test.nItems", () => {
  const test = heldOut(2, 5, [[0, 0, 5]]); // only user 0 has a relevant item
  const lists = { users: Uint32Array.of(0, 1), n: 3, items: Uint32Array.of(0, 1, 4, 1, 2, 3) };
  // k = 2: {0, 1} ∪ {1, 2} = 3 items of 5; user 1 is skipped but its list counts.
  assertEquals(rankingMetrics(lists, test, { k: 2 }).coverage, 3 / 5);
  assertEquals(rankingMetrics(lists, test).coverage, 1);
});

Deno.test("a repeated item hits once; a user listed twice is evaluated twice", () => {
  const test = heldOut(1, 5, [[0, 0, 5], [0, 1, 5]]);
  const repeated = { users: Uint32Array.of(0), n: 2, items: Uint32Array.of(0, 0) };
  const m = rankingMetrics(repeated, test);
  assertEquals([m.precision, m.recall], [0.5, 0.5]);
  const twice = { users: Uint32Array.of(0, 0), n: 1, items: Uint32Array.of(0, 2) };
  const t = rankingMetrics(twice, test);
  assertEquals([t.users, t.precision, t.hitRate], [2, 0.5, 0.5]);
});

Deno.test("a RecommendationBatch is passed straight in", () => {
  const test = heldOut(2, 3, [[1, 2, 5]]);
  const batch: RecommendationBatch = {
    users: Uint32Array.of(1),
    n: 2,
    items: Uint32Array.of(2, PAD),
    scores: Float32Array.of(4.5, -Infinity),
  };
  const m = rankingMetrics(batch, test);
  assertEquals([m.users, m.precision, m.recall, m.ndcg, m.coverage], [1, 0.5, 1, 1, 1 / 3]);
});

Deno.test("bad arguments are clear errors naming the argument", () => {
  const test = heldOut(2, 5, [[0, 0, 5]]);
  const lists = { users: Uint32Array.of(0), n: 3, items: Uint32Array.of(0, 1, 2) };
  for (const k of [0, 4, 1.5, NaN]) {
    assertThrows(() => rankingMetrics(lists, test, { k }), RangeError, "k must be a whole number");
  }
  for (const threshold of [NaN, Infinity]) {
    assertThrows(() => rankingMetrics(lists, test, { threshold }), RangeError, "threshold");
  }
  const stranger = { users: Uint32Array.of(2), n: 3, items: Uint32Array.of(0, 1, 2) };
  assertThrows(() => rankingMetrics(stranger, test), RangeError, "lists.users[0] = 2");
  const short = { users: Uint32Array.of(0, 1), n: 3, items: Uint32Array.of(0, 1, 2) };
  assertThrows(() => rankingMetrics(short, test), RangeError, "lists.items has 3 entries");
  const unknown = { users: Uint32Array.of(0), n: 3, items: Uint32Array.of(0, 5, 2) };
  assertThrows(() => rankingMetrics(unknown, test), RangeError, "lists.items[1] = 5");
  const empty = { users: Uint32Array.of(0), n: 0, items: new Uint32Array(0) };
  assertThrows(() => rankingMetrics(empty, test), RangeError, "lists.n");
});
