/**
 * The recommender page: `./run serve [--port N] [--dataset DIR|NAME] [--model FILE]`.
 *
 * Loads the dataset the notebooks would use (RECSYS_DATASET, else the best present; `--dataset`
 * overrides) and an ALS model fitted on it: `--model FILE` (e.g. from `fit --out`), else
 * `data/models/serve-<dataset>.rsm` when present, else it trains one on every rating (K = 64,
 * λ_f = 10, λ_b = 3, unweighted, 14 epochs: notebook 03's choice) with a progress bar and saves it
 * there for the next start. Then serves http://127.0.0.1:PORT/ (default 8000) until Ctrl-C.
 *
 *   ./run serve
 *   ./run serve --port 8080 --dataset ml-latest-small
 *   ./run serve --model data/models/als.rsm
 *
 * @module
 */
import { Als } from "../models/als.ts";
import { loadModel } from "../models/load_model.ts";
import { notebookDataset } from "../notebook/dataset.ts";
import { RecommenderApp } from "../app/app.ts";
import { serveApp } from "../app/server.ts";
import { Args, runCli, UsageError } from "./_args.ts";

const USAGE = "usage: serve.ts [--port N] [--dataset DIR|NAME] [--model FILE] [--host ADDR]";
const SPEC = { flags: [], values: ["--port", "--dataset", "--model", "--host"] };

async function main(): Promise<void> {
  const args = Args.parse(Deno.args, SPEC);
  const port = args.number("--port", { integer: true, min: 0, max: 65535 }) ?? 8000;
  const dataset = args.string("--dataset");
  const host = args.string("--host") ?? "127.0.0.1";
  let path = args.string("--model");
  const ds = await notebookDataset({ dataset });
  let model: Als;
  if (path !== undefined) {
    const loaded = await loadModel(path);
    if (!(loaded instanceof Als)) {
      throw new UsageError(`${path} holds a ${loaded.kind} model; the page needs an als model`);
    }
    model = loaded;
  } else {
    path = `data/models/serve-${ds.name}.rsm`;
    let found: Als | undefined;
    const exists = await Deno.stat(path).then(() => true, () => false);
    if (exists) {
      try {
        found = await Als.load(path);
        console.log(`model ${path} (saved earlier; delete it to train again)`);
      } catch (error) {
        console.log(`${path} is unusable (${(error as Error).message}); training a new one`);
      }
    }
    if (found === undefined || found.nItems !== ds.ratings.nItems) {
      console.log(
        `training ALS (K = 64, λ = 10, λ_b = 3, 14 epochs) on all ${
          ds.ratings.nnz.toLocaleString("en-US")
        } ratings of ${ds.name}`,
      );
      found = await Als.fit(ds.ratings, {
        k: 64,
        lambda: 10,
        lambdaBias: 3,
        weighted: false,
        epochs: 14,
        progress: "bar",
        userIds: ds.userIds,
        itemIds: ds.itemIds,
      });
      await found.save(path);
      console.log(`saved ${path}`);
    }
    model = found;
  }
  const app = new RecommenderApp(ds, model, { modelName: path });
  app.titleIndex; // build the search index before the first request
  const server = serveApp(app, { port, hostname: host });
  await server.finished;
}

await runCli("serve.ts", USAGE, main);
