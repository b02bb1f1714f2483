import { assert, assertClose, assertEquals, assertThrows } from "../../tests/_assert.ts";
import {
  fitPowerLaw,
  powerLawCcdf,
  powerLawCcdfCurve,
  powerLawPmf,
  samplePowerLaw,
} from "./power_law.ts";
import { Rng } from "./rng.ts";
import { hurwitzZeta } from "./special.ts";

Deno.test("samplePowerLaw draws from the exact discrete pmf", () => {
  const x = samplePowerLaw(new Rng(11), 50000, { alpha: 2.5, xMin: 1 });
  const counts = new Map<number, number>();
  for (const v of x) counts.set(v, (counts.get(v) ?? 0) + 1);
  for (const k of [1, 2, 3, 10]) {
    const p = powerLawPmf({ alpha: 2.5, xMin: 1 }, k);
    const sd = Math.sqrt(p * (1 - p) / x.length);
    assertClose((counts.get(k) ?? 0) / x.length, p, 4 * sd, `P(X = ${k})`);
  }
  assertEquals(samplePowerLaw(new Rng(1), 5, { alpha: 2, xMin: 3 }).every((v) => v >= 3), true);
  assertEquals(
    samplePowerLaw(new Rng(4), 10, { alpha: 2, xMin: 1 }),
    samplePowerLaw(new Rng(4), 10, { alpha: 2, xMin: 1 }),
  );
});

for (const xMin of [1, 5]) {
  Deno.test(`fitPowerLaw recovers alpha = 2.5 from 20k draws with xMin = ${xMin}`, () => {
    const x = samplePowerLaw(new Rng(2024 + xMin), 20000, { alpha: 2.5, xMin });
    const fixed = fitPowerLaw(x, { xMin });
    assertEquals(fixed.nTail, 20000);
    assertClose(fixed.alphaStdErr, (fixed.alpha - 1) / Math.sqrt(20000), 1e-12, "std err");
    assertClose(fixed.alpha, 2.5, 0.045, "alpha at the true xMin"); // ≈ 4 standard errors
    const scanned = fitPowerLaw(x);
    assert(scanned.candidates > 10, "xMin was scanned");
    assert(scanned.xMin >= xMin && scanned.xMin <= xMin + 3, `xMin ${scanned.xMin}`);
    assertClose(scanned.alpha, 2.5, 4 * scanned.alphaStdErr + 0.01, "alpha at the chosen xMin");
  });
}

Deno.test("fitPowerLaw finds xMin = 5 above a non-power-law body", () => {
  const rng = new Rng(77);
  const tail = samplePowerLaw(rng, 20000, { alpha: 2.5, xMin: 5 });
  const body = Float64Array.from({ length: 8000 }, () => 1 + rng.int(4)); // uniform on 1..4
  const x = Float64Array.of(...body, ...tail);
  const fit = fitPowerLaw(x);
  assertEquals(fit.xMin, 5);
  assertEquals(fit.n, 28000);
  assertEquals(fit.nTail, 20000);
  assertClose(fit.alpha, 2.5, 0.045, "alpha");
  // a fit forced to start at 1 is much worse by KS
  assert(fitPowerLaw(x, { xMin: 1 }).ks > 5 * fit.ks);
});

Deno.test("the MLE maximises the exact discrete log-likelihood and KS is the sup over all integers", () => {
  const x = [1, 1, 1, 1, 1, 2, 2, 3, 4, 7, 7, 12, 30];
  const fit = fitPowerLaw(x, { xMin: 1 });
  const ll = (a: number) =>
    x.reduce((s, v) => s - a * Math.log(v) - Math.log(hurwitzZeta(a, 1)), 0);
  assertClose(fit.logLikelihood, ll(fit.alpha), 1e-9, "log-likelihood");
  assert(ll(fit.alpha) > ll(fit.alpha + 1e-3) && ll(fit.alpha) > ll(fit.alpha - 1e-3), "a maximum");
  // brute-force KS over every integer 1..30
  let d = 0;
  for (let k = 1; k <= 30; k++) {
    const empirical = x.filter((v) => v <= k).length / x.length;
    const model = 1 - powerLawCcdf(fit, k + 1);
    d = Math.max(d, Math.abs(empirical - model));
  }
  assertClose(fit.ks, d, 1e-12, "KS distance");
});

Deno.test("fitPowerLaw with xMin not in the data and bad inputs", () => {
  const fit = fitPowerLaw([5, 6, 6, 9, 20, 3, 2], { xMin: 4 });
  assertEquals(fit.xMin, 4);
  assertEquals(fit.nTail, 5);
  assertThrows(() => fitPowerLaw([1, 2, -3]), "value[2] is -3");
  assertThrows(() => fitPowerLaw([1, 2.5]), "value[1] is 2.5");
  assertThrows(() => fitPowerLaw([1, 2, 3]), "no x_min candidate");
  assertThrows(() => fitPowerLaw([1, 2, 3], { xMin: 3 }), "fewer than 2 distinct");
  assertThrows(() => fitPowerLaw([1, 2, 3], { xMin: 0 }), "xMin must be a positive integer");
});

Deno.test("powerLawCcdf and powerLawPmf agree", () => {
  const f = { alpha: 2.2, xMin: 3 };
  assertEquals(powerLawCcdf(f, 3), 1);
  assertClose(powerLawCcdf(f, 4), 1 - powerLawPmf(f, 3), 1e-14, "ccdf(4)");
  assertEquals(powerLawPmf(f, 2), 0);
});

Deno.test("powerLawCcdfCurve: log-spaced integers from xMin to xMax, scaled to all the data", () => {
  const fit = { alpha: 2.5, xMin: 4, nTail: 30, n: 120 };
  const c = powerLawCcdfCurve(fit, 5000.7, { points: 25 });
  assertEquals(c.x[0], 4);
  assertEquals(c.x[c.x.length - 1], 5000);
  assert(c.x.length <= 25 && c.x.length > 15, `${c.x.length} points`);
  for (let k = 0; k < c.x.length; k++) {
    assert(Number.isInteger(c.x[k]!), "integers");
    if (k > 0) assert(c.x[k]! > c.x[k - 1]! && c.y[k]! < c.y[k - 1]!, "x up, y down");
    assertClose(c.y[k]!, 0.25 * powerLawCcdf(fit, c.x[k]!), 1e-15, `y at ${c.x[k]}`);
    // the log-spacing: consecutive ratios stay close to (5000/4)^(1/24), up to rounding
    if (k > 0 && c.x[k - 1]! > 50) {
      assertClose(Math.log(c.x[k]! / c.x[k - 1]!), Math.log(1250) / 24, 0.02, "log step");
    }
  }
  assertEquals(powerLawCcdfCurve(fit, 100, { scale: 1 }).y[0], 1);
  assertThrows(() => powerLawCcdfCurve(fit, 3), "xMax = 3 is below xMin = 4");
});
