/**
 * The measurement behind `Als.fit`'s and `BiasAls.fit`'s defaults (README, "Defaults"): test RMSE
 * of bias-only and ALS settings on each dataset given (default: ml-latest-small, the synthetic
 * ML-100K and synthetic-1m under data/raw/), random 90/10 split with seed 42, 15 ALS epochs.
 *
 *   ./run deno run -A lib/cli/measure_defaults.ts [DIR ...]
 *
 * @module
 */
import { DATA_DIR, loadMovieLens } from "../data/load.ts";
import { randomSplit } from "../data/split.ts";
import { Als } from "../models/als.ts";
import { BiasAls } from "../models/bias_als.ts";
import { runCli } from "./_args.ts";

const USAGE = "usage: measure_defaults.ts [DIR ...]";
const SHARED = new URL("../../../shared/data/ml-latest-small", import.meta.url).pathname;

async function main(): Promise<void> {
  const dirs = Deno.args.length > 0
    ? Deno.args
    : [SHARED, `${DATA_DIR}/raw/synthetic-ml-100k`, `${DATA_DIR}/raw/synthetic-1m`];
  for (const dir of dirs) {
    const ds = await loadMovieLens(dir, { sideFiles: false });
    const { train, test } = randomSplit(ds.ratings, { testFraction: 0.1, seed: 42 });
    const rmse = async (fit: Promise<Als | BiasAls>) => (await (await fit).evaluate(test)).rmse;
    console.log(`## ${ds.name} (${ds.ratings.nnz.toLocaleString("en-US")} ratings)`);
    for (const lambda of [1, 3, 5, 10, 25]) {
      for (const epochs of [10, 40]) {
        const r = await rmse(BiasAls.fit(train, { lambda, epochs, progress: false }));
        console.log(`bias-only λ=${lambda} epochs=${epochs}: ${r.toFixed(4)}`);
      }
    }
    for (const k of [32, 64]) {
      for (const lambda of [5, 10, 20]) {
        for (const lambdaBias of [3, 10]) {
          const options = { k, lambda, lambdaBias, weighted: false, epochs: 15, progress: false };
          const r = await rmse(Als.fit(train, options));
          console.log(`ALS unweighted K=${k} λ_f=${lambda} λ_b=${lambdaBias}: ${r.toFixed(4)}`);
        }
      }
      for (const lambda of [0.05, 0.07, 0.1, 0.15, 0.2]) {
        const r = await rmse(Als.fit(train, { k, lambda, weighted: true, progress: false }));
        console.log(`ALS-WR K=${k} λ=${lambda}: ${r.toFixed(4)}`);
      }
    }
  }
}

await runCli("measure_defaults.ts", USAGE, main);
