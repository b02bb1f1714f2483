import { assert, assertClose, assertEquals, assertThrows } from "../../tests/_assert.ts";
import { binCounts, ccdf, frequencies, linearBins, logBins } from "./histogram.ts";

Deno.test("linearBins gives equal widths ending exactly at max", () => {
  assertEquals(Array.from(linearBins(0.5, 5.5, 10)), [0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 5.5]);
  assertThrows(() => linearBins(1, 1, 3), "need finite min < max");
  assertThrows(() => linearBins(0, 1, 0), "count must be a positive integer");
});

Deno.test("logBins are geometric and cover max", () => {
  const e = logBins(1, 1000, { perDecade: 2 });
  assertEquals(e.length, 7);
  for (let i = 1; i < e.length; i++) assertClose(e[i]! / e[i - 1]!, Math.sqrt(10), 1e-12, "ratio");
  assertClose(e[6]!, 1000, 1e-9, "last edge");
  const f = logBins(1, 50, { perDecade: 1 });
  assertEquals(f.length, 3); // 1, 10, 100 covers 50
  assert(f[2]! >= 50);
  assertThrows(() => logBins(0, 10), "need 0 < min < max");
});

Deno.test("histogram counts into half-open bins, closes the last, and reports outside values", () => {
  const h = binCounts([0, 0.5, 1, 1.999, 2, 3, 3, -1, 4, NaN], [0, 1, 2, 3]);
  assertEquals(Array.from(h.counts), [2, 2, 3]);
  assertEquals(h.outside, 3);
  // density integrates to 1
  let integral = 0;
  for (let i = 0; i < 3; i++) integral += h.density[i]! * (h.edges[i + 1]! - h.edges[i]!);
  assertClose(integral, 1, 1e-12, "density integral");
  assertThrows(() => binCounts([1], [0, 2, 1]), "strictly ascending");
});

Deno.test("histogram over log bins of degrees", () => {
  const h = binCounts(
    new Uint32Array([1, 9, 10, 99, 100, 1000]),
    logBins(1, 1000, { perDecade: 1 }),
  );
  assertEquals(Array.from(h.counts), [2, 2, 2]);
});

Deno.test("frequencies and ccdf on a small sample", () => {
  const f = frequencies(new Float32Array([2, 1, 2, 5, NaN, 2]));
  assertEquals(Array.from(f.values), [1, 2, 5]);
  assertEquals(Array.from(f.counts), [1, 3, 1]);
  assertEquals(f.n, 5);
  const c = ccdf([2, 1, 2, 5, 2]);
  assertEquals(Array.from(c.p), [1, 0.8, 0.2]);
  assertEquals(frequencies([]).values.length, 0);
});
