/**
 * A dataset card: the handful of numbers that describe a rating dataset at a glance.
 *
 * @module
 */
import type { Dataset } from "./types.ts";

/** The numbers of {@linkcode summarize}. */
export interface DatasetSummary {
  /** Dataset folder name. */
  name: string;
  /** Number of ratings. */
  ratings: number;
  /** Users with at least one rating. */
  users: number;
  /** Movies with at least one rating. */
  moviesRated: number;
  /** Movies in movies.csv (0 when absent). */
  moviesInCatalogue: number;
  /** ratings / (users × moviesRated). */
  density: number;
  /** 1 − density. */
  sparsity: number;
  /** Smallest and largest rating. */
  ratingMin: number;
  /** Largest rating. */
  ratingMax: number;
  /** Mean rating. */
  ratingMean: number;
  /** Standard deviation of the ratings (population). */
  ratingSd: number;
  /** Earliest rating time. */
  first: Date;
  /** Latest rating time. */
  last: Date;
  /** Seconds the load took. */
  loadSeconds: number;
  /** Whether the binary cache served the ratings. */
  fromCache: boolean;
  /** Where the binary caches are (absent when caching was off). */
  cacheDir?: string;
}

/**
 * Computes the dataset card of a loaded dataset in one pass over the ratings.
 *
 * @example
 * ```ts
 * import { summarize } from "./summary.ts";
 * import { loadMovieLens } from "./load.ts";
 * const ds = await loadMovieLens("../shared/data/ml-latest-small", { cache: false });
 * const s = summarize(ds);
 * if (s.ratings !== 100_836 || s.users !== 610 || s.ratingMin !== 0.5) throw new Error("counts");
 * if (Math.abs(s.density - 0.017) > 0.001) throw new Error("about 1.7 % of cells rated");
 * ```
 */
export function summarize(ds: Dataset): DatasetSummary {
  const m = ds.ratings;
  let sum = 0;
  let sumSq = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let e = 0; e < m.nnz; e++) {
    const r = m.userRatings[e]!;
    sum += r;
    sumSq += r * r;
    if (r < min) min = r;
    if (r > max) max = r;
  }
  let first = Infinity;
  let last = -Infinity;
  for (let e = 0; e < m.nnz; e++) {
    const t = m.userTimes[e]!;
    if (t < first) first = t;
    if (t > last) last = t;
  }
  const n = Math.max(m.nnz, 1);
  const mean = sum / n;
  const density = m.nnz / Math.max(1, m.nUsers * m.nItems);
  return {
    name: ds.name,
    ratings: m.nnz,
    users: m.nUsers,
    moviesRated: m.nItems,
    moviesInCatalogue: ds.movies.movieIds.length,
    density,
    sparsity: 1 - density,
    ratingMin: m.nnz ? min : 0,
    ratingMax: m.nnz ? max : 0,
    ratingMean: mean,
    ratingSd: Math.sqrt(Math.max(0, sumSq / n - mean * mean)),
    first: new Date((m.nnz ? first : 0) * 1000),
    last: new Date((m.nnz ? last : 0) * 1000),
    loadSeconds: ds.loadSeconds,
    fromCache: ds.fromCache,
    ...(ds.cacheDir === undefined ? {} : { cacheDir: ds.cacheDir }),
  };
}

/**
 * The dataset card as aligned text lines, for terminals and notebooks.
 *
 * @example
 * ```ts
 * import { formatSummary, summarize } from "./summary.ts";
 * import { loadMovieLens } from "./load.ts";
 * const ds = await loadMovieLens("../shared/data/ml-latest-small", { cache: false });
 * const card = formatSummary(summarize(ds));
 * if (!card.split("\n").includes("ratings              100,836")) throw new Error("aligned rows");
 * ```
 */
export function formatSummary(s: DatasetSummary): string {
  const int = (x: number) => x.toLocaleString("en-US");
  const day = (d: Date) => d.toISOString().slice(0, 10);
  const rows: [string, string][] = [
    ["dataset", s.name],
    ["ratings", int(s.ratings)],
    ["users", int(s.users)],
    ["movies rated", int(s.moviesRated)],
    ["movies in catalogue", s.moviesInCatalogue ? int(s.moviesInCatalogue) : "(no movies.csv)"],
    ["density", `${(s.density * 100).toFixed(3)} %`],
    ["sparsity", `${(s.sparsity * 100).toFixed(3)} %`],
    ["rating range", `${s.ratingMin} – ${s.ratingMax}`],
    ["mean ± sd rating", `${s.ratingMean.toFixed(3)} ± ${s.ratingSd.toFixed(3)}`],
    ["time span (UTC)", `${day(s.first)} – ${day(s.last)}`],
    [
      "load seconds",
      `${s.loadSeconds.toFixed(2)}${s.fromCache ? " (binary cache)" : " (parsed CSV)"}`,
    ],
    ...(s.cacheDir === undefined ? [] : [["cache folder", s.cacheDir] as [string, string]]),
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join("\n");
}
