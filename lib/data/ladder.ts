/**
 * A ladder of growing rating matrices (10k, 100k, 1M, … ratings) for timing a model against the
 * data size. Rungs are cut from the loaded dataset by whole users ({@linkcode subsampleRatings}
 * with `by: "user"`), so each looks like a smaller dataset of the same kind. Rungs larger than the
 * dataset come from a synthetic dataset of {@linkcode SYNTHETIC_1M}'s size (generated once under
 * data/raw/synthetic-1m) when they fit in it, and are otherwise left out; every rung says where it
 * came from.
 *
 * @module
 */

import { DATA_DIR, loadMovieLens } from "./load.ts";
import { subsampleRatings } from "./subsample.ts";
import { generateSynthetic, type SyntheticScale } from "./synthetic.ts";
import type { Dataset, RatingMatrix } from "./types.ts";

/** A 1M-rating synthetic dataset (10,000 users, 10,000 movies), for rungs a small dataset lacks. */
export const SYNTHETIC_1M: SyntheticScale = Object.freeze({
  users: 10_000,
  movies: 10_000,
  ratings: 1_000_000,
});

/** One rung of the ladder. */
export interface Rung {
  /** The size asked for. */
  target: number;
  /** The matrix (about `target` ratings, whole users). */
  matrix: RatingMatrix;
  /** The dataset it was cut from (its folder name). */
  source: string;
}

/** Options of {@linkcode ratingLadder}. */
export interface LadderOptions {
  /** Seed of the user order (default 1). */
  seed?: number;
  /**
   * Folder of the synthetic dataset for rungs larger than `ds` (default data/raw/synthetic-1m);
   * `null` leaves such rungs out instead.
   */
  syntheticDir?: string | null;
  /** Size of that synthetic dataset when it has to be generated (default {@linkcode SYNTHETIC_1M}). */
  syntheticScale?: SyntheticScale;
}

/**
 * Makes sure a synthetic dataset exists in `dir` (generating it with `scale` and the default seed
 * when missing) and returns the folder. Concurrent callers in this process share one generation;
 * if another process creates it at the same time, theirs is kept.
 *
 * @param dir The folder.
 * @param scale Users, movies and ratings.
 * @returns `dir`.
 *
 * @example
 * ```ts
 * import { ensureSynthetic } from "./ladder.ts";
 * const root = await Deno.makeTempDir();
 * const scale = { users: 1, movies: 20, ratings: 20 }; // the smallest the generator allows
 * const dir = await ensureSynthetic(`${root}/synthetic`, scale);
 * const first = (await Deno.stat(`${dir}/ratings.csv`)).mtime;
 * await ensureSynthetic(dir, scale); // present: kept, not generated again
 * const again = (await Deno.stat(`${dir}/ratings.csv`)).mtime;
 * await Deno.remove(root, { recursive: true });
 * if (first?.getTime() !== again?.getTime()) throw new Error("the folder was regenerated");
 * ```
 */
export function ensureSynthetic(dir: string, scale: SyntheticScale): Promise<string> {
  let job = pending.get(dir);
  if (!job) {
    job = makeSynthetic(dir, scale).finally(() => pending.delete(dir));
    pending.set(dir, job);
  }
  return job;
}

/** Generations under way in this process, by folder (two callers share one). */
const pending = new Map<string, Promise<string>>();

async function makeSynthetic(dir: string, scale: SyntheticScale): Promise<string> {
  const present = async () => {
    try {
      return (await Deno.stat(`${dir}/ratings.csv`)).isFile;
    } catch {
      return false;
    }
  };
  if (await present()) return dir;
  try {
    await generateSynthetic(dir, { ...scale, quiet: true });
  } catch (error) {
    // Another process may have published the same folder first: keep theirs.
    if (!await present()) throw error;
  }
  return dir;
}

/**
 * The rungs for `sizes`: from `ds` while it has at least that many ratings (all of `ds` when the
 * size equals its count), else from the synthetic dataset when that is large enough, else left out.
 *
 * @param ds The loaded dataset.
 * @param sizes Rating counts, ascending.
 * @param options Seed and the synthetic folder.
 * @returns The rungs that could be made, in the order of `sizes`.
 *
 * @example
 * ```ts
 * import { ratingLadder } from "./ladder.ts";
 * import { loadMovieLens } from "./load.ts";
 * const ds = await loadMovieLens("../shared/data/ml-latest-small", { cache: false });
 * // syntheticDir: null leaves out the rungs larger than ds (here 1M) instead of generating them.
 * const rungs = await ratingLadder(ds, [10_000, 100_836, 1_000_000], { syntheticDir: null });
 * const [small, all] = rungs;
 * if (rungs.length !== 2 || all!.matrix !== ds.ratings) throw new Error("two rungs, then all");
 * // Whole users, so about (not exactly) 10,000 ratings.
 * if (Math.abs(small!.matrix.nnz - 10_000) > 500) throw new Error("about 10,000 ratings");
 * ```
 */
export async function ratingLadder(
  ds: Pick<Dataset, "name" | "ratings">,
  sizes: readonly number[],
  options: LadderOptions = {},
): Promise<Rung[]> {
  const { seed = 1, syntheticScale = SYNTHETIC_1M } = options;
  const syntheticDir = options.syntheticDir === undefined
    ? `${DATA_DIR}/raw/synthetic-1m`
    : options.syntheticDir;
  for (let j = 0; j < sizes.length; j++) {
    const n = sizes[j]!;
    if (!Number.isInteger(n) || n < 1 || (j > 0 && n < sizes[j - 1]!)) {
      throw new Error(
        `ratingLadder: sizes must be whole numbers ≥ 1 in ascending order, got ${sizes}`,
      );
    }
  }
  let synthetic: Pick<Dataset, "name" | "ratings"> | undefined;
  const rungs: Rung[] = [];
  for (const target of sizes) {
    if (target <= ds.ratings.nnz) {
      const matrix = target === ds.ratings.nnz
        ? ds.ratings
        : subsampleRatings(ds.ratings, target, { seed, by: "user" });
      rungs.push({ target, matrix, source: ds.name });
      continue;
    }
    if (syntheticDir === null || target > syntheticScale.ratings) continue;
    synthetic ??= await loadMovieLens(await ensureSynthetic(syntheticDir, syntheticScale), {
      sideFiles: false,
    });
    const matrix = target >= synthetic.ratings.nnz
      ? synthetic.ratings
      : subsampleRatings(synthetic.ratings, target, { seed, by: "user" });
    rungs.push({ target, matrix, source: synthetic.name });
  }
  return rungs;
}
