/**
 * Load benchmark of the recommender page for `./run bench --only serve` (called by
 * lib/cli/bench.ts).
 *
 * 1. Starts the page as a user would (`deno run -A lib/cli/serve.ts --dataset DIR --port 0
 *    --no-genre`, a separate process on 127.0.0.1) on the bench dataset; serve.ts loads the ALS
 *    model it keeps under data/models/ (K = 64, fitted once on first use and saved).
 * 2. Drives `POST /api/recommend` with npm autocannon (9.0.0, pinned in deno.json; it runs under
 *    Deno's Node compatibility) from this process: 8 connections, one request in flight on each,
 *    a 2 s warm-up that is not counted, then 10 s measured. Each request is a different person of
 *    10 ratings (1,000 people, seeded: movies drawn by popularity, ratings around the movie's mean
 *    on the half-star grid), asking for the top 10 with their explanations. Latencies are
 *    autocannon's per-response times at full resolution (its own histogram rounds to whole ms).
 *    The load tool runs on the same 2 cores as the server.
 * 3. Stops the server, then profiles the request path in-process on the same model and people
 *    (JSON parse, validation + fold-in, scoring every movie with the SIMD kernel as the server
 *    does, and with the plain TypeScript loop of `scorePerson` for comparison, top-N, the ten
 *    explanations, JSON encode, and the whole handler without HTTP): `serve.stage_<stage>_ms`,
 *    medians.
 * 4. Times title autocomplete in-process (`RecommenderApp.search`, what `GET /api/search` runs,
 *    without HTTP): every prefix, letter by letter, of 300 seeded titles: `search.autocomplete_*`.
 *
 * @module
 */
import { autocannon } from "../deps/autocannon.ts";
import { displayTitle, normalizeText } from "../data/search.ts";
import { readMovies } from "../data/side_files.ts";
import type { Dataset } from "../data/types.ts";
import { Als } from "../models/als.ts";
import { explain, explanationSentence } from "../models/explain.ts";
import { scorePerson } from "../models/fold_in.ts";
import { topN } from "../models/top_n.ts";
import { Rng } from "../stats/rng.ts";
import { createHandler } from "../app/api.ts";
import { RecommenderApp } from "../app/app.ts";
import { servedModelPath } from "../app/model.ts";
import type { EmitFigure } from "./bench_als.ts";

/** Options of {@linkcode benchServe}. */
export interface ServeBenchOptions {
  /** Measured seconds of load. Default 10. */
  seconds?: number;
  /** Warm-up seconds (not counted). Default 2. */
  warmupSeconds?: number;
  /** Concurrent connections. Default 8. */
  connections?: number;
  /** Distinct people sent (cycled). Default 1,000. */
  people?: number;
  /** Ratings per person. Default 10. */
  ratingsPerPerson?: number;
  /** Seed of the people and the search queries. Default 15. */
  seed?: number;
  /** Titles whose prefixes are searched. Default 300. */
  searchTitles?: number;
}

/** One person as the page sends them: 10 ratings, seeded. */
export interface BenchPerson {
  /** The request body of `POST /api/recommend`. */
  body: string;
  /** Its ratings. */
  ratings: { movieId: number; rating: number }[];
}

/**
 * `count` people of `perPerson` distinct movies each, drawn with probability proportional to
 * their number of ratings (people rate popular movies), each rating the movie's mean plus
 * N(0, 1) noise, on the half-star grid from 0.5 to 5. Deterministic by seed.
 *
 * @example
 * ```ts
 * import { benchPeople } from "./bench_serve.ts";
 * import { fromTriplets } from "../data/coo.ts";
 * const ratings = fromTriplets(2, 3, [0, 0, 1], [0, 1, 1], [4, 2, 5], [0, 0, 0]);
 * const ds = { ratings, itemIds: Uint32Array.of(10, 20, 30) };
 * const people = benchPeople(ds, 3, 2, 7);
 * // Movie 30 has no ratings: never drawn; each person rates 10 and 20 once.
 * if (!people.every((p) => p.ratings.map((r) => r.movieId).sort().join() === "10,20")) {
 *   throw new Error(JSON.stringify(people));
 * }
 * if (JSON.stringify(benchPeople(ds, 3, 2, 7)) !== JSON.stringify(people)) throw new Error("seeded");
 * ```
 */
export function benchPeople(
  ds: Pick<Dataset, "ratings" | "itemIds">,
  count: number,
  perPerson: number,
  seed: number,
): BenchPerson[] {
  const m = ds.ratings;
  const cumulative = new Float64Array(m.nItems);
  let total = 0, rated = 0;
  for (let i = 0; i < m.nItems; i++) {
    const n = m.itemPtr[i + 1]! - m.itemPtr[i]!;
    total += n;
    if (n > 0) rated++;
    cumulative[i] = total;
  }
  if (rated < perPerson) {
    throw new RangeError(`benchPeople: ${rated} rated movies, fewer than ${perPerson} per person`);
  }
  const rng = new Rng(seed);
  const draw = () => {
    const x = rng.next() * total;
    let lo = 0, hi = m.nItems - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  const mean = (i: number) => {
    let s = 0;
    for (let e = m.itemPtr[i]!; e < m.itemPtr[i + 1]!; e++) s += m.itemRatings[e]!;
    return s / (m.itemPtr[i + 1]! - m.itemPtr[i]!);
  };
  return Array.from({ length: count }, () => {
    const chosen = new Set<number>();
    while (chosen.size < perPerson) chosen.add(draw());
    const ratings = [...chosen].map((i) => ({
      movieId: ds.itemIds[i]!,
      rating: Math.min(5, Math.max(0.5, Math.round((mean(i) + rng.normal()) * 2) / 2)),
    }));
    return { ratings, body: JSON.stringify({ ratings, n: 10 }) };
  });
}

/** The page running in a child process. */
interface ServerProcess {
  /** "http://127.0.0.1:PORT". */
  url: string;
  /** Stops it and waits for it to exit. */
  stop(): Promise<void>;
}

/** Starts lib/cli/serve.ts on `dir` on a free port and waits until it listens. */
async function startServer(dir: string, log: (text: string) => void): Promise<ServerProcess> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL("./serve.ts", import.meta.url).pathname,
      "--dataset",
      dir,
      "--port",
      "0",
      "--host",
      "127.0.0.1",
      "--no-genre",
    ],
    stdout: "piped",
    stderr: "inherit",
    stdin: "null",
  }).spawn();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let pending = "", url = "";
  while (url === "") {
    const { done, value } = await lines.read();
    if (done) {
      const status = await child.status;
      throw new Error(`serve.ts exited (code ${status.code}) before listening`);
    }
    pending += value;
    let nl: number;
    while ((nl = pending.indexOf("\n")) >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      log(`  serve: ${line}`);
      const m = line.match(/on (http:\/\/127\.0\.0\.1:\d+)\//);
      if (m) url = m[1]!;
    }
  }
  // Keep draining its output so that the pipe never fills.
  const drained = (async () => {
    for (;;) {
      const { done, value } = await lines.read();
      if (done) return;
      for (const line of value.split("\n")) if (line.trim() !== "") log(`  serve: ${line}`);
    }
  })();
  return {
    url,
    async stop() {
      child.kill("SIGTERM");
      await child.status;
      await drained;
    },
  };
}

interface LoadResult {
  requests: number;
  seconds: number;
  latencies: Float64Array;
  non2xx: number;
  errors: number;
}

/** One autocannon run of POST /api/recommend, cycling through `people`. */
async function drive(
  url: string,
  people: BenchPerson[],
  seconds: number,
  connections: number,
  start: number,
): Promise<LoadResult> {
  let next = start;
  const times: number[] = [];
  const started = performance.now();
  // autocannon ships no types; the calls used here are its documented programmatic API.
  const instance = autocannon({
    url,
    connections,
    pipelining: 1,
    duration: seconds,
    requests: [{
      method: "POST",
      path: "/api/recommend",
      headers: { "content-type": "application/json" },
      setupRequest: (req: Record<string, unknown>) => ({
        ...req,
        body: people[next++ % people.length]!.body,
      }),
    }],
  });
  instance.on(
    "response",
    (_client: unknown, status: number, _bytes: number, ms: number) => {
      if (status >= 200 && status < 300) times.push(ms);
    },
  );
  const result = await instance;
  const elapsed = (performance.now() - started) / 1000;
  return {
    requests: times.length,
    seconds: elapsed,
    latencies: Float64Array.from(times).sort(),
    non2xx: result.non2xx as number,
    errors: (result.errors as number) + (result.timeouts as number),
  };
}

/** The q-quantile of sorted values (nearest rank). */
function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN;
  const j = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[j]!;
}

function median(values: number[]): number {
  return quantile(Float64Array.from(values).sort(), 0.5);
}

/**
 * Runs the load test and the in-process profiles (see the module notes) and emits
 * `serve.recommend_rps`, `serve.recommend_p50_ms`, `serve.recommend_p99_ms`,
 * `serve.stage_<stage>_ms` (one per stage), `search.autocomplete_p50_ms` and
 * `search.autocomplete_p99_ms`.
 *
 * @param ds The bench dataset (its ratings; titles are read from its movies.csv).
 * @param emit Where figures go.
 * @param log Progress lines.
 * @param options Load duration, connections, people.
 */
export async function benchServe(
  ds: Dataset,
  emit: EmitFigure,
  log: (text: string) => void,
  options: ServeBenchOptions = {},
): Promise<void> {
  const {
    seconds = 10,
    warmupSeconds = 2,
    connections = 8,
    people: count = 1000,
    ratingsPerPerson = 10,
    seed = 15,
    searchTitles = 300,
  } = options;
  const people = benchPeople(ds, count, ratingsPerPerson, seed);
  log(`serve: starting lib/cli/serve.ts on ${ds.dir} (fits and saves its model on first use) …`);
  const server = await startServer(ds.dir, log);
  let load: LoadResult;
  try {
    const probe = await fetch(`${server.url}/api/recommend`, {
      method: "POST",
      body: people[0]!.body,
    });
    const first = await probe.json();
    if (probe.status !== 200 || first.items?.length !== 10) {
      throw new Error(`POST /api/recommend answered ${probe.status}: ${JSON.stringify(first)}`);
    }
    log(
      `serve: ${connections} connections, ${warmupSeconds} s warm-up, then ${seconds} s ` +
        "measured; autocannon shares the 2 cores with the server",
    );
    await drive(server.url, people, warmupSeconds, connections, 1);
    load = await drive(server.url, people, seconds, connections, 1 + count / 2);
  } finally {
    await server.stop();
  }
  if (load.non2xx > 0 || load.errors > 0 || load.requests === 0) {
    throw new Error(
      `serve bench: ${load.non2xx} non-2xx answers, ${load.errors} errors/timeouts, ` +
        `${load.requests} good answers`,
    );
  }
  const params = {
    ratings: ds.ratings.nnz,
    k: 64,
    connections,
    seconds,
    people: count,
    personRatings: ratingsPerPerson,
    n: 10,
    tool: "autocannon 9.0.0",
    loadTool: "same 2 cores",
  };
  emit("serve.recommend_rps", load.requests / load.seconds, "req/s", params);
  emit("serve.recommend_p50_ms", quantile(load.latencies, 0.5), "ms", params);
  emit("serve.recommend_p99_ms", quantile(load.latencies, 0.99), "ms", params);

  // The request path in-process, stage by stage, on the model the server used.
  const movies = ds.movies.movieIds.length > 0 ? ds.movies : await readMovies(ds.dir);
  const full: Dataset = { ...ds, movies };
  const model = await Als.load(servedModelPath(ds.name));
  const app = new RecommenderApp(full, model);
  const stages: Record<string, number[]> = {
    json_parse: [],
    validate_fold_in: [],
    score_all_movies: [],
    score_all_movies_ts_loop: [],
    top_n: [],
    explain_10: [],
    json_encode: [],
    handler_total: [],
  };
  const handle = createHandler(app);
  const scores = new Float32Array(model.nItems);
  const mask = new Uint8Array(model.nItems);
  const profiled = Math.min(400, people.length);
  for (let round = 0; round < 2; round++) { // the first round warms the JIT; the second is kept
    for (let p = 0; p < profiled; p++) {
      const keep = round === 1;
      const time = (stage: string, started: number) => {
        if (keep) stages[stage]!.push(performance.now() - started);
      };
      let t = performance.now();
      const body = JSON.parse(people[p]!.body) as {
        ratings: { movieId: number; rating: number }[];
      };
      time("json_parse", t);
      t = performance.now();
      const person = app.person(body.ratings);
      time("validate_fold_in", t);
      t = performance.now();
      const scored = app.scoreAll(person);
      time("score_all_movies", t);
      t = performance.now();
      scorePerson(model.state, person, scores);
      time("score_all_movies_ts_loop", t);
      mask.fill(1);
      for (const i of person.items) mask[i] = 0;
      t = performance.now();
      const top = topN(scored, 10, { allowed: mask });
      time("top_n", t);
      t = performance.now();
      const items = Array.from(top.items, (item) => {
        const e = explain(model.state, person, item);
        return {
          ...app.card(item),
          because: explanationSentence(e, (i) => displayTitle(app.rawTitle(i))),
          parts: app.parts(e, 5),
        };
      });
      time("explain_10", t);
      t = performance.now();
      JSON.stringify({ items });
      time("json_encode", t);
      t = performance.now();
      const res = await handle(
        new Request("http://127.0.0.1/api/recommend", { method: "POST", body: people[p]!.body }),
      );
      await res.arrayBuffer();
      time("handler_total", t);
    }
  }
  for (const [stage, values] of Object.entries(stages)) {
    emit(`serve.stage_${stage}_ms`, median(values), "ms", {
      people: profiled,
      measured: "in-process",
    });
  }

  // Autocomplete: every prefix of seeded titles, in-process.
  const rng = new Rng(seed + 1);
  const queries: string[] = [];
  for (let t = 0; t < searchTitles; t++) {
    const text = normalizeText(displayTitle(app.rawTitle(rng.int(model.nItems))));
    for (let c = 1; c <= text.length; c++) {
      if (text[c - 1] !== " ") queries.push(text.slice(0, c));
    }
  }
  for (const q of queries.slice(0, 200)) app.search(q); // warm the JIT
  const times = new Float64Array(queries.length);
  queries.forEach((q, j) => {
    const t = performance.now();
    app.search(q, 10);
    times[j] = performance.now() - t;
  });
  times.sort();
  const searchParams = {
    titles: app.titleIndex.entries.length,
    queries: queries.length,
    limit: 10,
    measured: "in-process",
  };
  emit("search.autocomplete_p50_ms", quantile(times, 0.5), "ms", searchParams);
  emit("search.autocomplete_p99_ms", quantile(times, 0.99), "ms", searchParams);
}
