/**
 * Why you must not peek, and what to do instead. Simulated A/A tests (both arms the same list, so
 * every rejection is a false positive) on a stream of users drawn with replacement from the
 * population:
 *
 * - **fixed horizon**: one Welch test after all users — rejects about α of the time;
 * - **peeking**: a Welch test after every `lookEvery` users, stopping at the first p < α — rejects
 *   far more often;
 * - **mSPRT** (mixture sequential probability ratio test; Johari, Pekelis & Walsh, "Always valid
 *   inference", 2017): with θ̂ the difference of mean per-user outcomes, V its estimated variance
 *   and a N(0, τ²) mixture over the effect,
 *   Λ = √(V / (V + τ²)) · exp(θ̂² τ² / (2V(V + τ²))), and the always-valid p-value is the running
 *   minimum of 1/Λ. Stopping at the first look where it falls below α keeps the false-positive
 *   rate at most α (up to the plug-in variance), however often one looks.
 *
 * @module
 */
import type { ClickSampler } from "./click_model.ts";
import { type ArmSums, welchFromSums } from "./ab_test.ts";
import { Rng } from "../stats/rng.ts";

/**
 * The mSPRT mixture likelihood ratio Λ for an estimated difference θ̂ with variance V and mixing
 * variance τ² (see the module doc).
 *
 * @example
 * ```ts
 * import { msprtRatio } from "./sequential.ts";
 * if (msprtRatio(0, 1, 1) !== Math.SQRT1_2) throw new Error("θ̂ = 0: √(V/(V+τ²))");
 * if (!(msprtRatio(10, 1, 1) > 1e9)) throw new Error("a large effect: overwhelming evidence");
 * ```
 */
export function msprtRatio(difference: number, variance: number, tauSquared: number): number {
  if (!(variance > 0)) return 1;
  const v = variance, t2 = tauSquared;
  return Math.sqrt(v / (v + t2)) * Math.exp((difference * difference * t2) / (2 * v * (v + t2)));
}

/** Options of {@linkcode peekingSimulation}. */
export interface PeekingOptions {
  /** Users in each simulated stream (both arms together). Default 20,000. */
  streamUsers?: number;
  /** Look after every this many users. Default 1,000. */
  lookEvery?: number;
  /** Simulated experiments. Default 500. */
  replicates?: number;
  /** Significance level. Default 0.05. */
  alpha?: number;
  /** mSPRT mixing standard deviation τ, in units of the outcome. Default 10 % of the mean outcome. */
  tau?: number;
  /** Seed. Default 1. */
  seed?: number;
}

/** The result of {@linkcode peekingSimulation}. */
export interface PeekingResult {
  /** Simulated experiments. */
  readonly replicates: number;
  /** Looks per experiment. */
  readonly looks: number;
  /** Share rejected by one test at the end. */
  readonly fixedHorizon: number;
  /** Share rejected at some look by a naive test. */
  readonly peeking: number;
  /** Share rejected at some look by the mSPRT always-valid p-value. */
  readonly msprt: number;
  /** Share of experiments a naive peeker had stopped by each look (cumulative). */
  readonly peekingByLook: Float64Array;
  /** The τ used. */
  readonly tau: number;
}

/**
 * A/A experiments on streams of users (drawn with replacement from `arm`'s population, each
 * randomised to A or B with probability ½, per-user outcome = clicks / n): the false-positive rate
 * of a fixed-horizon test, of naive peeking and of the mSPRT (see the module doc). Pass two
 * samplers to `arms` to simulate an A/B stream instead (then the rates are powers).
 *
 * @example
 * ```ts
 * import { peekingSimulation } from "./sequential.ts";
 * import { ClickSampler } from "./click_model.ts";
 * const arm = new ClickSampler(Float64Array.from({ length: 500 }, (_, k) => (k % 7) / 20), 5);
 * const r = peekingSimulation([arm, arm], { streamUsers: 2000, lookEvery: 100, replicates: 200 });
 * if (!(r.peeking > 2 * r.fixedHorizon && r.msprt <= 0.06)) throw new Error(JSON.stringify(r));
 * ```
 */
export function peekingSimulation(
  arms: readonly [ClickSampler, ClickSampler],
  options: PeekingOptions = {},
): PeekingResult {
  const [a, b] = arms;
  if (a.users !== b.users || a.n !== b.n) {
    throw new RangeError("peekingSimulation: arms differ in shape");
  }
  const streamUsers = options.streamUsers ?? 20_000;
  const lookEvery = options.lookEvery ?? 1_000;
  const replicates = options.replicates ?? 500;
  const alpha = options.alpha ?? 0.05;
  const looks = Math.floor(streamUsers / lookEvery);
  if (looks < 1) throw new RangeError("peekingSimulation: streamUsers must be ≥ lookEvery");
  const meanOutcome = a.expected.reduce((s, x) => s + x, 0) / a.users / a.n;
  const tau = options.tau ?? 0.1 * meanOutcome;
  const rng = new Rng(options.seed ?? 1);
  let fixed = 0, peek = 0, msprt = 0;
  const stoppedBy = new Float64Array(looks);
  for (let rep = 0; rep < replicates; rep++) {
    const sums: [ArmSums, ArmSums] = [{ n: 0, sum: 0, sumSquares: 0 }, {
      n: 0,
      sum: 0,
      sumSquares: 0,
    }];
    let peeked = false, sequential = false, avp = 1;
    for (let look = 0; look < looks; look++) {
      for (let k = 0; k < lookEvery; k++) {
        const u = rng.int(a.users);
        const arm = rng.next() < 0.5 ? 0 : 1;
        const x = (arm === 0 ? a : b).draw(u, rng) / a.n;
        const s = sums[arm]!;
        s.n++;
        s.sum += x;
        s.sumSquares += x * x;
      }
      if (sums[0].n < 2 || sums[1].n < 2) continue;
      const w = welchFromSums(sums[1], sums[0]);
      if (!peeked && w.pValue < alpha) {
        peeked = true;
        stoppedBy[look]!++;
      }
      avp = Math.min(avp, 1 / msprtRatio(w.difference, w.variance, tau * tau));
      if (avp < alpha) sequential = true;
      if (look === looks - 1 && w.pValue < alpha) fixed++;
    }
    if (peeked) peek++;
    if (sequential) msprt++;
  }
  for (let l = 1; l < looks; l++) stoppedBy[l]! += stoppedBy[l - 1]!;
  return {
    replicates,
    looks,
    fixedHorizon: fixed / replicates,
    peeking: peek / replicates,
    msprt: msprt / replicates,
    peekingByLook: stoppedBy.map((c) => c / replicates),
    tau,
  };
}

/**
 * The false-positive rate of repeated A/A tests at a fixed sample: `replicates` times, randomise
 * the population into two arms that see the same list, draw clicks, run Welch's t on per-user CTR;
 * returns the share with p < alpha and every p-value (uniform on [0, 1] if the test is calibrated).
 *
 * @example
 * ```ts
 * import { aaFalsePositiveRate } from "./sequential.ts";
 * import { ClickSampler } from "./click_model.ts";
 * const arm = new ClickSampler(Float64Array.from({ length: 1000 }, (_, k) => (k % 9) / 20), 2);
 * const r = aaFalsePositiveRate(arm, { replicates: 400, seed: 2 });
 * if (!(r.rate > 0.02 && r.rate < 0.09)) throw new Error(`${r.rate}`);
 * ```
 */
export function aaFalsePositiveRate(
  arm: ClickSampler,
  options: { replicates?: number; alpha?: number; seed?: number } = {},
): { rate: number; pValues: Float64Array } {
  const replicates = options.replicates ?? 1000;
  const alpha = options.alpha ?? 0.05;
  const rng = new Rng(options.seed ?? 1);
  const pValues = new Float64Array(replicates);
  let rejected = 0;
  for (let rep = 0; rep < replicates; rep++) {
    const sums: [ArmSums, ArmSums] = [{ n: 0, sum: 0, sumSquares: 0 }, {
      n: 0,
      sum: 0,
      sumSquares: 0,
    }];
    for (let u = 0; u < arm.users; u++) {
      const s = sums[rng.next() < 0.5 ? 0 : 1];
      const x = arm.draw(u, rng) / arm.n;
      s.n++;
      s.sum += x;
      s.sumSquares += x * x;
    }
    const p = welchFromSums(sums[1], sums[0]).pValue;
    pValues[rep] = p;
    if (p < alpha) rejected++;
  }
  return { rate: rejected / replicates, pValues };
}
