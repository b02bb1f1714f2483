/**
 * Looking inside learned factors: 2-D projections of item vectors (PCA with ml-pca, UMAP with
 * umap-js driven by the library's seeded {@linkcode Rng}), cosine similarities, genre centroids and
 * the genre make-up of each projected axis.
 *
 * Factors are row-major `Float32Array`s of `n × k` (row `i` = `factors[i*k .. (i+1)*k]`), the layout
 * the ALS models use. Every function takes the rows to use (`items`), so a projection can be limited
 * to well-rated movies, whose vectors are estimated from many ratings.
 *
 * The cosine of two item vectors,
 * $\cos(q_i, q_j) = q_i^\top q_j / (\lVert q_i\rVert\,\lVert q_j\rVert)$, ignores their lengths; with
 * ALS the length mostly tracks how often and how extremely a movie is rated, the direction tracks
 * *which* users like it, so the projections use unit-length rows by default.
 *
 * @module
 */

import { PCA } from "../deps/ml.ts";
import { UMAP } from "../deps/ml.ts";
import type { ItemGenres } from "../data/catalogue.ts";
import { Rng } from "../stats/rng.ts";

function checkShape(fn: string, factors: Float32Array, k: number): number {
  if (!Number.isInteger(k) || k < 1) {
    throw new Error(`${fn}: k must be a whole number ≥ 1, got ${k}`);
  }
  if (factors.length % k !== 0) {
    throw new Error(`${fn}: factors has length ${factors.length}, expected a multiple of k = ${k}`);
  }
  return factors.length / k;
}

function checkItems(fn: string, items: ArrayLike<number>, n: number): void {
  for (let j = 0; j < items.length; j++) {
    const i = items[j]!;
    if (!Number.isInteger(i) || i < 0 || i >= n) {
      throw new Error(`${fn}: items[${j}] = ${i}, expected a row index in 0..${n - 1}`);
    }
  }
}

/**
 * The chosen rows as plain arrays (what ml-pca and umap-js take), optionally scaled to unit length
 * (a zero row stays zero).
 *
 * @param factors Row-major `n × k` factors.
 * @param k Columns per row.
 * @param options `items` (default all rows) and `normalize` (default false).
 * @returns One `number[]` of length `k` per chosen row.
 *
 * @example
 * ```ts
 * import { factorRows } from "./embeddings.ts";
 * const rows = factorRows(Float32Array.of(3, 4, 1, 0), 2, { items: [0], normalize: true });
 * if (Math.abs(rows[0]![0]! - 0.6) > 1e-6) throw new Error("unit length");
 * ```
 */
export function factorRows(
  factors: Float32Array,
  k: number,
  options: { items?: ArrayLike<number>; normalize?: boolean } = {},
): number[][] {
  const n = checkShape("factorRows", factors, k);
  const items = options.items ?? Array.from({ length: n }, (_, i) => i);
  checkItems("factorRows", items, n);
  const out: number[][] = [];
  for (let j = 0; j < items.length; j++) {
    const row = Array.from(factors.subarray(items[j]! * k, items[j]! * k + k));
    if (options.normalize) {
      const norm = Math.hypot(...row);
      if (norm > 0) { for (let c = 0; c < k; c++) row[c] = row[c]! / norm; }
    }
    out.push(row);
  }
  return out;
}

/** Options of {@linkcode pcaProjection}. */
export interface PcaOptions {
  /** Rows to project (default all). */
  items?: ArrayLike<number>;
  /** Components to keep (default 2). */
  nComponents?: number;
  /** Scale rows to unit length first (default true). */
  normalize?: boolean;
}

/** A projection: coordinates per chosen row. */
export interface Projection {
  /** `points[j]` are the coordinates of `items[j]`. */
  readonly points: number[][];
  /** Share of the variance each kept component explains (PCA only; empty for UMAP). */
  readonly explained: number[];
}

/**
 * Principal component analysis of the chosen rows (centred, SVD). Each component's sign is fixed so
 * that its largest-magnitude coordinate is positive, which makes the picture reproducible.
 *
 * @param factors Row-major `n × k` factors.
 * @param k Columns per row.
 * @param options See {@linkcode PcaOptions}.
 * @returns The coordinates and the explained-variance share of each component.
 *
 * @example
 * ```ts
 * import { pcaProjection } from "./embeddings.ts";
 * // Points along the direction (1, 1) in 3-D: one component explains everything.
 * const f = Float32Array.of(1, 1, 0, 2, 2, 0, 3, 3, 0, -1, -1, 0);
 * const p = pcaProjection(f, 3, { normalize: false, nComponents: 1 });
 * if (p.explained[0]! < 0.999) throw new Error("one direction");
 * ```
 */
export function pcaProjection(
  factors: Float32Array,
  k: number,
  options: PcaOptions = {},
): Projection {
  const { nComponents = 2, normalize = true } = options;
  const rows = factorRows(factors, k, { items: options.items, normalize });
  if (!Number.isInteger(nComponents) || nComponents < 1 || nComponents > k) {
    throw new Error(
      `pcaProjection: nComponents must be a whole number in 1..${k}, got ${nComponents}`,
    );
  }
  if (rows.length < 2) throw new Error(`pcaProjection: need at least 2 rows, got ${rows.length}`);
  const pca = new PCA(rows, { center: true, scale: false });
  const points = pca.predict(rows, { nComponents }).to2DArray();
  for (let c = 0; c < nComponents; c++) {
    let extreme = 0;
    for (const p of points) if (Math.abs(p[c]!) > Math.abs(extreme)) extreme = p[c]!;
    if (extreme < 0) { for (const p of points) p[c] = -p[c]!; }
  }
  const explained = pca.getExplainedVariance().slice(0, nComponents);
  return { points, explained };
}

/** Options of {@linkcode umapProjection}. */
export interface UmapOptions {
  /** Rows to project (default all). */
  items?: ArrayLike<number>;
  /** Seed of the layout, a whole number in 0..2³²−1. */
  seed: number;
  /** Neighbours per point in the k-NN graph (default 15). */
  nNeighbors?: number;
  /** How tightly points may pack (default 0.1). */
  minDist?: number;
  /** Optimisation epochs (default: umap-js chooses, 500 for small inputs). */
  nEpochs?: number;
  /** Scale rows to unit length first, so distances follow the cosine (default true). */
  normalize?: boolean;
}

/**
 * A 2-D UMAP layout of the chosen rows. umap-js draws its random numbers from the `random` function
 * it is given; this passes a seeded {@linkcode Rng}, so the same seed gives the same picture.
 *
 * @param factors Row-major `n × k` factors.
 * @param k Columns per row.
 * @param options See {@linkcode UmapOptions}.
 * @returns The coordinates (`explained` is empty).
 *
 * @example
 * ```ts
 * import { umapProjection } from "./embeddings.ts";
 * const f = new Float32Array(40 * 3).map((_, i) => Math.sin(i * 1.7));
 * const a = umapProjection(f, 3, { seed: 1, nNeighbors: 5, nEpochs: 50 });
 * if (a.points.length !== 40) throw new Error("one point per row");
 * ```
 */
export function umapProjection(factors: Float32Array, k: number, options: UmapOptions): Projection {
  const { seed, nNeighbors = 15, minDist = 0.1, normalize = true } = options;
  const rows = factorRows(factors, k, { items: options.items, normalize });
  if (rows.length <= nNeighbors) {
    throw new Error(
      `umapProjection: need more rows (${rows.length}) than nNeighbors (${nNeighbors})`,
    );
  }
  const rng = new Rng(seed);
  const umap = new UMAP({
    nComponents: 2,
    nNeighbors,
    minDist,
    nEpochs: options.nEpochs,
    random: () => rng.next(),
  });
  return { points: umap.fit(rows), explained: [] };
}

/**
 * Cosine similarity of two vectors (0 when either is all zeros).
 *
 * @param a A vector.
 * @param b A vector of the same length.
 * @returns A number in [−1, 1].
 *
 * @example
 * ```ts
 * import { cosine } from "./embeddings.ts";
 * if (Math.abs(cosine([1, 0], [1, 1]) - Math.SQRT1_2) > 1e-12) throw new Error("45°");
 * ```
 */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) {
    throw new Error(`cosine: vectors have lengths ${a.length} and ${b.length}, expected equal`);
  }
  let dot = 0, na = 0, nb = 0;
  for (let c = 0; c < a.length; c++) {
    dot += a[c]! * b[c]!;
    na += a[c]! * a[c]!;
    nb += b[c]! * b[c]!;
  }
  return na > 0 && nb > 0 ? Math.max(-1, Math.min(1, dot / Math.sqrt(na * nb))) : 0;
}

/**
 * All pairwise cosine similarities of a list of vectors (a symmetric matrix, ones on the diagonal
 * for non-zero vectors).
 *
 * @param vectors The vectors, all of one length.
 * @returns `sim[a][b] = cosine(vectors[a], vectors[b])`.
 *
 * @example
 * ```ts
 * import { cosineMatrix } from "./embeddings.ts";
 * const s = cosineMatrix([[1, 0], [0, 2], [-1, 0]]);
 * if (s[0]![1] !== 0 || s[0]![2] !== -1 || s[1]![1] !== 1) throw new Error("unexpected");
 * ```
 */
export function cosineMatrix(vectors: readonly ArrayLike<number>[]): number[][] {
  return vectors.map((a) => vectors.map((b) => cosine(a, b)));
}

/** Genre centroids from {@linkcode genreCentroids}. */
export interface GenreCentroids {
  /** Genre names with at least `minItems` items, in vocabulary order. */
  readonly names: string[];
  /** The mean (unit-length) item vector of each genre. */
  readonly centroids: Float64Array[];
  /** Items counted per genre. */
  readonly counts: number[];
}

/**
 * The centroid of each genre: the mean of its items' vectors (unit length first by default, so a
 * few long vectors do not dominate). A movie with several genres counts towards each.
 *
 * @param factors Row-major `nItems × k` item factors.
 * @param k Columns per row.
 * @param genres Genres per dense item (see `itemGenres`).
 * @param options `items` (default all), `minItems` (default 1: genres with fewer are left out),
 *   `normalize` (default true).
 * @returns Names, centroids and counts.
 *
 * @example
 * ```ts
 * import { genreCentroids } from "./embeddings.ts";
 * const genres = { names: ["A", "B"], ptr: Uint32Array.of(0, 1, 2, 4), idx: Uint8Array.of(0, 0, 0, 1) };
 * const c = genreCentroids(Float32Array.of(1, 0, 0, 2, 1, 1), 2, genres);
 * if (c.counts.join() !== "3,1" || Math.abs(c.centroids[1]![0]! - Math.SQRT1_2) > 1e-12) {
 *   throw new Error("unexpected");
 * }
 * ```
 */
export function genreCentroids(
  factors: Float32Array,
  k: number,
  genres: ItemGenres,
  options: { items?: ArrayLike<number>; minItems?: number; normalize?: boolean } = {},
): GenreCentroids {
  const n = checkShape("genreCentroids", factors, k);
  if (genres.ptr.length !== n + 1) {
    throw new Error(
      `genreCentroids: genres cover ${genres.ptr.length - 1} items, the factors ${n}`,
    );
  }
  const { minItems = 1, normalize = true } = options;
  const items = options.items ?? Array.from({ length: n }, (_, i) => i);
  const rows = factorRows(factors, k, { items, normalize });
  const sums = genres.names.map(() => new Float64Array(k));
  const counts = genres.names.map(() => 0);
  for (let j = 0; j < items.length; j++) {
    const i = items[j]!;
    for (let e = genres.ptr[i]!; e < genres.ptr[i + 1]!; e++) {
      const g = genres.idx[e]!;
      const sum = sums[g]!;
      const row = rows[j]!;
      for (let c = 0; c < k; c++) sum[c]! += row[c]!;
      counts[g]!++;
    }
  }
  const keep = genres.names.map((_, g) => g).filter((g) =>
    counts[g]! >= minItems && counts[g]! > 0
  );
  return {
    names: keep.map((g) => genres.names[g]!),
    centroids: keep.map((g) => sums[g]!.map((s) => s / counts[g]!)),
    counts: keep.map((g) => counts[g]!),
  };
}

/**
 * For one coordinate of a projection, the mean coordinate of each genre's items, sorted from the
 * most negative to the most positive: the two ends say what the axis seems to separate.
 *
 * @param projection Points from {@linkcode pcaProjection} or {@linkcode umapProjection}.
 * @param items The rows the projection was made of (`points[j]` belongs to `items[j]`).
 * @param genres Genres per dense item.
 * @param axis Coordinate index (0 = first component).
 * @param options `minItems` (default 10): genres with fewer projected items are left out.
 * @returns `{ genre, mean, count }` sorted by `mean`.
 *
 * @example
 * ```ts
 * import { axisGenreMeans } from "./embeddings.ts";
 * const genres = { names: ["Kids", "Horror"], ptr: Uint32Array.of(0, 1, 2), idx: Uint8Array.of(0, 1) };
 * const m = axisGenreMeans({ points: [[-1, 0], [2, 0]], explained: [] }, [0, 1], genres, 0, { minItems: 1 });
 * if (m[0]!.genre !== "Kids" || m[1]!.mean !== 2) throw new Error("unexpected");
 * ```
 */
export function axisGenreMeans(
  projection: Projection,
  items: ArrayLike<number>,
  genres: ItemGenres,
  axis: number,
  options: { minItems?: number } = {},
): { genre: string; mean: number; count: number }[] {
  const { minItems = 10 } = options;
  if (projection.points.length !== items.length) {
    throw new Error(
      `axisGenreMeans: ${projection.points.length} points but ${items.length} items; expected equal`,
    );
  }
  const sums = genres.names.map(() => 0);
  const counts = genres.names.map(() => 0);
  for (let j = 0; j < items.length; j++) {
    const x = projection.points[j]![axis];
    if (x === undefined) throw new Error(`axisGenreMeans: point ${j} has no coordinate ${axis}`);
    const i = items[j]!;
    for (let e = genres.ptr[i]!; e < genres.ptr[i + 1]!; e++) {
      sums[genres.idx[e]!]! += x;
      counts[genres.idx[e]!]!++;
    }
  }
  return genres.names
    .map((genre, g) => ({ genre, mean: sums[g]! / counts[g]!, count: counts[g]! }))
    .filter((r) => r.count >= minItems && r.count > 0)
    .sort((a, b) => a.mean - b.mean);
}

/**
 * One label per item for colouring a scatter plot: the first of `priority` among the item's genres
 * (distinctive genres first, broad ones like Drama last), else "Other".
 *
 * @param genres Genres per dense item.
 * @param items The items to label.
 * @param priority Genre names in the order they should win.
 * @returns One genre name (or "Other") per item.
 *
 * @example
 * ```ts
 * import { dominantGenres } from "./embeddings.ts";
 * const genres = { names: ["Drama", "Horror"], ptr: Uint32Array.of(0, 2, 3, 3), idx: Uint8Array.of(0, 1, 0) };
 * if (dominantGenres(genres, [0, 1, 2], ["Horror", "Drama"]).join() !== "Horror,Drama,Other") {
 *   throw new Error("unexpected");
 * }
 * ```
 */
export function dominantGenres(
  genres: ItemGenres,
  items: ArrayLike<number>,
  priority: readonly string[],
): string[] {
  const rank = new Map(priority.map((g, r) => [g, r]));
  const out: string[] = [];
  for (let j = 0; j < items.length; j++) {
    const i = items[j]!;
    let best = "Other", bestRank = Infinity;
    for (let e = genres.ptr[i]!; e < genres.ptr[i + 1]!; e++) {
      const name = genres.names[genres.idx[e]!]!;
      const r = rank.get(name);
      if (r !== undefined && r < bestRank) [best, bestRank] = [name, r];
    }
    out.push(best);
  }
  return out;
}
