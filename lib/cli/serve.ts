/**
 * The recommender page:
 * `./run serve [--port N] [--dataset DIR|NAME] [--model FILE] [--genre-model FILE] [--no-genre]`.
 *
 * Loads the dataset the notebooks would use (RECSYS_DATASET, else the best present; `--dataset`
 * overrides) and an ALS model fitted on it: `--model FILE` (e.g. from `fit --out`), else
 * `data/models/serve-<dataset>.rsm` when present, else it trains one on every rating (K = 64,
 * λ_f = 10, λ_b = 3, unweighted, 14 epochs: notebook 03's choice) with a progress bar and saves it
 * there for the next start. The New movie view uses Practical 5's genre ALS: `--genre-model FILE`,
 * else `data/models/serve-genre-<dataset>.rsm`, else one trained on first start and saved
 * (lib/app/model.ts has the settings); `--no-genre` skips it and the view falls back to the mean
 * factors of movies with the same genres (the page says which is used). Then serves
 * http://127.0.0.1:PORT/ (default 8000) until Ctrl-C.
 *
 *   ./run serve
 *   ./run serve --port 8080 --dataset ml-latest-small
 *   ./run serve --model data/models/als.rsm
 *
 * @module
 */
import { Als } from "../models/als.ts";
import { GenreAls } from "../models/genre_als.ts";
import { loadModel } from "../models/load_model.ts";
import { notebookDataset } from "../notebook/dataset.ts";
import { RecommenderApp } from "../app/app.ts";
import { servedAls, servedGenreAls, servedModelPath } from "../app/model.ts";
import { serveApp } from "../app/server.ts";
import { Args, runCli, UsageError } from "./_args.ts";

const USAGE = "usage: serve.ts [--port N] [--dataset DIR|NAME] [--model FILE] " +
  "[--genre-model FILE] [--no-genre] [--host ADDR]";
const SPEC = {
  flags: ["--no-genre"],
  values: ["--port", "--dataset", "--model", "--genre-model", "--host"],
};

async function main(): Promise<void> {
  const args = Args.parse(Deno.args, SPEC);
  const port = args.number("--port", { integer: true, min: 0, max: 65535 }) ?? 8000;
  const dataset = args.string("--dataset");
  const host = args.string("--host") ?? "127.0.0.1";
  const path = args.string("--model");
  const genrePath = args.string("--genre-model");
  if (genrePath !== undefined && args.has("--no-genre")) {
    throw new UsageError("--genre-model and --no-genre exclude each other");
  }
  const ds = await notebookDataset({ dataset });
  let model: Als;
  if (path !== undefined) {
    const loaded = await loadModel(path);
    if (!(loaded instanceof Als)) {
      throw new UsageError(`${path} holds a ${loaded.kind} model; the page needs an als model`);
    }
    model = loaded;
  } else {
    model = await servedAls(ds);
  }
  let genre: GenreAls | undefined;
  if (genrePath !== undefined) {
    const loaded = await loadModel(genrePath);
    if (!(loaded instanceof GenreAls)) {
      throw new UsageError(
        `${genrePath} holds a ${loaded.kind} model; --genre-model needs a genre-als model`,
      );
    }
    genre = loaded;
  } else if (!args.has("--no-genre")) {
    genre = await servedGenreAls(ds);
  }
  const modelName = path ?? servedModelPath(ds.name);
  const app = new RecommenderApp(ds, model, { modelName, genreModel: genre });
  app.titleIndex; // build the search index before the first request
  const server = serveApp(app, { port, hostname: host });
  await server.finished;
}

await runCli("serve.ts", USAGE, main);
