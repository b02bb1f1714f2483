// deno-lint-ignore-file no-explicit-any -- JSON responses are checked field by field
import { assert, assertEquals } from "../../tests/_assert.ts";
import { buildItemFeatures, withMovie } from "../data/item_features.ts";
import { loadMovieLens } from "../data/load.ts";
import { Als } from "../models/als.ts";
import { scorePerson } from "../models/fold_in.ts";
import { GenreAls } from "../models/genre_als.ts";
import { createHandler, MAX_BODY_BYTES } from "./api.ts";
import { RecommenderApp } from "./app.ts";
import { serveApp } from "./server.ts";
import { staticFiles } from "./views.ts";

const ds = await loadMovieLens("../shared/data/ml-latest-small", { cache: false });
const model = await Als.fit(ds.ratings, {
  k: 16,
  lambda: 10,
  lambdaBias: 3,
  weighted: false,
  epochs: 6,
  seed: 1,
  progress: false,
  userIds: ds.userIds,
  itemIds: ds.itemIds,
});
const app = new RecommenderApp(ds, model);
const handle = createHandler(app, {
  file: staticFiles({ figuresDir: "/nonexistent" }),
  explore: () => Promise.resolve({ card: { dataset: ds.name }, figures: [] }),
});
const MATRIX = 2571, PULP_FICTION = 296, TOY_STORY = 1, BLADE_RUNNER = 541;

async function call(
  path: string,
  init: { method?: string; body?: unknown; raw?: string } = {},
): Promise<{ status: number; body: Record<string, unknown> & { [k: string]: any } }> {
  const body = init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body));
  const res = await handle(
    new Request(`http://127.0.0.1${path}`, {
      method: init.method ?? (body ? "POST" : "GET"),
      body,
    }),
  );
  const text = await res.text();
  return {
    status: res.status,
    body: res.headers.get("content-type")?.includes("json") ? JSON.parse(text) : { text },
  };
}

Deno.test("GET /api/search finds The Matrix for 'matrix' and names the bad field", async () => {
  const { status, body } = await call("/api/search?q=matrix");
  assertEquals(status, 200);
  assertEquals(body.hits[0].movieId, MATRIX);
  assertEquals(body.hits[0].title, "The Matrix");
  assertEquals(body.hits[0].year, 1999);
  assertEquals((await call("/api/search")).body.field, "q");
  assertEquals((await call("/api/search?q=a&limit=0")).body.field, "limit");
  assertEquals((await call(`/api/search?q=${"x".repeat(201)}`)).status, 400);
});

Deno.test("POST /api/recommend: ten unseen movies with explanations that add up", async () => {
  const ratings = [
    { movieId: MATRIX, rating: 5 },
    { movieId: BLADE_RUNNER, rating: 4.5 },
    { movieId: TOY_STORY, rating: 2 },
  ];
  const { status, body } = await call("/api/recommend", { body: { ratings, n: 10 } });
  assertEquals(status, 200);
  assertEquals(body.items.length, 10);
  assertEquals(body.person.ratings, 3);
  for (const m of body.items) {
    assert(![MATRIX, BLADE_RUNNER, TOY_STORY].includes(m.movieId), "rated movies are left out");
    assert(typeof m.because === "string" && m.because.length > 0);
    const p = m.parts;
    assertEquals(p.contributions.length, 3);
    const sum = p.mu + p.itemBias + p.contributions.reduce((s: number, c: any) => s + c.total, 0);
    assert(Math.abs(sum - p.prediction) < 1e-9, `${m.title}: ${sum} vs ${p.prediction}`);
    assert(Math.abs(p.prediction - m.score) < 1e-4);
    assert(m.predicted >= 0.5 && m.predicted <= 5);
  }
  const scores = body.items.map((m: any) => m.score);
  assertEquals(scores, [...scores].sort((a: number, b: number) => b - a));
  // The same person through the model's own scoring (kernel) ranks the same first movie.
  const seen = await call("/api/recommend", { body: { ratings, n: 10, excludeSeen: false } });
  assert(seen.body.items.length === 10);
});

Deno.test("POST /api/recommend: filters apply inside the top-N", async () => {
  const ratings = [{ movieId: MATRIX, rating: 5 }, { movieId: PULP_FICTION, rating: 4 }];
  const doc = await call("/api/recommend", {
    body: { ratings, n: 10, filters: { genres: ["Documentary"] } },
  });
  assertEquals(
    doc.body.items.length,
    10,
    "ten documentaries, not the documentaries among a top 10",
  );
  assert(doc.body.items.every((m: any) => m.genres.includes("Documentary")));
  const both = await call("/api/recommend", {
    body: {
      ratings,
      n: 20,
      filters: {
        genres: ["Comedy", "Romance"],
        genreMode: "all",
        yearMin: 1990,
        yearMax: 1999,
        minRatings: 20,
      },
    },
  });
  assertEquals(both.body.items.length, 20);
  for (const m of both.body.items) {
    assert(m.genres.includes("Comedy") && m.genres.includes("Romance"), m.title);
    assert(m.year >= 1990 && m.year <= 1999 && m.ratings >= 20, m.title);
  }
  // A person with no ratings gets the unpersonalised list (μ + b_i), still filtered.
  const cold = await call("/api/recommend", { body: { ratings: [], n: 5 } });
  assertEquals(cold.body.items.length, 5);
});

Deno.test("every bad request gets 400/404/405/413 naming the field, and the handler keeps serving", async () => {
  const good = [{ movieId: MATRIX, rating: 5 }];
  const cases: [string, { method?: string; body?: unknown; raw?: string }, number, string][] = [
    ["/api/recommend", { raw: "{not json" }, 400, "body"],
    ["/api/recommend", { raw: "[1, 2]" }, 400, "body"],
    ["/api/recommend", { body: {} }, 400, "ratings"],
    ["/api/recommend", { body: { ratings: "lots" } }, 400, "ratings"],
    ["/api/recommend", { body: { ratings: [{ movieId: MATRIX }] } }, 400, "ratings[0].rating"],
    [
      "/api/recommend",
      { body: { ratings: [good[0], { movieId: 999999999, rating: 3 }] } },
      404,
      "ratings[1].movieId",
    ],
    [
      "/api/recommend",
      { body: { ratings: [{ movieId: MATRIX, rating: 6 }] } },
      400,
      "ratings[0].rating",
    ],
    [
      "/api/recommend",
      { body: { ratings: [{ movieId: MATRIX, rating: 0 }] } },
      400,
      "ratings[0].rating",
    ],
    [
      "/api/recommend",
      { body: { ratings: [{ movieId: -3, rating: 3 }] } },
      400,
      "ratings[0].movieId",
    ],
    ["/api/recommend", { body: { ratings: [good[0], good[0]] } }, 400, "ratings[1].movieId"],
    [
      "/api/recommend",
      {
        body: {
          ratings: Array.from({ length: 1001 }, (_, j) => ({ movieId: ds.itemIds[j], rating: 3 })),
        },
      },
      413,
      "ratings",
    ],
    ["/api/recommend", { body: { ratings: good, n: 0 } }, 400, "n"],
    ["/api/recommend", { body: { ratings: good, n: 101 } }, 400, "n"],
    ["/api/recommend", { body: { ratings: good, n: 2.5 } }, 400, "n"],
    [
      "/api/recommend",
      { body: { ratings: good, filters: { genres: ["Sci-fi"] } } },
      400,
      "filters.genres",
    ],
    [
      "/api/recommend",
      { body: { ratings: good, filters: { yearMin: 2000, yearMax: 1990 } } },
      400,
      "filters.yearMin",
    ],
    [
      "/api/recommend",
      { body: { ratings: good, filters: { colour: "red" } } },
      400,
      "filters.colour",
    ],
    [
      "/api/recommend",
      { body: { ratings: good, filters: { minRatings: "5" } } },
      400,
      "filters.minRatings",
    ],
    ["/api/recommend", { body: { ratings: good, excludeSeen: "no" } }, 400, "excludeSeen"],
    ["/api/recommend", { body: { ratings: good, extra: 1 } }, 400, "extra"],
    [
      "/api/recommend",
      { raw: JSON.stringify({ ratings: good, pad: "x".repeat(MAX_BODY_BYTES) }) },
      413,
      "body",
    ],
    ["/api/recommend", { method: "GET" }, 405, "method"],
    ["/api/explain?ratings=2571:5", {}, 400, "movieId"],
    ["/api/explain?movieId=1&ratings=2571-5", {}, 400, "ratings"],
    ["/api/explain?movieId=1&ratings=2571:9", {}, 400, "ratings[0].rating"],
    ["/api/explain?movieId=424242424&ratings=2571:5", {}, 404, "movieId"],
    ["/api/similar?movieId=abc", {}, 400, "movieId"],
    ["/api/similar?movieId=2571&n=500", {}, 400, "n"],
    ["/api/similar?movieId=7777777", {}, 404, "movieId"],
    ["/api/movie/abc", {}, 400, "id"],
    ["/api/movie/99999999", {}, 404, "movieId"],
    ["/api/new-movie", { body: { genres: [] } }, 400, "genres"],
    ["/api/new-movie", { body: { genres: ["Sci-Fi"], year: 1200 } }, 400, "year"],
    ["/api/new-movie", { body: { genres: ["Martian"] } }, 400, "genres"],
    ["/api/nothing-here", {}, 404, "path"],
  ];
  for (const [path, init, status, field] of cases) {
    const res = await call(path, init);
    assertEquals(
      [res.status, res.body.field],
      [status, field],
      `${path} ${JSON.stringify(init).slice(0, 80)}`,
    );
    assert(typeof res.body.error === "string" && res.body.error.length > 0);
    if (field !== "method" && field !== "path") {
      assert(res.body.error.includes(field.split("[")[0]!), res.body.error);
    }
  }
  const after = await call("/api/recommend", { body: { ratings: good } });
  assertEquals(after.status, 200);
});

Deno.test("GET /api/explain: every rated movie's contribution, summing to the prediction", async () => {
  const { status, body } = await call(
    `/api/explain?movieId=${BLADE_RUNNER}&ratings=${MATRIX}:5,${TOY_STORY}:1,${PULP_FICTION}:4`,
  );
  assertEquals(status, 200);
  assertEquals(body.movie.title, "Blade Runner");
  assertEquals(body.contributions.length, 3);
  const sum = body.mu + body.itemBias +
    body.contributions.reduce((s: number, c: any) => s + c.total, 0);
  assert(Math.abs(sum - body.prediction) < 1e-9);
  const factor = body.factorTerm + body.userBias;
  assert(
    Math.abs(factor - body.contributions.reduce((s: number, c: any) => s + c.total, 0)) < 1e-9,
  );
});

Deno.test("GET /api/similar, /api/movie/:id, /api/info, POST /api/new-movie, static files", async () => {
  const sim = await call(`/api/similar?movieId=${MATRIX}&n=5&minRatings=20`);
  assertEquals(sim.status, 200);
  assertEquals(sim.body.similar.length, 5);
  assert(sim.body.similar.every((s: any) => s.movieId !== MATRIX && s.ratings >= 20));
  const movie = await call(`/api/movie/${MATRIX}`);
  assertEquals([movie.body.title, movie.body.year, movie.body.ratings], ["The Matrix", 1999, 278]);
  assert(movie.body.genres.includes("Sci-Fi"));
  const info = await call("/api/info");
  assertEquals(info.body.dataset.ratings, 100_836);
  assert(info.body.genres.includes("Sci-Fi"));
  const fresh = await call("/api/new-movie", {
    body: { genres: ["Sci-Fi", "Horror"], year: 2024 },
  });
  assertEquals(fresh.status, 200);
  assertEquals(fresh.body.users.length, 10);
  assertEquals(fresh.body.histogram.reduce((a: number, b: number) => a + b, 0), ds.ratings.nUsers);
  assert(fresh.body.method.startsWith("feature average"));
  assertEquals(fresh.body.model, "feature-average");
  assertEquals(info.body.newMovie.model, "feature-average");
  assertEquals(info.body.newMovie.tags, []);
  const tagged = await call("/api/new-movie", { body: { genres: ["Sci-Fi"], tags: ["aliens"] } });
  assertEquals([tagged.status, tagged.body.field], [400, "tags"]);
  const page = await call("/");
  assert(page.body.text.includes("<title>MovieLens recommender</title>"));
  assertEquals((await call("/static/app.js")).status, 200);
  assertEquals((await call("/static/../../deno.json")).status, 404);
  assertEquals((await call("/", { method: "POST", raw: "x" })).status, 405);
});

Deno.test("the server on 127.0.0.1 answers garbage with 4xx and keeps serving", async () => {
  const stop = new AbortController();
  const server = serveApp(app, {
    port: 0,
    signal: stop.signal,
    onListen: () => {},
    modelsDir: "/nonexistent",
  });
  const base = `http://127.0.0.1:${server.addr.port}`;
  try {
    assertEquals(server.addr.hostname, "127.0.0.1");
    const bad = await fetch(`${base}/api/recommend`, { method: "POST", body: "\u0000\u00ff{" });
    assertEquals(bad.status, 400);
    await bad.body?.cancel();
    const big = await fetch(`${base}/api/recommend`, {
      method: "POST",
      body: new Uint8Array(MAX_BODY_BYTES + 1),
    });
    assertEquals(big.status, 413);
    await big.body?.cancel();
    const models = await fetch(`${base}/api/models`);
    assertEquals((await models.json()).rows.length, 1);
    const ok = await fetch(`${base}/api/recommend`, {
      method: "POST",
      body: JSON.stringify({ ratings: [{ movieId: MATRIX, rating: 5 }], n: 3 }),
    });
    assertEquals((await ok.json()).items.length, 3);
  } finally {
    stop.abort();
    await server.finished;
  }
});

/** An app whose New movie view uses genre ALS (Practical 5's model), with or without tags. */
async function genreApp(groups: ("genres" | "decade" | "tags")[]) {
  const features = buildItemFeatures(ds.itemIds, ds.movies, { groups, tags: ds.tags, topTags: 50 });
  const genre = await GenreAls.fit(ds.ratings, {
    features,
    k: 8,
    lambda: 2,
    lambdaBias: 3,
    tau: 50,
    tauBias: 30,
    lambdaFeatures: 1,
    weighted: false,
    epochs: 4,
    seed: 42,
    progress: false,
    userIds: ds.userIds,
    itemIds: ds.itemIds,
  });
  const app = new RecommenderApp(ds, model, { genreModel: genre });
  return { genre, app, handle: createHandler(app) };
}

async function post(handler: (r: Request) => Promise<Response>, path: string, body: unknown) {
  const res = await handler(
    new Request(`http://127.0.0.1${path}`, { method: "POST", body: JSON.stringify(body) }),
  );
  return { status: res.status, body: await res.json() };
}

Deno.test("POST /api/new-movie uses a genre-ALS model when one is loaded: its prior Gᵀf, wᵀf", async () => {
  const { genre, handle: h } = await genreApp(["genres", "decade"]);
  const info = await (await h(new Request("http://127.0.0.1/api/info"))).json();
  assertEquals(info.newMovie.model, "genre-als");
  assert(info.newMovie.method.startsWith("genre ALS (Practical 5"), info.newMovie.method);
  assertEquals(info.newMovie.tags, []);
  const { status, body } = await post(h, "/api/new-movie", {
    genres: ["Sci-Fi", "Horror"],
    year: 1995,
  });
  assertEquals(status, 200);
  assertEquals(body.model, "genre-als");
  assert(body.method.startsWith("genre ALS"), body.method);
  assertEquals(
    body.features.map((f: any) => f.feature),
    ["(intercept)", "genre:Horror", "genre:Sci-Fi", "decade:1990s"],
  );
  // The bias shares add up to the baseline: μ + Σ w_g f_g.
  const w = body.features.reduce((s: number, f: any) => s + f.bias, 0);
  assert(Math.abs(genre.mu + w - body.baseline) < 2e-3, `${genre.mu + w} vs ${body.baseline}`);
  // The users it suits are scored as the model itself scores a catalogue movie it never saw.
  const newId = Math.max(...ds.movies.movieIds) + 1;
  const movies = withMovie(ds.movies, {
    movieId: newId,
    title: "A new one",
    year: 1995,
    genres: ["Horror", "Sci-Fi"],
  });
  const users = body.users.map((u: any) => u.userId);
  const expected = genre.predictIds(users, users.map(() => newId), { movies });
  body.users.forEach((u: any, j: number) => {
    assert(
      Math.abs(u.predicted - expected[j]!) < 0.006,
      `${u.userId}: ${u.predicted} vs ${expected[j]}`,
    );
  });
  assertEquals(body.users.length, 10);
  assertEquals(body.histogram.reduce((a: number, b: number) => a + b, 0), ds.ratings.nUsers);
  // A different movie gets a different prior; bad input is still a 400 naming the field.
  const comedy = await post(h, "/api/new-movie", { genres: ["Children", "Comedy"], year: 1995 });
  assert(comedy.body.baseline !== body.baseline);
  assertEquals((await post(h, "/api/new-movie", { genres: ["Martian"] })).body.field, "genres");
  assertEquals(
    (await post(h, "/api/new-movie", { genres: ["Drama"], tags: ["x"] })).body.field,
    "tags",
  );
  assertEquals(
    (await post(h, "/api/new-movie", { genres: ["Drama"], colour: 1 })).body.field,
    "colour",
  );
});

Deno.test("POST /api/new-movie with a tag-feature genre-ALS model takes tags", async () => {
  const { app, handle: h } = await genreApp(["genres", "decade", "tags"]);
  const vocabulary = app.newMovieTags;
  assertEquals(vocabulary.length, 50);
  const tag = vocabulary[0]!;
  const info = await (await h(new Request("http://127.0.0.1/api/info"))).json();
  assertEquals(info.newMovie.tags, vocabulary);
  const plain = await post(h, "/api/new-movie", { genres: ["Drama"], year: 2001 });
  const tagged = await post(h, "/api/new-movie", {
    genres: ["Drama"],
    year: 2001,
    tags: [` ${tag.toUpperCase()} `, "no such tag at all"],
  });
  assertEquals(tagged.status, 200);
  assert(tagged.body.features.some((f: any) => f.feature === `tag:${tag}`), "the tag is a feature");
  assert(!plain.body.features.some((f: any) => f.feature.startsWith("tag:")));
  assertEquals(tagged.body.unknownTags, ["no such tag at all"]);
  assert(tagged.body.baseline !== plain.body.baseline, "the tag moves the prediction");
  const many = await post(h, "/api/new-movie", {
    genres: ["Drama"],
    tags: Array.from({ length: 21 }, (_, j) => `t${j}`),
  });
  assertEquals([many.status, many.body.field], [400, "tags"]);
  const bad = await post(h, "/api/new-movie", { genres: ["Drama"], tags: [""] });
  assertEquals([bad.status, bad.body.field], [400, "tags[0]"]);
});

Deno.test("the page scores every movie by the kernel as scorePerson does in f64", () => {
  const person = app.person([{ movieId: MATRIX, rating: 5 }, { movieId: TOY_STORY, rating: 1.5 }]);
  const kernel = app.scoreAll(person);
  const reference = scorePerson(model.state, person);
  assertEquals(kernel.length, ds.ratings.nItems);
  let worst = 0;
  for (let i = 0; i < kernel.length; i++) {
    worst = Math.max(worst, Math.abs(kernel[i]! - reference[i]!));
  }
  assert(worst < 1e-4, `largest difference ${worst}`);
  // Nothing is clamped: a person 3★ above everyone still gets the exact sums.
  const high = { ...person, bias: person.bias + 3 };
  const [k2, r2] = [app.scoreAll(high), scorePerson(model.state, high)];
  assert(r2.some((s) => s > 5.5));
  assert(k2.every((s, i) => Math.abs(s - r2[i]!) < 1e-4), "unclamped");
});
