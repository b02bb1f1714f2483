import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../../tests/_assert.ts";
import { Rng } from "../stats/rng.ts";
import { cloneAlsState, initAlsState } from "./als_state.ts";

Deno.test("initAlsState draws user factors then item factors from one seeded Rng", () => {
  const s = initAlsState(3, 2, 4, { seed: 9, scale: 0.5, mu: 3.25 });
  const rng = new Rng(9);
  const expected = Float32Array.from({ length: 20 }, () => 0.5 * rng.normal());
  assertEquals(s.userFactors, expected.slice(0, 12));
  assertEquals(s.itemFactors, expected.slice(12));
  assertEquals(s.userBias, new Float32Array(3));
  assertEquals(s.itemBias, new Float32Array(2));
  assertEquals(s.mu, 3.25);
  assertEquals(s.k, 4);
});

Deno.test("initAlsState: same seed, same numbers; another seed, other numbers; N(0, 0.1²)", () => {
  const a = initAlsState(500, 400, 10, { seed: 1, mu: 3 });
  const b = initAlsState(500, 400, 10, { seed: 1, mu: 3 });
  const c = initAlsState(500, 400, 10, { seed: 2, mu: 3 });
  assertEquals(a.itemFactors, b.itemFactors);
  assert(a.itemFactors.some((v, j) => v !== c.itemFactors[j]));
  let sum = 0, squares = 0;
  for (const v of a.userFactors) {
    sum += v;
    squares += v * v;
  }
  const n = a.userFactors.length;
  assertAlmostEquals(sum / n, 0, 0.005);
  assertAlmostEquals(Math.sqrt(squares / n), 0.1, 0.005);
});

Deno.test("initAlsState rejects bad sizes, scale, mu and seed", () => {
  assertThrows(() => initAlsState(-1, 2, 2, { seed: 1, mu: 3 }), RangeError, "nUsers");
  assertThrows(() => initAlsState(1, 2, 1.5, { seed: 1, mu: 3 }), RangeError, "k");
  assertThrows(() => initAlsState(1, 2, 2, { seed: 1, mu: NaN }), RangeError, "mu");
  assertThrows(() => initAlsState(1, 2, 2, { seed: 1, mu: 3, scale: -1 }), RangeError, "scale");
  assertThrows(() => initAlsState(1, 2, 2, { seed: -3, mu: 3 }), Error, "seed");
});

Deno.test("cloneAlsState copies every array", () => {
  const s = initAlsState(2, 3, 2, { seed: 4, mu: 3 });
  const c = cloneAlsState(s);
  c.userFactors[0] = 99;
  c.itemBias[1] = 99;
  assert(s.userFactors[0] !== 99 && s.itemBias[1] === 0);
  assertEquals(c.itemFactors, s.itemFactors);
});
