import { assert, assertAlmostEquals, assertEquals } from "../../tests/_assert.ts";
import { fromTriplets } from "../data/coo.ts";
import { coldItemSplit } from "../data/split.ts";
import type { Movies } from "../data/types.ts";
import { buildItemFeatures } from "../data/item_features.ts";
import { initAlsState } from "./als_state.ts";
import { GenreAls, runGenreEpoch } from "./genre_als.ts";
import { featurePrior, genreAlsReferenceEpoch, type GenreAlsState } from "./genre_als_state.ts";
import { randomFeatures } from "./genre_als_state_test.ts";
import { planted } from "./_test_fixtures.ts";

async function assertRejects(fn: () => Promise<unknown>, ...parts: string[]): Promise<void> {
  let err: unknown;
  try {
    await fn();
  } catch (e) {
    err = e;
  }
  assert(err instanceof Error, `expected an Error containing ${JSON.stringify(parts)}`);
  for (const p of parts) assert(err.message.includes(p), `error "${err.message}" lacks "${p}"`);
}

const params = {
  lambda: 0.5,
  lambdaBias: 0.3,
  tau: 2,
  tauBias: 1.5,
  lambdaFeatures: 0.7,
  weighted: false,
};

function cold(nUsers: number, nItems: number, seed: number) {
  const p = planted({ nUsers, nItems, k: 2, observed: 0.6, seed });
  return coldItemSplit(p.train, { itemFraction: 0.1, seed });
}

Deno.test("kernel epoch = the TypeScript reference (3 epochs, weighted and not)", async () => {
  const { train } = cold(80, 70, 3);
  const f = randomFeatures(70, 9, 4);
  for (const weighted of [false, true]) {
    const start = initAlsState(80, 70, 4, { seed: 5, mu: 3 });
    const make = (): GenreAlsState => ({
      ...structuredClone(start),
      featureFactors: new Float32Array(9 * 4),
      featureBias: new Float32Array(9),
    });
    const kernel = make(), reference = make();
    for (let e = 0; e < 3; e++) {
      await runGenreEpoch(train, kernel, f, { ...params, weighted });
      genreAlsReferenceEpoch(train, reference, f, { ...params, weighted });
    }
    for (
      const name of [
        "userFactors",
        "itemFactors",
        "userBias",
        "itemBias",
        "featureFactors",
        "featureBias",
      ] as const
    ) {
      for (let j = 0; j < kernel[name].length; j++) {
        assertAlmostEquals(kernel[name][j]!, reference[name][j]!, 2e-4, `${name}[${j}]`);
      }
    }
  }
});

Deno.test("GenreAls: a cold movie's prediction is its feature prior; parts sum exactly", async () => {
  const { train, coldItems } = cold(60, 50, 7);
  const f = randomFeatures(50, 7, 8);
  const model = await GenreAls.fit(train, { features: f, k: 3, epochs: 4, progress: false });
  assertEquals(Array.from(model.coldItems), Array.from(coldItems));
  const prior = featurePrior(f, 3, model.featureFactors, model.featureBias);
  for (const i of coldItems) {
    // The kernel sums the prior in f32, this check in f64: equal to f32 rounding (the Zig test
    // checks the exact equality against the kernel's own sums).
    for (let q = 0; q < 3; q++) {
      assertAlmostEquals(model.state.itemFactors[i * 3 + q]!, prior.factors[i * 3 + q]!, 1e-6);
    }
    assertAlmostEquals(model.state.itemBias[i]!, prior.bias[i]!, 1e-6);
    const c = model.contributions(2, i);
    assertEquals(
      c.itemBiasOffset,
      model.state.itemBias[i]! - c.featureBias.reduce((s, p) => s + p.value, 0),
    );
    assertAlmostEquals(c.factorOffset, 0, 1e-6);
    const unclamped = model.mu + model.state.userBias[2]! + model.state.itemBias[i]! +
      [0, 1, 2].reduce(
        (s, q) => s + model.state.userFactors[2 * 3 + q]! * model.state.itemFactors[i * 3 + q]!,
        0,
      );
    assertAlmostEquals(c.total, unclamped, 1e-5);
  }
});

Deno.test("GenreAls: the same numbers with 1 and 2 threads; τ = 0 leaves G = w = 0", async () => {
  const { train } = cold(200, 150, 9);
  const f = randomFeatures(150, 6, 1);
  const one = await GenreAls.fit(train, {
    features: f,
    k: 4,
    epochs: 3,
    threads: 1,
    progress: false,
  });
  const two = await GenreAls.fit(train, {
    features: f,
    k: 4,
    epochs: 3,
    threads: 2,
    progress: false,
  });
  assertEquals(one.state.itemFactors, two.state.itemFactors);
  assertEquals(one.featureFactors, two.featureFactors);
  const plain = await GenreAls.fit(train, {
    features: f,
    k: 4,
    epochs: 2,
    tau: 0,
    tauBias: 0,
    progress: false,
  });
  assert(plain.featureFactors.every((x) => x === 0) && plain.featureBias.every((x) => x === 0));
});

Deno.test("GenreAls: bad options are clear errors", async () => {
  const { train } = cold(20, 20, 2);
  const f = randomFeatures(20, 4, 1);
  await assertRejects(() => GenreAls.fit(train, { features: f, tau: -1 }), "tau must be", "≥ 0");
  await assertRejects(() => GenreAls.fit(train, { features: f, tauBias: NaN }), "tauBias must be");
  await assertRejects(
    () => GenreAls.fit(train, { features: f, lambdaFeatures: 0 }),
    "lambdaFeatures",
  );
  await assertRejects(() => GenreAls.fit(train, { features: f, k: 0 }), "k must be");
  await assertRejects(
    () => GenreAls.fit(train, { features: randomFeatures(19, 4, 1) }),
    "19 rows, the training matrix 20 items",
  );
  await assertRejects(
    () => GenreAls.fit(train, {} as unknown as { features: typeof f }),
    "options.features is required",
  );
});

const movies = {
  movieIds: Uint32Array.of(1, 2, 3, 4, 5),
  titles: ["A", "B", "C", "D", "E"],
  years: Uint16Array.of(1990, 1991, 1992, 0, 2024),
  genreNames: ["Comedy", "Horror", "Sci-Fi"],
  genrePtr: Uint32Array.of(0, 1, 2, 3, 4, 6),
  genreIdx: Uint8Array.of(0, 1, 2, 0, 1, 2),
} as unknown as Movies;

Deno.test("GenreAls: save/load, recommend with and without cold movies, new movies from movies.csv", async () => {
  // Users 0–2 love horror and sci-fi and dislike comedy; user 3 the reverse. Movie 4 (id 4) is
  // never rated (cold in the model); movie id 5 (Horror|Sci-Fi, 2024) is not in the model at all.
  const triplets: [number, number, number][] = [];
  for (let u = 0; u < 3; u++) triplets.push([u, 0, 1], [u, 1, 5], [u, 2, 4.5]);
  triplets.push([3, 0, 5], [3, 1, 1], [3, 2, 1.5]);
  const train = fromTriplets(
    4,
    4,
    triplets.map((t) => t[0]),
    triplets.map((t) => t[1]),
    triplets.map((t) => t[2]),
    triplets.map(() => 0),
  );
  const itemIds = Uint32Array.of(1, 2, 3, 4);
  const features = buildItemFeatures(itemIds, movies, { groups: ["genres", "decade"] });
  const model = await GenreAls.fit(train, {
    features,
    itemIds,
    k: 2,
    epochs: 10,
    lambda: 0.1,
    tau: 1,
    tauBias: 1,
    progress: false,
  });
  assertEquals(Array.from(model.coldItems), [3]);
  const warm = await model.recommend(0, { n: 4 });
  assert(!warm.items.includes(3), "cold movie 3 ranked without includeCold");
  const all = await model.recommend(0, { n: 4, includeCold: true });
  assert(all.items.includes(3), "includeCold ranks it");
  const excluded = await model.recommend(0, { n: 4, exclude: train });
  assertEquals(excluded.items.length, 0);
  const [horrorFan, comedyFan] = model.predictIds([1, 4], [5, 5], { movies });
  const [fallback] = model.predictIds([1], [5]);
  assert(horrorFan! > comedyFan!, `${horrorFan} vs ${comedyFan}`);
  assertAlmostEquals(fallback!, model.mu + model.state.userBias[0]!, 1e-5);
  assert(horrorFan !== fallback);
  const dir = await Deno.makeTempDir();
  try {
    await model.save(`${dir}/g.rsm`);
    const back = await GenreAls.load(`${dir}/g.rsm`);
    assertEquals(
      back.predictIds([1, 4], [5, 5], { movies }),
      model.predictIds([1, 4], [5, 5], { movies }),
    );
    assertEquals(back.predict([0, 1, 2], [3, 3, 3]), model.predict([0, 1, 2], [3, 3, 3]));
    assertEquals(back.features.spec, model.features.spec);
    assertEquals(Array.from(back.coldItems), [3]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("genreAlsEpoch: malformed feature rows are refused by the kernel's validation", async () => {
  const { train } = cold(20, 20, 2);
  const f = randomFeatures(20, 4, 1);
  const broken = { ...f, index: f.index.map((g, e) => (e === 3 ? 9 : g)) };
  const state = {
    ...initAlsState(20, 20, 2, { seed: 1, mu: 3 }),
    featureFactors: new Float32Array(8),
    featureBias: new Float32Array(4),
  };
  await assertRejects(() => runGenreEpoch(train, state, broken, params), "feature rows");
});
