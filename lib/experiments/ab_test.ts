/**
 * An offline A/B test on simulated clicks, done as a statistician would: users (not impressions)
 * are randomised and are the unit of analysis. Each user sees the top-n list of their arm; clicks
 * come from a {@linkcode ClickSampler}; per-user CTR = clicks / n. Reported: the two-proportion
 * z-test on pooled impressions (which pretends every impression is independent), Welch's t on
 * per-user CTR, and a bootstrap over users of the relative effect CTR_B / CTR_A − 1, in percent.
 * {@linkcode multiArmAbTest} does the same for several treatments against one shared control, with
 * Holm's correction ({@linkcode holmAdjust}) over the treatments.
 *
 * @module
 */
import { tCdf } from "../deps/stdlib.ts";
import type { ClickSampler } from "./click_model.ts";
import { twoProportionZTest, welchTTest } from "../stats/hypothesis.ts";
import type { EffectResult, ProportionsResult } from "../stats/hypothesis.ts";
import { Rng } from "../stats/rng.ts";

/** Running sums of one arm's per-user outcome. */
export interface ArmSums {
  /** Users. */
  n: number;
  /** Σ x. */
  sum: number;
  /** Σ x². */
  sumSquares: number;
}

/**
 * Welch's t from running sums (for simulations that test thousands of times): statistic,
 * Welch–Satterthwaite df, two-sided p (stdlib t CDF), the difference of means and its variance.
 *
 * @example
 * ```ts
 * import { welchFromSums } from "./ab_test.ts";
 * import { welchTTest } from "../stats/hypothesis.ts";
 * const a = [1, 2, 3, 4, 5], b = [2, 4, 6, 8, 10, 12];
 * const sums = (x: number[]) => ({ n: x.length, sum: x.reduce((s, v) => s + v, 0),
 *   sumSquares: x.reduce((s, v) => s + v * v, 0) });
 * const w = welchFromSums(sums(b), sums(a));
 * if (Math.abs(w.pValue - welchTTest(b, a).pValue) > 1e-12) throw new Error("same test");
 * ```
 */
export function welchFromSums(b: ArmSums, a: ArmSums) {
  const mean = (s: ArmSums) => s.sum / s.n;
  const variance = (s: ArmSums) => Math.max(0, (s.sumSquares - s.sum * s.sum / s.n) / (s.n - 1));
  const va = variance(a) / a.n, vb = variance(b) / b.n;
  const v = va + vb;
  const difference = mean(b) - mean(a);
  if (!(v > 0)) return { difference, variance: 0, statistic: 0, df: NaN, pValue: 1 };
  const t = difference / Math.sqrt(v);
  const df = (v * v) / ((va * va) / (a.n - 1) + (vb * vb) / (b.n - 1));
  return { difference, variance: v, statistic: t, df, pValue: 2 * tCdf(-Math.abs(t), df) };
}

/** The result of {@linkcode abTest}. */
export interface AbResult {
  /** Users in arm A and arm B. */
  readonly users: readonly [number, number];
  /** Mean per-user CTR in A and B. */
  readonly ctr: readonly [number, number];
  /** Two-proportion z on pooled impressions (impressions as if independent). */
  readonly pooled: ProportionsResult;
  /** Welch's t on per-user CTR (B − A). */
  readonly welch: EffectResult;
  /** Relative effect CTR_B / CTR_A − 1 in percent. */
  readonly relativePercent: number;
  /** Percentile bootstrap CI over users (each arm resampled) of the relative effect, percent. */
  readonly relativeCiPercent: readonly [number, number];
}

/**
 * Randomises the population's users into two arms (each user independently, probability ½), draws
 * every user's clicks on their arm's list, and analyses the experiment (see the module doc).
 *
 * @param armA Click sampler of arm A (one row per population user).
 * @param armB Click sampler of arm B (the same users, in the same order).
 * @param options `seed`, `alpha` (0.05), `bootstrap` replicates (2000).
 * @returns Arms' sizes and CTRs, three analyses.
 *
 * @example
 * ```ts
 * import { abTest } from "./ab_test.ts";
 * import { ClickSampler } from "./click_model.ts";
 * const users = 400;
 * const a = new ClickSampler(new Float64Array(users * 2).fill(0.1), 2);
 * const b = new ClickSampler(new Float64Array(users * 2).fill(0.3), 2);
 * const r = abTest(a, b, { seed: 1, bootstrap: 200 });
 * if (!(r.welch.pValue < 1e-6 && r.relativeCiPercent[0] > 100)) throw new Error(JSON.stringify(r));
 * ```
 */
export function abTest(
  armA: ClickSampler,
  armB: ClickSampler,
  options: { seed?: number; alpha?: number; bootstrap?: number } = {},
): AbResult {
  if (armA.users !== armB.users || armA.n !== armB.n) {
    throw new RangeError(
      "abTest: the two arms must describe the same users with lists of one length",
    );
  }
  const alpha = options.alpha ?? 0.05;
  const rng = new Rng(options.seed ?? 1);
  const ctrA: number[] = [], ctrB: number[] = [];
  for (let u = 0; u < armA.users; u++) {
    if (rng.next() < 0.5) ctrA.push(armA.draw(u, rng) / armA.n);
    else ctrB.push(armB.draw(u, rng) / armB.n);
  }
  return compareArms(ctrA, ctrB, armA.n, alpha, options.bootstrap ?? 2000, rng);
}

/** The two-arm analysis of {@linkcode abTest} on per-user CTRs already drawn. */
function compareArms(
  ctrA: number[],
  ctrB: number[],
  n: number,
  alpha: number,
  replicates: number,
  rng: Rng,
): AbResult {
  if (ctrA.length < 2 || ctrB.length < 2) {
    throw new RangeError(
      `abTest: each arm needs at least 2 users, got ${ctrA.length} and ${ctrB.length}`,
    );
  }
  const clicks = (x: number[]) => Math.round(x.reduce((s, v) => s + v, 0) * n);
  const pooled = twoProportionZTest(clicks(ctrB), ctrB.length * n, clicks(ctrA), ctrA.length * n, {
    alpha,
  });
  const welch = welchTTest(ctrB, ctrA, { alpha });
  const mean = (x: number[]) => x.reduce((s, v) => s + v, 0) / x.length;
  const rel = new Float64Array(replicates);
  const resampledMean = (x: number[]) => {
    let s = 0;
    for (let k = 0; k < x.length; k++) s += x[rng.int(x.length)]!;
    return s / x.length;
  };
  for (let r = 0; r < replicates; r++) {
    rel[r] = 100 * (resampledMean(ctrB) / resampledMean(ctrA) - 1);
  }
  rel.sort();
  const at = (p: number) => rel[Math.min(replicates - 1, Math.floor(p * replicates))]!;
  return {
    users: [ctrA.length, ctrB.length],
    ctr: [mean(ctrA), mean(ctrB)],
    pooled,
    welch,
    relativePercent: 100 * (mean(ctrB) / mean(ctrA) - 1),
    relativeCiPercent: [at(alpha / 2), at(1 - alpha / 2)],
  };
}

/**
 * Holm's step-down adjustment of m p-values (family-wise error rate at α for any dependence):
 * the i-th smallest becomes max over j ≤ i of (m − j + 1)·p_(j), capped at 1; reject where the
 * adjusted value is ≤ α.
 *
 * @param pValues The raw p-values, each in [0, 1].
 * @returns The adjusted p-values in the input order; throws a RangeError on a value outside [0, 1].
 *
 * @example
 * ```ts
 * import { holmAdjust } from "./ab_test.ts";
 * // R: p.adjust(c(0.01, 0.04, 0.03, 0.005), "holm") = 0.03 0.06 0.06 0.02
 * const q = holmAdjust([0.01, 0.04, 0.03, 0.005]);
 * if ([...q].map((p) => p.toFixed(2)).join() !== "0.03,0.06,0.06,0.02") throw new Error(`${q}`);
 * ```
 */
export function holmAdjust(pValues: ArrayLike<number>): Float64Array {
  const m = pValues.length;
  for (let i = 0; i < m; i++) {
    const p = pValues[i]!;
    if (!(p >= 0 && p <= 1)) throw new RangeError(`holmAdjust: p[${i}] is ${p}, expected 0..1`);
  }
  const order = Array.from({ length: m }, (_, i) => i).sort((a, b) => pValues[a]! - pValues[b]!);
  const adjusted = new Float64Array(m);
  let running = 0;
  order.forEach((i, r) => {
    running = Math.max(running, Math.min(1, (m - r) * pValues[i]!));
    adjusted[i] = running;
  });
  return adjusted;
}

/** One treatment against the control in {@linkcode multiArmAbTest}. */
export interface ArmComparison extends AbResult {
  /** The treatment's index in the samplers given (1, 2, …; 0 is the control). */
  readonly arm: number;
  /** Holm-adjusted Welch p-value over the treatments (family-wise error at α). */
  readonly holmPValue: number;
}

/** The result of {@linkcode multiArmAbTest}. */
export interface MultiArmResult {
  /** Users randomised into each arm, control first. */
  readonly users: readonly number[];
  /** Mean per-user CTR of each arm. */
  readonly ctr: readonly number[];
  /** Each treatment against the control, in the order given. */
  readonly comparisons: readonly ArmComparison[];
}

/**
 * An A/B/n test with one shared control: each user is randomised to one of the m arms with
 * probability 1/m, clicks on that arm's list, and every treatment is analysed against the control
 * as in {@linkcode abTest} (pooled z, Welch on per-user CTR, bootstrap CI of the relative effect);
 * the m − 1 Welch p-values are Holm-adjusted, since a second treatment is a second chance of a
 * false positive.
 *
 * @param samplers Click samplers, control first, one row per population user in each.
 * @param options `seed`, `alpha` (0.05), `bootstrap` replicates per comparison (2000).
 * @returns Arm sizes, CTRs and one {@linkcode ArmComparison} per treatment.
 *
 * @example
 * ```ts
 * import { multiArmAbTest } from "./ab_test.ts";
 * import { ClickSampler } from "./click_model.ts";
 * const users = 900;
 * const arm = (p: number) => new ClickSampler(new Float64Array(users * 2).fill(p), 2);
 * const r = multiArmAbTest([arm(0.1), arm(0.1), arm(0.3)], { seed: 1, bootstrap: 200 });
 * const [same, better] = r.comparisons as [(typeof r.comparisons)[0], (typeof r.comparisons)[0]];
 * if (r.users.reduce((s, n) => s + n, 0) !== users) throw new Error("every user in one arm");
 * if (!(better.holmPValue < 1e-6 && better.relativeCiPercent[0] > 100)) throw new Error("found");
 * if (!(same.holmPValue >= same.welch.pValue)) throw new Error("Holm never lowers a p-value");
 * ```
 */
export function multiArmAbTest(
  samplers: readonly ClickSampler[],
  options: { seed?: number; alpha?: number; bootstrap?: number } = {},
): MultiArmResult {
  const m = samplers.length;
  if (m < 2) throw new RangeError(`multiArmAbTest: need a control and a treatment, got ${m} arms`);
  const [control] = samplers as [ClickSampler];
  samplers.forEach((s, k) => {
    if (s.users !== control.users || s.n !== control.n) {
      throw new RangeError(
        `multiArmAbTest: arm ${k} has ${s.users} users × ${s.n}, the control ` +
          `${control.users} × ${control.n}`,
      );
    }
  });
  const alpha = options.alpha ?? 0.05;
  const rng = new Rng(options.seed ?? 1);
  const ctr: number[][] = samplers.map(() => []);
  for (let u = 0; u < control.users; u++) {
    const k = rng.int(m);
    ctr[k]!.push(samplers[k]!.draw(u, rng) / control.n);
  }
  const raw = samplers.slice(1).map((_, j) =>
    compareArms(ctr[0]!, ctr[j + 1]!, control.n, alpha, options.bootstrap ?? 2000, rng)
  );
  const holm = holmAdjust(raw.map((r) => r.welch.pValue));
  return {
    users: ctr.map((x) => x.length),
    ctr: ctr.map((x) => x.reduce((s, v) => s + v, 0) / x.length),
    comparisons: raw.map((r, j) => ({ ...r, arm: j + 1, holmPValue: holm[j]! })),
  };
}

/**
 * A paired comparison of two per-user metrics on the same users (e.g. Recall@10 of two models):
 * the relative difference of the means in percent with a bootstrap CI over users, and the paired
 * t-test of the per-user differences.
 *
 * @example
 * ```ts
 * import { pairedRelativeLift } from "./ab_test.ts";
 * const a = Array.from({ length: 200 }, (_, u) => (u % 5) / 10);
 * const b = a.map((x, u) => x * 1.4 + (u % 3) * 0.001);
 * const r = pairedRelativeLift(b, a, { seed: 1, bootstrap: 500 });
 * if (!(r.ciPercent[0] > 35 && r.ciPercent[1] < 45)) throw new Error(JSON.stringify(r));
 * ```
 */
export function pairedRelativeLift(
  b: ArrayLike<number>,
  a: ArrayLike<number>,
  options: { seed?: number; alpha?: number; bootstrap?: number } = {},
): { percent: number; ciPercent: readonly [number, number]; pValue: number; users: number } {
  if (a.length !== b.length) throw new RangeError("pairedRelativeLift: a and b differ in length");
  const n = a.length;
  const alpha = options.alpha ?? 0.05;
  const rng = new Rng(options.seed ?? 1);
  let sa = 0, sb = 0;
  for (let u = 0; u < n; u++) {
    sa += a[u]!;
    sb += b[u]!;
  }
  const replicates = options.bootstrap ?? 2000;
  const rel = new Float64Array(replicates);
  for (let r = 0; r < replicates; r++) {
    let ra = 0, rb = 0;
    for (let k = 0; k < n; k++) {
      const u = rng.int(n);
      ra += a[u]!;
      rb += b[u]!;
    }
    rel[r] = 100 * (rb / ra - 1);
  }
  rel.sort();
  const at = (p: number) => rel[Math.min(replicates - 1, Math.floor(p * replicates))]!;
  const d = Array.from({ length: n }, (_, u) => b[u]! - a[u]!);
  const dm = d.reduce((s, v) => s + v, 0) / n;
  const sd = Math.sqrt(d.reduce((s, v) => s + (v - dm) ** 2, 0) / (n - 1));
  const t = sd > 0 ? dm / (sd / Math.sqrt(n)) : 0;
  return {
    percent: 100 * (sb / sa - 1),
    ciPercent: [at(alpha / 2), at(1 - alpha / 2)],
    pValue: 2 * tCdf(-Math.abs(t), n - 1),
    users: n,
  };
}
