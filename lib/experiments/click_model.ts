/**
 * Offline stand-ins for an online experiment: a popularity recommender, a position-biased click
 * model driven by held-out ratings, and fast per-user click draws.
 *
 * Click model: a user shown item i at rank r (1-based) clicks with probability
 * `bias(r) · relevance(i)`, bias(r) = 1 / log2(r + 1) (the NDCG discount), relevance from the
 * user's held-out rating of i: (rating − 2.5) / 2.5 clipped to [0, 1] (5 stars → 1, 3.75 → 0.5,
 * 2.5 or less → 0). An item the user never rated gets `background` (default 0): offline we do not
 * know whether they would have liked it, and say so.
 *
 * @module
 */
import type { RatingMatrix } from "../data/types.ts";
import type { RankedLists } from "../metrics/ranking.ts";
import type { Rng } from "../stats/rng.ts";

const PAD = 0xffff_ffff;

/**
 * Position bias 1 / log2(r + 1) for rank r ≥ 1.
 *
 * @example
 * ```ts
 * import { positionBias } from "./click_model.ts";
 * if (positionBias(1) !== 1 || positionBias(3) !== 0.5) throw new Error();
 * ```
 */
export function positionBias(rank: number): number {
  return 1 / Math.log2(rank + 1);
}

/**
 * Relevance of a held-out rating: (rating − 2.5) / 2.5 clipped to [0, 1].
 *
 * @example
 * ```ts
 * import { ratingRelevance } from "./click_model.ts";
 * if (ratingRelevance(5) !== 1 || ratingRelevance(3.75) !== 0.5 || ratingRelevance(2) !== 0) throw new Error();
 * ```
 */
export function ratingRelevance(rating: number): number {
  return Math.min(1, Math.max(0, (rating - 2.5) / 2.5));
}

/**
 * Top-`n` most rated items in `train`, per user, skipping what the user rated in `train` (ties by
 * lower item index). The baseline arm of the experiments.
 *
 * @example
 * ```ts
 * import { popularityLists } from "./click_model.ts";
 * import { fromTriplets } from "../data/coo.ts";
 * const train = fromTriplets(3, 3, [0, 1, 2, 1], [0, 0, 0, 1], [4, 4, 4, 4], [0, 0, 0, 0]);
 * const lists = popularityLists(train, [0, 1], { n: 2 });
 * if (lists.items.join() !== `1,2,2,${0xffff_ffff}`) throw new Error(`${lists.items}`);
 * ```
 */
export function popularityLists(
  train: RatingMatrix,
  users: ArrayLike<number>,
  options: { n?: number } = {},
): RankedLists {
  const n = options.n ?? 10;
  const order = Array.from({ length: train.nItems }, (_, i) => i).sort((a, b) =>
    (train.itemPtr[b + 1]! - train.itemPtr[b]!) - (train.itemPtr[a + 1]! - train.itemPtr[a]!) ||
    a - b
  );
  const items = new Uint32Array(users.length * n).fill(PAD);
  const seen = new Uint8Array(train.nItems);
  for (let k = 0; k < users.length; k++) {
    const u = users[k]!;
    for (let e = train.userPtr[u]!; e < train.userPtr[u + 1]!; e++) seen[train.userItems[e]!] = 1;
    let r = 0;
    for (let j = 0; j < order.length && r < n; j++) {
      if (seen[order[j]!] === 0) items[k * n + r++] = order[j]!;
    }
    for (let e = train.userPtr[u]!; e < train.userPtr[u + 1]!; e++) seen[train.userItems[e]!] = 0;
  }
  return { users: Uint32Array.from(users), n, items };
}

/**
 * The relevance of every listed item to its user (held-out rating → {@linkcode ratingRelevance};
 * never rated → `background`; padding → 0), row-major `users × n`.
 *
 * @example
 * ```ts
 * import { listRelevance } from "./click_model.ts";
 * import { fromTriplets } from "../data/coo.ts";
 * const test = fromTriplets(1, 3, [0, 0], [1, 2], [5, 2], [0, 0]);
 * const rel = listRelevance({ users: Uint32Array.of(0), n: 3, items: Uint32Array.of(1, 0, 2) }, test);
 * if (rel.join() !== "1,0,0") throw new Error(`${rel}`);
 * ```
 */
export function listRelevance(
  lists: RankedLists,
  test: RatingMatrix,
  options: { background?: number } = {},
): Float64Array {
  const { n } = lists;
  const background = options.background ?? 0;
  const out = new Float64Array(lists.users.length * n);
  const stamp = new Float64Array(test.nItems).fill(NaN);
  for (let k = 0; k < lists.users.length; k++) {
    const u = lists.users[k]!;
    if (u >= test.nUsers) throw new RangeError(`listRelevance: user ${u} outside the test matrix`);
    for (let e = test.userPtr[u]!; e < test.userPtr[u + 1]!; e++) {
      stamp[test.userItems[e]!] = test.userRatings[e]!;
    }
    for (let r = 0; r < n; r++) {
      const i = lists.items[k * n + r]!;
      if (i === PAD) continue;
      const rating = stamp[i]!;
      out[k * n + r] = Number.isNaN(rating) ? background : ratingRelevance(rating);
    }
    for (let e = test.userPtr[u]!; e < test.userPtr[u + 1]!; e++) stamp[test.userItems[e]!] = NaN;
  }
  return out;
}

/**
 * Click probabilities bias(r) · relevance, row-major `users × n`, from {@linkcode listRelevance}.
 *
 * @example
 * ```ts
 * import { clickProbabilities } from "./click_model.ts";
 * const p = clickProbabilities(Float64Array.of(1, 1, 1), 3);
 * if (p[2] !== 0.5) throw new Error("rank 3: 1/log2(4)");
 * ```
 */
export function clickProbabilities(relevance: Float64Array, n: number): Float64Array {
  return relevance.map((rel, k) => rel * positionBias((k % n) + 1));
}

/**
 * Per user, the cumulative distribution of the number of clicks (0..n) on a list with the given
 * click probabilities (a Poisson-binomial), so that one uniform draw gives a user's clicks.
 * Row-major `users × (n + 1)`.
 */
export class ClickSampler {
  /** Users. */
  readonly users: number;
  /** List length. */
  readonly n: number;
  /** Expected clicks per user. */
  readonly expected: Float64Array;
  /** Variance of each user's clicks (Σ p(1 − p) over the list). */
  readonly variance: Float64Array;
  readonly #cdf: Float64Array;

  /**
   * @param probabilities Row-major `users × n` click probabilities.
   * @param n List length.
   *
   * @example
   * ```ts
   * import { ClickSampler } from "./click_model.ts";
   * import { Rng } from "../stats/rng.ts";
   * const s = new ClickSampler(Float64Array.of(1, 0.5, 0, 0), 2);
   * const rng = new Rng(1);
   * const c = s.draw(0, rng);
   * if (c !== 1 && c !== 2) throw new Error("one sure click, one coin");
   * if (s.draw(1, rng) !== 0 || s.expected[0] !== 1.5) throw new Error();
   * ```
   */
  constructor(probabilities: Float64Array, n: number) {
    if (probabilities.length % n !== 0) {
      throw new RangeError("ClickSampler: length not a multiple of n");
    }
    this.n = n;
    this.users = probabilities.length / n;
    this.#cdf = new Float64Array(this.users * (n + 1));
    this.expected = new Float64Array(this.users);
    this.variance = new Float64Array(this.users);
    const dist = new Float64Array(n + 1);
    for (let u = 0; u < this.users; u++) {
      dist.fill(0);
      dist[0] = 1;
      for (let r = 0; r < n; r++) {
        const p = probabilities[u * n + r]!;
        this.expected[u]! += p;
        this.variance[u]! += p * (1 - p);
        for (let c = r + 1; c >= 1; c--) dist[c] = dist[c]! * (1 - p) + dist[c - 1]! * p;
        dist[0] = dist[0]! * (1 - p);
      }
      let acc = 0;
      for (let c = 0; c <= n; c++) this.#cdf[u * (n + 1) + c] = acc += dist[c]!;
    }
  }

  /** One draw of user `u`'s number of clicks. */
  draw(u: number, rng: Rng): number {
    const x = rng.next();
    const base = u * (this.n + 1);
    for (let c = 0; c < this.n; c++) if (x < this.#cdf[base + c]!) return c;
    return this.n;
  }
}

/**
 * Mean and variance over the population of one user's CTR (clicks / n): the between-user spread of
 * expected clicks plus each user's own click noise.
 *
 * @example
 * ```ts
 * import { ClickSampler, ctrMoments } from "./click_model.ts";
 * const m = ctrMoments(new ClickSampler(Float64Array.of(0.5, 0.5), 1));
 * if (m.mean !== 0.5 || m.variance !== 0.25) throw new Error(JSON.stringify(m));
 * ```
 */
export function ctrMoments(sampler: ClickSampler): { mean: number; variance: number } {
  const { users, n } = sampler;
  let m = 0, second = 0;
  for (let u = 0; u < users; u++) {
    const e = sampler.expected[u]!;
    m += e;
    second += sampler.variance[u]! + e * e;
  }
  m /= users * n;
  return { mean: m, variance: second / users / (n * n) - m * m };
}
