/**
 * Averages over a block of a similarity matrix: how alike the members of one group are, and how
 * alike two groups are (notebook 04: family films with each other, family films with horror).
 *
 * @example
 * ```ts
 * import { meanSimilarity } from "./similarity.ts";
 * const sim = [[1, 0.8, 0.1], [0.8, 1, 0.3], [0.1, 0.3, 1]];
 * if (meanSimilarity(sim, [0, 1]) !== 0.8) throw new Error("within: the off-diagonal pair");
 * if (Math.abs(meanSimilarity(sim, [0, 1], [2]) - 0.2) > 1e-12) throw new Error("across");
 * ```
 *
 * @module
 */

/**
 * The mean of `sim[a][b]` over `a` in `rows` and `b` in `cols`. Without `cols`, the mean within
 * `rows`: every ordered pair of two different members (the diagonal, a member with itself, is
 * left out). Throws when there is no pair to average, or an index is outside the matrix.
 *
 * @param sim A square similarity matrix (e.g. from `cosineMatrix`).
 * @param rows Indices of the first group.
 * @param cols Indices of the second group; omitted: within `rows`.
 * @returns The mean similarity.
 *
 * @example
 * ```ts
 * import { meanSimilarity } from "./similarity.ts";
 * const sim = [[1, 0.5], [0.5, 1]];
 * let refused = false;
 * try { meanSimilarity(sim, [0]); } catch { refused = true; }
 * if (!refused) throw new Error("one member has no pair");
 * if (meanSimilarity(sim, [0], [0, 1]) !== 0.75) throw new Error("(1 + 0.5) / 2");
 * ```
 */
export function meanSimilarity(
  sim: readonly (readonly number[])[],
  rows: readonly number[],
  cols?: readonly number[],
): number {
  const within = cols === undefined;
  const other = cols ?? rows;
  let sum = 0, pairs = 0;
  for (const a of rows) {
    for (const b of other) {
      if (within && a === b) continue;
      const v = sim[a]?.[b];
      if (v === undefined) {
        throw new RangeError(
          `meanSimilarity: index (${a}, ${b}) is outside the ${sim.length} × ${sim.length} matrix`,
        );
      }
      sum += v;
      pairs++;
    }
  }
  if (pairs === 0) {
    throw new RangeError(
      `meanSimilarity: no pair to average (${rows.length} rows` +
        `${within ? ", within" : `, ${other.length} columns`})`,
    );
  }
  return sum / pairs;
}
