/**
 * Timing the Zig ALS kernel against the plain TypeScript reference ({@linkcode naiveAlsEpoch}) on
 * the same data, from the same initial state, at the same K: the measurements behind notebook 00
 * and `deno task bench` (`baseline.*`). Also two ways to extrapolate a time to sizes too slow to
 * run: a straight line on log–log axes ({@linkcode fitScaling}), and the two-term cost model of an
 * ALS epoch, seconds ≈ a·ratings + b·(users + items) ({@linkcode fitCostModel}), which follows the
 * algorithm's O(nnz·K² + rows·K³) cost.
 *
 * @module
 */

import type { RatingMatrix } from "../data/types.ts";
import { alsEpoch, defaultThreads, scoreMatrix } from "../ffi/kernels.ts";
import { refuseRenamedOptions } from "../ffi/params.ts";
import { type AlsState, cloneAlsState, initAlsState } from "./als_state.ts";
import { naiveAlsEpoch, type NaiveAlsOptions, naiveRmse } from "./naive_als.ts";

/** Options of {@linkcode timeKernelAls} and {@linkcode timeNaiveAls}. */
export interface TimingOptions {
  /** Latent factors K. */
  k: number;
  /** Timed epochs (default 3 for the kernel, 1 for the reference). */
  epochs?: number;
  /** Seed of the initial state (default 1). */
  seed?: number;
  /** Kernel threads (default {@linkcode defaultThreads}); the reference always uses one. */
  threads?: number;
  /** λ, the penalty of factors and biases alike (default 0.05); it does not change the work done. */
  lambda?: number;
  /** ALS-WR weighting (default true). */
  weighted?: boolean;
}

/** One timing run. */
export interface EpochTiming {
  /** "kernel" (Zig, threads) or "naive" (TypeScript + ml-matrix, one thread). */
  implementation: "kernel" | "naive";
  /** Ratings, users and items of the matrix timed. */
  ratings: number;
  users: number;
  items: number;
  /** K. */
  k: number;
  /** Threads used. */
  threads: number;
  /** Wall-clock seconds of each timed epoch. */
  epochSeconds: number[];
  /** The mean of `epochSeconds`. */
  secondsPerEpoch: number;
  /** Training RMSE after the last epoch (checks both did the same work). */
  trainRmse: number;
}

/** What every timing run starts from: its options resolved and the seeded initial state. */
function setUp(
  fn: string,
  m: RatingMatrix,
  options: TimingOptions,
): { k: number; threads: number; penalties: NaiveAlsOptions; state: AlsState } {
  refuseRenamedOptions(fn, options);
  const { k, seed = 1, lambda = 0.05, weighted = true } = options;
  let sum = 0;
  for (const r of m.userRatings) sum += r;
  const mu = Math.fround(sum / Math.max(1, m.nnz));
  return {
    k,
    threads: options.threads ?? defaultThreads(),
    penalties: { lambda, lambdaBias: lambda, weighted },
    state: initAlsState(m.nUsers, m.nItems, k, { seed, mu }),
  };
}

function summary(
  implementation: "kernel" | "naive",
  m: RatingMatrix,
  k: number,
  threads: number,
  epochSeconds: number[],
  trainRmse: number,
): EpochTiming {
  const secondsPerEpoch = epochSeconds.reduce((s, x) => s + x, 0) / epochSeconds.length;
  return {
    implementation,
    ratings: m.nnz,
    users: m.nUsers,
    items: m.nItems,
    k,
    threads,
    epochSeconds,
    secondsPerEpoch,
    trainRmse,
  };
}

function checkEpochs(fn: string, epochs: number): void {
  if (!Number.isInteger(epochs) || epochs < 1) {
    throw new RangeError(`${fn}: epochs must be a whole number ≥ 1, got ${epochs}`);
  }
}

/**
 * Times the Zig kernel's ALS epoch: one untimed warm-up epoch (library load, page faults), then
 * `epochs` timed ones from `initAlsState(…, { seed })`.
 *
 * @param m The ratings.
 * @param options K, epochs (default 3), seed, threads, λ.
 * @returns The timing, with the training RMSE after the last epoch.
 *
 * @example
 * ```ts
 * import { timeKernelAls } from "./baseline_comparison.ts";
 * import { fromTriplets } from "../data/coo.ts";
 * const m = fromTriplets(2, 2, [0, 0, 1], [0, 1, 0], [4, 2, 5], [0, 0, 0]);
 * const t = await timeKernelAls(m, { k: 2, epochs: 2 });
 * if (t.epochSeconds.length !== 2) throw new Error("two timed epochs");
 * ```
 */
export async function timeKernelAls(m: RatingMatrix, options: TimingOptions): Promise<EpochTiming> {
  const { k, threads, penalties, state } = setUp("timeKernelAls", m, options);
  const { epochs = 3 } = options;
  checkEpochs("timeKernelAls", epochs);
  const opts = { ...penalties, threads };
  await alsEpoch(m, state, opts);
  const epochSeconds: number[] = [];
  for (let e = 0; e < epochs; e++) {
    const started = performance.now();
    await alsEpoch(m, state, opts);
    epochSeconds.push((performance.now() - started) / 1000);
  }
  const score = await scoreMatrix(state, m, { ratingMin: 0.5, ratingMax: 5, threads });
  return summary("kernel", m, k, threads, epochSeconds, Math.sqrt(score.sse / score.count));
}

/**
 * Times the plain TypeScript reference epoch ({@linkcode naiveAlsEpoch}) from
 * `initAlsState(…, { seed })`: `epochs` timed epochs (default 1: it is slow), no warm-up.
 *
 * @param m The ratings.
 * @param options K, epochs (default 1), seed, λ.
 * @returns The timing, with the training RMSE after the last epoch.
 *
 * @example
 * ```ts
 * import { timeNaiveAls } from "./baseline_comparison.ts";
 * import { fromTriplets } from "../data/coo.ts";
 * const m = fromTriplets(2, 2, [0, 0, 1], [0, 1, 0], [4, 2, 5], [0, 0, 0]);
 * const t = timeNaiveAls(m, { k: 2 });
 * if (t.threads !== 1 || t.epochSeconds.length !== 1) throw new Error("one thread, one epoch");
 * ```
 */
export function timeNaiveAls(m: RatingMatrix, options: TimingOptions): EpochTiming {
  const { k, penalties, state } = setUp("timeNaiveAls", m, options);
  const { epochs = 1 } = options;
  checkEpochs("timeNaiveAls", epochs);
  const epochSeconds: number[] = [];
  for (let e = 0; e < epochs; e++) {
    const started = performance.now();
    naiveAlsEpoch(m, state, penalties);
    epochSeconds.push((performance.now() - started) / 1000);
  }
  return summary("naive", m, k, 1, epochSeconds, naiveRmse(state, m));
}

/** One epoch of {@linkcode agreementCheck}. */
export interface AgreementRow {
  /** 1-based epoch. */
  epoch: number;
  /** Training RMSE of the reference after this epoch. */
  naiveRmse: number;
  /** Training RMSE of the kernel after this epoch. */
  kernelRmse: number;
  /** Largest |difference| over every factor and bias. */
  maxParameterGap: number;
}

/**
 * Runs the reference and the kernel side by side from one initial state and reports, after every
 * epoch, both training RMSEs and the largest difference between any two parameters.
 *
 * @param m The ratings.
 * @param options K, epochs (default 5), seed, threads, λ (default 0.05, ALS-WR).
 * @returns One row per epoch.
 *
 * @example
 * ```ts
 * import { agreementCheck } from "./baseline_comparison.ts";
 * import { fromTriplets } from "../data/coo.ts";
 * const m = fromTriplets(3, 2, [0, 0, 1, 2], [0, 1, 0, 1], [4, 2, 5, 3], [0, 0, 0, 0]);
 * const rows = await agreementCheck(m, { k: 2, epochs: 2 });
 * if (rows.some((r) => Math.abs(r.naiveRmse - r.kernelRmse) > 1e-4)) throw new Error("agree");
 * ```
 */
export async function agreementCheck(
  m: RatingMatrix,
  options: TimingOptions,
): Promise<AgreementRow[]> {
  const { threads, penalties, state: naive } = setUp("agreementCheck", m, options);
  const { epochs = 5 } = options;
  checkEpochs("agreementCheck", epochs);
  const kernel = cloneAlsState(naive);
  const rows: AgreementRow[] = [];
  for (let epoch = 1; epoch <= epochs; epoch++) {
    naiveAlsEpoch(m, naive, penalties);
    await alsEpoch(m, kernel, { ...penalties, threads });
    const score = await scoreMatrix(kernel, m, { ratingMin: 0.5, ratingMax: 5, threads });
    let gap = 0;
    for (const key of ["userFactors", "itemFactors", "userBias", "itemBias"] as const) {
      const a = naive[key], b = kernel[key];
      for (let j = 0; j < a.length; j++) gap = Math.max(gap, Math.abs(a[j]! - b[j]!));
    }
    rows.push({
      epoch,
      naiveRmse: naiveRmse(naive, m),
      kernelRmse: Math.sqrt(score.sse / score.count),
      maxParameterGap: gap,
    });
  }
  return rows;
}

/** Both implementations on one matrix, and their ratio. */
export interface BaselineComparison {
  /** The reference timing. */
  naive: EpochTiming;
  /** The kernel timing. */
  kernel: EpochTiming;
  /** naive seconds per epoch ÷ kernel seconds per epoch. */
  speedup: number;
  /** |RMSE difference| after one epoch from the same start (they must do the same work). */
  rmseGap: number;
}

/**
 * Times `naiveEpochs` reference epochs (default 1) and `kernelEpochs` kernel epochs (default 3,
 * after one untimed warm-up) on the same matrix and K from the same initial state, and checks that
 * the first epoch of each reaches the same training RMSE (throws when the gap exceeds 1e-4, so a
 * speed-up is never reported for different work).
 *
 * @param m The ratings.
 * @param options K, seed, threads, λ, and `kernelEpochs` (default 3) / `naiveEpochs` (default 1).
 * @returns Both timings, the speed-up and the RMSE gap.
 *
 * @example
 * ```ts
 * import { compareBaseline } from "./baseline_comparison.ts";
 * import { fromTriplets } from "../data/coo.ts";
 * const m = fromTriplets(3, 2, [0, 0, 1, 2], [0, 1, 0, 1], [4, 2, 5, 3], [0, 0, 0, 0]);
 * const c = await compareBaseline(m, { k: 2 });
 * if (!(c.speedup > 0) || c.rmseGap > 1e-4) throw new Error("unexpected");
 * ```
 */
export async function compareBaseline(
  m: RatingMatrix,
  options: Omit<TimingOptions, "epochs"> & { kernelEpochs?: number; naiveEpochs?: number },
): Promise<BaselineComparison> {
  const { k, threads, penalties, state: naiveState } = setUp("compareBaseline", m, options);
  const { kernelEpochs = 3, naiveEpochs = 1 } = options;
  checkEpochs("compareBaseline", kernelEpochs);
  checkEpochs("compareBaseline", naiveEpochs);
  const kernelState = cloneAlsState(naiveState);
  const kernelRmse = async () => {
    const score = await scoreMatrix(kernelState, m, { ratingMin: 0.5, ratingMax: 5, threads });
    return Math.sqrt(score.sse / score.count);
  };
  // The kernel's first epoch doubles as its warm-up and as the agreement check.
  await alsEpoch(m, kernelState, { ...penalties, threads });
  const firstKernelRmse = await kernelRmse();
  const naiveSeconds: number[] = [];
  let rmseGap = NaN;
  for (let e = 0; e < naiveEpochs; e++) {
    const started = performance.now();
    naiveAlsEpoch(m, naiveState, penalties);
    naiveSeconds.push((performance.now() - started) / 1000);
    if (e === 0) rmseGap = Math.abs(naiveRmse(naiveState, m) - firstKernelRmse);
  }
  if (!(rmseGap <= 1e-4)) {
    throw new Error(
      `compareBaseline: after one epoch the reference and the kernel differ in training RMSE by ` +
        `${rmseGap}; expected ≤ 1e-4 (the same computation)`,
    );
  }
  const kernelSeconds: number[] = [];
  for (let e = 0; e < kernelEpochs; e++) {
    const started = performance.now();
    await alsEpoch(m, kernelState, { ...penalties, threads });
    kernelSeconds.push((performance.now() - started) / 1000);
  }
  const naive = summary("naive", m, k, 1, naiveSeconds, naiveRmse(naiveState, m));
  const kernel = summary("kernel", m, k, threads, kernelSeconds, await kernelRmse());
  return { naive, kernel, speedup: naive.secondsPerEpoch / kernel.secondsPerEpoch, rmseGap };
}

/**
 * The fixed cost of one kernel epoch call: the mean wall-clock seconds of `calls` ALS epochs on a
 * one-rating matrix (K = 1), i.e. crossing the FFI boundary, the non-blocking call's hand-off to a
 * worker thread and back, and the kernel's per-call set-up. One such call is made per epoch.
 *
 * @param calls How many calls to average (default 200).
 * @param threads Kernel threads (default 1).
 * @returns Seconds per call.
 *
 * @example
 * ```ts
 * import { ffiCallSeconds } from "./baseline_comparison.ts";
 * const s = await ffiCallSeconds(20);
 * if (!(s > 0 && s < 1)) throw new Error("well under a second");
 * ```
 */
export async function ffiCallSeconds(calls = 200, threads = 1): Promise<number> {
  checkEpochs("ffiCallSeconds", calls);
  const m: RatingMatrix = {
    nUsers: 1,
    nItems: 1,
    nnz: 1,
    userPtr: Uint32Array.of(0, 1),
    userItems: Uint32Array.of(0),
    userRatings: Float32Array.of(4),
    userTimes: Uint32Array.of(0),
    itemPtr: Uint32Array.of(0, 1),
    itemUsers: Uint32Array.of(0),
    itemRatings: Float32Array.of(4),
    itemTimes: Uint32Array.of(0),
  };
  const state = initAlsState(1, 1, 1, { seed: 1, mu: 4 });
  const opts = { lambda: 0.1, lambdaBias: 0.1, threads };
  await alsEpoch(m, state, opts);
  const started = performance.now();
  for (let c = 0; c < calls; c++) await alsEpoch(m, state, opts);
  return (performance.now() - started) / 1000 / calls;
}

/** A straight line on log–log axes: seconds ≈ coefficient · sizeᵉˣᵖᵒⁿᵉⁿᵗ. */
export interface ScalingFit {
  /** The slope on log–log axes (1 = linear in size). */
  exponent: number;
  /** The factor in front. */
  coefficient: number;
}

/**
 * Least-squares line through (log size, log seconds): the exponent says how the time grows with
 * the size, and {@linkcode extrapolate} evaluates the line at another size.
 *
 * @param sizes Sizes (e.g. ratings), all > 0.
 * @param seconds Times, all > 0, one per size.
 * @returns The exponent and coefficient.
 *
 * @example
 * ```ts
 * import { fitScaling } from "./baseline_comparison.ts";
 * const f = fitScaling([1e4, 1e5, 1e6], [0.1, 1, 10]);
 * if (Math.abs(f.exponent - 1) > 1e-9) throw new Error("linear");
 * ```
 */
export function fitScaling(sizes: readonly number[], seconds: readonly number[]): ScalingFit {
  if (sizes.length !== seconds.length || sizes.length < 2) {
    throw new Error(
      `fitScaling: need at least 2 (size, seconds) pairs of equal count, got ${sizes.length} ` +
        `sizes and ${seconds.length} times`,
    );
  }
  if (![...sizes, ...seconds].every((x) => x > 0 && Number.isFinite(x))) {
    throw new Error("fitScaling: sizes and seconds must be finite and > 0");
  }
  const xs = sizes.map(Math.log), ys = seconds.map(Math.log);
  const n = xs.length;
  const mx = xs.reduce((s, x) => s + x, 0) / n, my = ys.reduce((s, y) => s + y, 0) / n;
  let sxy = 0, sxx = 0;
  for (let j = 0; j < n; j++) {
    sxy += (xs[j]! - mx) * (ys[j]! - my);
    sxx += (xs[j]! - mx) ** 2;
  }
  if (sxx === 0) throw new Error("fitScaling: all sizes are equal; need at least two sizes");
  const exponent = sxy / sxx;
  return { exponent, coefficient: Math.exp(my - exponent * mx) };
}

/**
 * The fitted time at another size: `coefficient · size^exponent`.
 *
 * @param fit From {@linkcode fitScaling}.
 * @param size The size to evaluate at.
 * @returns Seconds.
 *
 * @example
 * ```ts
 * import { extrapolate } from "./baseline_comparison.ts";
 * if (extrapolate({ exponent: 1, coefficient: 1e-5 }, 32e6) !== 320) throw new Error("linear");
 * ```
 */
export function extrapolate(fit: ScalingFit, size: number): number {
  return fit.coefficient * size ** fit.exponent;
}

/** One measured epoch for {@linkcode fitCostModel}. */
export interface CostPoint {
  /** Ratings in the matrix. */
  ratings: number;
  /** Users + items (one solve each per epoch). */
  rows: number;
  /** Seconds per epoch. */
  seconds: number;
}

/** seconds ≈ secondsPerRating · ratings + secondsPerRow · rows. */
export interface CostModel {
  /** Cost of one rating (the Gram-matrix update, ∝ K²). */
  secondsPerRating: number;
  /** Cost of one row (the (K+1)×(K+1) solve and set-up, ∝ K³). */
  secondsPerRow: number;
}

/**
 * Fits the two-term cost of an ALS epoch, `seconds ≈ a·ratings + b·rows` with a, b ≥ 0, by least
 * squares on relative errors (each point weighted by 1/seconds², so small and large sizes count
 * alike). When the unconstrained fit has a negative term, or the points cannot tell the two terms
 * apart, the better one-term fit is returned.
 *
 * @param points At least one measured epoch.
 * @returns The two coefficients.
 *
 * @example
 * ```ts
 * import { fitCostModel } from "./baseline_comparison.ts";
 * const truth = (n: number, r: number) => 1e-6 * n + 1e-4 * r;
 * const m = fitCostModel([
 *   { ratings: 1e4, rows: 3000, seconds: truth(1e4, 3000) },
 *   { ratings: 1e5, rows: 10000, seconds: truth(1e5, 10000) },
 * ]);
 * if (Math.abs(m.secondsPerRating - 1e-6) > 1e-12) throw new Error("recovered");
 * ```
 */
export function fitCostModel(points: readonly CostPoint[]): CostModel {
  if (points.length === 0) throw new Error("fitCostModel: need at least one measured epoch");
  for (const p of points) {
    if (![p.ratings, p.rows, p.seconds].every((x) => Number.isFinite(x) && x > 0)) {
      throw new Error(
        `fitCostModel: ratings, rows and seconds must be finite and > 0, got ${JSON.stringify(p)}`,
      );
    }
  }
  // Weighted least squares: minimise Σ ((a·n + b·r − t) / t)².
  let snn = 0, srr = 0, snr = 0, snt = 0, srt = 0;
  for (const { ratings: n, rows: r, seconds: t } of points) {
    const w = 1 / (t * t);
    snn += w * n * n;
    srr += w * r * r;
    snr += w * n * r;
    snt += w * n * t;
    srt += w * r * t;
  }
  const loss = (a: number, b: number) =>
    points.reduce((sum, p) => sum + ((a * p.ratings + b * p.rows - p.seconds) / p.seconds) ** 2, 0);
  const candidates: CostModel[] = [
    { secondsPerRating: snt / snn, secondsPerRow: 0 },
    { secondsPerRating: 0, secondsPerRow: srt / srr },
  ];
  const det = snn * srr - snr * snr;
  if (det > 1e-12 * snn * srr) {
    const a = (snt * srr - srt * snr) / det;
    const b = (srt * snn - snt * snr) / det;
    if (a >= 0 && b >= 0) candidates.push({ secondsPerRating: a, secondsPerRow: b });
  }
  let best = candidates[0]!;
  for (const c of candidates) {
    if (
      loss(c.secondsPerRating, c.secondsPerRow) < loss(best.secondsPerRating, best.secondsPerRow)
    ) {
      best = c;
    }
  }
  return best;
}

/**
 * The cost model's time for an epoch on `ratings` ratings and `rows` users + items.
 *
 * @param model From {@linkcode fitCostModel}.
 * @param ratings Ratings.
 * @param rows Users + items.
 * @returns Seconds per epoch.
 *
 * @example
 * ```ts
 * import { predictEpochSeconds } from "./baseline_comparison.ts";
 * const t = predictEpochSeconds({ secondsPerRating: 1e-6, secondsPerRow: 1e-4 }, 32e6, 288_533);
 * if (Math.abs(t - (32 + 28.8533)) > 1e-9) throw new Error("a·n + b·r");
 * ```
 */
export function predictEpochSeconds(model: CostModel, ratings: number, rows: number): number {
  return model.secondsPerRating * ratings + model.secondsPerRow * rows;
}
