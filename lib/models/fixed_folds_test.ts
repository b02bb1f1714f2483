/**
 * Issue 11, the library as engineers use it: a model refuses a matrix whose dense ids mean other
 * movies, a separate test file is scored by raw ids (the same RMSE as the same ratings split in
 * memory), unknown users and movies are counted, the rating scale is inferred, and the defaults
 * beat the bias model.
 */
import { assert, assertAlmostEquals, assertEquals, assertRejects } from "../../tests/_assert.ts";
import { loadMovieLens } from "../data/load.ts";
import { loadRatings } from "../data/load_ratings.ts";
import { alignRatings } from "../data/id_maps.ts";
import { randomSplit } from "../data/split.ts";
import type { RatingMatrix } from "../data/types.ts";
import { Als } from "./als.ts";
import { BiasAls } from "./bias_als.ts";
import { Bpr } from "./bpr.ts";
import { implicitPositives } from "../data/implicit.ts";

const SMALL = new URL("../../../shared/data/ml-latest-small", import.meta.url).pathname;

/** Writes `m`'s ratings with raw ids as ratings.csv (header) or u.data (tabs, whole stars). */
async function writeRatings(path: string, m: RatingMatrix, format: "csv" | "ml-100k") {
  const { userIds, itemIds } = m.ids!;
  const lines = format === "csv" ? ["userId,movieId,rating,timestamp"] : [];
  for (let u = 0; u < m.nUsers; u++) {
    for (let e = m.userPtr[u]!; e < m.userPtr[u + 1]!; e++) {
      const [user, movie, t] = [userIds[u], itemIds[m.userItems[e]!], m.userTimes[e]];
      const r = m.userRatings[e]!;
      lines.push(format === "csv" ? `${user},${movie},${r},${t}` : `${user}\t${movie}\t${r}\t${t}`);
    }
  }
  await Deno.writeTextFile(path, lines.join("\n") + "\n");
}

const dataset = await loadMovieLens(SMALL, { sideFiles: false, cache: false });
const split = randomSplit(dataset.ratings, { testFraction: 0.1, seed: 42 });

Deno.test("a test folder loaded on its own is refused by evaluate, not scored on the wrong movies", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await writeRatings(`${dir}/ratings.csv`, split.test, "csv");
    const test = await loadMovieLens(dir, { cache: false, sideFiles: false });
    const model = await BiasAls.fit(split.train, { progress: false });
    const error = await assertRejects(() => model.evaluate(test.ratings));
    assert(
      /other id maps/.test(error.message) && /alignRatings/.test(error.message),
      error.message,
    );
    await assertRejects(() => model.recommend(0, { exclude: test.ratings }));
    await assertRejects(() => Als.fit(split.train, { k: 4, epochs: 1, validation: test.ratings }));
    const positives = implicitPositives(split.train);
    const bpr = await Bpr.fit(positives, { k: 4, epochs: 1, threads: 1, progress: false });
    await assertRejects(() => bpr.recommend(0, { exclude: implicitPositives(test.ratings) }));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("scoring a separate file by raw ids gives the RMSE of the same ratings split in memory", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await writeRatings(`${dir}/test.csv`, split.test, "csv");
    const model = await Als.fit(split.train, { k: 8, epochs: 5, progress: false });
    const inMemory = await model.evaluate(split.test);
    const fromFile = await model.evaluate(await loadRatings(`${dir}/test.csv`, { ids: model }));
    assertEquals(fromFile.count, inMemory.count);
    assertAlmostEquals(fromFile.rmse, inMemory.rmse, 1e-6);
    assertAlmostEquals(fromFile.mae, inMemory.mae, 1e-6);
    assertEquals([fromFile.unknownUserRatings, fromFile.unknownItemRatings], [0, 0]);
    // The same by re-mapping a matrix loaded with its own ids.
    const own = await loadRatings(`${dir}/test.csv`);
    const aligned = await model.evaluate(alignRatings(own, model));
    assertAlmostEquals(aligned.rmse, inMemory.rmse, 1e-6);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("fixed folds in ML-100K format: unknown users and movies are counted and use the fallback", async () => {
  const dir = await Deno.makeTempDir();
  try {
    // Whole stars, as ML-100K has; a user and a movie the training fold never saw.
    const lines = (m: RatingMatrix) => {
      const out: string[] = [];
      for (let u = 0; u < m.nUsers; u++) {
        for (let e = m.userPtr[u]!; e < m.userPtr[u + 1]!; e++) {
          const r = Math.ceil(m.userRatings[e]!);
          out.push(`${m.ids!.userIds[u]}\t${m.ids!.itemIds[m.userItems[e]!]}\t${r}\t${e}`);
        }
      }
      return out;
    };
    await Deno.writeTextFile(`${dir}/u1.base`, lines(split.train).join("\n") + "\n");
    const test = [...lines(split.test), "99999\t1\t4\t1", "1\t999999\t2\t2", "99999\t999999\t5\t3"];
    await Deno.writeTextFile(`${dir}/u1.test`, test.join("\n") + "\n");
    const train = await loadRatings(`${dir}/u1.base`);
    const model = await Als.fit(train, { k: 8, epochs: 5, progress: false });
    assertEquals(model.ratingScale, [1, 5], "inferred from whole-star ratings");
    const scored = await model.evaluate(await loadRatings(`${dir}/u1.test`, { ids: model }));
    assertEquals(scored.count, split.test.nnz + 3);
    // Movies rated only in the test fold are unknown to the model too, beside the planted ones.
    let testOnly = 0;
    for (let e = 0; e < split.test.nnz; e++) {
      const i = split.test.userItems[e]!;
      if (split.train.itemPtr[i + 1] === split.train.itemPtr[i]) testOnly++;
    }
    assert(testOnly > 0, "a random split leaves some movies in test only");
    assertEquals([scored.unknownUserRatings, scored.unknownItemRatings], [2, testOnly + 2]);
    assert(Number.isFinite(scored.rmse) && scored.rmse < 1.2, `RMSE ${scored.rmse}`);
    const [newUser, newMovie] = model.predictIds([99999, 1], [1, 999999]);
    assertAlmostEquals(newUser!, model.mu + model.itemBias[model.itemIndex(1)]!, 1e-5);
    assertAlmostEquals(newMovie!, model.mu + model.userBias[model.userIndex(1)]!, 1e-5);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the rating scale is inferred from the training data unless given", async () => {
  const halfStars = await BiasAls.fit(split.train, { progress: false });
  assertEquals(halfStars.ratingScale, [0.5, 5]);
  const given = await BiasAls.fit(split.train, { ratingScale: [1, 5], progress: false });
  assertEquals(given.ratingScale, [1, 5]);
  assertEquals(given.predict([0], [0])[0]! >= 1, true);
});

Deno.test("default ALS beats the default bias model on ml-latest-small and on synthetic data", async () => {
  const synthetic = await Deno.makeTempDir();
  const { generateSyntheticClassic } = await import("../data/synthetic_classic.ts");
  await generateSyntheticClassic(`${synthetic}/ml-100k`, "ml-100k");
  for (const dir of [SMALL, `${synthetic}/ml-100k`]) {
    const ds = await loadMovieLens(dir, { cache: false, sideFiles: false });
    const { train, test } = randomSplit(ds.ratings, { testFraction: 0.1, seed: 42 });
    const bias = await (await BiasAls.fit(train, { progress: false })).evaluate(test);
    const als = await (await Als.fit(train, { progress: false })).evaluate(test);
    assert(als.rmse < bias.rmse - 0.005, `${ds.name}: ALS ${als.rmse} vs bias ${bias.rmse}`);
  }
  await Deno.remove(synthetic, { recursive: true });
});
