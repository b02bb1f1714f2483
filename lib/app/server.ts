/**
 * Serves the recommender page over HTTP with `Deno.serve`, on 127.0.0.1 by default: the handler
 * of lib/app/api.ts, the Explore and Models views (computed on first request, then cached) and
 * the static files. A request that throws is answered with a 500 and logged; the server keeps
 * serving.
 *
 * @module
 */
import { createHandler } from "./api.ts";
import type { RecommenderApp } from "./app.ts";
import { exploreView, modelsView, staticFiles } from "./views.ts";

/** Options of {@linkcode serveApp}. */
export interface ServeOptions {
  /** TCP port; 0 picks a free one. Default 8000. */
  port?: number;
  /** Interface to listen on. Default "127.0.0.1" (this machine only). */
  hostname?: string;
  /** Aborting it shuts the server down. */
  signal?: AbortSignal;
  /** Where notebook figures are (default "figures"). */
  figuresDir?: string;
  /** Where saved models are (default "data/models"). */
  modelsDir?: string;
  /** Called once listening (default: prints the URL). */
  onListen?: (address: { hostname: string; port: number }) => void;
}

/**
 * Starts the server; `await server.finished` waits until it is shut down.
 *
 * @example
 * ```ts
 * import { serveApp } from "./server.ts";
 * import { RecommenderApp } from "./app.ts";
 * import { Als } from "../models/als.ts";
 * import { loadMovieLens } from "../data/load.ts";
 * const ds = await loadMovieLens("../shared/data/ml-latest-small", { cache: false });
 * const model = await Als.fit(ds.ratings, {
 *   k: 4, epochs: 2, progress: false, userIds: ds.userIds, itemIds: ds.itemIds,
 * });
 * const stop = new AbortController();
 * const server = serveApp(new RecommenderApp(ds, model), {
 *   port: 0, signal: stop.signal, onListen: () => {},
 * });
 * const res = await fetch(`http://127.0.0.1:${server.addr.port}/api/movie/2571`);
 * if ((await res.json()).title !== "The Matrix") throw new Error("served");
 * stop.abort();
 * await server.finished;
 * ```
 */
export function serveApp(
  app: RecommenderApp,
  options: ServeOptions = {},
): Deno.HttpServer<Deno.NetAddr> {
  const { port = 8000, hostname = "127.0.0.1", signal, figuresDir, modelsDir } = options;
  let explore: Promise<unknown> | undefined;
  let models: Promise<unknown> | undefined;
  const handler = createHandler(app, {
    explore: () => explore ??= exploreView(app.ds, { figuresDir }),
    models: () => models ??= modelsView(app, { modelsDir }),
    file: staticFiles({ figuresDir }),
  });
  return Deno.serve({
    port,
    hostname,
    signal,
    onListen: options.onListen ??
      ((a) => console.log(`recommender page on http://${a.hostname}:${a.port}/ (Ctrl-C stops it)`)),
    onError: (error) => {
      console.error("request failed:", error);
      return new Response(JSON.stringify({ error: "internal error", field: "" }), {
        status: 500,
        headers: { "content-type": "application/json" },
      });
    },
  }, handler);
}
