/**
 * Hypothesis tests with one result shape, on the distributions and tests of the stdlib project
 * (npm `@stdlib/stats-*`): Welch's t, a one-sample t, Kruskal–Wallis, the χ² test of independence,
 * the two-proportion z-test, and the Benjamini–Hochberg correction for many tests at once.
 * Nothing here hand-writes a distribution: p-values and quantiles come from the packages.
 *
 * @module
 */
import {
  chi2test,
  kruskalTest,
  normalCdf,
  normalQuantile,
  tCdf,
  tQuantile,
  ttest2,
} from "../deps/stdlib.ts";

/** A test's statistic, degrees of freedom (NaN where none) and two-sided p-value. */
export interface TestResult {
  /** The test statistic (t, z, χ² or H). */
  readonly statistic: number;
  /** Degrees of freedom (NaN for z-tests). */
  readonly df: number;
  /** Two-sided p-value. */
  readonly pValue: number;
}

/** A difference (or effect) with its confidence interval and test. */
export interface EffectResult extends TestResult {
  /** The estimate. */
  readonly estimate: number;
  /** Confidence interval [low, high] at level 1 − alpha. */
  readonly ci: readonly [number, number];
}

function checkAlpha(alpha: number, caller: string): void {
  if (!(alpha > 0 && alpha < 1)) {
    throw new RangeError(`${caller}: alpha must be in (0, 1), got ${alpha}`);
  }
}

function finite(values: ArrayLike<number>, caller: string, name: string): number[] {
  const out = Array.from(values);
  out.forEach((v, i) => {
    if (!Number.isFinite(v)) {
      throw new RangeError(`${caller}: ${name}[${i}] is ${v}, expected a finite number`);
    }
  });
  return out;
}

/**
 * The two-sided p-value of a standard normal statistic, 2·Φ(−|z|) (accurate in the far tail).
 *
 * @example
 * ```ts
 * import { normalTwoSided } from "./hypothesis.ts";
 * if (Math.abs(normalTwoSided(1.959963984540054) - 0.05) > 1e-12) throw new Error("z = 1.96");
 * ```
 */
export function normalTwoSided(z: number): number {
  return 2 * normalCdf(-Math.abs(z), 0, 1);
}

/**
 * The standard normal quantile z with Φ(z) = p.
 *
 * @example
 * ```ts
 * import { normalQuantileOf } from "./hypothesis.ts";
 * if (Math.abs(normalQuantileOf(0.975) - 1.959963984540054) > 1e-12) throw new Error("1.96");
 * ```
 */
export function normalQuantileOf(p: number): number {
  return normalQuantile(p, 0, 1);
}

/**
 * Welch's two-sample t-test (unequal variances) of mean(a) − mean(b), with its confidence interval
 * (stdlib `ttest2`).
 *
 * @param a First sample (at least 2 values).
 * @param b Second sample (at least 2 values).
 * @param options `alpha` (default 0.05).
 * @returns Estimate mean(a) − mean(b), CI, t, Welch–Satterthwaite df and p.
 *
 * @example
 * ```ts
 * import { welchTTest } from "./hypothesis.ts";
 * // R: t.test(1:10, y = c(7:20)) gives t = -5.4349, df = 21.982, p-value = 1.855e-05.
 * const y = Array.from({ length: 14 }, (_, i) => 7 + i);
 * const r = welchTTest(Array.from({ length: 10 }, (_, i) => 1 + i), y);
 * if (Math.abs(r.statistic + 5.4349) > 1e-4 || Math.abs(r.df - 21.982) > 1e-3) throw new Error();
 * ```
 */
export function welchTTest(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  options: { alpha?: number } = {},
): EffectResult {
  const alpha = options.alpha ?? 0.05;
  checkAlpha(alpha, "welchTTest");
  const x = finite(a, "welchTTest", "a"), y = finite(b, "welchTTest", "b");
  if (x.length < 2 || y.length < 2) {
    throw new RangeError(
      `welchTTest: need at least 2 values in each sample, got ${x.length} and ${y.length}`,
    );
  }
  const r = ttest2(x, y, { alpha });
  const mean = (v: number[]) => v.reduce((s, t) => s + t, 0) / v.length;
  return {
    estimate: mean(x) - mean(y),
    ci: [r.ci[0]!, r.ci[1]!],
    statistic: r.statistic,
    df: r.df ?? NaN,
    pValue: r.pValue,
  };
}

/**
 * One-sample t-test of mean(x) = mu (default 0), with the t confidence interval of the mean. Used
 * for paired differences (one difference per user).
 *
 * @example
 * ```ts
 * import { oneSampleTTest } from "./hypothesis.ts";
 * // R: t.test(c(0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0)) (the sleep data, group 1):
 * // t = 1.3257, df = 9, p-value = 0.2176, 95% CI -0.5297804 2.0297804.
 * const r = oneSampleTTest([0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]);
 * if (Math.abs(r.pValue - 0.2176) > 1e-4 || Math.abs(r.ci[0] + 0.5297804) > 1e-6) throw new Error();
 * ```
 */
export function oneSampleTTest(
  x: ArrayLike<number>,
  options: { mu?: number; alpha?: number } = {},
): EffectResult {
  const alpha = options.alpha ?? 0.05;
  checkAlpha(alpha, "oneSampleTTest");
  const v = finite(x, "oneSampleTTest", "x");
  const n = v.length;
  if (n < 2) throw new RangeError(`oneSampleTTest: need at least 2 values, got ${n}`);
  const mean = v.reduce((s, t) => s + t, 0) / n;
  const variance = v.reduce((s, t) => s + (t - mean) ** 2, 0) / (n - 1);
  const se = Math.sqrt(variance / n);
  const df = n - 1;
  const t = se > 0 ? (mean - (options.mu ?? 0)) / se : 0;
  const q = tQuantile(1 - alpha / 2, df);
  return {
    estimate: mean,
    ci: [mean - q * se, mean + q * se],
    statistic: t,
    df,
    pValue: 2 * tCdf(-Math.abs(t), df),
  };
}

/**
 * The Kruskal–Wallis rank test that k groups come from one distribution (stdlib
 * `kruskal-test`, ties corrected). Groups with no values are left out; at least two must remain.
 *
 * @example
 * ```ts
 * import { kruskalWallis } from "./hypothesis.ts";
 * // R's kruskal.test example (Hollander & Wolfe): chi-squared = 0.77143, df = 2, p-value = 0.68.
 * const r = kruskalWallis([[2.9, 3.0, 2.5, 2.6, 3.2], [3.8, 2.7, 4.0, 2.4], [2.8, 3.4, 3.7, 2.2, 2.0]]);
 * if (Math.abs(r.statistic - 0.77143) > 1e-5 || r.df !== 2) throw new Error();
 * ```
 */
export function kruskalWallis(groups: readonly ArrayLike<number>[]): TestResult {
  const kept = groups.map((g, i) => finite(g, "kruskalWallis", `groups[${i}]`)).filter((g) =>
    g.length > 0
  );
  if (kept.length < 2) throw new RangeError("kruskalWallis: need at least two non-empty groups");
  const [first, ...others] = kept as [number[], ...number[][]];
  const r = kruskalTest(first, ...others);
  return { statistic: r.statistic, df: r.df, pValue: r.pValue };
}

/**
 * Pearson's χ² test of independence of an r × c table of counts (stdlib `chi2test`, no continuity
 * correction). Rows and columns that are all zero are dropped first (they carry no information and
 * would make expected counts zero).
 *
 * @example
 * ```ts
 * import { chiSquareIndependence } from "./hypothesis.ts";
 * // Agresti's party identification by gender (R's chisq.test example): X² = 30.07, df = 2,
 * // p-value = 2.954e-07.
 * const r = chiSquareIndependence([[762, 327, 468], [484, 239, 477]]);
 * if (Math.abs(r.statistic - 30.07) > 0.01 || Math.abs(r.pValue - 2.954e-7) > 1e-10) throw new Error();
 * ```
 */
export function chiSquareIndependence(table: readonly (readonly number[])[]): TestResult {
  table.forEach((row, i) =>
    row.forEach((v, j) => {
      if (!(v >= 0) || !Number.isFinite(v)) {
        throw new RangeError(
          `chiSquareIndependence: table[${i}][${j}] is ${v}, expected a count ≥ 0`,
        );
      }
    })
  );
  const cols = table[0]?.length ?? 0;
  if (table.some((row) => row.length !== cols)) {
    throw new RangeError("chiSquareIndependence: rows of different lengths");
  }
  const keepCol = Array.from({ length: cols }, (_, j) => table.some((row) => row[j]! > 0));
  const rows = table.filter((row) => row.some((v) => v > 0)).map((row) =>
    row.filter((_, j) => keepCol[j])
  );
  if (rows.length < 2 || rows[0]!.length < 2) {
    throw new RangeError("chiSquareIndependence: need at least 2 non-empty rows and columns");
  }
  const r = chi2test(rows, { correct: false });
  return { statistic: r.statistic, df: r.df, pValue: r.pValue };
}

/** The result of {@linkcode twoProportionZTest}. */
export interface ProportionsResult extends EffectResult {
  /** x1 / n1. */
  readonly p1: number;
  /** x2 / n2. */
  readonly p2: number;
  /** p1 / p2 − 1, the relative change. */
  readonly relative: number;
  /** Delta-method CI of the relative change (on the log ratio). */
  readonly relativeCi: readonly [number, number];
}

/**
 * Two-proportion z-test of p1 = p2 (pooled standard error for the test, unpooled for the CI of
 * p1 − p2), plus the relative change p1/p2 − 1 with a log-ratio CI. Counts must be independent
 * trials: for clicks clustered by user, use a test over users (Welch) or a bootstrap over users.
 *
 * @example
 * ```ts
 * import { chiSquareIndependence, twoProportionZTest } from "./hypothesis.ts";
 * // z² equals Pearson's X² of the 2 × 2 table (successes, failures) × groups.
 * const r = twoProportionZTest(83, 86, 90, 93);
 * const x2 = chiSquareIndependence([[83, 3], [90, 3]]).statistic;
 * if (Math.abs(r.statistic ** 2 - x2) > 1e-12 || Math.abs(r.statistic + 0.0975) > 1e-4) throw new Error();
 * ```
 */
export function twoProportionZTest(
  x1: number,
  n1: number,
  x2: number,
  n2: number,
  options: { alpha?: number } = {},
): ProportionsResult {
  const alpha = options.alpha ?? 0.05;
  checkAlpha(alpha, "twoProportionZTest");
  for (const [name, x, n] of [["1", x1, n1], ["2", x2, n2]] as const) {
    if (!(n > 0 && x >= 0 && x <= n)) {
      throw new RangeError(
        `twoProportionZTest: need 0 ≤ x${name} ≤ n${name} and n${name} > 0, got ${x}/${n}`,
      );
    }
  }
  const p1 = x1 / n1, p2 = x2 / n2;
  const pooled = (x1 + x2) / (n1 + n2);
  const sePooled = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  const z = sePooled > 0 ? (p1 - p2) / sePooled : 0;
  const se = Math.sqrt((p1 * (1 - p1)) / n1 + (p2 * (1 - p2)) / n2);
  const q = normalQuantileOf(1 - alpha / 2);
  const logSe = Math.sqrt((1 - p1) / Math.max(x1, 0.5) + (1 - p2) / Math.max(x2, 0.5));
  const ratio = p2 > 0 ? p1 / p2 : NaN;
  return {
    p1,
    p2,
    estimate: p1 - p2,
    ci: [p1 - p2 - q * se, p1 - p2 + q * se],
    relative: ratio - 1,
    relativeCi: [ratio * Math.exp(-q * logSe) - 1, ratio * Math.exp(q * logSe) - 1],
    statistic: z,
    df: NaN,
    pValue: normalTwoSided(z),
  };
}

/** The result of {@linkcode benjaminiHochberg}. */
export interface BhResult {
  /** BH-adjusted p-values (q-values), in the input order. */
  readonly adjusted: Float64Array;
  /** Whether each hypothesis is rejected at false discovery rate `q`. */
  readonly rejected: boolean[];
}

/**
 * The Benjamini–Hochberg step-up procedure: reject the k smallest p-values where k is the largest
 * with p_(k) ≤ k·q/m; controls the false discovery rate at q for independent (or positively
 * dependent) tests. Adjusted p-values are min over j ≥ i of m·p_(j)/j, capped at 1.
 *
 * @example
 * ```ts
 * import { benjaminiHochberg } from "./hypothesis.ts";
 * // R: p.adjust(c(0.01, 0.04, 0.03, 0.005), "BH") = 0.02 0.04 0.04 0.02
 * const r = benjaminiHochberg([0.01, 0.04, 0.03, 0.005], 0.05);
 * if ([...r.adjusted].map((p) => p.toFixed(2)).join() !== "0.02,0.04,0.04,0.02") throw new Error();
 * if (!r.rejected.every(Boolean)) throw new Error("all four at q = 0.05");
 * ```
 */
export function benjaminiHochberg(pValues: ArrayLike<number>, q = 0.05): BhResult {
  checkAlpha(q, "benjaminiHochberg");
  const m = pValues.length;
  const order = Array.from({ length: m }, (_, i) => i);
  for (let i = 0; i < m; i++) {
    const p = pValues[i]!;
    if (!(p >= 0 && p <= 1)) {
      throw new RangeError(`benjaminiHochberg: p[${i}] is ${p}, expected 0..1`);
    }
  }
  order.sort((a, b) => pValues[a]! - pValues[b]!);
  const adjusted = new Float64Array(m);
  let running = 1;
  for (let r = m - 1; r >= 0; r--) {
    const i = order[r]!;
    running = Math.min(running, (pValues[i]! * m) / (r + 1));
    adjusted[i] = running;
  }
  return { adjusted, rejected: Array.from(adjusted, (p) => p <= q) };
}
