/**
 * The `baseline` section of `deno task bench`: the Zig ALS kernel against the plain TypeScript
 * reference (lib/models/naive_als.ts) on about one million ratings of the benchmark dataset, at the
 * same K, from the same initial state. One reference epoch is timed (it is slow) and three kernel
 * epochs after a warm-up; before any figure is emitted the first epoch of each is checked to reach
 * the same training RMSE.
 *
 * Figures: `baseline.naive_epoch_seconds`, `baseline.kernel_epoch_seconds` and
 * `baseline.speedup_1m` (naive ÷ kernel seconds per epoch), with the subset's shape in `params`.
 *
 * @module
 */
import { subsampleRatings } from "../data/subsample.ts";
import type { Dataset } from "../data/types.ts";
import { defaultThreads } from "../ffi/kernels.ts";
import { compareBaseline } from "../models/baseline_comparison.ts";
import type { EmitFigure } from "./bench_als.ts";

/** Ratings in the benchmark subset. */
export const BASELINE_RATINGS = 1_000_000;
/** Latent factors of both implementations. */
export const BASELINE_K = 64;

/**
 * Runs the comparison on `ds` and reports three figures through `emit`. The subset is cut by whole
 * users (seed 1) so it has the shape of a real dataset of that size (see `subsampleRatings`).
 *
 * @param ds The benchmark dataset (ratings only are used).
 * @param emit Receives each figure: name, value, unit, parameters.
 *
 * @example
 * ```ts
 * import { benchBaseline } from "./bench_baseline.ts";
 * import { loadMovieLens } from "../data/load.ts";
 * import { generateSynthetic } from "../data/synthetic.ts";
 * const root = await Deno.makeTempDir(); // a tiny dataset (the benchmark uses 1M ratings)
 * await generateSynthetic(`${root}/tiny`, { users: 5, movies: 200, ratings: 100, quiet: true });
 * const ds = await loadMovieLens(`${root}/tiny`, { cache: false, sideFiles: false });
 * await Deno.remove(root, { recursive: true });
 * const figures: Record<string, number> = {};
 * await benchBaseline(ds, (name, value) => figures[name] = value);
 * const { "baseline.naive_epoch_seconds": naive, "baseline.speedup_1m": speedup } = figures;
 * if (!(naive! > 0 && speedup! > 0)) throw new Error("both timed, naive ÷ kernel reported");
 * ```
 */
export async function benchBaseline(
  ds: Dataset,
  emit: EmitFigure,
): Promise<void> {
  const m = subsampleRatings(ds.ratings, Math.min(BASELINE_RATINGS, ds.ratings.nnz), {
    seed: 1,
    by: "user",
  });
  const threads = defaultThreads();
  const c = await compareBaseline(m, { k: BASELINE_K, threads, kernelEpochs: 3, naiveEpochs: 1 });
  const params = {
    k: BASELINE_K,
    ratings: m.nnz,
    users: m.nUsers,
    items: m.nItems,
    threads,
    dataset: ds.name,
  };
  emit("baseline.naive_epoch_seconds", c.naive.secondsPerEpoch, "s", { ...params, threads: 1 });
  emit("baseline.kernel_epoch_seconds", c.kernel.secondsPerEpoch, "s", params);
  emit("baseline.speedup_1m", c.speedup, "x", params);
}
