import { assert, assertClose, assertEquals, assertThrows } from "./_assert.ts";
import { fitLogNormal, logNormalLogPmf, sampleLogNormal } from "./log_normal.ts";
import { fitPowerLaw, powerLawPmf, samplePowerLaw } from "./power_law.ts";
import { Rng } from "./rng.ts";
import { erfc } from "./special.ts";
import { vuongPowerLawLogNormal } from "./vuong.ts";

Deno.test("Vuong favours the power law on power-law data with a long tail", () => {
  const x = samplePowerLaw(new Rng(31), 20000, { alpha: 1.9, xMin: 1 });
  const v = vuongPowerLawLogNormal(x, fitPowerLaw(x, { xMin: 1 }));
  assert(v.R > 0, `R = ${v.R}`);
  assertEquals(v.favoured, "power law");
  assert(v.p < 0.1, `p = ${v.p}`);
});

Deno.test("Vuong favours the log-normal on log-normal data", () => {
  const x = sampleLogNormal(new Rng(32), 20000, { mu: 2, sigma: 1, xMin: 1 });
  const v = vuongPowerLawLogNormal(x, fitPowerLaw(x, { xMin: 1 }));
  assert(v.R < 0, `R = ${v.R}`);
  assertEquals(v.favoured, "log-normal");
  assert(v.p < 1e-6, `p = ${v.p}`);
});

Deno.test("Vuong R, normalised R and p follow the definitions", () => {
  const x = [1, 1, 1, 1, 1, 1, 2, 2, 2, 3, 3, 4, 5, 7, 9, 15, 30, 80, 1, 2];
  const pl = fitPowerLaw(x, { xMin: 1 });
  const ln = fitLogNormal(x, { xMin: 1 });
  const v = vuongPowerLawLogNormal(x, pl, { logNormal: ln });
  const d = x.map((k) => Math.log(powerLawPmf(pl, k)) - logNormalLogPmf(ln, k));
  const R = d.reduce((s, t) => s + t, 0);
  const mean = R / d.length;
  const variance = d.reduce((s, t) => s + (t - mean) ** 2, 0) / d.length;
  assertClose(v.R, R, 1e-9, "R");
  assertClose(v.normalizedR, R / Math.sqrt(d.length * variance), 1e-9, "normalised R");
  assertClose(v.p, erfc(Math.abs(R) / Math.sqrt(2 * d.length * variance)), 1e-12, "p");
  assertEquals(v.n, x.length);
  assertThrows(
    () => vuongPowerLawLogNormal(x, pl, { logNormal: fitLogNormal(x, { xMin: 2 }) }),
    "the log-normal has xMin 2",
  );
});
