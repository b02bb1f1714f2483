/**
 * Genre-ALS benchmark figures for `deno task bench` (called by lib/cli/bench.ts): seconds per
 * epoch of genre ALS (kernels/genre_als.zig) at K = 64 with the dataset's genre and decade
 * features, next to plain ALS epochs measured in the same run (the two alternate, so both see the
 * same machine load), and their ratio (`genre_als.epoch_ratio`; target ≤ 1.15).
 *
 * @module
 */
import { buildItemFeatures } from "../data/item_features.ts";
import { readMovies } from "../data/side_files.ts";
import type { Dataset } from "../data/types.ts";
import { defaultThreads } from "../ffi/kernels.ts";
import { runAlsEpoch } from "../models/als.ts";
import { initAlsState } from "../models/als_state.ts";
import { runGenreEpoch } from "../models/genre_als.ts";
import type { EmitFigure } from "./bench_als.ts";

const LAMBDA = 0.05;

/**
 * Runs `epochs` (default 4) epochs of each model at `k` (default 64), alternating ALS and genre
 * ALS epochs in A B B A order, and emits `als.epoch_seconds` (`params.paired: "genre_als"`),
 * `genre_als.epoch_seconds` and `genre_als.epoch_ratio`.
 *
 * @example
 * ```ts
 * import { benchGenreAls } from "./bench_genre_als.ts";
 * import { loadMovieLens } from "../data/load.ts";
 * import { generateSynthetic } from "../data/synthetic.ts";
 * const root = await Deno.makeTempDir();
 * await generateSynthetic(`${root}/tiny`, { users: 5, movies: 200, ratings: 100, quiet: true });
 * const ds = await loadMovieLens(`${root}/tiny`, { cache: false, sideFiles: false });
 * const figures = new Map<string, number>();
 * await benchGenreAls(ds, (name, value) => figures.set(name, value), { k: 8, epochs: 1 });
 * await Deno.remove(root, { recursive: true });
 * if (!(figures.get("genre_als.epoch_ratio")! > 0)) throw new Error("a ratio");
 * ```
 */
export async function benchGenreAls(
  ds: Dataset,
  emit: EmitFigure,
  options: { k?: number; epochs?: number } = {},
): Promise<void> {
  const { k = 64, epochs = 4 } = options;
  const m = ds.ratings;
  const movies = ds.movies.movieIds.length > 0 ? ds.movies : await readMovies(ds.dir);
  const features = buildItemFeatures(ds.itemIds, movies, { groups: ["genres", "decade"] });
  let mu = 0;
  for (const r of m.userRatings) mu += r;
  mu /= m.nnz;
  const als = initAlsState(m.nUsers, m.nItems, k, { seed: 1, mu });
  const genre = {
    ...initAlsState(m.nUsers, m.nItems, k, { seed: 1, mu }),
    featureFactors: new Float32Array(features.nFeatures * k),
    featureBias: new Float32Array(features.nFeatures),
  };
  const params = {
    lambda: LAMBDA,
    lambdaBias: LAMBDA,
    tau: 50,
    tauBias: 30,
    lambdaFeatures: 1,
    weighted: true,
  };
  // ALS-WR with λ_b = λ_f for both, passed explicitly (the defaults of runAlsEpoch may change).
  const alsOptions = { lambda: LAMBDA, lambdaBias: LAMBDA, weighted: true };
  // Pairs in A B B A order (ALS, genre, genre, ALS, …): a load that drifts during the run falls
  // on both models alike.
  let alsSeconds = 0, genreSeconds = 0;
  for (let e = 0; e < epochs; e++) {
    for (const model of e % 2 === 0 ? ["als", "genre"] : ["genre", "als"]) {
      const started = performance.now();
      if (model === "als") await runAlsEpoch(m, als, alsOptions);
      else await runGenreEpoch(m, genre, features, params);
      const seconds = (performance.now() - started) / 1000;
      if (model === "als") alsSeconds += seconds;
      else genreSeconds += seconds;
    }
  }
  const base = { ratings: m.nnz, threads: defaultThreads(), k };
  emit("als.epoch_seconds", alsSeconds / epochs, "s", { ...base, paired: "genre_als" });
  emit("genre_als.epoch_seconds", genreSeconds / epochs, "s", {
    ...base,
    features: features.nFeatures,
  });
  emit("genre_als.epoch_ratio", genreSeconds / alsSeconds, "×", base);
}
