/**
 * Review of issue 11: the public scoring paths besides `evaluate` that take a matrix in some id
 * space (predictionsOn, rankingMetrics over recommendBatch's lists) refuse one built with other
 * id maps, and the defaults stay sensible when the one switch that changes λ's meaning
 * (`weighted`) is flipped.
 */
import { assert, assertAlmostEquals, assertThrows } from "../../tests/_assert.ts";
import { loadMovieLens } from "../data/load.ts";
import { alignRatings } from "../data/id_maps.ts";
import { implicitPositives } from "../data/implicit.ts";
import { randomSplit } from "../data/split.ts";
import { subsampleRatings } from "../data/subsample.ts";
import { rankingMetrics } from "../metrics/ranking.ts";
import { Als } from "./als.ts";
import { BiasAls } from "./bias_als.ts";
import { GlobalMean } from "./global_mean.ts";
import { predictionsOn } from "./cold_start.ts";

const SMALL = new URL("../../../shared/data/ml-latest-small", import.meta.url).pathname;
const dataset = await loadMovieLens(SMALL, { sideFiles: false, cache: false });
const split = randomSplit(dataset.ratings, { testFraction: 0.1, seed: 42 });

Deno.test("predictionsOn and rankingMetrics refuse a matrix in other ids than the model's", async () => {
  // Fitted on a subsample: compacting renumbers users and movies, so split.test's dense ids mean
  // other people and other movies to this model.
  const small = subsampleRatings(split.train, 40_000, { seed: 1, by: "user" });
  const model = await Als.fit(small, { k: 8, epochs: 4, progress: false });
  let refused = false;
  try {
    await predictionsOn(model, split.test);
  } catch (e) {
    refused = /other id maps/.test((e as Error).message);
  }
  assert(refused, "predictionsOn(model, matrix in the dataset's ids) is refused");
  const aligned = alignRatings(split.test, model);
  const p = await predictionsOn(model, aligned);
  let sse = 0;
  for (let e = 0; e < aligned.nnz; e++) sse += (p[e]! - aligned.userRatings[e]!) ** 2;
  assertAlmostEquals(Math.sqrt(sse / aligned.nnz), (await model.evaluate(aligned)).rmse, 1e-5);

  const users = Array.from({ length: model.nUsers }, (_, u) => u);
  const lists = await model.recommendBatch(users, { n: 10, exclude: small });
  const test = implicitPositives(split.test);
  assertThrows(() => rankingMetrics(lists, test, { threshold: 1 }), Error, "other id maps");
  const r = rankingMetrics(lists, alignRatings(test, model), { threshold: 1 });
  assert(r.users > 0 && Number.isFinite(r.ndcg));
});

Deno.test("flipping `weighted` alone keeps a default λ that beats the global mean and is near bias-only", async () => {
  const { train, test } = split;
  const rmse = async (m: { evaluate: (t: typeof test) => Promise<{ rmse: number }> }) =>
    (await m.evaluate(test)).rmse;
  const mean = await rmse(await GlobalMean.fit(train));
  const bias = await rmse(await BiasAls.fit(train, { progress: false }));
  const biasWeighted = await rmse(await BiasAls.fit(train, { weighted: true, progress: false }));
  const unweighted = await rmse(await Als.fit(train, { weighted: false, progress: false }));
  assert(biasWeighted < bias + 0.02, `weighted bias-only ${biasWeighted} vs ${bias}`);
  assert(unweighted < bias, `unweighted ALS with its default λ ${unweighted} vs bias ${bias}`);
  assert(unweighted < mean && biasWeighted < mean, `global mean ${mean}`);
});
