/**
 * AUC per user over all unseen items: for each user, the share of (held-out positive, other unseen
 * item) pairs the model orders correctly, ties counting one half. Every item the user has not
 * interacted with in train is a candidate — no sampled negatives (sampled metrics can even reverse
 * the order of two models: Krichene & Rendle, "On Sampled Metrics for Item Recommendation", 2020).
 *
 * @module
 */
import type { RatingMatrix } from "../data/types.ts";

/**
 * The AUC of one user's scores: positives are `positives` (dense items, any order), negatives
 * every other item that is not in `seen`; items in `seen` (the training interactions) are ignored.
 * AUC = P(score(pos) > score(neg)) + ½ P(equal). NaN when there is no positive or no negative.
 *
 * Time O(n log p) for n items and p positives (the positives' scores sorted, a binary search per
 * negative).
 *
 * @param scores One score per item (higher = recommended first); length = number of items.
 * @param seen Items to leave out (the user's training items).
 * @param positives Held-out positives (must not be in `seen`).
 * @returns The AUC in [0, 1], or NaN.
 *
 * @example
 * ```ts
 * import { userAuc } from "./auc.ts";
 * // Five items; item 0 was seen in train; item 2 is the held-out positive.
 * const scores = Float32Array.of(9, 0.3, 0.5, 0.7, 0.1);
 * // Negatives 1, 3, 4 (scores 0.3, 0.7, 0.1): the positive (0.5) beats two of three.
 * if (userAuc(scores, [0], [2]) !== 2 / 3) throw new Error("2 of 3 pairs ordered");
 * ```
 */
export function userAuc(
  scores: ArrayLike<number>,
  seen: ArrayLike<number>,
  positives: ArrayLike<number>,
): number {
  const n = scores.length;
  // 0 = negative candidate, 1 = positive, 2 = seen (skipped).
  const role = new Uint8Array(n);
  for (let j = 0; j < seen.length; j++) role[checkItem(seen[j]!, n, "seen")] = 2;
  let nPos = 0;
  for (let j = 0; j < positives.length; j++) {
    const i = checkItem(positives[j]!, n, "positives");
    if (role[i] === 2) throw new RangeError(`userAuc: positive item ${i} is also in seen`);
    if (role[i] === 0) nPos++;
    role[i] = 1;
  }
  let nNeg = 0;
  for (let i = 0; i < n; i++) if (role[i] === 0) nNeg++;
  if (nPos === 0 || nNeg === 0) return NaN;
  // The positives' scores, sorted (a short typed-array sort); then each negative counts the
  // positives above it (binary search) and half of those it ties with: O(n log n_pos).
  const above = new Float64Array(nPos);
  for (let i = 0, j = 0; i < n; i++) if (role[i] === 1) above[j++] = scores[i]!;
  above.sort();
  let ordered = 0;
  for (let i = 0; i < n; i++) {
    if (role[i] !== 0) continue;
    const s = scores[i]!;
    const atLeast = firstAtLeast(above, s);
    let over = atLeast;
    while (over < nPos && above[over] === s) over++;
    ordered += nPos - over + (over - atLeast) / 2;
  }
  return ordered / (nPos * nNeg);
}

/** The index of the first entry ≥ `value` in the ascending `sorted` (its length when none). */
function firstAtLeast(sorted: Float64Array, value: number): number {
  let lo = 0, hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function checkItem(i: number, n: number, name: string): number {
  if (!Number.isInteger(i) || i < 0 || i >= n) {
    throw new RangeError(`userAuc: ${name} holds ${i}, not an item index in 0..${n - 1}`);
  }
  return i;
}

/** Options of {@linkcode meanAuc}. */
export interface MeanAucOptions {
  /** Evaluate only these users (dense indices); default every user with a held-out positive. */
  users?: ArrayLike<number>;
}

/**
 * Mean per-user AUC over all unseen items: for each user with at least one held-out positive in
 * `test`, `scoreUser(u)` gives the scores of every item, the user's `train` items are left out and
 * {@linkcode userAuc} is averaged over the users.
 *
 * @param scoreUser Scores of all items for dense user `u` (length `train.nItems`).
 * @param train The training interactions (left out of each user's candidates).
 * @param test The held-out positives (every stored entry counts as a positive).
 * @param options `users` to evaluate a subset.
 * @returns `{ auc, users }`: the mean and how many users it averages.
 *
 * @example
 * ```ts
 * import { meanAuc } from "./auc.ts";
 * import { fromTriplets } from "../data/coo.ts";
 * const train = fromTriplets(2, 4, [0, 1], [0, 1], [1, 1], [0, 0]);
 * const test = fromTriplets(2, 4, [0, 1], [1, 2], [1, 1], [0, 0]);
 * // Item scores 3 > 2 > 1 > 0 for everyone: user 0 holds out item 1 (candidates 1, 2, 3: AUC 1),
 * // user 1 item 2 (candidates 0, 2, 3: beats 3 only, AUC 1/2).
 * const { auc, users } = meanAuc(() => Float32Array.of(3, 2, 1, 0), train, test);
 * if (users !== 2 || auc !== 0.75) throw new Error(`${auc}`);
 * ```
 */
export function meanAuc(
  scoreUser: (user: number) => ArrayLike<number>,
  train: RatingMatrix,
  test: RatingMatrix,
  options: MeanAucOptions = {},
): { auc: number; users: number } {
  if (train.nUsers !== test.nUsers || train.nItems !== test.nItems) {
    throw new RangeError(
      `meanAuc: train is ${train.nUsers} × ${train.nItems}, test ${test.nUsers} × ${test.nItems}`,
    );
  }
  const users = options.users ?? Array.from({ length: test.nUsers }, (_, u) => u);
  let sum = 0;
  let count = 0;
  for (let j = 0; j < users.length; j++) {
    const u = users[j]!;
    const positives = test.userItems.subarray(test.userPtr[u]!, test.userPtr[u + 1]!);
    if (positives.length === 0) continue;
    const scores = scoreUser(u);
    if (scores.length !== train.nItems) {
      throw new RangeError(
        `meanAuc: scoreUser(${u}) gave ${scores.length} scores, expected ${train.nItems}`,
      );
    }
    const seen = train.userItems.subarray(train.userPtr[u]!, train.userPtr[u + 1]!);
    const auc = userAuc(scores, seen, positives);
    if (Number.isNaN(auc)) continue;
    sum += auc;
    count++;
  }
  return { auc: sum / count, users: count };
}
