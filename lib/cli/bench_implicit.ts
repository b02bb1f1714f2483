/**
 * Implicit-feedback benchmark figures for `deno task bench` (called by lib/cli/bench.ts, `--only
 * implicit`): on the positives of the dataset (ratings ≥ 4, lib/data/implicit.ts) at K = 64, the
 * seconds of one BPR epoch (one sampled triple per positive, kernels/bpr.zig) and its rate in
 * samples per second, and the seconds of one iALS epoch with the conjugate-gradient and the exact
 * Cholesky row solves (kernels/ials.zig); on all ratings, the explicit ALS epoch with Cholesky
 * rows (kernels/als.zig) and with CG rows (kernels/als_cg.zig). The five kernels alternate epoch
 * by epoch, so all of them see the same machine load, and the ratios between them are emitted too.
 *
 * @module
 */
import { implicitPositives } from "../data/implicit.ts";
import type { Dataset, RatingMatrix } from "../data/types.ts";
import { bprEpoch, defaultThreads, ialsEpoch } from "../ffi/kernels.ts";
import { runAlsEpoch } from "../models/als.ts";
import { initAlsState } from "../models/als_state.ts";
import type { EmitFigure } from "./bench_als.ts";

/** Options of {@linkcode benchImplicit}. */
export interface BenchImplicitOptions {
  /** Latent factors. Default 64. */
  k?: number;
  /** Timed epochs of each kernel (they alternate). Default 2. */
  epochs?: number;
  /** CG steps per row (iALS and explicit ALS). Default 3. */
  cgSteps?: number;
  /** A rating ≥ `threshold` is a positive. Default 4. */
  threshold?: number;
}

/**
 * Runs the implicit figures on `ds` and passes each to `emit`: `bpr.epoch_seconds`,
 * `bpr.samples_per_second`, `ials.epoch_seconds` (`params.solver` `cg` and `cholesky`),
 * `als.epoch_seconds` (`params.paired: "implicit"`), `als_cg.epoch_seconds`, and the ratios
 * `ials.epoch_ratio` (iALS epoch over the explicit ALS epoch at the same K, per solver; the target
 * is ≤ 1) and `als_cg.epoch_ratio` (CG over Cholesky rows of explicit ALS).
 *
 * @example
 * ```ts
 * import { benchImplicit } from "./bench_implicit.ts";
 * import { loadMovieLens } from "../data/load.ts";
 * import { generateSynthetic } from "../data/synthetic.ts";
 * const root = await Deno.makeTempDir();
 * await generateSynthetic(`${root}/tiny`, { users: 20, movies: 200, ratings: 600, quiet: true });
 * const ds = await loadMovieLens(`${root}/tiny`, { cache: false, sideFiles: false });
 * await Deno.remove(root, { recursive: true });
 * const figures = new Map<string, number>();
 * await benchImplicit(ds, (name, value, _unit, params) => {
 *   figures.set(params?.solver ? `${name} ${params.solver}` : name, value);
 * }, { k: 8, epochs: 1 });
 * if (!(figures.get("bpr.samples_per_second")! > 0)) throw new Error("a positive rate");
 * if (!(figures.get("ials.epoch_ratio cholesky")! > 0)) throw new Error("a ratio per solver");
 * if (figures.size !== 9) throw new Error(`nine figures, got ${[...figures.keys()]}`);
 * ```
 */
export async function benchImplicit(
  ds: Dataset,
  emit: EmitFigure,
  options: BenchImplicitOptions = {},
): Promise<void> {
  const { k = 64, epochs = 2, cgSteps = 3, threshold = 4 } = options;
  if (!Number.isInteger(epochs) || epochs < 1) {
    throw new RangeError(`benchImplicit: epochs must be a whole number ≥ 1, got ${epochs}`);
  }
  const m = ds.ratings;
  const positives = implicitPositives(m, { threshold });
  if (positives.nnz === 0) {
    throw new Error(`benchImplicit: ${ds.dir} has no rating ≥ ${threshold}; nothing to time`);
  }
  const threads = defaultThreads();
  const mu = meanRating(m);
  const als = initAlsState(m.nUsers, m.nItems, k, { seed: 1, mu });
  const alsCg = initAlsState(m.nUsers, m.nItems, k, { seed: 1, mu });
  const factors = (seed: number, scale: number) => ({
    ...initAlsState(m.nUsers, m.nItems, k, { seed, scale, mu: 0 }),
    mu: 0,
  });
  const ialsCg = factors(2, 0.01), ialsExact = factors(2, 0.01), bpr = factors(3, 0.1);
  // The notebook's settings on ml-latest-small; the cost of an epoch does not depend on them.
  const ialsParams = { lambda: 20, alpha: 2, cgSteps, threads };
  const alsParams = { lambda: 0.05, lambdaBias: 0.05, weighted: true, threads };
  const seconds = { bpr: 0, ialsCg: 0, ialsExact: 0, als: 0, alsCg: 0 };
  let samples = 0;
  const time = async (key: keyof typeof seconds, run: () => Promise<unknown>) => {
    const started = performance.now();
    await run();
    seconds[key] += (performance.now() - started) / 1000;
  };
  for (let e = 0; e < epochs; e++) {
    await time("als", () => runAlsEpoch(m, als, { ...alsParams, solver: "cholesky" }));
    await time("ialsCg", () => ialsEpoch(positives, ialsCg, { ...ialsParams, solver: "cg" }));
    await time("bpr", async () => {
      const r = await bprEpoch(positives, bpr, {
        learningRate: 0.05,
        lambda: 0.005,
        lambdaBias: 0.005,
        seed: 1,
        epoch: e,
        threads,
      });
      samples += r.samples;
    });
    await time("alsCg", () => runAlsEpoch(m, alsCg, { ...alsParams, solver: "cg", cgSteps }));
    await time(
      "ialsExact",
      () => ialsEpoch(positives, ialsExact, { ...ialsParams, solver: "cholesky" }),
    );
  }
  for (const state of [als, alsCg, ialsCg, ialsExact, bpr]) {
    if (!state.itemFactors.every(Number.isFinite)) throw new Error("bench: a factor is not finite");
  }
  const per = (s: number) => s / epochs;
  const onPositives = { positives: positives.nnz, threads, k };
  const onRatings = { ratings: m.nnz, threads, k };
  emit("bpr.epoch_seconds", per(seconds.bpr), "s", onPositives);
  emit("bpr.samples_per_second", samples / seconds.bpr, "1/s", onPositives);
  emit("ials.epoch_seconds", per(seconds.ialsCg), "s", { ...onPositives, solver: "cg", cgSteps });
  emit("ials.epoch_seconds", per(seconds.ialsExact), "s", { ...onPositives, solver: "cholesky" });
  emit("als.epoch_seconds", per(seconds.als), "s", { ...onRatings, paired: "implicit" });
  emit("als_cg.epoch_seconds", per(seconds.alsCg), "s", { ...onRatings, cgSteps });
  emit("ials.epoch_ratio", seconds.ialsCg / seconds.als, "×", { k, solver: "cg", over: "als" });
  emit("ials.epoch_ratio", seconds.ialsExact / seconds.als, "×", {
    k,
    solver: "cholesky",
    over: "als",
  });
  emit("als_cg.epoch_ratio", seconds.alsCg / seconds.als, "×", { k, over: "als" });
}

function meanRating(m: RatingMatrix): number {
  let s = 0;
  for (const r of m.userRatings) s += r;
  return s / m.nnz;
}
