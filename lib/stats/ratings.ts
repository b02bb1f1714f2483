/**
 * The rating scale: how many ratings fall on each star value, and which ratings are half stars
 * (MovieLens added half stars on 18 February 2003, so their share over time shows the change of
 * the interface).
 *
 * @example
 * ```ts
 * import { starCounts } from "./ratings.ts";
 * const s = starCounts(new Float32Array([4, 4, 3.5, 5]));
 * if (s.counts[7] !== 2 || s.halfStars !== 1) throw new Error("two 4-star ratings, one half star");
 * ```
 *
 * @module
 */

/** Counts per star value on a regular grid. */
export interface StarCounts {
  /** The star values of the grid, ascending: min, min + step, …, max. */
  readonly stars: Float64Array;
  /** Number of ratings at each star value. */
  readonly counts: Float64Array;
  /** Number of ratings that are not whole numbers (e.g. 3.5). */
  readonly halfStars: number;
  /** Total number of ratings counted. */
  readonly n: number;
}

/** Options of {@linkcode starCounts}. */
export interface StarCountOptions {
  /** Smallest star value (default 0.5). */
  readonly min?: number;
  /** Largest star value (default 5). */
  readonly max?: number;
  /** Grid step (default 0.5). */
  readonly step?: number;
}

/**
 * Counts the ratings at each value of the grid min, min + step, …, max (the MovieLens half-star
 * scale 0.5 … 5 by default) in one pass. Throws naming the first rating that is off the grid.
 *
 * @example
 * ```ts
 * import { starCounts } from "./ratings.ts";
 * const s = starCounts([1, 2, 2], { min: 1, max: 5, step: 1 });
 * if (s.stars.join() !== "1,2,3,4,5" || s.counts.join() !== "1,2,0,0,0") throw new Error("grid");
 * ```
 */
export function starCounts(ratings: ArrayLike<number>, options: StarCountOptions = {}): StarCounts {
  const min = options.min ?? 0.5;
  const max = options.max ?? 5;
  const step = options.step ?? 0.5;
  if (!(step > 0) || !Number.isFinite(min) || !(max >= min)) {
    throw new Error(`starCounts: need finite min <= max and step > 0, got ${min}, ${max}, ${step}`);
  }
  const slots = Math.round((max - min) / step) + 1;
  if (Math.abs(min + (slots - 1) * step - max) > 1e-9 * Math.max(1, Math.abs(max))) {
    throw new Error(`starCounts: (max − min) = ${max - min} is not a multiple of step ${step}`);
  }
  const stars = new Float64Array(slots);
  for (let k = 0; k < slots; k++) stars[k] = min + k * step;
  const counts = new Float64Array(slots);
  let halfStars = 0;
  for (let i = 0; i < ratings.length; i++) {
    const r = ratings[i]!;
    const k = Math.round((r - min) / step);
    if (!(k >= 0 && k < slots) || Math.abs(r - stars[k]!) > 1e-6 * step) {
      throw new Error(
        `starCounts: rating[${i}] = ${r} is not on the grid ${min}, ${min + step}, …, ${max}`,
      );
    }
    counts[k]!++;
    if (r !== Math.floor(r)) halfStars++;
  }
  return { stars, counts, halfStars, n: ratings.length };
}

/**
 * 1 where a rating is not a whole number of stars (0.5, 1.5, …), else 0: pass it as the `values`
 * of `perYear`/`perMonth` and the bucket means are the share of half-star ratings.
 *
 * @example
 * ```ts
 * import { halfStarIndicator } from "./ratings.ts";
 * if (halfStarIndicator(new Float32Array([3, 3.5, 0.5])).join() !== "0,1,1") throw new Error("flags");
 * ```
 */
export function halfStarIndicator(ratings: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(ratings.length);
  for (let i = 0; i < ratings.length; i++) {
    const r = ratings[i]!;
    if (!Number.isFinite(r)) throw new Error(`halfStarIndicator: rating[${i}] is ${r}`);
    out[i] = r !== Math.floor(r) ? 1 : 0;
  }
  return out;
}
