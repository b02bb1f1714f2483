/**
 * Vuong's likelihood-ratio test between the discrete power law and the discrete log-normal on the
 * same tail x >= x_min (Clauset, Shalizi & Newman 2009, §5.1, eqs. 5.4–5.5).
 *
 * With ℓ_i the difference of the two log-probabilities of observation i, R = Σ ℓ_i; under the null
 * hypothesis that both fit equally well R/(σ√n) is standard normal, σ² being the variance of ℓ_i.
 * The two-sided p-value is p = erfc(|R| / √(2nσ²)). R > 0 favours the power law, R < 0 the
 * log-normal; a large p means the data cannot tell them apart.
 *
 * @example
 * ```ts
 * import { fitPowerLaw } from "./power_law.ts";
 * import { sampleLogNormal } from "./log_normal.ts";
 * import { Rng } from "./rng.ts";
 * import { vuongPowerLawLogNormal } from "./vuong.ts";
 * const x = sampleLogNormal(new Rng(2), 3000, { mu: 2, sigma: 0.7, xMin: 1 });
 * const test = vuongPowerLawLogNormal(x, fitPowerLaw(x, { xMin: 1 }));
 * if (test.favoured !== "log-normal") throw new Error("log-normal data");
 * ```
 *
 * @module
 */

import { fitLogNormal, type LogNormalFit, logNormalLogPmf } from "./log_normal.ts";
import type { PowerLawFit } from "./power_law.ts";
import { integerFrequencies, lowerBound } from "./_tail.ts";
import { erfc, hurwitzZeta } from "./special.ts";

/** Outcome of {@linkcode vuongPowerLawLogNormal}. */
export interface VuongResult {
  /** The log-normal fitted to the same tail. */
  readonly logNormal: LogNormalFit;
  /** Log-likelihood ratio R = L(power law) − L(log-normal) over the tail. */
  readonly R: number;
  /** R / (σ√n): approximately standard normal when neither model is better. */
  readonly normalizedR: number;
  /** Two-sided p-value of the sign of R. */
  readonly p: number;
  /** Tail size n. */
  readonly n: number;
  /** "power law" or "log-normal" when p < the threshold (by the sign of R), else "neither". */
  readonly favoured: "power law" | "log-normal" | "neither";
  /** The p-value below which a model was declared favoured. */
  readonly threshold: number;
}

/**
 * Runs the Vuong test on the tail x >= `powerLaw.xMin` of `values`, fitting the log-normal there
 * (or using `options.logNormal` if given, which must have the same xMin). `threshold` (default
 * 0.1, as in Clauset et al.) is the p-value below which a model is declared favoured.
 *
 * @example
 * ```ts
 * import { fitPowerLaw } from "./power_law.ts";
 * import { vuongPowerLawLogNormal } from "./vuong.ts";
 * const x = [1, 1, 1, 1, 1, 1, 2, 2, 2, 3, 3, 4, 5, 7, 9, 15, 30, 80];
 * const v = vuongPowerLawLogNormal(x, fitPowerLaw(x, { xMin: 1 }));
 * if (!(v.p >= 0 && v.p <= 1)) throw new Error("a probability");
 * ```
 */
export function vuongPowerLawLogNormal(
  values: ArrayLike<number>,
  powerLaw: Pick<PowerLawFit, "alpha" | "xMin">,
  options: { logNormal?: LogNormalFit; threshold?: number } = {},
): VuongResult {
  const { alpha, xMin } = powerLaw;
  const logNormal = options.logNormal ?? fitLogNormal(values, { xMin });
  if (logNormal.xMin !== xMin) {
    throw new Error(
      `vuongPowerLawLogNormal: the log-normal has xMin ${logNormal.xMin}, the power law ${xMin}`,
    );
  }
  const threshold = options.threshold ?? 0.1;
  const freq = integerFrequencies(values, "vuongPowerLawLogNormal");
  const start = lowerBound(freq.values, xMin);
  const logZ = Math.log(hurwitzZeta(alpha, xMin));
  const m = freq.values.length - start;
  const diff = new Float64Array(m);
  let n = 0;
  let R = 0;
  for (let j = 0; j < m; j++) {
    const x = freq.values[start + j]!;
    const c = freq.counts[start + j]!;
    diff[j] = -alpha * Math.log(x) - logZ - logNormalLogPmf(logNormal, x);
    n += c;
    R += c * diff[j]!;
  }
  if (n === 0) throw new Error(`vuongPowerLawLogNormal: no values >= xMin = ${xMin}`);
  const mean = R / n;
  let variance = 0;
  for (let j = 0; j < m; j++) variance += freq.counts[start + j]! * (diff[j]! - mean) ** 2;
  variance /= n;
  const sd = Math.sqrt(variance);
  const normalizedR = sd > 0 ? R / (sd * Math.sqrt(n)) : (R === 0 ? 0 : Math.sign(R) * Infinity);
  const p = sd > 0 ? erfc(Math.abs(R) / Math.sqrt(2 * n * variance)) : (R === 0 ? 1 : 0);
  const favoured = p < threshold ? (R > 0 ? "power law" : "log-normal") : "neither";
  return { logNormal, R, normalizedR, p, n, favoured, threshold };
}

function formatP(p: number): string {
  if (p < 1e-300) return "p < 1e-300";
  return `p = ${p < 0.001 ? p.toExponential(1) : p.toFixed(3)}`;
}

/**
 * A one-sentence verdict of a Vuong test, built from the result (never fixed in advance): which
 * model the likelihood ratio favours, with R and p, or that the data cannot tell them apart.
 *
 * @example
 * ```ts
 * import { vuongVerdict, type VuongResult } from "./vuong.ts";
 * const v = { R: -12.3, p: 0.004, threshold: 0.1, favoured: "log-normal" } as VuongResult;
 * if (!vuongVerdict(v).startsWith("the log-normal fits the tail better")) throw new Error("verdict");
 * ```
 */
export function vuongVerdict(
  v: Pick<VuongResult, "R" | "p" | "threshold" | "favoured">,
): string {
  const stats = `R = ${v.R.toFixed(1)}, ${formatP(v.p)}`;
  const below = `${stats}, below ${v.threshold}`;
  switch (v.favoured) {
    case "log-normal":
      return `the log-normal fits the tail better than the power law (${below}): ` +
        "the tail is heavy, but a pure power law is not the best description of it";
    case "power law":
      return `the power law fits the tail better than the log-normal (${below}): ` +
        "the tail is consistent with a power law";
    case "neither":
      return `the power law and the log-normal fit the tail about equally well (${stats}, not below ` +
        `${v.threshold}): the data cannot tell them apart, so α describes the slope of the ` +
        "tail rather than proving a power law";
  }
}
