import { assertEquals, assertThrows } from "../../tests/_assert.ts";
import { halfStarIndicator, starCounts } from "./ratings.ts";
import { perYear } from "./time.ts";

Deno.test("starCounts counts every half-star value and the half stars", () => {
  const r = new Float32Array([0.5, 1, 3.5, 3.5, 4, 4, 4, 5]);
  const s = starCounts(r);
  assertEquals(Array.from(s.stars), [0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5]);
  assertEquals(Array.from(s.counts), [1, 1, 0, 0, 0, 0, 2, 3, 0, 1]);
  assertEquals(s.halfStars, 3);
  assertEquals(s.n, 8);
  assertEquals(s.counts.reduce((a, b) => a + b, 0), r.length);
});

Deno.test("starCounts on a whole-star scale and its errors", () => {
  const s = starCounts([1, 5, 5], { min: 1, max: 5, step: 1 });
  assertEquals(Array.from(s.counts), [1, 0, 0, 0, 2]);
  assertEquals(s.halfStars, 0);
  assertThrows(() => starCounts([4, 3.7]), "rating[1] = 3.7 is not on the grid");
  assertThrows(() => starCounts([5.5]), "rating[0] = 5.5");
  assertThrows(() => starCounts([0]), "rating[0] = 0");
  assertThrows(() => starCounts([1], { min: 1, max: 5, step: 3 }), "not a multiple of step");
  assertEquals(starCounts([]).n, 0);
});

Deno.test("halfStarIndicator gives the half-star share per year as bucket means", () => {
  const flags = halfStarIndicator(new Float32Array([4, 4.5, 3, 0.5]));
  assertEquals(Array.from(flags), [0, 1, 0, 1]);
  // two ratings in 2002 (whole stars only), two in 2004 (one of each)
  const y2002 = Date.UTC(2002, 5, 1) / 1000;
  const y2004 = Date.UTC(2004, 5, 1) / 1000;
  const share = perYear(
    new Uint32Array([y2002, y2002, y2004, y2004]),
    halfStarIndicator([3, 4, 3.5, 5]),
  );
  assertEquals(share.labels, ["2002", "2003", "2004"]);
  assertEquals(share.means[0], 0);
  assertEquals(Number.isNaN(share.means[1]), true);
  assertEquals(share.means[2], 0.5);
  assertThrows(() => halfStarIndicator([NaN]), "rating[0] is NaN");
});
