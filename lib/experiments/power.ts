/**
 * How many users an experiment needs: the normal-approximation sample size per arm for a relative
 * lift in mean CTR, its power curve, and the same question answered by simulation for a classic
 * A/B test and for team-draft interleaving (Radlinski, Kurup & Joachims 2008), where every user
 * sees one list merged from both rankers and clicks credit the ranker that contributed the item.
 *
 * @module
 */
import { normalCdf } from "../deps/stdlib.ts";
import { positionBias } from "./click_model.ts";
import type { ClickSampler } from "./click_model.ts";
import { type ArmSums, welchFromSums } from "./ab_test.ts";
import type { RankedLists } from "../metrics/ranking.ts";
import { normalQuantileOf } from "../stats/hypothesis.ts";
import { Rng } from "../stats/rng.ts";

const PAD = 0xffff_ffff;

/**
 * Users per arm for a two-sided level-α test to reach `power` against a difference `delta` in
 * mean outcome, arms with outcome standard deviations `sdA`, `sdB`:
 * n = (z_{1−α/2} + z_{power})² (sdA² + sdB²) / delta².
 *
 * @example
 * ```ts
 * import { usersPerArm } from "./power.ts";
 * // The textbook case: σ = 1 both, δ = 0.5, α = 0.05, 80 % power → 62.8, so 63 per arm.
 * if (usersPerArm(0.5, 1, 1) !== 63) throw new Error();
 * ```
 */
export function usersPerArm(
  delta: number,
  sdA: number,
  sdB: number,
  options: { alpha?: number; power?: number } = {},
): number {
  const z = normalQuantileOf(1 - (options.alpha ?? 0.05) / 2) +
    normalQuantileOf(options.power ?? 0.8);
  return Math.ceil((z * z * (sdA * sdA + sdB * sdB)) / (delta * delta));
}

/**
 * Power of the two-sided level-α z-test with `n` users per arm against difference `delta`.
 *
 * @example
 * ```ts
 * import { abPower } from "./power.ts";
 * const p = abPower(63, 0.5, 1, 1);
 * if (!(p > 0.8 && p < 0.81)) throw new Error(`${p}`);
 * ```
 */
export function abPower(n: number, delta: number, sdA: number, sdB: number, alpha = 0.05): number {
  const se = Math.sqrt((sdA * sdA + sdB * sdB) / n);
  const z = normalQuantileOf(1 - alpha / 2);
  return normalCdf(Math.abs(delta) / se - z, 0, 1) + normalCdf(-Math.abs(delta) / se - z, 0, 1);
}

/**
 * Team-draft interleaving of two ranked lists into one of length n: in each round the team with
 * fewer picks (a coin flip on ties) adds its highest-ranked item not yet shown. Returns the list
 * and which team (0 = A, 1 = B) contributed each position.
 *
 * @example
 * ```ts
 * import { teamDraft } from "./power.ts";
 * import { Rng } from "../stats/rng.ts";
 * const { items, teams } = teamDraft([1, 2, 3], [2, 4, 5], 4, new Rng(1));
 * if (new Set(items).size !== 4 || teams.filter((t) => t === 0).length !== 2) throw new Error();
 * ```
 */
export function teamDraft(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  n: number,
  rng: Rng,
): { items: number[]; teams: number[] } {
  const items: number[] = [], teams: number[] = [];
  const shown = new Set<number>();
  let ia = 0, ib = 0, picksA = 0, picksB = 0;
  while (items.length < n) {
    const aTurn = picksA < picksB || (picksA === picksB && rng.next() < 0.5);
    const list = aTurn ? a : b;
    let k = aTurn ? ia : ib;
    while (k < list.length && (list[k] === PAD || shown.has(list[k]!))) k++;
    if (k >= list.length) {
      // this team ran out; the other one fills in, if it can
      const other = aTurn ? b : a;
      let j = aTurn ? ib : ia;
      while (j < other.length && (other[j] === PAD || shown.has(other[j]!))) j++;
      if (j >= other.length) break;
      items.push(other[j]!);
      teams.push(aTurn ? 1 : 0);
      shown.add(other[j]!);
      if (aTurn) {
        ib = j + 1;
        picksB++;
      } else {
        ia = j + 1;
        picksA++;
      }
      continue;
    }
    items.push(list[k]!);
    teams.push(aTurn ? 0 : 1);
    shown.add(list[k]!);
    if (aTurn) {
      ia = k + 1;
      picksA++;
    } else {
      ib = k + 1;
      picksB++;
    }
  }
  return { items, teams };
}

/** The two rankers' lists and relevances over one population of users (same order). */
export interface InterleavingArms {
  /** Arm A's top-n lists. */
  readonly listsA: RankedLists;
  /** Arm B's top-n lists. */
  readonly listsB: RankedLists;
  /** Relevance of each of A's listed items (`listRelevance`). */
  readonly relevanceA: Float64Array;
  /** Relevance of each of B's listed items. */
  readonly relevanceB: Float64Array;
}

/** Per user: credited clicks B − A on one team-draft interleaved list. */
function interleavedOutcome(arms: InterleavingArms, u: number, rng: Rng): number {
  const n = arms.listsA.n;
  const a = arms.listsA.items.subarray(u * n, (u + 1) * n);
  const b = arms.listsB.items.subarray(u * n, (u + 1) * n);
  const rel = new Map<number, number>();
  for (let r = 0; r < n; r++) {
    rel.set(a[r]!, arms.relevanceA[u * n + r]!);
    rel.set(b[r]!, arms.relevanceB[u * n + r]!);
  }
  const { items, teams } = teamDraft(a, b, n, rng);
  let d = 0;
  for (let r = 0; r < items.length; r++) {
    if (rng.next() < positionBias(r + 1) * (rel.get(items[r]!) ?? 0)) d += teams[r] === 1 ? 1 : -1;
  }
  return d;
}

/** Options of {@linkcode samplingPower}. */
export interface SamplingPowerOptions {
  /** Sizes to try: users per arm for A/B, users in total for interleaving. */
  sizes?: readonly number[];
  /** Simulated experiments per size. Default 300. */
  replicates?: number;
  /** Level. Default 0.05. */
  alpha?: number;
  /** Seed. Default 1. */
  seed?: number;
}

/** Simulated power by sample size, for A/B and for interleaving. */
export interface SamplingPower {
  /** The sizes tried. */
  readonly sizes: readonly number[];
  /** Power of the A/B test with `sizes[k]` users per arm (2·sizes[k] users in all). */
  readonly abPower: Float64Array;
  /** Power of interleaving with `sizes[k]` users in all. */
  readonly interleavingPower: Float64Array;
  /** Smallest total users reaching `target` power (log-linear interpolation), A/B. */
  readonly abUsers: number;
  /** The same for interleaving. */
  readonly interleavingUsers: number;
  /** The power target. */
  readonly target: number;
}

function firstReaching(
  sizes: readonly number[],
  power: Float64Array,
  target: number,
  scale: number,
) {
  for (let k = 0; k < sizes.length; k++) {
    if (power[k]! >= target) {
      if (k === 0) return sizes[0]! * scale;
      const [x0, x1] = [Math.log(sizes[k - 1]!), Math.log(sizes[k]!)];
      const [y0, y1] = [power[k - 1]!, power[k]!];
      return Math.round(scale * Math.exp(x0 + ((target - y0) / (y1 - y0)) * (x1 - x0)));
    }
  }
  return Infinity;
}

/**
 * Simulated power of (1) an A/B test — `n` users per arm drawn with replacement from the
 * population, Welch's t on per-user CTR — and (2) team-draft interleaving — `n` users, each shown
 * one interleaved list, a t-test that the mean of (clicks credited to B − to A) is 0 — for every
 * `n` in `sizes`, and the users each needs for `target` power.
 *
 * @example
 * ```ts
 * import { samplingPower } from "./power.ts";
 * import { ClickSampler, clickProbabilities } from "./click_model.ts";
 * const users = 50, n = 2;
 * const listsA = { users: Uint32Array.from({ length: users }, (_, u) => u), n,
 *   items: Uint32Array.from({ length: users * n }, (_, k) => k % n) };
 * const listsB = { ...listsA, items: Uint32Array.from({ length: users * n }, (_, k) => 2 + (k % n)) };
 * const relevanceA = new Float64Array(users * n).fill(0.2), relevanceB = relevanceA.map(() => 0.3);
 * const r = samplingPower(
 *   [new ClickSampler(clickProbabilities(relevanceA, n), n), new ClickSampler(clickProbabilities(relevanceB, n), n)],
 *   { listsA, listsB, relevanceA, relevanceB },
 *   { sizes: [50, 200, 800], replicates: 100 },
 * );
 * if (!(r.abPower[2]! > r.abPower[0]!)) throw new Error("power grows with n");
 * ```
 */
export function samplingPower(
  samplers: readonly [ClickSampler, ClickSampler],
  arms: InterleavingArms,
  options: SamplingPowerOptions & { target?: number } = {},
): SamplingPower {
  const [sa, sb] = samplers;
  const sizes = options.sizes ?? [100, 200, 400, 800, 1600, 3200, 6400, 12800];
  const replicates = options.replicates ?? 300;
  const alpha = options.alpha ?? 0.05;
  const target = options.target ?? 0.8;
  const rng = new Rng(options.seed ?? 1);
  const users = sa.users;
  const ab = new Float64Array(sizes.length), il = new Float64Array(sizes.length);
  sizes.forEach((n, k) => {
    let abHits = 0, ilHits = 0;
    for (let rep = 0; rep < replicates; rep++) {
      const sums: [ArmSums, ArmSums] = [{ n: 0, sum: 0, sumSquares: 0 }, {
        n: 0,
        sum: 0,
        sumSquares: 0,
      }];
      for (let j = 0; j < 2 * n; j++) {
        const arm = j % 2;
        const x = (arm === 0 ? sa : sb).draw(rng.int(users), rng) / sa.n;
        const s = sums[arm as 0 | 1];
        s.n++;
        s.sum += x;
        s.sumSquares += x * x;
      }
      if (welchFromSums(sums[1], sums[0]).pValue < alpha) abHits++;
      const d: ArmSums = { n: 0, sum: 0, sumSquares: 0 };
      for (let j = 0; j < n; j++) {
        const x = interleavedOutcome(arms, rng.int(users), rng);
        d.n++;
        d.sum += x;
        d.sumSquares += x * x;
      }
      // one-sample t of the mean difference: Welch against a zero arm with the same n
      if (welchFromSums(d, { n: d.n, sum: 0, sumSquares: 0 }).pValue < alpha) ilHits++;
    }
    ab[k] = abHits / replicates;
    il[k] = ilHits / replicates;
  });
  return {
    sizes,
    abPower: ab,
    interleavingPower: il,
    abUsers: firstReaching(sizes, ab, target, 2),
    interleavingUsers: firstReaching(sizes, il, target, 1),
    target,
  };
}
