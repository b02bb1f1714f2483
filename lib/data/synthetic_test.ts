import {
  assert,
  assertAlmostEquals,
  assertEquals,
  assertNotEquals,
  assertRejects,
  assertThrows,
} from "../../tests/_assert.ts";
import { Rng } from "../stats/rng.ts";
import { loadMovieLens } from "./load.ts";
import { MOVIELENS_GENRES, splitTitle } from "./side_files.ts";
import {
  generateSynthetic,
  makeSyntheticFallback,
  planSynthetic,
  readSyntheticInfo,
  SYNTHETIC_SMALL,
} from "./synthetic.ts";
import type { SyntheticOptions } from "./synthetic.ts";
import {
  degreeSequence,
  factorSd,
  FIRST_RATING_TIME,
  HALF_STARS_FROM,
  LAST_RATING_TIME,
} from "./_synthetic_plan.ts";

const SCALE = { users: 300, movies: 500, ratings: 20_000, quiet: true } as const;
const FILES = [
  "ratings.csv",
  "movies.csv",
  "links.csv",
  "tags.csv",
  "README.txt",
  "synthetic.json",
];

async function generated(
  options: SyntheticOptions,
): Promise<{ root: string; dir: string; cacheDir: string }> {
  const root = await Deno.makeTempDir({ prefix: "recsys-synthetic-" });
  const dir = `${root}/synthetic`;
  await generateSynthetic(dir, options);
  return { root, dir, cacheDir: `${root}/cache` };
}

async function readAll(dir: string): Promise<Uint8Array[]> {
  return await Promise.all(FILES.map((f) => Deno.readFile(`${dir}/${f}`)));
}

Deno.test("loadMovieLens reads back exactly the requested sizes and valid ratings", async () => {
  const { root, dir, cacheDir } = await generated({ ...SCALE, seed: 3 });
  const ds = await loadMovieLens(dir, { cacheDir, cache: false });
  const m = ds.ratings;
  assertEquals(m.nnz, 20_000);
  assertEquals(m.nUsers, 300);
  assertEquals(ds.userIds, Uint32Array.from({ length: 300 }, (_, u) => u + 1));
  assertEquals(ds.movies.movieIds.length, 500);
  assertEquals(ds.tags.tags.length, Math.round(20_000 / 16));
  for (let u = 0; u < m.nUsers; u++) {
    assert(m.userPtr[u + 1]! - m.userPtr[u]! >= 20, `user ${u + 1} has fewer than 20 ratings`);
  }
  for (let e = 0; e < m.nnz; e++) {
    const r = m.userRatings[e]!;
    const t = m.userTimes[e]!;
    assert(r >= 0.5 && r <= 5 && Number.isInteger(2 * r), `rating ${r} is not a half star`);
    assert(t >= FIRST_RATING_TIME && t <= LAST_RATING_TIME, `timestamp ${t} outside 1995–2023`);
    if (t < HALF_STARS_FROM) assert(Number.isInteger(r), `half star ${r} before 2003-02-18`);
  }
  // Every rated movie is in the catalogue; the rest are the unrated ones synthetic.json counts.
  const catalogue = new Set(ds.movies.movieIds);
  for (const id of ds.itemIds) assert(catalogue.has(id), `movieId ${id} not in movies.csv`);
  const info = await readSyntheticInfo(dir);
  assertEquals(info?.unratedMovies, 500 - m.nItems);
  assertEquals([info?.users, info?.movies, info?.ratings, info?.seed], [300, 500, 20_000, 3]);
  await Deno.remove(root, { recursive: true });
});

Deno.test("files follow the GroupLens layout: headers, sort order, quoting, catalogue", async () => {
  const { root, dir, cacheDir } = await generated({ ...SCALE, seed: 4 });
  const text = await Deno.readTextFile(`${dir}/ratings.csv`);
  const lines = text.split("\n");
  assertEquals(lines[0], "userId,movieId,rating,timestamp");
  assertEquals(lines.at(-1), "", "ratings.csv ends with a newline");
  let previous = [0, 0];
  for (let j = 1; j < lines.length - 1; j++) {
    const [user, movie] = lines[j]!.split(",").map(Number) as [number, number];
    assert(
      user > previous[0]! || (user === previous[0] && movie > previous[1]!),
      `ratings.csv line ${j + 1} is out of order or repeats a pair`,
    );
    previous = [user, movie];
  }
  for (
    const [file, header] of [
      ["movies.csv", "movieId,title,genres"],
      ["links.csv", "movieId,imdbId,tmdbId"],
      ["tags.csv", "userId,movieId,tag,timestamp"],
    ]
  ) {
    const content = await Deno.readTextFile(`${dir}/${file}`);
    assertEquals(content.slice(0, content.indexOf("\n")), header);
    assert(!content.includes("\r"), `${file} has LF line endings`);
  }
  const movies = await Deno.readTextFile(`${dir}/movies.csv`);
  assert(movies.includes(", The ("), "some titles carry commas");
  assert(
    /\n\d+,"Synthetic Movie \d+, The \(\d{4}\)",/.test(movies),
    "titles with commas are quoted",
  );
  // The catalogue as read equals the plan: ids, titles (after quoting), years, genres, links.
  const plan = planSynthetic({ ...SCALE, seed: 4 });
  const ds = await loadMovieLens(dir, { cacheDir, cache: false });
  assertEquals(ds.movies.movieIds, plan.movieIds);
  for (let i = 0; i < plan.movieIds.length; i++) {
    const { title, year } = splitTitle(plan.titles[i]!);
    assertEquals([ds.movies.titles[i], ds.movies.years[i]], [title, year]);
  }
  assertEquals(ds.movies.genreNames.slice(0, 20), [...MOVIELENS_GENRES]);
  assertEquals(ds.movies.genrePtr, plan.genrePtr);
  assertEquals(ds.movies.genreIdx, plan.genreIdx);
  assertEquals(ds.movies.imdbIds, plan.imdbIds);
  assertEquals(ds.movies.tmdbIds, plan.tmdbIds);
  for (let i = 1; i < plan.movieIds.length; i++) assert(plan.movieIds[i]! > plan.movieIds[i - 1]!);
  // No (user, movie, tag) twice; taggers are users, tagged movies are in the catalogue.
  const keys = new Set<string>();
  const catalogue = new Set(plan.movieIds);
  for (let j = 0; j < ds.tags.tags.length; j++) {
    const key = `${ds.tags.userIds[j]}|${ds.tags.movieIds[j]}|${ds.tags.tags[j]}`;
    assert(!keys.has(key), `tag row ${key} repeats`);
    keys.add(key);
    assert(ds.tags.userIds[j]! >= 1 && ds.tags.userIds[j]! <= 300);
    assert(catalogue.has(ds.tags.movieIds[j]!));
  }
  assert(ds.tags.tags.some((t) => t.includes(",")), "some tags need quoting");
  await Deno.remove(root, { recursive: true });
});

Deno.test("same seed gives the same bytes, another seed other bytes, threads change nothing", async () => {
  // 120,000 ratings: enough for the kernel to really use two threads (50,000 ratings per thread).
  const scale = { users: 1_000, movies: 1_000, ratings: 120_000, quiet: true } as const;
  const a = await generated({ ...scale, seed: 9, threads: 1 });
  const b = await generated({ ...scale, seed: 9, threads: 2 });
  const c = await generated({ ...scale, seed: 10, threads: 2 });
  const [filesA, filesB, filesC] = await Promise.all([a, b, c].map((g) => readAll(g.dir)));
  for (let f = 0; f < FILES.length; f++) {
    assertEquals(filesA![f], filesB![f], `${FILES[f]} differs between 1 and 2 threads`);
    assertNotEquals(filesA![f], filesC![f], `${FILES[f]} is the same for seeds 9 and 10`);
  }
  for (const g of [a, b, c]) await Deno.remove(g.root, { recursive: true });
});

Deno.test("the oracle RMSE in synthetic.json is the planted model's, recomputed here", async () => {
  const options = { ...SCALE, seed: 5, k: 4, noise: 0.6 };
  const { root, dir, cacheDir } = await generated(options);
  const plan = planSynthetic(options);
  const ds = await loadMovieLens(dir, { cacheDir, cache: false, sideFiles: false });
  const rowOf = new Map(Array.from(plan.movieIds, (id, row) => [id, row]));
  const m = ds.ratings;
  const k = 4;
  const halfStars = (value: number, whole: boolean) =>
    whole
      ? 2 * Math.min(5, Math.max(1, Math.round(value)))
      : Math.min(10, Math.max(1, Math.round(2 * value)));
  let halfSteps = 0;
  let unrounded = 0;
  let noise = 0;
  for (let u = 0; u < m.nUsers; u++) {
    for (let e = m.userPtr[u]!; e < m.userPtr[u + 1]!; e++) {
      const i = rowOf.get(ds.itemIds[m.userItems[e]!]!)!;
      // The kernel's order of operations, in f64: ((μ + b_u) + b_i) + Σ x_j·y_j.
      let p = plan.mu + plan.userBias[u]!;
      p += plan.itemBias[i]!;
      for (let j = 0; j < k; j++) p += plan.userFactors[u * k + j]! * plan.itemFactors[i * k + j]!;
      const r = m.userRatings[e]!;
      const whole = m.userTimes[e]! < HALF_STARS_FROM;
      halfSteps += (2 * r - halfStars(p, whole)) ** 2;
      const err = r - Math.min(5, Math.max(0.5, p));
      unrounded += Math.round(err * err * 2 ** 20);
      noise += (r - p) ** 2;
    }
  }
  const info = (await readSyntheticInfo(dir))!;
  assertEquals(info.oracleRmse, Math.sqrt(halfSteps / 4 / m.nnz));
  assertEquals(info.oracleRmseUnrounded, Math.sqrt(unrounded / 2 ** 20 / m.nnz));
  // The noise is what was asked for: σ² plus the rounding (and less where clamping cuts it).
  assertAlmostEquals(Math.sqrt(noise / m.nnz), Math.sqrt(0.36 + 0.03), 0.03, "noise level");
  const readme = await Deno.readTextFile(`${dir}/README.txt`);
  assert(readme.includes("NOT real MovieLens data") && readme.includes("seed 5"));
  assert(readme.includes(info.oracleRmse.toFixed(4)), "README.txt quotes the oracle RMSE");
  await Deno.remove(root, { recursive: true });
});

Deno.test("genres follow the planted item factors", async () => {
  const options = { ...SCALE, seed: 6 };
  const { root, dir, cacheDir } = await generated(options);
  const plan = planSynthetic(options);
  const ds = await loadMovieLens(dir, { cacheDir, cache: false });
  const { k } = plan.spec;
  const s = factorSd(k);
  const differences: number[] = [];
  for (const genre of ["Drama", "Comedy", "Thriller"]) {
    const g = MOVIELENS_GENRES.indexOf(genre);
    let inSum = 0, inCount = 0, outSum = 0, outCount = 0;
    for (let row = 0; row < ds.movies.movieIds.length; row++) {
      let projection = 0;
      for (let j = 0; j < k; j++) {
        projection += plan.itemFactors[row * k + j]! * plan.genreDirections[g * k + j]!;
      }
      const own = ds.movies.genreIdx.subarray(ds.movies.genrePtr[row], ds.movies.genrePtr[row + 1]);
      if (own.includes(g)) {
        inSum += projection / s;
        inCount++;
      } else {
        outSum += projection / s;
        outCount++;
      }
    }
    assert(
      inCount >= 30 && outCount >= 30,
      `${genre}: ${inCount} movies with, ${outCount} without`,
    );
    differences.push(inSum / inCount - outSum / outCount);
  }
  // Projections are N(0, 1) a priori; a genre shifts its members' mean by about +0.8.
  for (const d of differences) assert(d > 0.4, `genre/factor mean difference ${d} too small`);
  await Deno.remove(root, { recursive: true });
});

Deno.test("strong signal: the item side drawn around genre centroids, spread kept", () => {
  const options = { users: 2_000, movies: 3_000, ratings: 150_000, seed: 11, quiet: true } as const;
  const strong = planSynthetic(options);
  const classic = planSynthetic({ ...options, featureSignal: "classic" });
  // The same draws: catalogue, genres, popularity, users; only the item side and years move.
  assertEquals(strong.genreIdx, classic.genreIdx);
  assertEquals(strong.movieIds, classic.movieIds);
  assertEquals(strong.itemWeights, classic.itemWeights);
  assertEquals(strong.userFactors, classic.userFactors);
  assertNotEquals(strong.itemFactors, classic.itemFactors);
  assertNotEquals(strong.itemBias, classic.itemBias);
  const { k } = strong.spec;
  const g = MOVIELENS_GENRES.length;
  // Popularity-weighted moments of the planted item side: the strong signal keeps them.
  const moments = (plan: typeof strong) => {
    let w = 0, b = 0, b2 = 0, y2 = 0;
    for (let i = 0; i < plan.movieIds.length; i++) {
      const wi = plan.itemWeights[i]!;
      w += wi;
      b += wi * plan.itemBias[i]!;
      b2 += wi * plan.itemBias[i]! ** 2;
      for (let j = 0; j < k; j++) y2 += wi * plan.itemFactors[i * k + j]! ** 2;
    }
    return { mean: b / w, sd: Math.sqrt(b2 / w - (b / w) ** 2), square: y2 / w };
  };
  const [ms, mc] = [moments(strong), moments(classic)];
  assertAlmostEquals(ms.mean, mc.mean, 1e-5, "weighted mean of b_i");
  assertAlmostEquals(ms.sd, mc.sd, 1e-5, "weighted sd of b_i");
  assertAlmostEquals(ms.square, mc.square, 1e-5 * mc.square, "weighted mean square of y_i");
  // Share of y_i's variance (over the movies with genres) explained by the genre-set centroids:
  // each movie's factors against the mean factors of the movies with exactly its genres.
  const explained = (plan: typeof strong) => {
    const groups = new Map<string, number[]>();
    for (let i = 0; i < plan.movieIds.length; i++) {
      const own = plan.genreIdx.subarray(plan.genrePtr[i], plan.genrePtr[i + 1]);
      if (own.includes(g)) continue;
      const key = own.join(",");
      groups.set(key, [...(groups.get(key) ?? []), i]);
    }
    let total = 0, within = 0;
    for (const members of groups.values()) {
      if (members.length < 5) continue;
      for (let j = 0; j < k; j++) {
        const mean = members.reduce((a, i) => a + plan.itemFactors[i * k + j]!, 0) /
          members.length;
        for (const i of members) {
          total += plan.itemFactors[i * k + j]! ** 2;
          within += (plan.itemFactors[i * k + j]! - mean) ** 2;
        }
      }
    }
    return 1 - within / total;
  };
  const [es, ec] = [explained(strong), explained(classic)];
  assert(es > 0.5 && es > ec + 0.25, `genre sets explain ${es} of y_i (classic ${ec})`);
  // Horror's and Children's movies point apart (their mean factors, centred on all movies' mean),
  // whatever the random directions.
  const meanFactors = (plan: typeof strong, genre: string) => {
    const a = MOVIELENS_GENRES.indexOf(genre);
    const sum = new Float64Array(k);
    const all = new Float64Array(k);
    let n = 0;
    for (let i = 0; i < plan.movieIds.length; i++) {
      for (let j = 0; j < k; j++) all[j]! += plan.itemFactors[i * k + j]! / plan.movieIds.length;
      if (!plan.genreIdx.subarray(plan.genrePtr[i], plan.genrePtr[i + 1]).includes(a)) continue;
      for (let j = 0; j < k; j++) sum[j]! += plan.itemFactors[i * k + j]!;
      n++;
    }
    return sum.map((x, j) => x / n - all[j]!);
  };
  const [horror, children] = [meanFactors(strong, "Horror"), meanFactors(strong, "Children")];
  const dot = (x: Float64Array, y: Float64Array) => x.reduce((acc, v, j) => acc + v * y[j]!, 0);
  const cos = dot(horror, children) / Math.sqrt(dot(horror, horror) * dot(children, children));
  assert(cos < -0.1, `Horror and Children mean factors: cosine ${cos}`);
  assertThrows(
    () => planSynthetic({ ...options, featureSignal: "loud" as "strong" }),
    RangeError,
    "featureSignal",
  );
});

Deno.test("CRLF line endings, read back the same", async () => {
  const { root, dir, cacheDir } = await generated({ ...SCALE, seed: 3, lineEnding: "crlf" });
  for (const file of ["ratings.csv", "movies.csv", "links.csv", "tags.csv"]) {
    const text = await Deno.readTextFile(`${dir}/${file}`);
    assertEquals(text.split("\r\n").length, text.split("\n").length, `${file}: every line CRLF`);
  }
  const ds = await loadMovieLens(dir, { cacheDir, cache: false });
  const lf = await generated({ ...SCALE, seed: 3 });
  const dsLf = await loadMovieLens(lf.dir, { cacheDir, cache: false });
  assertEquals(ds.ratings.userRatings, dsLf.ratings.userRatings);
  assertEquals(ds.ratings.userTimes, dsLf.ratings.userTimes);
  assertEquals(ds.movies.titles, dsLf.movies.titles);
  for (const r of [root, lf.root]) await Deno.remove(r, { recursive: true });
});

Deno.test("degreeSequence: exact total, bounds, held at the maximum when needed", () => {
  for (
    const [n, total, min, max] of [
      [300, 20_000, 20, 500],
      [300, 6_000, 20, 500],
      [300, 150_000, 20, 500],
      [7, 7 * 20 + 1, 20, 21],
      [1000, 100_000, 20, 2000],
    ] as const
  ) {
    const d = degreeSequence(new Rng(n + total), n, total, { min, max, logSd: 1.39 });
    assertEquals(d.reduce((a, b) => a + b, 0), total);
    assert(d.every((x) => x >= min && x <= max), `values outside ${min}..${max}`);
  }
  // A heavy tail: at the default shape the largest user has many times the median.
  const d = Array.from(
    degreeSequence(new Rng(1), 10_000, 1_600_000, { min: 20, max: 80_000, logSd: 1.39 }),
  )
    .sort((a, b) => a - b);
  assert(d.at(-1)! > 20 * d[5_000]!, `max ${d.at(-1)} vs median ${d[5_000]}`);
  assertThrows(
    () => degreeSequence(new Rng(1), 10, 100, { min: 20, max: 50, logSd: 1 }),
    RangeError,
    "cannot be split",
  );
});

Deno.test("bad options and an existing folder are refused; force replaces", async () => {
  const root = await Deno.makeTempDir({ prefix: "recsys-synthetic-" });
  const dir = `${root}/s`;
  await assertRejects(
    () => generateSynthetic(dir, { users: 100, movies: 500, ratings: 1_999 }),
    RangeError,
    "ratings must be an integer in 2000..50000",
  );
  await assertRejects(() => generateSynthetic(dir, { ...SCALE, movies: 19 }), RangeError, "movies");
  await assertRejects(() => generateSynthetic(dir, { ...SCALE, noise: -1 }), RangeError, "noise");
  await generateSynthetic(dir, { ...SCALE, seed: 1 });
  await assertRejects(() => generateSynthetic(dir, { ...SCALE, seed: 2 }), Error, "already exists");
  await generateSynthetic(dir, { ...SCALE, seed: 2, force: true });
  assertEquals((await readSyntheticInfo(dir))?.seed, 2);
  const leftovers = [];
  for await (const entry of Deno.readDir(root)) leftovers.push(entry.name);
  assertEquals(leftovers, ["s"], "no temporary folder is left behind");
  await Deno.remove(root, { recursive: true });
});

Deno.test("the notebook fallback is synthetic-small and keeps an existing folder", async () => {
  const root = await Deno.makeTempDir({ prefix: "recsys-synthetic-" });
  const dir = `${root}/synthetic-small`;
  await makeSyntheticFallback(dir);
  const info = (await readSyntheticInfo(dir))!;
  assertEquals([info.users, info.movies, info.ratings], [
    SYNTHETIC_SMALL.users,
    SYNTHETIC_SMALL.movies,
    SYNTHETIC_SMALL.ratings,
  ]);
  const before = await Deno.stat(`${dir}/ratings.csv`);
  await makeSyntheticFallback(dir);
  assertEquals((await Deno.stat(`${dir}/ratings.csv`)).mtime, before.mtime);
  assertEquals(await readSyntheticInfo(root), undefined);
  await Deno.remove(root, { recursive: true });
});
