import { assert, assertThrows } from "../../tests/_assert.ts";
import { loadMovieLens } from "./load.ts";
import { generateSynthetic, planSynthetic } from "./synthetic.ts";
import { plantedFeatureSignal } from "./synthetic_signal.ts";

const OPTIONS = { users: 2_000, movies: 3_000, ratings: 150_000, seed: 11, quiet: true } as const;

Deno.test("planted signal: genres and the decade carry some, less than the planted model", async () => {
  const root = await Deno.makeTempDir({ prefix: "recsys-signal-" });
  await generateSynthetic(`${root}/s`, OPTIONS);
  const ds = await loadMovieLens(`${root}/s`, { cacheDir: root, cache: false });
  const plan = planSynthetic(OPTIONS);
  const genres = plantedFeatureSignal(plan, ds, { groups: ["genres"] });
  const decade = plantedFeatureSignal(plan, ds, { groups: ["decade"] });
  const both = plantedFeatureSignal(plan, ds, { groups: ["genres", "decade"] });
  for (const s of [genres, decade, both]) {
    assert(
      s.oracleRmse < s.featuresRmse && s.featuresRmse < s.featureBiasRmse &&
        s.featureBiasRmse < s.userRmse && s.userRmse < s.globalMeanRmse,
      `the levels are ordered: ${JSON.stringify(s)}`,
    );
  }
  // The release decade follows the planted bias and an era direction (about 10 % and 2 % of the
  // variance at the default strengths); the genres say much more.
  assert(decade.biasR2 > 0.03 && decade.biasR2 < 0.15, `decade R² of b_i ${decade.biasR2}`);
  assert(decade.factorR2 > 0.005, `decade R² of y_i ${decade.factorR2}`);
  assert(genres.factorR2 > 0.15 && genres.biasR2 > 0.1, JSON.stringify(genres));
  assert(both.featuresRmse < genres.featuresRmse - 0.001, "the decade adds to the genres");
  // Another plan (another seed) does not describe these movies.
  assertThrows(
    () => plantedFeatureSignal(planSynthetic({ ...OPTIONS, seed: 12 }), ds),
    RangeError,
    "is not in the plan",
  );
  assertThrows(() => plantedFeatureSignal(plan, ds, { groups: ["tags"] }), RangeError, "tags");
  await Deno.remove(root, { recursive: true });
});
