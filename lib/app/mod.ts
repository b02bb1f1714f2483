/**
 * The recommender page (`./run serve`): the engine ({@linkcode RecommenderApp}: fold-in,
 * explanations, search, filters for one dataset and model), the HTTP handler of the JSON API
 * ({@linkcode createHandler}, schema in lib/app/api.ts), the Explore and Models views, and
 * {@linkcode serveApp} (Deno.serve on 127.0.0.1).
 *
 * @module
 */
export { ApiError, MAX_N, MAX_PERSON_RATINGS, RecommenderApp } from "./app.ts";
export type {
  AppOptions,
  ExplanationParts,
  MovieCard,
  NewMovieInput,
  NewMovieOutput,
  PersonRating,
  RecommendedMovie,
  RecommendInput,
  RecommendOutput,
} from "./app.ts";
export { createHandler, MAX_BODY_BYTES, ratingsFromQuery } from "./api.ts";
export type { ApiExtras } from "./api.ts";
export { exploreView, modelsView, staticFiles } from "./views.ts";
export type { ExploreView, ModelRow } from "./views.ts";
export { serveApp } from "./server.ts";
export type { ServeOptions } from "./server.ts";
