import { assert, assertClose, assertEquals, assertThrows } from "../../tests/_assert.ts";
import { fitLogNormal, logNormalLogPmf, sampleLogNormal } from "./log_normal.ts";
import { fitPowerLaw, powerLawPmf, samplePowerLaw } from "./power_law.ts";
import { Rng } from "./rng.ts";
import { erfc } from "./special.ts";
import { vuongPowerLawLogNormal, vuongVerdict } from "./vuong.ts";

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

Deno.test("vuongVerdict follows the test's outcome, with R and p", () => {
  const ln = sampleLogNormal(new Rng(32), 5000, { mu: 2, sigma: 1, xMin: 1 });
  const onLogNormal = vuongPowerLawLogNormal(ln, fitPowerLaw(ln, { xMin: 1 }));
  const sentence = vuongVerdict(onLogNormal);
  assert(sentence.startsWith("the log-normal fits the tail better"), sentence);
  assert(sentence.includes(`R = ${onLogNormal.R.toFixed(1)}`), sentence);
  assertEquals(onLogNormal.threshold, 0.1);
  const pl = samplePowerLaw(new Rng(31), 20000, { alpha: 1.9, xMin: 1 });
  const onPowerLaw = vuongPowerLawLogNormal(pl, fitPowerLaw(pl, { xMin: 1 }));
  assert(vuongVerdict(onPowerLaw).startsWith("the power law fits the tail better"));
  const tie = { R: 0.4, p: 0.62, threshold: 0.05, favoured: "neither" } as const;
  assertEquals(
    vuongVerdict(tie).startsWith(
      "the power law and the log-normal fit the tail about equally well (R = 0.4, p = 0.620, not below 0.05)",
    ),
    true,
  );
  const strict = vuongPowerLawLogNormal(ln, fitPowerLaw(ln, { xMin: 1 }), { threshold: 0 });
  assertEquals(strict.favoured, "neither");
  assert(vuongVerdict(strict).includes("p < 1e-300, not below 0)"), vuongVerdict(strict));
});
