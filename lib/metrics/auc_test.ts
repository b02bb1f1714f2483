import { assertAlmostEquals, assertEquals, assertThrows } from "../../tests/_assert.ts";
import { fromTriplets } from "../data/coo.ts";
import { meanAuc, userAuc } from "./auc.ts";
import { intraListDiversity, listOverlap } from "./diversity.ts";

const PAD3 = 0xffff_ffff;

Deno.test("userAuc: hand-counted pairs, ties count one half, seen items left out", () => {
  // Items 0..5; item 5 seen in train (its huge score must not matter). Positives {1, 3}.
  // Negatives {0, 2, 4} with scores 0.5, 0.2, 0.9. Positive 1 (0.5): beats 2, ties 0, loses to 4
  // → 1.5; positive 3 (0.95): beats all three → 3. AUC = 4.5 / 6 = 0.75.
  const scores = Float32Array.of(0.5, 0.5, 0.2, 0.95, 0.9, 100);
  assertEquals(userAuc(scores, [5], [1, 3]), 0.75);
  // Brute force over pairs agrees on random scores with ties.
  for (let seed = 1; seed <= 20; seed++) {
    const n = 30;
    const s = Array.from({ length: n }, (_, i) => ((i * 7919 * seed) % 11) / 11);
    const seen = [0, 5, 9];
    const pos = [1, 2, 17, 23].filter((i) => (i + seed) % 3 !== 0);
    let pairs = 0, good = 0;
    for (const p of pos) {
      for (let q = 0; q < n; q++) {
        if (seen.includes(q) || pos.includes(q)) continue;
        pairs++;
        good += s[p]! > s[q]! ? 1 : s[p] === s[q] ? 0.5 : 0;
      }
    }
    assertAlmostEquals(userAuc(s, seen, pos), good / pairs, 1e-12);
  }
  assertEquals(userAuc([1, 2], [], []), NaN);
  assertEquals(userAuc([1, 2], [0], [1]), NaN); // no negative left
  assertThrows(() => userAuc([1, 2, 3], [1], [1]), RangeError, "also in seen");
  assertThrows(() => userAuc([1, 2, 3], [], [3]), RangeError, "not an item index");
});

Deno.test("meanAuc: averages users with a held-out positive, skips the rest", () => {
  const train = fromTriplets(3, 4, [0, 1, 2], [0, 1, 0], [1, 1, 1], [0, 0, 0]);
  const test = fromTriplets(3, 4, [0, 1], [3, 2], [1, 1], [0, 0]);
  // Scores by item 0..3: 0.4, 0.3, 0.2, 0.1 for everyone. User 0 holds out 3 (candidates 1, 2, 3:
  // AUC 0), user 1 holds out 2 (candidates 0, 2, 3: beats 3 → 1/2); user 2 has no test item.
  const r = meanAuc(() => [0.4, 0.3, 0.2, 0.1], train, test);
  assertEquals(r, { auc: 0.25, users: 2 });
  assertEquals(meanAuc(() => [0.4, 0.3, 0.2, 0.1], train, test, { users: [1] }).auc, 0.5);
  assertThrows(() => meanAuc(() => [1], train, test), RangeError, "expected 4");
});

Deno.test("intraListDiversity: 1 − cosine over pairs, padding and short lists skipped", () => {
  // Item vectors: 0 = (1, 0), 1 = (1, 1), 2 = (0, 1), 3 = (0, 0).
  const f = Float32Array.of(1, 0, 1, 1, 0, 1, 0, 0);
  const lists = {
    users: Uint32Array.of(0, 1, 2),
    n: 3,
    // List 0: items 0, 1, 2 → pairs 1 − 1/√2, 1, 1 − 1/√2. List 1: 0 and the zero vector 3 → 1.
    // List 2: a single item → skipped.
    items: Uint32Array.of(0, 1, 2, 0, 3, 0xffff_ffff, 2, 0xffff_ffff, 0xffff_ffff),
  };
  const list0 = (2 * (1 - Math.SQRT1_2) + 1) / 3;
  assertAlmostEquals(intraListDiversity(lists, f, 2), (list0 + 1) / 2, 1e-12);
  // k = 2: list 0 is items 0, 1 only.
  assertAlmostEquals(intraListDiversity(lists, f, 2, { k: 2 }), (1 - Math.SQRT1_2 + 1) / 2, 1e-12);
  assertThrows(() => intraListDiversity(lists, f, 3), RangeError, "dim must be");
  assertThrows(() => intraListDiversity(lists, f, 2, { k: 4 }), RangeError, "k must be");
});

Deno.test("listOverlap: shared items of the top k, padding never shared", () => {
  const a = { users: Uint32Array.of(0, 1), n: 3, items: Uint32Array.of(1, 2, 3, 7, PAD3, PAD3) };
  const b = { users: Uint32Array.of(0, 1), n: 3, items: Uint32Array.of(3, 9, 1, 7, PAD3, PAD3) };
  // User 0 shares {1, 3} of 3; user 1 shares {7} (padding is not an item).
  assertAlmostEquals(listOverlap(a, b, 3), (2 / 3 + 1 / 3) / 2, 1e-12);
  assertEquals(listOverlap(a, b, 1), 0.5); // 1 vs 3: no; 7 vs 7: yes
  const other = { users: Uint32Array.of(1, 0), n: 3, items: a.items };
  assertThrows(() => listOverlap(a, other, 2), RangeError, "same users");
  assertThrows(() => listOverlap(a, b, 4), RangeError, "k must be");
});
