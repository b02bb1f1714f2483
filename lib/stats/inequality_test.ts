import { assert, assertClose, assertEquals, assertThrows } from "../../tests/_assert.ts";
import { countBelow, gini, lorenzCurve, topShare } from "./inequality.ts";
import { Rng } from "./rng.ts";

Deno.test("Gini of an equal vector is 0 and of a one-hot vector (n-1)/n", () => {
  assertEquals(gini(new Float32Array(10).fill(3)), 0);
  for (const n of [1, 2, 5, 100]) {
    const v = new Uint32Array(n);
    v[n - 1] = 7;
    assertClose(gini(v), (n - 1) / n, 1e-12, `one-hot n=${n}`);
  }
  assertEquals(gini([]), 0);
  assertEquals(gini([0, 0]), 0);
});

Deno.test("Gini equals the mean absolute difference definition", () => {
  const rng = new Rng(3);
  const x = Array.from({ length: 200 }, () => Math.floor(Math.exp(3 * rng.next())));
  let sumAbs = 0;
  for (const a of x) for (const b of x) sumAbs += Math.abs(a - b);
  const mean = x.reduce((s, v) => s + v, 0) / x.length;
  assertClose(gini(x), sumAbs / (2 * x.length ** 2 * mean), 1e-12, "gini");
  assertThrows(() => gini([1, -1]), "value[1] is -1");
});

Deno.test("Lorenz curve runs from (0,0) to (1,1), is convex and matches the Gini by area", () => {
  const x = [5, 1, 0, 3, 1, 10, 2];
  const l = lorenzCurve(x);
  assertEquals(l.x.length, x.length + 1);
  assertEquals([l.x[0], l.y[0], l.x[x.length], l.y[x.length]], [0, 0, 1, 1]);
  assertEquals(Array.from(l.y).map((v) => Math.round(v * 22)), [0, 0, 1, 2, 4, 7, 12, 22]);
  for (let k = 2; k < l.x.length; k++) {
    const before = (l.y[k - 1]! - l.y[k - 2]!) / (l.x[k - 1]! - l.x[k - 2]!);
    const after = (l.y[k]! - l.y[k - 1]!) / (l.x[k]! - l.x[k - 1]!);
    assert(after >= before - 1e-12, `convex at ${k}`);
  }
  let area = 0;
  for (let k = 1; k < l.x.length; k++) {
    area += (l.x[k]! - l.x[k - 1]!) * (l.y[k]! + l.y[k - 1]!) / 2;
  }
  assertClose(1 - 2 * area, l.gini, 1e-12, "Gini = 1 - 2 × area");
  assertClose(l.gini, gini(x), 0, "same Gini");
  const thin = lorenzCurve(Float64Array.from({ length: 10000 }, (_, i) => i), { points: 100 });
  assertEquals(thin.x.length, 101);
  assertClose(thin.y[50]!, (4999 * 5000 / 2) / (9999 * 10000 / 2), 1e-12, "half the population");
});

Deno.test("topShare and countBelow", () => {
  const x = [1, 1, 1, 1, 1, 1, 1, 1, 2, 10];
  assertClose(topShare(x, 0.1), 10 / 20, 1e-15, "top 10 %");
  assertClose(topShare(x, 0.2), 12 / 20, 1e-15, "top 20 %");
  assertClose(topShare(x, 0.15), 12 / 20, 1e-15, "top 15 % rounds up to 2 members");
  assertEquals(topShare(x, 0), 0);
  assertEquals(topShare(x, 1), 1);
  assertThrows(() => topShare(x, 1.5), "fraction must be in [0, 1]");
  assertEquals(countBelow(x, 2), 8);
  assertEquals(countBelow(new Float32Array([NaN, 0.5]), 1), 1);
});
