/**
 * A discrete log-normal for integer data, the usual rival of the power law for heavy tails.
 *
 * Discretisation (documented choice): an integer x stands for the interval [x − ½, x + ½) of a
 * continuous log-normal LN(μ, σ), and the distribution is truncated to x >= x_min, so
 *
 *   p(x) = [Φ((ln(x + ½) − μ)/σ) − Φ((ln(x − ½) − μ)/σ)] / [1 − Φ((ln(x_min − ½) − μ)/σ)].
 *
 * This is a proper distribution on the same support as the discrete power law, so the two
 * log-likelihoods can be compared point by point (Vuong test, see vuong.ts). μ and σ are fitted by
 * maximum likelihood with Nelder–Mead over (μ, ln σ), started from the mean and standard
 * deviation of ln x. Interval probabilities are computed in log space (no underflow far in the
 * tail); very narrow intervals use Simpson's rule on the normal density.
 *
 * @example
 * ```ts
 * import { fitLogNormal, sampleLogNormal } from "./log_normal.ts";
 * import { Rng } from "./rng.ts";
 * const x = sampleLogNormal(new Rng(1), 5000, { mu: 2, sigma: 1, xMin: 1 });
 * const fit = fitLogNormal(x, { xMin: 1 });
 * if (Math.abs(fit.mu - 2) > 0.1 || Math.abs(fit.sigma - 1) > 0.1) throw new Error("recovers");
 * ```
 *
 * @module
 */

import { minimizeNelderMead } from "./_optimize.ts";
import { integerFrequencies, logSpacedIntegers, lowerBound } from "./_tail.ts";
import type { CcdfCurve } from "./power_law.ts";
import type { Rng } from "./rng.ts";
import { logNormalSf } from "./special.ts";

/** A fitted discrete, truncated log-normal. */
export interface LogNormalFit {
  /** Location μ of ln x. */
  readonly mu: number;
  /** Scale σ of ln x (> 0). */
  readonly sigma: number;
  /** Truncation point: the fit covers x >= xMin. */
  readonly xMin: number;
  /** Number of values >= xMin. */
  readonly nTail: number;
  /** Log-likelihood of the tail at (μ, σ). */
  readonly logLikelihood: number;
}

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * log P(a < Z < b) for a standard normal Z and a < b, accurate in the far tails and for very
 * narrow intervals.
 *
 * @example
 * ```ts
 * import { logNormalInterval } from "./log_normal.ts";
 * if (Math.abs(logNormalInterval(-1, 1) - Math.log(0.6826894921370859)) > 1e-13) throw new Error("±1σ");
 * ```
 */
export function logNormalInterval(a: number, b: number): number {
  const m = 0.5 * (a + b);
  if ((b - a) * Math.max(1, Math.abs(m)) < 0.01) {
    // Simpson's rule on φ, with φ(m) factored out so nothing underflows
    const lm = -0.5 * m * m;
    const sum = Math.exp(-0.5 * a * a - lm) + 4 + Math.exp(-0.5 * b * b - lm);
    return Math.log(b - a) - Math.log(6) - LOG_SQRT_2PI + lm + Math.log(sum);
  }
  if (a >= 0 || b <= 0) {
    const [lo, hi] = a >= 0 ? [a, b] : [-b, -a];
    const la = logNormalSf(lo);
    const lb = logNormalSf(hi);
    return la + Math.log1p(-Math.exp(lb - la));
  }
  return Math.log1p(-Math.exp(logNormalSf(b)) - Math.exp(logNormalSf(-a)));
}

/**
 * log p(x) of the discrete truncated log-normal (see the module doc) at integer x >= xMin;
 * −∞ below xMin.
 *
 * @example
 * ```ts
 * import { logNormalLogPmf } from "./log_normal.ts";
 * let total = 0;
 * for (let x = 1; x < 100000; x++) total += Math.exp(logNormalLogPmf({ mu: 1, sigma: 0.8, xMin: 1 }, x));
 * if (Math.abs(total - 1) > 1e-9) throw new Error("sums to one");
 * ```
 */
export function logNormalLogPmf(
  fit: { mu: number; sigma: number; xMin: number },
  x: number,
): number {
  if (x < fit.xMin) return -Infinity;
  const { mu, sigma } = fit;
  const norm = logNormalSf((Math.log(fit.xMin - 0.5) - mu) / sigma);
  return logNormalInterval((Math.log(x - 0.5) - mu) / sigma, (Math.log(x + 0.5) - mu) / sigma) -
    norm;
}

/**
 * P(X >= x) of the discrete truncated log-normal (conditional on X >= xMin):
 * Q((ln(⌈x⌉ − ½) − μ)/σ) / Q((ln(x_min − ½) − μ)/σ), Q the standard normal survival function;
 * 1 for x <= xMin.
 *
 * @example
 * ```ts
 * import { logNormalCcdf, logNormalLogPmf } from "./log_normal.ts";
 * const fit = { mu: 1, sigma: 0.8, xMin: 1 };
 * const drop = logNormalCcdf(fit, 3) - logNormalCcdf(fit, 4);
 * if (Math.abs(drop - Math.exp(logNormalLogPmf(fit, 3))) > 1e-12) throw new Error("P(X = 3)");
 * ```
 */
export function logNormalCcdf(fit: { mu: number; sigma: number; xMin: number }, x: number): number {
  if (x <= fit.xMin) return 1;
  const { mu, sigma } = fit;
  const z = (v: number) => (Math.log(v - 0.5) - mu) / sigma;
  return Math.exp(logNormalSf(z(Math.ceil(x))) - logNormalSf(z(fit.xMin)));
}

/**
 * The fitted log-normal CCDF at about `points` (default 60) log-spaced integers from x_min to
 * `xMax`, multiplied by `scale` (default 1; pass nTail / n to draw it over the CCDF of all the
 * data, as for the power law).
 *
 * @example
 * ```ts
 * import { logNormalCcdfCurve } from "./log_normal.ts";
 * const c = logNormalCcdfCurve({ mu: 2, sigma: 1, xMin: 1 }, 500, { scale: 0.5 });
 * if (c.y[0] !== 0.5 || !(c.y[c.y.length - 1]! < 0.01)) throw new Error("curve");
 * ```
 */
export function logNormalCcdfCurve(
  fit: { mu: number; sigma: number; xMin: number },
  xMax: number,
  options: { points?: number; scale?: number } = {},
): CcdfCurve {
  if (!(xMax >= fit.xMin)) {
    throw new Error(`logNormalCcdfCurve: xMax = ${xMax} is below xMin = ${fit.xMin}`);
  }
  const scale = options.scale ?? 1;
  const x = logSpacedIntegers(fit.xMin, Math.floor(xMax), options.points ?? 60);
  const y = new Float64Array(x.length);
  for (let k = 0; k < x.length; k++) y[k] = scale * logNormalCcdf(fit, x[k]!);
  return { x, y };
}

/**
 * Fits the discrete truncated log-normal to the integer values >= `xMin` (default 1) by maximum
 * likelihood. Throws on negative or non-integer values or when fewer than 2 distinct tail values.
 *
 * @example
 * ```ts
 * import { fitLogNormal } from "./log_normal.ts";
 * const fit = fitLogNormal([1, 2, 2, 3, 3, 3, 4, 4, 5, 8], { xMin: 1 });
 * if (!(fit.sigma > 0 && fit.nTail === 10)) throw new Error("fit");
 * ```
 */
export function fitLogNormal(
  values: ArrayLike<number>,
  options: { xMin?: number } = {},
): LogNormalFit {
  const xMin = options.xMin ?? 1;
  if (!Number.isInteger(xMin) || xMin < 1) {
    throw new Error(`fitLogNormal: xMin must be a positive integer, got ${xMin}`);
  }
  const freq = integerFrequencies(values, "fitLogNormal");
  const start = lowerBound(freq.values, xMin);
  const v = freq.values.subarray(start);
  const c = freq.counts.subarray(start);
  if (v.length < 2) {
    throw new Error(`fitLogNormal: fewer than 2 distinct values >= xMin = ${xMin}`);
  }
  let n = 0;
  let sum = 0;
  let sumSq = 0;
  for (let j = 0; j < v.length; j++) {
    const l = Math.log(v[j]!);
    n += c[j]!;
    sum += c[j]! * l;
    sumSq += c[j]! * l * l;
  }
  const mean = sum / n;
  const sd = Math.sqrt(Math.max(sumSq / n - mean * mean, 1e-4));
  const logA = new Float64Array(v.length);
  const logB = new Float64Array(v.length);
  for (let j = 0; j < v.length; j++) {
    logA[j] = Math.log(v[j]! - 0.5);
    logB[j] = Math.log(v[j]! + 0.5);
  }
  const logLower = Math.log(xMin - 0.5);
  const negLogLikelihood = ([mu, logSigma]: number[]) => {
    const sigma = Math.exp(logSigma!);
    let ll = -n * logNormalSf((logLower - mu!) / sigma);
    for (let j = 0; j < v.length; j++) {
      ll += c[j]! * logNormalInterval((logA[j]! - mu!) / sigma, (logB[j]! - mu!) / sigma);
    }
    return -ll;
  };
  // stop when the simplex spans less than 1e-9 (then 1e-11) log-likelihood units per observation
  let best = minimizeNelderMead(negLogLikelihood, [mean, Math.log(sd)], [0.5, 0.3], 1e-9 * n);
  best = minimizeNelderMead(negLogLikelihood, best.x, [0.05, 0.05], 1e-11 * n); // restart to polish
  return {
    mu: best.x[0]!,
    sigma: Math.exp(best.x[1]!),
    xMin,
    nTail: n,
    logLikelihood: -best.value,
  };
}

/**
 * `n` draws from the discrete truncated log-normal: round(exp(μ + σZ)) to the nearest integer,
 * rejecting values below `xMin` (so `xMin` far in the right tail is slow).
 *
 * @example
 * ```ts
 * import { sampleLogNormal } from "./log_normal.ts";
 * import { Rng } from "./rng.ts";
 * const x = sampleLogNormal(new Rng(4), 10, { mu: 1, sigma: 1, xMin: 2 });
 * if (Math.min(...x) < 2) throw new Error("x >= xMin");
 * ```
 */
export function sampleLogNormal(
  rng: Rng,
  n: number,
  params: { mu: number; sigma: number; xMin: number },
): Float64Array {
  const { mu, sigma, xMin } = params;
  if (!(sigma > 0) || !Number.isFinite(mu)) {
    throw new Error(`sampleLogNormal: need finite mu and sigma > 0, got mu=${mu}, sigma=${sigma}`);
  }
  if (!Number.isInteger(xMin) || xMin < 1) {
    throw new Error(`sampleLogNormal: xMin must be a positive integer, got ${xMin}`);
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let x = 0;
    for (let tries = 0; tries < 1_000_000; tries++) {
      x = Math.floor(Math.exp(mu + sigma * rng.normal()) + 0.5);
      if (x >= xMin) break;
    }
    if (x < xMin) throw new Error(`sampleLogNormal: xMin = ${xMin} is too far in the tail`);
    out[i] = x;
  }
  return out;
}
