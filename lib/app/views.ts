/**
 * The slower views of the page, computed once on demand: Explore (the dataset card and figures
 * rendered on the server by lib/plot as SVG, plus the EDA notebook's saved figures when present)
 * and Models (the saved models' hyper-parameters, final RMSEs and convergence curves). Also the
 * static file reader: the page's own HTML, script and style from lib/app/static/ (no CDN), and
 * figures under figures/<notebook>/.
 *
 * @module
 */
import { summarize } from "../data/summary.ts";
import type { Dataset } from "../data/types.ts";
import { loadModel } from "../models/load_model.ts";
import { bars, histogram, line } from "../plot/mod.ts";
import type { RecommenderApp } from "./app.ts";

/** The Explore view: dataset card and figures. */
export interface ExploreView {
  /** The dataset card. */
  card: Record<string, string | number>;
  /** Figures: a title and an SVG document, or a URL of a saved figure. */
  figures: { title: string; svg?: string; url?: string }[];
}

/**
 * The dataset card and three figures (ratings by stars, ratings per movie, movies per genre), and
 * the figures notebook 01 saved under `figuresDir/01_eda/` (as URLs) when it has run.
 *
 * @example
 * ```ts
 * import { exploreView } from "./views.ts";
 * import { loadMovieLens } from "../data/load.ts";
 * const ds = await loadMovieLens("../shared/data/ml-latest-small", { cache: false });
 * const view = await exploreView(ds, { figuresDir: "/nonexistent" });
 * if (view.card.ratings !== "100,836" || view.figures.length !== 3) throw new Error("card");
 * ```
 */
export async function exploreView(
  ds: Dataset,
  options: { figuresDir?: string } = {},
): Promise<ExploreView> {
  const s = summarize(ds);
  const fmt = (n: number) => n.toLocaleString("en-US");
  const card = {
    dataset: s.name,
    ratings: fmt(s.ratings),
    users: fmt(s.users),
    "movies rated": fmt(s.moviesRated),
    "movies in catalogue": fmt(s.moviesInCatalogue),
    density: `${(s.density * 100).toFixed(3)} %`,
    "mean rating": s.ratingMean.toFixed(3),
    "rating sd": s.ratingSd.toFixed(3),
    "first rating": s.first.toISOString().slice(0, 10),
    "last rating": s.last.toISOString().slice(0, 10),
    tags: fmt(ds.tags.tags.length),
  };
  const m = ds.ratings;
  const perMovie = new Float64Array(m.nItems);
  for (let i = 0; i < m.nItems; i++) perMovie[i] = m.itemPtr[i + 1]! - m.itemPtr[i]!;
  const genreCounts = new Array(ds.movies.genreNames.length).fill(0);
  for (const g of ds.movies.genreIdx) genreCounts[g]++;
  const edges = Array.from({ length: 11 }, (_, j) => 0.25 + j * 0.5);
  const figures: ExploreView["figures"] = [
    {
      title: "Ratings by stars",
      svg: histogram(m.userRatings, {
        bins: edges,
        title: "Ratings by stars",
        subtitle: `${s.name}: ${fmt(s.ratings)} ratings`,
        xLabel: "rating (stars)",
        yLabel: "ratings (count)",
      }).svg,
    },
    {
      title: "Ratings per movie",
      svg: histogram(perMovie, {
        logX: true,
        logY: true,
        title: "Ratings per movie (log–log)",
        subtitle: "a few movies get most ratings; most get a handful",
        xLabel: "ratings of a movie (count)",
        yLabel: "movies (count)",
      }).svg,
    },
    {
      title: "Movies per genre",
      svg: bars(ds.movies.genreNames, genreCounts, {
        title: "Movies per genre",
        xLabel: "movies (count)",
        sort: "descending",
        horizontal: true,
      }).svg,
    },
  ];
  const dir = `${options.figuresDir ?? "figures"}/01_eda`;
  try {
    const names: string[] = [];
    for await (const e of Deno.readDir(dir)) {
      if (e.isFile && /^[\w-]+\.svg$/.test(e.name)) names.push(e.name);
    }
    for (const name of names.sort()) {
      figures.push({
        title: `notebook 01: ${name.replace(/\.svg$/, "").replaceAll("_", " ")}`,
        url: `/figures/01_eda/${name}`,
      });
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return { card, figures };
}

/** One row of the Models table. */
export interface ModelRow {
  /** File name (or "serving"). */
  name: string;
  /** Model kind. */
  kind: string;
  /** K (0 for bias-only). */
  k: number;
  /** Hyper-parameters as text. */
  hyper: string;
  /** Epochs trained. */
  epochs: number;
  /** Last training RMSE. */
  trainRmse: number | null;
  /** Last validation RMSE. */
  validationRmse: number | null;
  /** Whether this is the model the page serves. */
  serving: boolean;
}

/**
 * The Models view: the serving model and every model file in `modelsDir` fitted on the same
 * dataset (same movie count), as a table, with their RMSE per epoch as one SVG chart.
 *
 * @example
 * ```ts
 * import { modelsView } from "./views.ts";
 * import { RecommenderApp } from "./app.ts";
 * import { Als } from "../models/als.ts";
 * import { loadMovieLens } from "../data/load.ts";
 * const ds = await loadMovieLens("../shared/data/ml-latest-small", { cache: false });
 * const model = await Als.fit(ds.ratings, {
 *   k: 4, epochs: 2, progress: false, userIds: ds.userIds, itemIds: ds.itemIds,
 * });
 * const view = await modelsView(new RecommenderApp(ds, model), { modelsDir: "/nonexistent" });
 * if (view.rows.length !== 1 || !view.svg?.startsWith("<svg")) throw new Error("one model");
 * ```
 */
export async function modelsView(
  app: RecommenderApp,
  options: { modelsDir?: string } = {},
): Promise<{ rows: ModelRow[]; svg: string | null; skipped: string[] }> {
  const describe = (
    name: string,
    model: typeof app.model | Awaited<ReturnType<typeof loadModel>>,
    serving: boolean,
  ): ModelRow => {
    const last = model.history.at(-1);
    const hyper = Object.entries(model.hyper).filter(([k]) => k !== "epochs" && k !== "k")
      .map(([k, v]) => `${k}=${v}`).join(" ");
    return {
      name,
      kind: model.kind,
      k: "state" in model ? model.state.k : model.k, // implicit rankers hold k themselves
      hyper,
      epochs: model.history.length,
      trainRmse: last !== undefined && "trainRmse" in last ? last.trainRmse ?? null : null,
      validationRmse: last !== undefined && "validationRmse" in last
        ? last.validationRmse ?? null
        : null,
      serving,
    };
  };
  const rows: ModelRow[] = [describe(app.modelName, app.model, true)];
  const histories = [{ name: app.modelName, history: app.model.history }];
  const skipped: string[] = [];
  const dir = options.modelsDir ?? "data/models";
  const names: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) {
      if (e.isFile && e.name.endsWith(".rsm")) names.push(e.name);
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  for (const name of names.sort()) {
    const path = `${dir}/${name}`;
    if (app.modelName.endsWith(name)) continue;
    try {
      const model = await loadModel(path);
      if (model.nItems !== app.model.nItems) {
        skipped.push(`${name}: fitted on another dataset (${model.nItems} movies)`);
        continue;
      }
      rows.push(describe(name, model, false));
      histories.push({ name, history: model.history });
    } catch (error) {
      skipped.push(`${name}: ${(error as Error).message}`);
    }
  }
  const series = histories.flatMap(({ name, history }) => {
    const out = [];
    const x = history.map((h) => h.epoch);
    const rmse = (h: (typeof history)[number], key: "trainRmse" | "validationRmse") =>
      key in h ? (h as Record<typeof key, number | undefined>)[key] : undefined;
    if (history.some((h) => rmse(h, "trainRmse") !== undefined)) {
      out.push({ name: `${name} train`, x, y: history.map((h) => rmse(h, "trainRmse") ?? NaN) });
    }
    if (history.some((h) => rmse(h, "validationRmse") !== undefined)) {
      out.push({
        name: `${name} validation`,
        x,
        y: history.map((h) => rmse(h, "validationRmse") ?? NaN),
      });
    }
    return out;
  });
  const svg = series.length === 0 ? null : line(series, {
    title: "Convergence: RMSE per epoch",
    subtitle: "every saved model fitted on this dataset",
    xLabel: "epoch",
    yLabel: "RMSE (stars)",
  }).svg;
  return { rows, svg, skipped };
}

const TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  svg: "image/svg+xml",
  png: "image/png",
};

/**
 * A reader of the page's static files: `/` and `/static/<name>` from lib/app/static/, and
 * `/figures/<notebook>/<name>.svg|png` from `figuresDir`. Any other path (or a name with anything
 * but letters, digits, `_`, `-` and one dot) is undefined, so nothing outside those folders is
 * reachable.
 *
 * @example
 * ```ts
 * import { staticFiles } from "./views.ts";
 * const files = staticFiles();
 * if ((await files("/"))?.type !== "text/html; charset=utf-8") throw new Error("index");
 * if (await files("/static/../../deno.json") !== undefined) throw new Error("no escape");
 * ```
 */
export function staticFiles(
  options: { figuresDir?: string } = {},
): (path: string) => Promise<{ body: Uint8Array<ArrayBuffer>; type: string } | undefined> {
  const staticDir = new URL("./static/", import.meta.url);
  const figuresDir = options.figuresDir ?? "figures";
  const cache = new Map<string, Uint8Array<ArrayBuffer>>();
  return async (path: string) => {
    let file: URL | string | undefined;
    let ext = "";
    if (path === "/" || path === "/index.html") {
      file = new URL("index.html", staticDir);
      ext = "html";
    } else {
      const s = path.match(/^\/static\/([\w-]+)\.(js|css|svg|png)$/);
      const f = path.match(/^\/figures\/(\d\d_[\w-]+)\/([\w-]+)\.(svg|png)$/);
      if (s) {
        file = new URL(`${s[1]}.${s[2]}`, staticDir);
        ext = s[2]!;
      } else if (f) {
        file = `${figuresDir}/${f[1]}/${f[2]}.${f[3]}`;
        ext = f[3]!;
      }
    }
    if (file === undefined) return undefined;
    const key = file.toString();
    let body = cache.get(key);
    if (!body) {
      try {
        body = await Deno.readFile(file);
      } catch (error) {
        if (error instanceof Deno.errors.NotFound) return undefined;
        throw error;
      }
      if (typeof file !== "string") cache.set(key, body);
    }
    return { body, type: TYPES[ext]! };
  };
}
