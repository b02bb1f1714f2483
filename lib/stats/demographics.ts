/**
 * One call for the demographic analysis of a dataset with a users table (ML-100K, ML-1M): for
 * gender, age bucket and occupation, the χ² test of genre independence (permutation over users),
 * every segment × genre lift with its CI, rating level by segment, Benjamini–Hochberg across the
 * lot, and the sentences a careful analyst may print — only for effects that survive it.
 *
 * @module
 */
import type { Dataset } from "../data/types.ts";
import { AGE_BUCKETS, GENDERS } from "../data/users.ts";
import { benjaminiHochberg } from "./hypothesis.ts";
import {
  genreIndependence,
  genreLifts,
  ratingLevelBySegment,
  userGenreCounts,
  userMeanRatings,
} from "./segments.ts";
import type { GenreLift, IndependenceResult, RatingLevelResult } from "./segments.ts";

/** One demographic's results. */
export interface DemographicFamily {
  /** "gender", "age" or "occupation". */
  readonly name: string;
  /** Level names. */
  readonly levels: readonly string[];
  /** Users per level. */
  readonly users: Uint32Array;
  /** Segment × genre independence. */
  readonly independence: IndependenceResult;
  /** BH-adjusted p of `independence` across the three families. */
  readonly independenceQ: number;
  /** Rating level by segment (user means). */
  readonly ratingLevel: RatingLevelResult;
  /** BH-adjusted Kruskal–Wallis p across the three families. */
  readonly ratingLevelQ: number;
}

/** A lift with its names and BH-adjusted p-value. */
export interface NamedLift extends GenreLift {
  /** Demographic. */
  readonly family: string;
  /** Segment name. */
  readonly level: string;
  /** Genre name. */
  readonly genreName: string;
  /** BH-adjusted p-value across every cell of every family. */
  readonly q: number;
  /** The family's χ² is significant and this cell is a BH discovery. */
  readonly discovery: boolean;
}

/** A rating-level contrast (segment against the rest) with names and BH-adjusted p. */
export interface NamedLevel {
  /** Demographic. */
  readonly family: string;
  /** Segment name. */
  readonly level: string;
  /** Users in the segment. */
  readonly users: number;
  /** Mean of the segment's user means. */
  readonly mean: number;
  /** Segment − rest, stars. */
  readonly difference: number;
  /** CI of the difference. */
  readonly ci: readonly [number, number];
  /** Welch p. */
  readonly pValue: number;
  /** BH-adjusted across every contrast of every family. */
  readonly q: number;
  /** The family's Kruskal–Wallis is significant and this contrast is a BH discovery. */
  readonly discovery: boolean;
}

/** The result of {@linkcode demographicReport}. */
export interface DemographicReport {
  /** The false discovery rate used. */
  readonly q: number;
  /** Per demographic. */
  readonly families: DemographicFamily[];
  /** Every segment × genre lift. */
  readonly lifts: NamedLift[];
  /** Every segment-against-the-rest rating contrast. */
  readonly levels: NamedLevel[];
  /** "X prefer Y" and "X rate higher" sentences, only for discoveries. */
  readonly sentences: string[];
}

/**
 * The demographic analysis of `ds` (which must have `users`). Defaults: q = 0.05, 999
 * permutations, seed 1, segments of at least 10 users.
 *
 * @example
 * ```ts
 * import { demographicReport } from "./demographics.ts";
 * import { generateSyntheticClassic } from "../data/synthetic_classic.ts";
 * import { loadMovieLens } from "../data/load.ts";
 * const root = await Deno.makeTempDir();
 * const out = await generateSyntheticClassic(`${root}/s`, "ml-100k", { users: 400, movies: 600, ratings: 40_000 });
 * const report = demographicReport(await loadMovieLens(out.dir), { permutations: 99 });
 * await Deno.remove(root, { recursive: true });
 * if (report.families.map((f) => f.name).join() !== "gender,age,occupation") throw new Error();
 * ```
 */
export function demographicReport(
  ds: Dataset,
  options: { q?: number; permutations?: number; seed?: number; minUsers?: number } = {},
): DemographicReport {
  const users = ds.users;
  if (users === undefined) {
    throw new Error(`${ds.name}: no users table (demographics come with ML-100K and ML-1M)`);
  }
  const q = options.q ?? 0.05;
  const minUsers = options.minUsers ?? 10;
  const table = userGenreCounts(ds);
  const means = userMeanRatings(ds.ratings);
  const specs = [
    { name: "gender", levels: GENDERS, groups: users.genders },
    { name: "age", levels: AGE_BUCKETS.map((b) => b.name), groups: users.ageBuckets },
    { name: "occupation", levels: users.occupationNames, groups: users.occupations },
  ];
  const partial = specs.map((s, k) => {
    const counts = new Uint32Array(s.levels.length);
    for (const g of s.groups) counts[g]!++;
    return {
      name: s.name,
      levels: s.levels,
      users: counts,
      independence: genreIndependence(table, s.groups, s.levels.length, {
        permutations: options.permutations ?? 999,
        seed: (options.seed ?? 1) + k,
      }),
      ratingLevel: ratingLevelBySegment(means, s.groups, s.levels.length, { minUsers }),
      lifts: genreLifts(table, s.groups, s.levels.length, { minUsers }),
    };
  });
  const indQ = benjaminiHochberg(partial.map((f) => f.independence.pValue), q).adjusted;
  const lvlQ = benjaminiHochberg(partial.map((f) => f.ratingLevel.kruskal.pValue), q).adjusted;
  const families: DemographicFamily[] = partial.map((f, k) => ({
    name: f.name,
    levels: f.levels,
    users: f.users,
    independence: f.independence,
    independenceQ: indQ[k]!,
    ratingLevel: f.ratingLevel,
    ratingLevelQ: lvlQ[k]!,
  }));
  const allLifts = partial.flatMap((f, k) => f.lifts.map((l) => ({ l, k })));
  const liftQ = benjaminiHochberg(allLifts.map(({ l }) => l.pValue), q).adjusted;
  const lifts: NamedLift[] = allLifts.map(({ l, k }, j) => ({
    ...l,
    family: partial[k]!.name,
    level: partial[k]!.levels[l.group]!,
    genreName: table.genreNames[l.genre]!,
    q: liftQ[j]!,
    discovery: indQ[k]! <= q && liftQ[j]! <= q,
  }));
  const allLevels = partial.flatMap((f, k) => f.ratingLevel.segments.map((s) => ({ s, k })));
  const levelQ = benjaminiHochberg(allLevels.map(({ s }) => s.pValue), q).adjusted;
  const levels: NamedLevel[] = allLevels.map(({ s, k }, j) => ({
    family: partial[k]!.name,
    level: partial[k]!.levels[s.group]!,
    users: s.users,
    mean: s.mean,
    difference: s.estimate,
    ci: s.ci,
    pValue: s.pValue,
    q: levelQ[j]!,
    discovery: lvlQ[k]! <= q && levelQ[j]! <= q,
  }));
  const sentences = [
    ...lifts.filter((l) => l.discovery).sort((a, b) => a.q - b.q).map((l) =>
      `${l.family} "${l.level}" ${l.lift > 1 ? "over" : "under"}-weight ${l.genreName}: ` +
      `lift ${l.lift.toFixed(2)} (95% CI ${l.ci[0].toFixed(2)}–${l.ci[1].toFixed(2)}), ` +
      `q = ${l.q.toExponential(1)}`
    ),
    ...levels.filter((l) => l.discovery).sort((a, b) => a.q - b.q).map((l) =>
      `${l.family} "${l.level}" rate ${l.difference > 0 ? "higher" : "lower"} than the rest by ` +
      `${Math.abs(l.difference).toFixed(2)} stars (95% CI ${l.ci[0].toFixed(2)} to ` +
      `${l.ci[1].toFixed(2)}), q = ${l.q.toExponential(1)}`
    ),
  ];
  return { q, families, lifts, levels, sentences };
}
