/**
 * How much of a user's rating happens right after sign-up: the share of ratings given within a
 * window (default 24 hours) of the user's first rating. MovieLens asks new users to rate movies
 * before it recommends anything, so much of the data arrives in such first sessions.
 *
 * @example
 * ```ts
 * import { firstDayShare } from "./sessions.ts";
 * import type { RatingMatrix } from "../data/types.ts";
 * // one user: two ratings on day 0, one 10 days later
 * const m = {
 *   nUsers: 1, nnz: 3, userPtr: new Uint32Array([0, 3]),
 *   userTimes: new Uint32Array([100, 5000, 864100]),
 * } as unknown as RatingMatrix;
 * if (firstDayShare(m).share !== 2 / 3) throw new Error("two of three on the first day");
 * ```
 *
 * @module
 */

import type { RatingMatrix } from "../data/types.ts";
import { quantileSorted } from "./summary.ts";

/** Result of {@linkcode firstDayShare}. */
export interface FirstDayShare {
  /** Fraction of all ratings given within the window after their user's first rating. */
  readonly share: number;
  /** Median over users of the fraction of their own ratings given in that window. */
  readonly medianUserShare: number;
  /** Fraction of users who gave every one of their ratings in that window. */
  readonly allInWindow: number;
  /** Users with at least one rating (the users counted). */
  readonly users: number;
  /** The window in seconds. */
  readonly seconds: number;
}

/**
 * For each user, counts the ratings with timestamp < (first timestamp + `seconds`), default 86400
 * (24 hours); returns the overall share, the median per-user share and the fraction of users
 * whose ratings all fall in the window. Users without ratings are skipped. One pass over the CSR
 * timestamps.
 *
 * @example
 * ```ts
 * import { firstDayShare } from "./sessions.ts";
 * import type { RatingMatrix } from "../data/types.ts";
 * const m = {
 *   nUsers: 2, nnz: 2, userPtr: new Uint32Array([0, 1, 2]), userTimes: new Uint32Array([7, 9]),
 * } as unknown as RatingMatrix;
 * if (firstDayShare(m, { seconds: 60 }).allInWindow !== 1) throw new Error("single ratings");
 * ```
 */
export function firstDayShare(
  m: Pick<RatingMatrix, "nUsers" | "nnz" | "userPtr" | "userTimes">,
  options: { seconds?: number } = {},
): FirstDayShare {
  const seconds = options.seconds ?? 86400;
  if (!(seconds > 0) || !Number.isFinite(seconds)) {
    throw new Error(`firstDayShare: seconds must be a positive number, got ${seconds}`);
  }
  if (m.userPtr.length !== m.nUsers + 1 || m.userTimes.length !== m.nnz) {
    throw new Error(
      `firstDayShare: userPtr has ${m.userPtr.length} entries (expected nUsers + 1 = ${
        m.nUsers + 1
      }) and userTimes ${m.userTimes.length} (expected nnz = ${m.nnz})`,
    );
  }
  const perUser = new Float64Array(m.nUsers);
  let users = 0;
  let inWindow = 0;
  let all = 0;
  let complete = 0;
  for (let u = 0; u < m.nUsers; u++) {
    const begin = m.userPtr[u]!;
    const end = m.userPtr[u + 1]!;
    if (end === begin) continue;
    let first = Infinity;
    for (let k = begin; k < end; k++) first = Math.min(first, m.userTimes[k]!);
    let early = 0;
    for (let k = begin; k < end; k++) if (m.userTimes[k]! < first + seconds) early++;
    perUser[users++] = early / (end - begin);
    inWindow += early;
    all += end - begin;
    if (early === end - begin) complete++;
  }
  if (users === 0) throw new Error("firstDayShare: no user has a rating");
  const sorted = perUser.subarray(0, users).sort();
  return {
    share: inWindow / all,
    medianUserShare: quantileSorted(sorted, 0.5),
    allInWindow: complete / users,
    users,
    seconds,
  };
}
