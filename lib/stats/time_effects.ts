/**
 * When people rate, tested rather than eyeballed: the peak hour of activity with a bootstrap over
 * users, and weekend against weekday rating level as a within-user paired difference. All times
 * are UTC: MovieLens stores seconds since the epoch and not the rater's time zone, so "20:00" is
 * 20:00 UTC, not anyone's evening.
 *
 * @module
 */
import type { RatingMatrix } from "../data/types.ts";
import { oneSampleTTest } from "./hypothesis.ts";
import type { EffectResult } from "./hypothesis.ts";
import { Rng } from "./rng.ts";

const DAY = 86_400;

/** UTC hour 0..23 of a timestamp in seconds. */
export function utcHour(seconds: number): number {
  return Math.floor((seconds % DAY) / 3600);
}

/** UTC weekday of a timestamp, 0 = Monday … 6 = Sunday (1970-01-01 was a Thursday). */
export function utcWeekday(seconds: number): number {
  return (Math.floor(seconds / DAY) + 3) % 7;
}

/** The result of {@linkcode peakHourTest}. */
export interface PeakHourResult {
  /** The busiest UTC hour. */
  readonly peakHour: number;
  /** Share of ratings in each UTC hour. */
  readonly shares: Float64Array;
  /** The second busiest hour. */
  readonly runnerUp: number;
  /** share(peak) − share(runner-up). */
  readonly difference: number;
  /** Percentile bootstrap CI (over users) of share(peak) − max over other hours. */
  readonly ci: readonly [number, number];
  /** Fraction of bootstrap replicates in which the peak hour is not the busiest (a p-value). */
  readonly pValue: number;
  /** Bootstrap replicates. */
  readonly replicates: number;
}

/**
 * Is hour h* really the busiest? The claim "activity peaks at h*" is tested by resampling users
 * with replacement (a person's ratings stay together, so sessions do not pass for evidence) and
 * recomputing share(h*) − max_{h ≠ h*} share(h); the p-value is the fraction of replicates where
 * that difference is ≤ 0 (h* not the busiest), and the CI its percentile interval.
 *
 * @example
 * ```ts
 * import { peakHourTest } from "./time_effects.ts";
 * import { fromTriplets } from "../data/coo.ts";
 * // 40 users; each rates 10 movies, 4 of them at 20:xx UTC, the rest spread over other hours.
 * const u: number[] = [], i: number[] = [], t: number[] = [];
 * for (let a = 0; a < 40; a++) for (let b = 0; b < 10; b++) {
 *   u.push(a); i.push(b); t.push(86_400 * a + 3600 * (b < 4 ? 20 : (a + b) % 18));
 * }
 * const r = peakHourTest(fromTriplets(40, 10, u, i, u.map(() => 4), t), { replicates: 200 });
 * if (r.peakHour !== 20 || !(r.pValue < 0.01)) throw new Error(JSON.stringify(r));
 * ```
 */
export function peakHourTest(
  m: RatingMatrix,
  options: { replicates?: number; seed?: number; alpha?: number } = {},
): PeakHourResult {
  const replicates = options.replicates ?? 1000;
  const alpha = options.alpha ?? 0.05;
  const perUser = new Float64Array(m.nUsers * 24);
  for (let u = 0; u < m.nUsers; u++) {
    for (let e = m.userPtr[u]!; e < m.userPtr[u + 1]!; e++) {
      perUser[u * 24 + utcHour(m.userTimes[e]!)]! += 1;
    }
  }
  const totals = new Float64Array(24);
  for (let u = 0; u < m.nUsers; u++) {
    for (let h = 0; h < 24; h++) totals[h]! += perUser[u * 24 + h]!;
  }
  const sum = totals.reduce((a, b) => a + b, 0);
  if (sum === 0) throw new RangeError("peakHourTest: no ratings");
  const order = Array.from({ length: 24 }, (_, h) => h).sort((a, b) => totals[b]! - totals[a]!);
  const peak = order[0]!, runnerUp = order[1]!;
  const gap = (t: Float64Array) => {
    let other = 0;
    for (let h = 0; h < 24; h++) if (h !== peak) other = Math.max(other, t[h]!);
    const s = t.reduce((a, b) => a + b, 0);
    return (t[peak]! - other) / s;
  };
  const rng = new Rng(options.seed ?? 1);
  const diffs = new Float64Array(replicates);
  const t = new Float64Array(24);
  let notPeak = 0;
  for (let r = 0; r < replicates; r++) {
    t.fill(0);
    for (let k = 0; k < m.nUsers; k++) {
      const u = rng.int(m.nUsers);
      for (let h = 0; h < 24; h++) t[h]! += perUser[u * 24 + h]!;
    }
    diffs[r] = gap(t);
    if (diffs[r]! <= 0) notPeak++;
  }
  diffs.sort();
  const at = (p: number) =>
    diffs[Math.min(replicates - 1, Math.max(0, Math.floor(p * replicates)))]!;
  return {
    peakHour: peak,
    shares: totals.map((c) => c / sum),
    runnerUp,
    difference: (totals[peak]! - totals[runnerUp]!) / sum,
    ci: [at(alpha / 2), at(1 - alpha / 2)],
    pValue: (1 + notPeak) / (1 + replicates),
    replicates,
  };
}

/** The result of {@linkcode weekendEffect}. */
export interface WeekendResult extends EffectResult {
  /** Users with ratings on both weekend and weekdays (the units). */
  readonly users: number;
  /** Mean of all weekend ratings (pooled, for display). */
  readonly weekendMean: number;
  /** Mean of all weekday ratings (pooled, for display). */
  readonly weekdayMean: number;
  /** Share of ratings given on a weekend (Saturday, Sunday UTC). */
  readonly weekendShare: number;
}

/**
 * Weekend against weekday rating level, within users: for each user with ratings on both, the mean
 * weekend rating minus the mean weekday rating; a one-sample t-test and CI of the mean of those
 * differences. Comparing pooled means instead would mix in who rates on weekends (heavy raters
 * rate lower), which is not an effect of the weekend.
 *
 * @example
 * ```ts
 * import { weekendEffect } from "./time_effects.ts";
 * import { fromTriplets } from "../data/coo.ts";
 * // 2024-01-06 was a Saturday. Each user rates a Saturday 0.5 above two weekdays, ± noise.
 * const sat = 1_704_499_200, mon = sat + 2 * 86_400, tue = sat + 3 * 86_400;
 * const u: number[] = [], i: number[] = [], r: number[] = [], t: number[] = [];
 * for (let a = 0; a < 30; a++) {
 *   const base = 3 + (a % 3) * 0.5, noise = ((a * 7) % 5 - 2) * 0.05;
 *   u.push(a, a, a); i.push(0, 1, 2); r.push(base + 0.5 + noise, base, base); t.push(sat, mon, tue);
 * }
 * const w = weekendEffect(fromTriplets(30, 3, u, i, r, t));
 * if (!(w.ci[0] > 0.4 && w.ci[1] < 0.6 && w.users === 30)) throw new Error(JSON.stringify(w));
 * ```
 */
export function weekendEffect(m: RatingMatrix, options: { alpha?: number } = {}): WeekendResult {
  const diffs: number[] = [];
  let wkSum = 0, wkN = 0, wdSum = 0, wdN = 0;
  for (let u = 0; u < m.nUsers; u++) {
    let a = 0, na = 0, b = 0, nb = 0;
    for (let e = m.userPtr[u]!; e < m.userPtr[u + 1]!; e++) {
      const day = utcWeekday(m.userTimes[e]!);
      if (day >= 5) {
        a += m.userRatings[e]!;
        na++;
      } else {
        b += m.userRatings[e]!;
        nb++;
      }
    }
    wkSum += a;
    wkN += na;
    wdSum += b;
    wdN += nb;
    if (na > 0 && nb > 0) diffs.push(a / na - b / nb);
  }
  const t = oneSampleTTest(diffs, { alpha: options.alpha });
  return {
    ...t,
    users: diffs.length,
    weekendMean: wkSum / wkN,
    weekdayMean: wdSum / wdN,
    weekendShare: wkN / (wkN + wdN),
  };
}
