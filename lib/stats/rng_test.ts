import { assert, assertEquals, assertThrows } from "../../tests/_assert.ts";
import { Rng, sampleIndices, shuffle } from "./rng.ts";

// Reference values from the C reference implementation of xoshiro128** (Blackman & Vigna) and the
// splitmix32 seeding documented in rng.ts, compiled with gcc.
Deno.test("Rng.fromState matches the xoshiro128** reference stream", () => {
  const rng = Rng.fromState(1, 2, 3, 4);
  const got = Array.from({ length: 6 }, () => rng.nextU32());
  assertEquals(got, [11520, 0, 5927040, 70819200, 2031721883, 1637235492]);
});

Deno.test("Rng seeding matches the C reference for several seeds", () => {
  const expected: Record<number, number[]> = {
    0: [3809008728, 1133695204, 53579671, 2891528803, 139681546, 2203266335],
    1: [2442144158, 3238099751, 3819917871, 2104621829, 2021136066, 4223536128],
    42: [2837322924, 544945897, 479756282, 3500138142, 339756180, 113173290],
    4294967295: [835879718, 1921286648, 2356205009, 1885780724, 980451116, 1053911718],
  };
  for (const [seed, values] of Object.entries(expected)) {
    const rng = new Rng(Number(seed));
    assertEquals(Array.from({ length: 6 }, () => rng.nextU32()), values, `seed ${seed}`);
  }
});

Deno.test("Rng rejects bad seeds and states", () => {
  assertThrows(() => new Rng(-1), "seed must be an integer");
  assertThrows(() => new Rng(1.5), "seed must be an integer");
  assertThrows(() => new Rng(2 ** 32), "seed must be an integer");
  assertThrows(() => Rng.fromState(0, 0, 0, 0), "must not be all zero");
});

Deno.test("Rng.next is in [0, 1) with mean near 1/2; same seed gives same stream", () => {
  const a = new Rng(123);
  const b = new Rng(123);
  let sum = 0;
  const n = 20000;
  for (let i = 0; i < n; i++) {
    const u = a.next();
    assert(u >= 0 && u < 1, `u = ${u}`);
    assertEquals(u, b.next());
    sum += u;
  }
  // sd of the mean is 1/sqrt(12 n) = 0.002
  assert(Math.abs(sum / n - 0.5) < 0.01, `mean ${sum / n}`);
  assert(new Rng(1).next() !== new Rng(2).next());
});

Deno.test("Rng.int covers 0..n-1 evenly and rejects bad n", () => {
  const rng = new Rng(7);
  const counts = new Array<number>(6).fill(0);
  for (let i = 0; i < 60000; i++) counts[rng.int(6)]!++;
  for (const c of counts) assert(Math.abs(c - 10000) < 500, `count ${c}`); // sd ≈ 91
  assertEquals(new Rng(1).int(1), 0);
  assertThrows(() => rng.int(0), "n must be an integer");
  assertThrows(() => rng.int(2.5), "n must be an integer");
});

Deno.test("Rng.normal has mean 0 and variance 1", () => {
  const rng = new Rng(99);
  let s = 0;
  let s2 = 0;
  const n = 40000;
  for (let i = 0; i < n; i++) {
    const z = rng.normal();
    s += z;
    s2 += z * z;
  }
  assert(Math.abs(s / n) < 0.025, `mean ${s / n}`); // sd 0.005
  assert(Math.abs(s2 / n - 1) < 0.04, `variance ${s2 / n}`); // sd 0.007
});

Deno.test("shuffle is a seeded permutation", () => {
  const a = shuffle(new Rng(3), Array.from({ length: 50 }, (_, i) => i));
  const b = shuffle(new Rng(3), Array.from({ length: 50 }, (_, i) => i));
  assertEquals(a, b);
  assertEquals([...a].sort((x, y) => x - y), Array.from({ length: 50 }, (_, i) => i));
  assert(a.some((v, i) => v !== i), "not the identity");
});

Deno.test("sampleIndices draws k distinct indices uniformly", () => {
  const hits = new Array<number>(10).fill(0);
  const rng = new Rng(5);
  for (let rep = 0; rep < 5000; rep++) {
    const s = sampleIndices(rng, 10, 3);
    assertEquals(new Set(s).size, 3);
    for (const i of s) hits[i]!++;
  }
  for (const h of hits) assert(Math.abs(h - 1500) < 150, `hits ${h}`); // sd ≈ 32
  assertEquals(sampleIndices(rng, 4, 4).slice().sort().join(), "0,1,2,3");
  assertThrows(() => sampleIndices(rng, 3, 4), "k must be an integer in 0..n");
});
