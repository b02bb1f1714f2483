/**
 * The discrete power law p(x) = x^{-α} / ζ(α, x_min) for integers x >= x_min, fitted by maximum
 * likelihood with x_min chosen to minimise the Kolmogorov–Smirnov distance between the fitted and
 * the empirical distribution of the tail (Clauset, Shalizi & Newman 2009, "Power-law distributions
 * in empirical data", SIAM Review 51(4), §3).
 *
 * For a given x_min the log-likelihood of the n tail values is
 * L(α) = −n ln ζ(α, x_min) − α Σ ln x_i, which is concave in α. We start from the documented
 * approximation α ≈ 1 + n / Σ ln(x_i / (x_min − ½)) (their eq. 3.7) and refine by golden-section
 * search on the exact L with the Hurwitz zeta function. The standard error is (α − 1)/√n.
 *
 * @example
 * ```ts
 * import { fitPowerLaw, samplePowerLaw } from "./power_law.ts";
 * import { Rng } from "./rng.ts";
 * const x = samplePowerLaw(new Rng(1), 5000, { alpha: 2.5, xMin: 1 });
 * const fit = fitPowerLaw(x, { xMin: 1 });
 * if (Math.abs(fit.alpha - 2.5) > 5 * fit.alphaStdErr) throw new Error("recovers alpha");
 * ```
 *
 * @module
 */

import { maximizeGolden } from "./_optimize.ts";
import { integerFrequencies, logSpacedIntegers, lowerBound } from "./_tail.ts";
import type { Rng } from "./rng.ts";
import { hurwitzZeta } from "./special.ts";

/** A fitted discrete power law. */
export interface PowerLawFit {
  /** Exponent α (> 1). */
  readonly alpha: number;
  /** Standard error of α, (α − 1)/√nTail. */
  readonly alphaStdErr: number;
  /** Lower bound of the power-law tail. */
  readonly xMin: number;
  /** Kolmogorov–Smirnov distance between the fitted and empirical CDF of the tail. */
  readonly ks: number;
  /** Number of values >= xMin. */
  readonly nTail: number;
  /** Number of values given. */
  readonly n: number;
  /** Log-likelihood of the tail at the fitted α. */
  readonly logLikelihood: number;
  /** How many x_min candidates were scanned (1 when xMin was given). */
  readonly candidates: number;
}

/** Options of {@linkcode fitPowerLaw}. */
export interface PowerLawOptions {
  /** Fix x_min instead of scanning for it. */
  readonly xMin?: number;
  /** Smallest tail size a scanned x_min may leave (default 50). */
  readonly minTail?: number;
  /** Largest x_min to consider while scanning (default: no limit). */
  readonly xMinMax?: number;
}

const ALPHA_MAX = 50;

/** MLE of α for the tail `values[start..]` (distinct, ascending) with `counts`. */
function fitAlpha(
  values: Float64Array,
  counts: Float64Array,
  start: number,
  n: number,
  sumLog: number,
): { alpha: number; logLikelihood: number } {
  const xMin = values[start]!;
  let approx = 0;
  for (let j = start; j < values.length; j++) {
    approx += counts[j]! * Math.log(values[j]! / (xMin - 0.5));
  }
  const guess = Math.min(ALPHA_MAX, 1 + n / approx);
  const ll = (alpha: number) => -n * Math.log(hurwitzZeta(alpha, xMin)) - alpha * sumLog;
  let lo = Math.max(1 + 1e-9, guess - 0.5);
  let hi = Math.min(ALPHA_MAX, guess + 0.5);
  let alpha = guess;
  for (let round = 0; round < 20; round++) {
    alpha = maximizeGolden(ll, lo, hi, 1e-10);
    const width = hi - lo;
    if (alpha - lo < 1e-6 * width && lo > 1 + 1e-9) {
      hi = lo + 1e-6 * width;
      lo = Math.max(1 + 1e-9, lo - 2 * width);
    } else if (hi - alpha < 1e-6 * width && hi < ALPHA_MAX) {
      lo = hi - 1e-6 * width;
      hi = Math.min(ALPHA_MAX, hi + 2 * width);
    } else break;
  }
  return { alpha, logLikelihood: ll(alpha) };
}

/** Kolmogorov–Smirnov distance of the tail from the fitted power law (sup over all integers). */
function ksDistance(
  values: Float64Array,
  counts: Float64Array,
  start: number,
  n: number,
  alpha: number,
): number {
  const xMin = values[start]!;
  const z0 = hurwitzZeta(alpha, xMin);
  let d = 0;
  let empirical = 0; // empirical CDF at the previous distinct value
  let zNextPrev = z0; // ζ(α, previous value + 1)
  for (let j = start; j < values.length; j++) {
    const x = values[j]!;
    let zx: number;
    if (j === start) zx = z0;
    else if (x === values[j - 1]! + 1) zx = zNextPrev;
    else {
      zx = hurwitzZeta(alpha, x);
      // just before x the model CDF is 1 − ζ(α, x)/ζ(α, x_min); the empirical one is unchanged
      d = Math.max(d, Math.abs(1 - zx / z0 - empirical));
    }
    const zNext = zx - Math.pow(x, -alpha);
    empirical += counts[j]! / n;
    d = Math.max(d, Math.abs(1 - zNext / z0 - empirical));
    zNextPrev = zNext;
  }
  return d;
}

/**
 * Fits a discrete power law to non-negative integer data (e.g. degrees): with `xMin` given, the
 * MLE of α on x >= xMin; otherwise every distinct value that leaves at least `minTail` values
 * (and two distinct ones) in the tail is tried as x_min and the one with the smallest KS distance
 * wins. Throws on negative or non-integer values and when no tail is large enough.
 *
 * @example
 * ```ts
 * import { fitPowerLaw } from "./power_law.ts";
 * const fit = fitPowerLaw([1, 1, 1, 1, 2, 2, 3, 5, 8, 20], { xMin: 1 });
 * if (!(fit.alpha > 1 && fit.nTail === 10)) throw new Error("fit");
 * ```
 */
export function fitPowerLaw(values: ArrayLike<number>, options: PowerLawOptions = {}): PowerLawFit {
  const freq = integerFrequencies(values, "fitPowerLaw");
  const v = freq.values;
  const c = freq.counts;
  const K = v.length;
  // suffix sums of counts and of count × ln x
  const tailN = new Float64Array(K + 1);
  const tailLog = new Float64Array(K + 1);
  for (let j = K - 1; j >= 0; j--) {
    tailN[j] = tailN[j + 1]! + c[j]!;
    tailLog[j] = tailLog[j + 1]! + (v[j]! > 0 ? c[j]! * Math.log(v[j]!) : 0);
  }
  if (options.xMin !== undefined) {
    const xMin = options.xMin;
    if (!Number.isInteger(xMin) || xMin < 1) {
      throw new Error(`fitPowerLaw: xMin must be a positive integer, got ${xMin}`);
    }
    const start = lowerBound(v, xMin);
    if (K - start < 2) {
      throw new Error(
        `fitPowerLaw: fewer than 2 distinct values >= xMin = ${xMin}; cannot fit an exponent`,
      );
    }
    // x_min may lie below the smallest tail value: fit with that x_min exactly
    return finish(v, c, start, xMin, tailN[start]!, tailLog[start]!, freq.n, 1);
  }
  const minTail = options.minTail ?? 50;
  const xMinMax = options.xMinMax ?? Infinity;
  const starts: number[] = [];
  for (let j = lowerBound(v, 1); j < K - 1; j++) {
    if (v[j]! > xMinMax || tailN[j]! < minTail) break;
    starts.push(j);
  }
  if (starts.length === 0) {
    throw new Error(
      `fitPowerLaw: no x_min candidate leaves ${minTail} values (and 2 distinct) in the tail; ` +
        `${freq.n} values given`,
    );
  }
  let best: PowerLawFit | undefined;
  for (const j of starts) {
    const fit = finish(v, c, j, v[j]!, tailN[j]!, tailLog[j]!, freq.n, starts.length);
    if (best === undefined || fit.ks < best.ks) best = fit;
  }
  return best!;
}

function finish(
  v: Float64Array,
  c: Float64Array,
  start: number,
  xMin: number,
  nTail: number,
  sumLog: number,
  n: number,
  candidates: number,
): PowerLawFit {
  // work on a view whose first value is xMin itself (a count-0 entry when xMin is not in the data)
  let values = v;
  let counts = c;
  let s = start;
  if (v[start] !== xMin) {
    values = Float64Array.of(xMin, ...v.subarray(start));
    counts = Float64Array.of(0, ...c.subarray(start));
    s = 0;
  }
  const { alpha, logLikelihood } = fitAlpha(values, counts, s, nTail, sumLog);
  const ks = ksDistance(values, counts, s, nTail, alpha);
  return {
    alpha,
    alphaStdErr: (alpha - 1) / Math.sqrt(nTail),
    xMin,
    ks,
    nTail,
    n,
    logLikelihood,
    candidates,
  };
}

/**
 * P(X >= x) under the fitted power law, conditional on X >= xMin: ζ(α, x)/ζ(α, x_min)
 * (1 for x <= x_min). Multiply by `nTail / n` to overlay it on the CCDF of all the data.
 *
 * @example
 * ```ts
 * import { powerLawCcdf } from "./power_law.ts";
 * const p = powerLawCcdf({ alpha: 2, xMin: 1 }, 2);
 * if (Math.abs(p - (Math.PI ** 2 / 6 - 1) / (Math.PI ** 2 / 6)) > 1e-12) throw new Error("ccdf");
 * ```
 */
export function powerLawCcdf(fit: { alpha: number; xMin: number }, x: number): number {
  if (x <= fit.xMin) return 1;
  return hurwitzZeta(fit.alpha, Math.ceil(x)) / hurwitzZeta(fit.alpha, fit.xMin);
}

/** Points of a fitted CCDF, for drawing over the empirical CCDF on log–log axes. */
export interface CcdfCurve {
  /** Integer x values from x_min up to the largest value asked for, log-spaced. */
  readonly x: Float64Array;
  /** `scale` × P(X >= x) under the fitted model. */
  readonly y: Float64Array;
}

/**
 * The fitted power-law CCDF at about `points` (default 60) log-spaced integers from x_min to
 * `xMax`, multiplied by `scale` (default nTail / n, which places it on the CCDF of all the data,
 * since the model describes only the tail x >= x_min). Throws when xMax < x_min.
 *
 * @example
 * ```ts
 * import { powerLawCcdfCurve } from "./power_law.ts";
 * const c = powerLawCcdfCurve({ alpha: 2, xMin: 10, nTail: 50, n: 200 }, 1000);
 * if (c.x[0] !== 10 || c.y[0] !== 0.25 || c.x[c.x.length - 1] !== 1000) throw new Error("curve");
 * ```
 */
export function powerLawCcdfCurve(
  fit: Pick<PowerLawFit, "alpha" | "xMin" | "nTail" | "n">,
  xMax: number,
  options: { points?: number; scale?: number } = {},
): CcdfCurve {
  if (!(xMax >= fit.xMin)) {
    throw new Error(`powerLawCcdfCurve: xMax = ${xMax} is below xMin = ${fit.xMin}`);
  }
  const scale = options.scale ?? fit.nTail / fit.n;
  const x = logSpacedIntegers(fit.xMin, Math.floor(xMax), options.points ?? 60);
  const y = new Float64Array(x.length);
  for (let k = 0; k < x.length; k++) y[k] = scale * powerLawCcdf(fit, x[k]!);
  return { x, y };
}

/**
 * The power-law probability mass x^{-α}/ζ(α, x_min) at integer x >= x_min (0 below).
 *
 * @example
 * ```ts
 * import { powerLawPmf } from "./power_law.ts";
 * if (Math.abs(powerLawPmf({ alpha: 2, xMin: 1 }, 1) - 6 / Math.PI ** 2) > 1e-12) throw new Error("pmf");
 * ```
 */
export function powerLawPmf(fit: { alpha: number; xMin: number }, x: number): number {
  if (x < fit.xMin || !Number.isInteger(x)) return 0;
  return Math.pow(x, -fit.alpha) / hurwitzZeta(fit.alpha, fit.xMin);
}

/**
 * `n` exact draws from the discrete power law with exponent `alpha` > 1 on x >= `xMin`: inverse
 * transform, X = max{x : P(X >= x) >= u} for u uniform in (0, 1], found by bracketing from the
 * continuous approximation and bisection on the exact CCDF.
 *
 * @example
 * ```ts
 * import { samplePowerLaw } from "./power_law.ts";
 * import { Rng } from "./rng.ts";
 * const x = samplePowerLaw(new Rng(3), 100, { alpha: 2.5, xMin: 5 });
 * if (Math.min(...x) < 5) throw new Error("x >= xMin");
 * ```
 */
export function samplePowerLaw(
  rng: Rng,
  n: number,
  params: { alpha: number; xMin: number },
): Float64Array {
  const { alpha, xMin } = params;
  if (!(alpha > 1) || !Number.isFinite(alpha)) {
    throw new Error(`samplePowerLaw: alpha must be > 1, got ${alpha}`);
  }
  if (!Number.isInteger(xMin) || xMin < 1) {
    throw new Error(`samplePowerLaw: xMin must be a positive integer, got ${xMin}`);
  }
  if (!Number.isInteger(n) || n < 0) throw new Error(`samplePowerLaw: n must be >= 0, got ${n}`);
  const z0 = hurwitzZeta(alpha, xMin);
  const ccdf = (x: number) => hurwitzZeta(alpha, x) / z0;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const u = 1 - rng.next(); // (0, 1]
    const guess = Math.floor((xMin - 0.5) * Math.pow(u, -1 / (alpha - 1)) + 0.5);
    let lo = Math.max(xMin, Math.min(guess, 2 ** 52)); // want ccdf(lo) >= u > ccdf(hi)
    let hi: number;
    if (ccdf(lo) >= u) {
      let step = 1;
      hi = lo + step;
      while (ccdf(hi) >= u && hi < 2 ** 53) {
        lo = hi;
        step *= 2;
        hi = lo + step;
      }
    } else {
      hi = lo;
      let step = 1;
      lo = Math.max(xMin, hi - step);
      while (ccdf(lo) < u) {
        hi = lo;
        step *= 2;
        lo = Math.max(xMin, hi - step);
      }
    }
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (ccdf(mid) >= u) lo = mid;
      else hi = mid;
    }
    out[i] = lo;
  }
  return out;
}
