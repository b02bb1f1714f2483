/**
 * The models the recommender page serves, loaded from data/models/ or fitted on first start and
 * saved there (lib/cli/serve.ts and the load bench, lib/cli/bench_serve.ts, share this):
 *
 * - `serve-<dataset>.rsm`: ALS with biases for Recommend, Explain and Similar — K = 64, λ_f = 10,
 *   λ_b = 3, unweighted, 14 epochs, seed 0 (notebook 03's choice), fitted on every rating.
 * - `serve-genre-<dataset>.rsm`: genre ALS for the New movie view — Practical 5's model
 *   (notebook 05): genres + release decade, K = 32, λ_f = 2, λ_b = 3, τ = 50, τ_b = 30, λ_G = 1,
 *   unweighted, seed 42, 15 epochs (6 on a dataset of 2M ratings or more), on every rating.
 *
 * Every option the page relies on is passed explicitly, so a change of a model's defaults does
 * not change what is served.
 *
 * @module
 */
import { notebookReporter } from "../notebook/progress.ts";
import type { Reporter } from "../models/reporter.ts";
import { buildItemFeatures } from "../data/item_features.ts";
import { readMovies } from "../data/side_files.ts";
import type { Dataset } from "../data/types.ts";
import { Als } from "../models/als.ts";
import { GenreAls } from "../models/genre_als.ts";

/** The terminal bar of the notebook layer, for the fits serve runs on first start. */
const barReporter: Reporter = (request) => notebookReporter({ ...request, mode: "bar" });

/** The ALS options of the served model. */
export const SERVED_ALS = Object.freeze({
  k: 64,
  lambda: 10,
  lambdaBias: 3,
  weighted: false,
  epochs: 14,
  seed: 0,
});

/** The genre-ALS options of the served New-movie model (Practical 5's; epochs by scale). */
export const SERVED_GENRE_ALS = Object.freeze({
  groups: ["genres", "decade"] as const,
  k: 32,
  lambda: 2,
  lambdaBias: 3,
  tau: 50,
  tauBias: 30,
  lambdaFeatures: 1,
  weighted: false,
  seed: 42,
});

/**
 * Where the page keeps its model of `dataset` ("als" or "genre-als").
 *
 * @example
 * ```ts
 * import { servedModelPath } from "./model.ts";
 * if (servedModelPath("ml-latest-small") !== "data/models/serve-ml-latest-small.rsm") {
 *   throw new Error("path");
 * }
 * if (!servedModelPath("x", "genre-als").endsWith("serve-genre-x.rsm")) throw new Error("genre");
 * ```
 */
export function servedModelPath(
  dataset: string,
  kind: "als" | "genre-als" = "als",
  dir = "data/models",
): string {
  return `${dir}/serve-${kind === "als" ? "" : "genre-"}${dataset}.rsm`;
}

/** Options of {@linkcode servedAls} and {@linkcode servedGenreAls}. */
export interface ServedModelOptions {
  /** The model file (default {@linkcode servedModelPath}). */
  path?: string;
  /** Progress lines (default console.log). */
  log?: (text: string) => void;
  /** The fit's progress display (default "bar"). */
  progress?: "bar" | false;
  /** Fit and save a model when the file is missing or unusable (default true). */
  fit?: boolean;
}

function ratingsText(ds: Dataset): string {
  return `${ds.ratings.nnz.toLocaleString("en-US")} ratings of ${ds.name}`;
}

/** A saved model that belongs to `ds` (same users and movies), or why not. */
function belongs(model: Als | GenreAls, ds: Dataset): string {
  if (model.nItems !== ds.ratings.nItems || model.nUsers !== ds.ratings.nUsers) {
    return `${model.nUsers} users × ${model.nItems} movies, the dataset has ` +
      `${ds.ratings.nUsers} × ${ds.ratings.nItems}`;
  }
  return "";
}

/**
 * The model saved at `path` when the file loads and belongs to `ds`, else undefined; logs which
 * (`name` opens the line that reuses the file, `miss` ends the lines that refuse it).
 */
async function savedModel<M extends Als | GenreAls>(
  path: string,
  ds: Dataset,
  load: (path: string) => Promise<M>,
  log: (text: string) => void,
  name: string,
  miss: string,
): Promise<M | undefined> {
  const exists = await Deno.stat(path).then(() => true, () => false);
  if (!exists) return undefined;
  try {
    const model = await load(path);
    const why = belongs(model, ds);
    if (why === "") {
      log(`${name} ${path} (saved earlier; delete it to train again)`);
      return model;
    }
    log(`${path} was fitted on other data (${why})${miss}`);
  } catch (error) {
    log(`${path} is unusable (${(error as Error).message})${miss}`);
  }
  return undefined;
}

/** The fit options every served model shares: the dataset's ids and the progress display. */
function servedFitOptions(ds: Dataset, progress: "bar" | false) {
  return {
    progress: progress === false ? false : barReporter,
    userIds: ds.userIds,
    itemIds: ds.itemIds,
  } as const;
}

/**
 * The page's ALS model of `ds`: the saved file when it exists and fits the dataset, else fitted
 * on every rating with {@linkcode SERVED_ALS} (progress bar) and saved for the next start.
 *
 * @example
 * ```ts
 * import { servedAls } from "./model.ts";
 * import { loadMovieLens } from "../data/load.ts";
 * import { generateSynthetic } from "../data/synthetic.ts";
 * const root = await Deno.makeTempDir();
 * await generateSynthetic(`${root}/tiny`, { users: 30, movies: 40, ratings: 800, quiet: true });
 * const ds = await loadMovieLens(`${root}/tiny`, { cache: false });
 * const path = `${root}/als.rsm`;
 * const fitted = await servedAls(ds, { path, progress: false, log: () => {} });
 * const again = await servedAls(ds, { path, progress: false, log: () => {}, fit: false });
 * await Deno.remove(root, { recursive: true });
 * if (fitted.k !== 64 || again.itemFactors[5] !== fitted.itemFactors[5]) throw new Error("saved");
 * ```
 */
export async function servedAls(ds: Dataset, options: ServedModelOptions = {}): Promise<Als> {
  const { path = servedModelPath(ds.name), log = console.log, progress = "bar" } = options;
  const retrain = "; training a new one";
  const saved = await savedModel(path, ds, (p) => Als.load(p), log, "model", retrain);
  if (saved !== undefined) return saved;
  if (options.fit === false) throw new Error(`no usable ALS model at ${path}`);
  const { k, lambda, lambdaBias, epochs } = SERVED_ALS;
  log(
    `training ALS (K = ${k}, λ = ${lambda}, λ_b = ${lambdaBias}, ${epochs} epochs) on all ` +
      ratingsText(ds),
  );
  const model = await Als.fit(ds.ratings, { ...SERVED_ALS, ...servedFitOptions(ds, progress) });
  await model.save(path);
  log(`saved ${path}`);
  return model;
}

/**
 * The page's New-movie model of `ds`: the saved genre-ALS file when it exists and fits the
 * dataset, else (unless `fit: false`, which returns undefined) Practical 5's genre ALS fitted on
 * every rating with {@linkcode SERVED_GENRE_ALS} and saved.
 *
 * @example
 * ```ts
 * import { servedGenreAls } from "./model.ts";
 * import { loadMovieLens } from "../data/load.ts";
 * import { generateSynthetic } from "../data/synthetic.ts";
 * const root = await Deno.makeTempDir();
 * await generateSynthetic(`${root}/tiny`, { users: 30, movies: 40, ratings: 800, quiet: true });
 * const ds = await loadMovieLens(`${root}/tiny`, { cache: false });
 * const path = `${root}/genre.rsm`;
 * const none = await servedGenreAls(ds, { path, fit: false, log: () => {} });
 * const fitted = await servedGenreAls(ds, { path, progress: false, log: () => {} });
 * await Deno.remove(root, { recursive: true });
 * if (none !== undefined || fitted?.features.spec.groups.join() !== "genres,decade") {
 *   throw new Error("fitted with genres and decades");
 * }
 * ```
 */
export async function servedGenreAls(
  ds: Dataset,
  options: ServedModelOptions = {},
): Promise<GenreAls | undefined> {
  const { path = servedModelPath(ds.name, "genre-als"), log = console.log, progress = "bar" } =
    options;
  const saved = await savedModel(path, ds, (p) => GenreAls.load(p), log, "new-movie model", "");
  if (saved !== undefined) return saved;
  if (options.fit === false) return undefined;
  const movies = ds.movies.movieIds.length > 0 ? ds.movies : await readMovies(ds.dir);
  const { groups, ...fit } = SERVED_GENRE_ALS;
  const features = buildItemFeatures(ds.itemIds, movies, { groups: [...groups] });
  const epochs = ds.ratings.nnz < 2_000_000 ? 15 : 6;
  log(
    `training genre ALS for new movies (Practical 5: ${groups.join(" + ")}, K = ${fit.k}, ` +
      `τ = ${fit.tau}, ${epochs} epochs) on all ${ratingsText(ds)}`,
  );
  const model = await GenreAls.fit(ds.ratings, {
    ...fit,
    features,
    epochs,
    ...servedFitOptions(ds, progress),
  });
  await model.save(path);
  log(`saved ${path}`);
  return model;
}
