/**
 * Who watches what: genre shares by demographic segment as lifts with confidence intervals, a χ²
 * test of independence per demographic, and rating level by segment — done with the **user** as
 * the unit. A user's ratings are not independent trials (each person has tastes), so a χ² on
 * rating counts treated as independent over-states significance; here the χ² statistic is
 * referred to its permutation distribution (segment labels shuffled over users), and lifts are
 * ratios of per-user genre shares, tested with Welch's t over users. The classical χ² p-value
 * (stdlib) is reported next to it, to show the difference.
 *
 * @module
 */
import type { Dataset } from "../data/types.ts";
import { movieRowOfItem } from "./genres.ts";
import { tCdf, tQuantile } from "../deps/stdlib.ts";
import { chiSquareIndependence, kruskalWallis, welchTTest } from "./hypothesis.ts";
import type { EffectResult, TestResult } from "./hypothesis.ts";
import { Rng, shuffle } from "./rng.ts";

/** Genre tag counts per user: the input of the segment analyses. */
export interface UserGenreCounts {
  /** Users (rows). */
  readonly users: number;
  /** Genre names (columns). */
  readonly genreNames: readonly string[];
  /** Row-major users × genres: how many of the user's rated movies carry each genre. */
  readonly counts: Float64Array;
  /** Genre tags per user (a movie with three genres counts three times). */
  readonly tags: Float64Array;
}

/**
 * Counts, per dense user, the genres of the movies they rated (a movie with k genres adds one to
 * each of its k genres). Movies missing from the catalogue count nowhere.
 *
 * @example
 * ```ts
 * import { userGenreCounts } from "./segments.ts";
 * import { fromTriplets } from "../data/coo.ts";
 * import type { Dataset } from "../data/types.ts";
 * const ds = {
 *   ratings: fromTriplets(2, 2, [0, 0, 1], [0, 1, 1], [4, 5, 3], [0, 0, 0]),
 *   itemIds: Uint32Array.of(10, 20),
 *   movies: { movieIds: Uint32Array.of(10, 20), genreNames: ["A", "B"],
 *     genrePtr: Uint32Array.of(0, 2, 3), genreIdx: Uint8Array.of(0, 1, 1) },
 * } as unknown as Dataset;
 * const c = userGenreCounts(ds);
 * if ([...c.counts].join() !== "1,2,0,1" || [...c.tags].join() !== "3,1") throw new Error();
 * ```
 */
export function userGenreCounts(
  ds: Pick<Dataset, "ratings" | "itemIds" | "movies">,
): UserGenreCounts {
  const { ratings: m, movies } = ds;
  const G = movies.genreNames.length;
  const rows = movieRowOfItem(ds.itemIds, movies);
  const counts = new Float64Array(m.nUsers * G);
  const tags = new Float64Array(m.nUsers);
  for (let u = 0; u < m.nUsers; u++) {
    for (let e = m.userPtr[u]!; e < m.userPtr[u + 1]!; e++) {
      const row = rows[m.userItems[e]!]!;
      if (row < 0) continue;
      for (let k = movies.genrePtr[row]!; k < movies.genrePtr[row + 1]!; k++) {
        counts[u * G + movies.genreIdx[k]!]! += 1;
        tags[u]! += 1;
      }
    }
  }
  return { users: m.nUsers, genreNames: movies.genreNames, counts, tags };
}

function checkGroups(groups: ArrayLike<number>, users: number, nGroups: number, caller: string) {
  if (groups.length !== users) {
    throw new RangeError(`${caller}: ${groups.length} group labels for ${users} users`);
  }
  for (let u = 0; u < users; u++) {
    const g = groups[u]!;
    if (!Number.isInteger(g) || g < 0 || g >= nGroups) {
      throw new RangeError(`${caller}: groups[${u}] = ${g}, expected 0..${nGroups - 1}`);
    }
  }
}

/** One segment × genre lift. */
export interface GenreLift {
  /** Segment index. */
  readonly group: number;
  /** Genre index. */
  readonly genre: number;
  /** Users in the segment. */
  readonly users: number;
  /** Mean over the segment's users of the genre's share of their genre tags. */
  readonly share: number;
  /** The same mean over everyone else. */
  readonly restShare: number;
  /** share / restShare. */
  readonly lift: number;
  /** CI of the lift (Welch t on the log scale, users as the units). */
  readonly ci: readonly [number, number];
  /** t of log lift. */
  readonly t: number;
  /** Welch–Satterthwaite degrees of freedom. */
  readonly df: number;
  /** Two-sided p-value. */
  readonly pValue: number;
}

/**
 * The lift of every genre in every segment: the mean over the segment's users of the genre's share
 * of their genre tags, over the same mean for everyone else — each **person** counts once, however
 * many movies they rated (a ratio of rating counts would let a few heavy raters speak for a
 * segment, and its standard error is too small when they do). The CI and test of lift = 1 are
 * Welch's on the log scale: var(log m) ≈ s² / (n m²) per side, Welch–Satterthwaite df, stdlib t.
 * Segments with fewer than `minUsers` users, and genres absent from a side, are skipped.
 *
 * @param table From {@linkcode userGenreCounts}.
 * @param groups Segment of each user, 0..nGroups−1.
 * @param nGroups Number of segments.
 * @param options `alpha` (default 0.05), `minUsers` (default 5).
 * @returns One row per (segment, genre).
 *
 * @example
 * ```ts
 * import { genreLifts } from "./segments.ts";
 * // 6 users × 2 genres; users 0–2 (segment 1) give genre 0 about three quarters of their tags.
 * const table = { users: 6, genreNames: ["A", "B"],
 *   counts: Float64Array.of(6, 2, 3, 1, 7, 3, 2, 6, 1, 3, 3, 7), tags: Float64Array.of(8, 4, 10, 8, 4, 10) };
 * const rows = genreLifts(table, [1, 1, 1, 0, 0, 0], 2, { minUsers: 3 });
 * const a = rows.find((r) => r.group === 1 && r.genre === 0)!;
 * if (Math.abs(a.lift - (0.75 + 0.75 + 0.7) / (0.25 + 0.25 + 0.3)) > 1e-12) throw new Error();
 * if (!(a.pValue < 0.01 && a.ci[0] > 2)) throw new Error(JSON.stringify(a));
 * ```
 */
export function genreLifts(
  table: UserGenreCounts,
  groups: ArrayLike<number>,
  nGroups: number,
  options: { alpha?: number; minUsers?: number } = {},
): GenreLift[] {
  const { users, counts, tags } = table;
  const G = table.genreNames.length;
  checkGroups(groups, users, nGroups, "genreLifts");
  const alpha = options.alpha ?? 0.05;
  const minUsers = options.minUsers ?? 5;
  // Per genre: Σ share and Σ share² over all users and per segment.
  const n = new Float64Array(nGroups);
  const s1 = new Float64Array(nGroups * G), s2 = new Float64Array(nGroups * G);
  for (let u = 0; u < users; u++) {
    if (!(tags[u]! > 0)) continue;
    const g = groups[u]!;
    n[g]!++;
    for (let j = 0; j < G; j++) {
      const x = counts[u * G + j]! / tags[u]!;
      s1[g * G + j]! += x;
      s2[g * G + j]! += x * x;
    }
  }
  const nAll = n.reduce((a, b) => a + b, 0);
  const out: GenreLift[] = [];
  for (let g = 0; g < nGroups; g++) {
    const n1 = n[g]!, n2 = nAll - n1;
    if (n1 < minUsers || n2 < minUsers) continue;
    for (let j = 0; j < G; j++) {
      let t1 = 0, t2 = 0;
      for (let h = 0; h < nGroups; h++) {
        t1 += s1[h * G + j]!;
        t2 += s2[h * G + j]!;
      }
      const a1 = s1[g * G + j]!, a2 = s2[g * G + j]!;
      const m1 = a1 / n1, m2 = (t1 - a1) / n2;
      if (!(m1 > 0 && m2 > 0)) continue;
      const v1 = Math.max(0, (a2 - n1 * m1 * m1) / (n1 - 1));
      const v2 = Math.max(0, (t2 - a2 - n2 * m2 * m2) / (n2 - 1));
      const e1 = v1 / (n1 * m1 * m1), e2 = v2 / (n2 * m2 * m2);
      const se = Math.sqrt(e1 + e2);
      if (!(se > 0)) continue;
      const df = (e1 + e2) ** 2 / ((e1 * e1) / (n1 - 1) + (e2 * e2) / (n2 - 1));
      const lift = m1 / m2;
      const t = Math.log(lift) / se;
      const q = tQuantile(1 - alpha / 2, df);
      out.push({
        group: g,
        genre: j,
        users: n1,
        share: m1,
        restShare: m2,
        lift,
        ci: [lift * Math.exp(-q * se), lift * Math.exp(q * se)],
        t,
        df,
        pValue: 2 * tCdf(-Math.abs(t), df),
      });
    }
  }
  return out;
}

/** The result of {@linkcode genreIndependence}. */
export interface IndependenceResult extends TestResult {
  /** The classical χ² p-value, treating every genre tag as an independent trial (stdlib). */
  readonly pValueNaive: number;
  /** The permutation p-value (segment labels shuffled over users): `pValue` is this one. */
  readonly pValuePermutation: number;
  /** Permutations drawn. */
  readonly permutations: number;
}

function chiSquareStatistic(table: Float64Array, nGroups: number, G: number): number {
  const rowSum = new Float64Array(nGroups), colSum = new Float64Array(G);
  let total = 0;
  for (let g = 0; g < nGroups; g++) {
    for (let j = 0; j < G; j++) {
      const v = table[g * G + j]!;
      rowSum[g]! += v;
      colSum[j]! += v;
      total += v;
    }
  }
  let x2 = 0;
  for (let g = 0; g < nGroups; g++) {
    if (rowSum[g] === 0) continue;
    for (let j = 0; j < G; j++) {
      if (colSum[j] === 0) continue;
      const e = (rowSum[g]! * colSum[j]!) / total;
      x2 += (table[g * G + j]! - e) ** 2 / e;
    }
  }
  return x2;
}

/**
 * χ² test of independence of segment and genre. The statistic is Pearson's X² of the segment ×
 * genre table of genre tags; its p-value comes from `permutations` random relabellings of the
 * users (p = (1 + #{X²_perm ≥ X²}) / (1 + permutations)), which keeps each user's ratings
 * together and so stays valid when users differ in taste. The classical p-value is returned as
 * `pValueNaive` for comparison.
 *
 * @example
 * ```ts
 * import { genreIndependence } from "./segments.ts";
 * const table = { users: 4, genreNames: ["A", "B"], counts: Float64Array.of(6, 2, 5, 3, 2, 6, 3, 5),
 *   tags: Float64Array.of(8, 8, 8, 8) };
 * const r = genreIndependence(table, [1, 1, 0, 0], 2, { permutations: 99, seed: 1 });
 * // Only 3 distinct splits of 4 users into 2 + 2 reach the observed X²: p ≈ 1/3, not tiny.
 * if (!(r.pValueNaive < 0.05 && r.pValuePermutation > 0.2)) throw new Error(JSON.stringify(r));
 * ```
 */
export function genreIndependence(
  table: UserGenreCounts,
  groups: ArrayLike<number>,
  nGroups: number,
  options: { permutations?: number; seed?: number } = {},
): IndependenceResult {
  const { users, counts } = table;
  const G = table.genreNames.length;
  checkGroups(groups, users, nGroups, "genreIndependence");
  const permutations = options.permutations ?? 999;
  const build = (labels: ArrayLike<number>) => {
    const t = new Float64Array(nGroups * G);
    for (let u = 0; u < users; u++) {
      const base = labels[u]! * G;
      for (let j = 0; j < G; j++) t[base + j]! += counts[u * G + j]!;
    }
    return t;
  };
  const observed = build(groups);
  const x2 = chiSquareStatistic(observed, nGroups, G);
  const rows = Array.from(
    { length: nGroups },
    (_, g) => Array.from(observed.subarray(g * G, (g + 1) * G)),
  );
  const naive = chiSquareIndependence(rows);
  const rng = new Rng(options.seed ?? 1);
  const labels = Int32Array.from({ length: users }, (_, u) => groups[u]!);
  let atLeast = 0;
  for (let p = 0; p < permutations; p++) {
    shuffle(rng, labels);
    if (chiSquareStatistic(build(labels), nGroups, G) >= x2 - 1e-9 * x2) atLeast++;
  }
  const pPerm = (1 + atLeast) / (1 + permutations);
  return {
    statistic: x2,
    df: naive.df,
    pValue: pPerm,
    pValueNaive: naive.pValue,
    pValuePermutation: pPerm,
    permutations,
  };
}

/** Mean rating of each dense user (NaN for a user with no ratings). */
export function userMeanRatings(m: Dataset["ratings"]): Float64Array {
  const out = new Float64Array(m.nUsers);
  for (let u = 0; u < m.nUsers; u++) {
    let s = 0;
    const a = m.userPtr[u]!, b = m.userPtr[u + 1]!;
    for (let e = a; e < b; e++) s += m.userRatings[e]!;
    out[u] = b > a ? s / (b - a) : NaN;
  }
  return out;
}

/** The result of {@linkcode ratingLevelBySegment}. */
export interface RatingLevelResult {
  /** Kruskal–Wallis across all segments (users' mean ratings as the units). */
  readonly kruskal: TestResult;
  /** Per segment: Welch t of its users' mean ratings against everyone else's. */
  readonly segments: (EffectResult & { group: number; users: number; mean: number })[];
}

/**
 * Rating level by segment with the user as the unit: each user's mean rating; Kruskal–Wallis
 * across segments; and for each segment (at least `minUsers` users) Welch's t against the rest.
 *
 * @example
 * ```ts
 * import { ratingLevelBySegment } from "./segments.ts";
 * const means = Float64Array.of(4.1, 4.3, 4.2, 4.4, 3.1, 3.3, 3.2, 3.0);
 * const r = ratingLevelBySegment(means, [1, 1, 1, 1, 0, 0, 0, 0], 2, { minUsers: 3 });
 * if (!(r.kruskal.pValue < 0.05 && Math.abs(r.segments[1]!.estimate - 1.1) < 1e-9)) throw new Error();
 * ```
 */
export function ratingLevelBySegment(
  userMeans: ArrayLike<number>,
  groups: ArrayLike<number>,
  nGroups: number,
  options: { alpha?: number; minUsers?: number } = {},
): RatingLevelResult {
  checkGroups(groups, userMeans.length, nGroups, "ratingLevelBySegment");
  const byGroup: number[][] = Array.from({ length: nGroups }, () => []);
  for (let u = 0; u < userMeans.length; u++) {
    const v = userMeans[u]!;
    if (Number.isFinite(v)) byGroup[groups[u]!]!.push(v);
  }
  const minUsers = options.minUsers ?? 5;
  const segments: RatingLevelResult["segments"] = [];
  for (let g = 0; g < nGroups; g++) {
    const inside = byGroup[g]!;
    const rest = byGroup.flatMap((v, h) => (h === g ? [] : v));
    if (inside.length < minUsers || rest.length < 2) continue;
    const t = welchTTest(inside, rest, { alpha: options.alpha });
    segments.push({
      ...t,
      group: g,
      users: inside.length,
      mean: inside.reduce((s, x) => s + x, 0) / inside.length,
    });
  }
  return { kruskal: kruskalWallis(byGroup.filter((v) => v.length >= minUsers)), segments };
}
