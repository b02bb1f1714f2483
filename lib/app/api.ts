/**
 * The HTTP side of the recommender page: one handler `(Request) => Promise<Response>` that serves
 * the JSON API under `/api` and the page's own static files. It is a pure function of the
 * {@linkcode RecommenderApp} (no socket), so the tests call it in-process; `lib/app/server.ts`
 * hands it to `Deno.serve`.
 *
 * ## API (JSON in, JSON out)
 *
 * | route | input | output |
 * | --- | --- | --- |
 * | `GET /api/info` | – | dataset and model summary, genre names, limits |
 * | `GET /api/search?q=…&limit=10` | `q` (1–200 chars), `limit` 1..50 | `{ hits: MovieCard[] }` |
 * | `POST /api/recommend` | `{ ratings: [{movieId, rating}], n?, filters?, excludeSeen? }` | `{ person, candidates, items: RecommendedMovie[] }` |
 * | `GET /api/explain?movieId=…&ratings=2571:5,296:4.5` | a movie and the person's ratings | the prediction's parts, every contribution |
 * | `GET /api/similar?movieId=…&n=10&minRatings=10` | a movie | `{ movie, similar: MovieCard[] }` |
 * | `GET /api/movie/:id` | – | one movie's card, bias, IMDb/TMDb ids |
 * | `POST /api/new-movie` | `{ genres: string[], year?, tags? }` | predicted appeal and the users it suits |
 * | `GET /api/explore` | – | dataset card and figures (SVG) |
 * | `GET /api/models` | – | saved models: table and convergence curves (SVG) |
 *
 * `filters` is `{ genres?: string[], genreMode?: "any"|"all", minRatings?, yearMin?, yearMax? }`.
 * Every bad request gets `{ error, field }` with status 400 (malformed JSON, a wrong type, a rating
 * outside the scale, n outside 1..100, an unknown genre), 404 (an unknown movieId or route), 405
 * (wrong method) or 413 (a body over 128 KiB, more than 1,000 ratings). An unexpected failure is a
 * 500 with the message; the server keeps serving.
 *
 * @module
 */
import { FilterError, type ItemFilters } from "../data/filters.ts";
import {
  ApiError,
  checkN,
  MAX_N,
  MAX_PERSON_RATINGS,
  type PersonRating,
  type RecommenderApp,
} from "./app.ts";

/** The largest request body accepted (bytes). */
export const MAX_BODY_BYTES = 128 * 1024;

/** Extra, slower views computed on demand (cached by the caller). */
export interface ApiExtras {
  /** The Explore view's data. */
  explore?: () => Promise<unknown>;
  /** The Models view's data. */
  models?: () => Promise<unknown>;
  /** A static file by URL path ("/", "/static/app.js", "/figures/01_eda/lorenz.svg"), or undefined. */
  file?: (path: string) => Promise<{ body: Uint8Array<ArrayBuffer>; type: string } | undefined>;
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" },
  });
}

function fail(error: ApiError): Response {
  return json(error.status, { error: error.message, field: error.field });
}

/** Reads a body of at most MAX_BODY_BYTES (413 beyond, checked while streaming). */
async function readBody(req: Request): Promise<string> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) {
    throw new ApiError(413, "body", `body: ${declared} bytes, at most ${MAX_BODY_BYTES} accepted`);
  }
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > MAX_BODY_BYTES) {
      await reader.cancel();
      throw new ApiError(413, "body", `body: more than ${MAX_BODY_BYTES} bytes`);
    }
    chunks.push(value);
  }
  const all = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(all);
  } catch {
    throw new ApiError(400, "body", "body: not valid UTF-8");
  }
}

async function readJson(req: Request): Promise<Record<string, unknown>> {
  const text = await readBody(req);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ApiError(400, "body", `body: malformed JSON (${(error as Error).message})`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ApiError(400, "body", "body: expected a JSON object");
  }
  return value as Record<string, unknown>;
}

function ratingsFromJson(value: unknown): PersonRating[] {
  if (!Array.isArray(value)) {
    throw new ApiError(400, "ratings", "ratings: expected an array of { movieId, rating }");
  }
  if (value.length > MAX_PERSON_RATINGS) {
    throw new ApiError(
      413,
      "ratings",
      `ratings: ${value.length} ratings, at most ${MAX_PERSON_RATINGS} are accepted`,
    );
  }
  return value.map((r, j) => {
    if (typeof r !== "object" || r === null) {
      throw new ApiError(400, `ratings[${j}]`, `ratings[${j}]: expected { movieId, rating }`);
    }
    const { movieId, rating } = r as Record<string, unknown>;
    if (typeof movieId !== "number") {
      throw new ApiError(400, `ratings[${j}].movieId`, `ratings[${j}].movieId must be a number`);
    }
    if (typeof rating !== "number") {
      throw new ApiError(400, `ratings[${j}].rating`, `ratings[${j}].rating must be a number`);
    }
    return { movieId, rating };
  });
}

/** "2571:5,296:4.5" → ratings (the URL form the page shares). */
export function ratingsFromQuery(text: string | null, field = "ratings"): PersonRating[] {
  if (text === null || text.trim() === "") return [];
  const parts = text.split(",");
  if (parts.length > MAX_PERSON_RATINGS) {
    throw new ApiError(413, field, `${field}: more than ${MAX_PERSON_RATINGS} ratings`);
  }
  return parts.map((p, j) => {
    const m = p.trim().match(/^(\d{1,10}):(\d+(?:\.\d+)?)$/);
    if (!m) {
      throw new ApiError(
        400,
        field,
        `${field}: item ${j} is ${JSON.stringify(p)}, expected movieId:rating`,
      );
    }
    return { movieId: Number(m[1]), rating: Number(m[2]) };
  });
}

function filtersFromJson(value: unknown): ItemFilters {
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || Array.isArray(value)) {
    throw new ApiError(400, "filters", "filters: expected an object");
  }
  const f = value as Record<string, unknown>;
  const known = new Set(["genres", "genreMode", "minRatings", "yearMin", "yearMax"]);
  for (const key of Object.keys(f)) {
    if (!known.has(key)) {
      throw new ApiError(
        400,
        `filters.${key}`,
        `filters.${key}: unknown filter; known: ${[...known].join(", ")}`,
      );
    }
  }
  const out: ItemFilters = {};
  if (f.genres !== undefined) {
    if (!Array.isArray(f.genres) || !f.genres.every((g) => typeof g === "string")) {
      throw new ApiError(400, "filters.genres", "filters.genres: expected an array of genre names");
    }
    out.genres = f.genres as string[];
  }
  if (f.genreMode !== undefined) out.genreMode = f.genreMode as "any" | "all";
  for (const key of ["minRatings", "yearMin", "yearMax"] as const) {
    const v = f[key];
    if (v === undefined || v === null) continue;
    if (typeof v !== "number") {
      throw new ApiError(400, `filters.${key}`, `filters.${key} must be a number`);
    }
    out[key] = v;
  }
  return out;
}

function intParam(
  url: URL,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === "") return fallback;
  const v = /^-?\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new ApiError(
      400,
      name,
      `${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}`,
    );
  }
  return v;
}

function movieIdParam(url: URL): number {
  const raw = url.searchParams.get("movieId");
  if (raw === null) throw new ApiError(400, "movieId", "movieId is required");
  if (!/^\d{1,10}$/.test(raw)) {
    throw new ApiError(
      400,
      "movieId",
      `movieId must be a whole number, got ${JSON.stringify(raw)}`,
    );
  }
  return Number(raw);
}

type Route = (req: Request, url: URL, match: RegExpMatchArray) => Promise<Response> | Response;

/**
 * The request handler for `app`: the API routes above, then static files through `extras.file`.
 *
 * @example
 * ```ts
 * import { createHandler } from "./api.ts";
 * import { RecommenderApp } from "./app.ts";
 * import { Als } from "../models/als.ts";
 * import { loadMovieLens } from "../data/load.ts";
 * const ds = await loadMovieLens("../shared/data/ml-latest-small", { cache: false });
 * const model = await Als.fit(ds.ratings, {
 *   k: 8, epochs: 3, progress: false, userIds: ds.userIds, itemIds: ds.itemIds,
 * });
 * const handle = createHandler(new RecommenderApp(ds, model));
 * const res = await handle(new Request("http://localhost/api/search?q=matrix"));
 * const { hits } = await res.json();
 * if (res.status !== 200 || hits[0].title !== "The Matrix") throw new Error("found");
 * const bad = await handle(new Request("http://localhost/api/recommend", { method: "POST", body: "{" }));
 * if (bad.status !== 400 || (await bad.json()).field !== "body") throw new Error("400 body");
 * ```
 */
export function createHandler(
  app: RecommenderApp,
  extras: ApiExtras = {},
): (req: Request) => Promise<Response> {
  const routes: [string, RegExp, Route][] = [
    ["GET", /^\/api\/info$/, () => json(200, info(app))],
    ["GET", /^\/api\/search$/, (_req, url) => {
      const q = url.searchParams.get("q");
      if (q === null) throw new ApiError(400, "q", "q is required (the words to search for)");
      if (q.length > 200) throw new ApiError(400, "q", `q: ${q.length} characters, at most 200`);
      const limit = intParam(url, "limit", 10, 1, 50);
      return json(200, { query: q, hits: app.search(q, limit) });
    }],
    ["POST", /^\/api\/recommend$/, async (req) => {
      const body = await readJson(req);
      const known = new Set(["ratings", "n", "filters", "excludeSeen"]);
      for (const key of Object.keys(body)) {
        if (!known.has(key)) {
          throw new ApiError(400, key, `${key}: unknown field; known: ${[...known].join(", ")}`);
        }
      }
      if (body.ratings === undefined) throw new ApiError(400, "ratings", "ratings is required");
      const ratings = ratingsFromJson(body.ratings);
      const n = body.n === undefined ? 10 : checkN(body.n);
      if (body.excludeSeen !== undefined && typeof body.excludeSeen !== "boolean") {
        throw new ApiError(400, "excludeSeen", "excludeSeen must be true or false");
      }
      const filters = filtersFromJson(body.filters);
      const started = performance.now();
      const out = app.recommend({ ratings, n, filters, excludeSeen: body.excludeSeen as boolean });
      return json(200, { ...out, ms: Math.round((performance.now() - started) * 1000) / 1000 });
    }],
    ["GET", /^\/api\/explain$/, (_req, url) => {
      const movieId = movieIdParam(url);
      const ratings = ratingsFromQuery(url.searchParams.get("ratings"));
      return json(200, app.explain(ratings, movieId));
    }],
    ["GET", /^\/api\/similar$/, (_req, url) => {
      const movieId = movieIdParam(url);
      const n = intParam(url, "n", 10, 1, MAX_N);
      const minRatings = intParam(url, "minRatings", 10, 0, 0xffff_ffff);
      return json(200, {
        movie: app.card(app.item(movieId)),
        similar: app.similar(movieId, n, minRatings),
      });
    }],
    ["GET", /^\/api\/movie\/([^/]*)$/, (_req, _url, m) => {
      const raw = decodeURIComponent(m[1]!);
      if (!/^\d{1,10}$/.test(raw)) {
        throw new ApiError(
          400,
          "id",
          `id must be a whole number (a movieId), got ${JSON.stringify(raw)}`,
        );
      }
      return json(200, app.movie(Number(raw)));
    }],
    ["POST", /^\/api\/new-movie$/, async (req) => {
      const body = await readJson(req);
      const { genres, year, tags } = body;
      const known = new Set(["genres", "year", "tags"]);
      for (const key of Object.keys(body)) {
        if (!known.has(key)) {
          throw new ApiError(400, key, `${key}: unknown field; known: ${[...known].join(", ")}`);
        }
      }
      if (
        !Array.isArray(genres) || genres.length === 0 || !genres.every((g) => typeof g === "string")
      ) {
        throw new ApiError(400, "genres", "genres: expected a non-empty array of genre names");
      }
      if (year !== undefined && year !== null && typeof year !== "number") {
        throw new ApiError(400, "year", "year must be a number");
      }
      if (tags !== undefined && tags !== null && !Array.isArray(tags)) {
        throw new ApiError(400, "tags", "tags: expected an array of tag texts");
      }
      return json(
        200,
        app.newMovie({
          genres,
          year: (year ?? undefined) as number | undefined,
          tags: (tags ?? undefined) as string[] | undefined,
        }),
      );
    }],
    [
      "GET",
      /^\/api\/explore$/,
      async () => json(200, extras.explore ? await extras.explore() : {}),
    ],
    ["GET", /^\/api\/models$/, async () => json(200, extras.models ? await extras.models() : {})],
  ];
  return async (req: Request): Promise<Response> => {
    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      return json(400, { error: "url: not a valid URL", field: "url" });
    }
    try {
      if (url.pathname.startsWith("/api/")) {
        let allowed: string[] = [];
        for (const [method, pattern, route] of routes) {
          const m = url.pathname.match(pattern);
          if (!m) continue;
          if (method === req.method) return await route(req, url, m);
          allowed.push(method);
        }
        allowed = [...new Set(allowed)];
        if (allowed.length > 0) {
          return new Response(
            JSON.stringify({
              error: `${req.method} is not allowed here; use ${allowed.join(", ")}`,
              field: "method",
            }),
            {
              status: 405,
              headers: { allow: allowed.join(", "), "content-type": "application/json" },
            },
          );
        }
        throw new ApiError(404, "path", `no API route ${url.pathname}`);
      }
      if (req.method !== "GET" && req.method !== "HEAD") {
        return new Response("method not allowed\n", {
          status: 405,
          headers: { allow: "GET, HEAD" },
        });
      }
      const file = extras.file ? await extras.file(url.pathname) : undefined;
      if (!file) {
        return new Response("not found\n", {
          status: 404,
          headers: { "content-type": "text/plain" },
        });
      }
      return new Response(file.body, {
        headers: { "content-type": file.type, "cache-control": "no-cache" },
      });
    } catch (error) {
      if (error instanceof ApiError) return fail(error);
      if (error instanceof FilterError) {
        return fail(new ApiError(400, `filters.${error.field}`, `filters.${error.message}`));
      }
      console.error(`${req.method} ${url.pathname}:`, error);
      return json(500, {
        error: `internal error: ${(error as Error)?.message ?? error}`,
        field: "",
      });
    }
  };
}

/** The `/api/info` summary. */
export function info(app: RecommenderApp): Record<string, unknown> {
  const m = app.ds.ratings;
  return {
    dataset: { name: app.ds.name, ratings: m.nnz, users: m.nUsers, movies: m.nItems },
    model: {
      name: app.modelName,
      kind: app.model.kind,
      k: app.model.k,
      hyper: app.model.hyper,
      ratingScale: app.model.ratingScale,
    },
    genres: app.filters.genreNames.filter((g) => g !== "(no genres listed)"),
    limits: { maxRatings: MAX_PERSON_RATINGS, maxN: MAX_N, maxBodyBytes: MAX_BODY_BYTES },
    newMovieModel: app.genreModel ? "genre ALS (Practical 5)" : "feature average (fallback)",
    newMovie: {
      model: app.genreModel ? "genre-als" : "feature-average",
      method: app.newMovieMethod,
      tags: app.newMovieTags,
    },
  };
}
