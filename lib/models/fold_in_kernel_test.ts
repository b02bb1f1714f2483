// The fast path (one Zig call: fold-in + scores + masked top-N) against the TypeScript reference
// (foldIn + scorePerson({ kernel: false }) + topN).
import { assert, assertEquals, assertThrows } from "../../tests/_assert.ts";
import { Als } from "./als.ts";
import { BiasAls } from "./bias_als.ts";
import { explain } from "./explain.ts";
import { foldIn, recommendPerson, scorePerson } from "./fold_in.ts";
import { topN } from "./top_n.ts";
import { randomRatings } from "./_test_fixtures.ts";
import { Rng } from "../stats/rng.ts";

/** The reference: TS solve, TS scores (f64 sums), TS top-N with the rated items masked out. */
function reference(
  model: Als | BiasAls,
  items: number[],
  ratings: number[],
  n: number,
  allowed: Uint8Array,
) {
  const person = foldIn(model, items, ratings);
  const scores = scorePerson(model.state, person, undefined, { kernel: false });
  const mask = allowed.slice();
  for (const i of items) mask[i] = 0;
  return { person, scores, top: topN(scores, n, { allowed: mask }) };
}

Deno.test("recommendPerson: the kernel's row, scores and filtered top-N equal the TypeScript reference", async () => {
  const m = randomRatings(90, 400, 0.1, 21);
  const rng = new Rng(5);
  const models = [
    await Als.fit(m, {
      k: 16,
      lambda: 0.1,
      lambdaBias: 0.05,
      weighted: true,
      epochs: 4,
      progress: false,
    }),
    await Als.fit(m, {
      k: 8,
      lambda: 2,
      lambdaBias: 1,
      weighted: false,
      epochs: 4,
      progress: false,
    }),
    await BiasAls.fit(m, { lambda: 3, epochs: 3, progress: false }),
  ];
  let compared = 0;
  for (const model of models) {
    const { k } = model.state;
    for (let trial = 0; trial < 6; trial++) {
      const items = [...new Set(Array.from({ length: 3 + rng.int(20) }, () => rng.int(400)))];
      const ratings = items.map(() => (1 + rng.int(10)) / 2);
      const allowed = Uint8Array.from({ length: 400 }, () => (rng.next() < 0.5 ? 1 : 0));
      const n = 1 + rng.int(30);
      const fast = recommendPerson(model, items, ratings, { n, allowed, threads: 1 + trial % 3 });
      const ref = reference(model, items, ratings, n, allowed);
      for (let f = 0; f < k; f++) {
        const want = ref.person.factors[f]!;
        assert(Math.abs(fast.person.factors[f]! - want) < 1e-5 * Math.max(1, Math.abs(want)));
      }
      assert(Math.abs(fast.person.bias - ref.person.bias) < 1e-5, `${fast.person.bias}`);
      assertEquals(fast.items.length, ref.top.items.length);
      for (let j = 0; j < fast.items.length; j++) {
        const item = fast.items[j]!;
        assert(allowed[item] === 1 && !items.includes(item), `item ${item} passes the filter`);
        assert(Math.abs(fast.scores[j]! - ref.top.scores[j]!) < 1e-4, `score ${j}`);
        // Same item unless two reference scores are too close for f32 to order them alike.
        const gap = Math.min(
          j > 0 ? ref.top.scores[j - 1]! - ref.top.scores[j]! : Infinity,
          j + 1 < ref.top.scores.length ? ref.top.scores[j]! - ref.top.scores[j + 1]! : Infinity,
        );
        if (gap > 1e-4) {
          assertEquals(item, ref.top.items[j]);
          compared++;
        }
      }
      // The person explains like the reference person.
      const item = fast.items[0]!;
      const a = explain(model.state, fast.person, item), b = explain(model.state, ref.person, item);
      assert(Math.abs(a.prediction - b.prediction) < 1e-9, `${a.prediction} vs ${b.prediction}`);
      assert(
        Math.abs(a.prediction - fast.scores[0]!) < 1e-4,
        `${a.prediction} vs ${fast.scores[0]}`,
      );
    }
  }
  assert(compared > 100, `${compared} ranks compared item for item`);
});

Deno.test("recommendPerson: excludeSeen false keeps rated movies; a short mask gives a short list", async () => {
  const m = randomRatings(40, 50, 0.3, 2);
  const model = await Als.fit(m, { k: 4, epochs: 3, progress: false });
  const allowed = new Uint8Array(50);
  allowed[3] = allowed[7] = allowed[9] = 1;
  const excluded = recommendPerson(model, [3, 4], [5, 1], { n: 10, allowed });
  assertEquals([...excluded.items].sort(), [7, 9]);
  const kept = recommendPerson(model, [3, 4], [5, 1], { n: 10, allowed, excludeSeen: false });
  assertEquals([...kept.items].sort(), [3, 7, 9]);
  const empty = recommendPerson(model, [], [], { n: 5 });
  assertEquals([...empty.person.factors, empty.person.bias], [0, 0, 0, 0, 0]);
  assertEquals(empty.items.length, 5);
});

Deno.test("recommendPerson and scorePerson refuse bad input with the field named", async () => {
  const m = randomRatings(20, 15, 0.4, 3);
  const model = await Als.fit(m, { k: 4, epochs: 2, progress: false });
  assertThrows(() => recommendPerson(model, [1, 1], [4, 5]), RangeError, "item 1 is rated twice");
  assertThrows(() => recommendPerson(model, [15], [4]), RangeError, "item 15 is not a dense");
  assertThrows(() => recommendPerson(model, [2], [NaN]), RangeError, "rating of item 2");
  assertThrows(() => recommendPerson(model, [2], [4], { n: 0 }), RangeError, "n must be");
  assertThrows(
    () => recommendPerson(model, [2], [4], { allowed: new Uint8Array(3) }),
    RangeError,
    "allowed has 3 entries",
  );
  const person = foldIn(model, [2], [4]);
  assertThrows(
    () => scorePerson(model.state, person, new Float32Array(3)),
    RangeError,
    "out has 3 entries",
  );
});

Deno.test("scorePerson: the kernel and the TypeScript loop agree", async () => {
  const m = randomRatings(60, 200, 0.15, 8);
  const model = await Als.fit(m, { k: 24, epochs: 3, progress: false });
  const person = foldIn(model, [1, 5, 9, 40], [5, 4, 1, 3.5]);
  const fast = scorePerson(model.state, person);
  const slow = scorePerson(model.state, person, undefined, { kernel: false });
  let worst = 0;
  for (let i = 0; i < fast.length; i++) worst = Math.max(worst, Math.abs(fast[i]! - slow[i]!));
  assert(worst < 1e-5, `largest difference ${worst}`);
  assert(fast.some((v, i) => v !== fast[0] && i > 0), "the scores differ from movie to movie");
});
