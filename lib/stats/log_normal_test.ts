import { assert, assertClose, assertEquals, assertThrows } from "../../tests/_assert.ts";
import {
  fitLogNormal,
  logNormalCcdf,
  logNormalCcdfCurve,
  logNormalInterval,
  logNormalLogPmf,
  sampleLogNormal,
} from "./log_normal.ts";
import { Rng } from "./rng.ts";
import { normalSf } from "./special.ts";

Deno.test("logNormalInterval matches differences of normal tails, also narrow and far", () => {
  assertClose(
    Math.exp(logNormalInterval(0.3, 1.7)),
    normalSf(0.3) - normalSf(1.7),
    1e-15,
    "[0.3,1.7]",
  );
  assertClose(
    Math.exp(logNormalInterval(-2, -0.5)),
    normalSf(0.5) - normalSf(2),
    1e-15,
    "[-2,-0.5]",
  );
  assertClose(Math.exp(logNormalInterval(-1, 2)), 1 - normalSf(2) - normalSf(1), 1e-15, "[-1,2]");
  // narrow interval: width × density
  const a = 1.2;
  const h = 1e-4;
  const density = Math.exp(-0.5 * (a + h / 2) ** 2) / Math.sqrt(2 * Math.PI);
  assertClose(Math.exp(logNormalInterval(a, a + h)) / (h * density), 1, 1e-8, "narrow");
  const far = logNormalInterval(40, 41);
  assert(Number.isFinite(far) && far < -790, `far tail ${far}`);
});

Deno.test("the discrete truncated log-normal pmf sums to 1", () => {
  for (const params of [{ mu: 1, sigma: 0.8, xMin: 1 }, { mu: 3, sigma: 1.5, xMin: 4 }]) {
    let total = 0;
    for (let x = params.xMin; x < 2_000_000; x++) total += Math.exp(logNormalLogPmf(params, x));
    // the mass beyond 2e6 is below 1e-6 for these parameters
    assertClose(total, 1, 2e-6, `sum for ${JSON.stringify(params)}`);
  }
  assertEquals(logNormalLogPmf({ mu: 0, sigma: 1, xMin: 2 }, 1), -Infinity);
});

Deno.test("fitLogNormal recovers mu and sigma from seeded draws (with and without truncation)", () => {
  const x = sampleLogNormal(new Rng(8), 20000, { mu: 2, sigma: 1, xMin: 1 });
  const fit = fitLogNormal(x);
  assertClose(fit.mu, 2, 0.05, "mu");
  assertClose(fit.sigma, 1, 0.04, "sigma");
  const y = sampleLogNormal(new Rng(9), 20000, { mu: 2, sigma: 1, xMin: 10 });
  const truncated = fitLogNormal(y, { xMin: 10 });
  assertClose(truncated.mu, 2, 0.2, "mu (truncated)");
  assertClose(truncated.sigma, 1, 0.08, "sigma (truncated)");
  // the likelihood is a maximum
  const ll = (mu: number, sigma: number) =>
    Array.from(y).reduce((s, v) => s + logNormalLogPmf({ mu, sigma, xMin: 10 }, v), 0);
  const best = ll(truncated.mu, truncated.sigma);
  assertClose(truncated.logLikelihood, best, 1e-6 * Math.abs(best), "log-likelihood");
  for (const [dm, ds] of [[0.02, 0], [-0.02, 0], [0, 0.02], [0, -0.02]] as const) {
    assert(ll(truncated.mu + dm, truncated.sigma + ds) < best, `not a maximum (${dm}, ${ds})`);
  }
});

Deno.test("fitLogNormal rejects bad input", () => {
  assertThrows(() => fitLogNormal([1, 2, 3], { xMin: 0 }), "xMin must be a positive integer");
  assertThrows(() => fitLogNormal([1, 1, 1]), "fewer than 2 distinct");
  assertThrows(() => fitLogNormal([1, -2, 3]), "value[1] is -2");
});

Deno.test("logNormalCcdf is one minus the summed pmf, and its curve is scaled", () => {
  const fit = { mu: 2.5, sigma: 1.1, xMin: 3 };
  let below = 0;
  for (let x = 3; x < 40; x++) {
    assertClose(logNormalCcdf(fit, x), 1 - below, 1e-12, `P(X >= ${x})`);
    below += Math.exp(logNormalLogPmf(fit, x));
  }
  assertEquals(logNormalCcdf(fit, 2), 1);
  assertClose(logNormalCcdf(fit, 7.2), logNormalCcdf(fit, 8), 1e-15, "non-integer x rounds up");
  const c = logNormalCcdfCurve(fit, 10000, { scale: 0.4, points: 30 });
  assertEquals([c.x[0], c.x[c.x.length - 1], c.y[0]], [3, 10000, 0.4]);
  for (let k = 1; k < c.x.length; k++) {
    assertClose(c.y[k]!, 0.4 * logNormalCcdf(fit, c.x[k]!), 1e-15, `curve at ${c.x[k]}`);
  }
  assertThrows(() => logNormalCcdfCurve(fit, 2), "xMax = 2 is below xMin = 3");
});
