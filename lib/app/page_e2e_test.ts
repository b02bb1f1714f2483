/// <reference lib="dom" />
/// <reference lib="deno.ns" />
/**
 * End-to-end: the recommender page in a real headless Chromium (Debian's `chromium`, or
 * RECSYS_CHROMIUM), driven by puppeteer-core against the server on 127.0.0.1. Searches
 * "matrix", picks The Matrix, rates three movies, checks ten recommendations with explanations,
 * applies a genre filter and sees only that genre, opens "more like this", the New movie, Explore
 * and Models views, reloads the shared URL and finds the same state. Fails on any console error,
 * page error or failed request. Screenshots go to data/executed/page/ (git-ignored).
 *
 * @module
 */
import { type Browser, type Page, puppeteer } from "../deps/puppeteer.ts";
import { assert, assertEquals } from "../../tests/_assert.ts";
import { loadMovieLens } from "../data/load.ts";
import { buildItemFeatures } from "../data/item_features.ts";
import { Als } from "../models/als.ts";
import { GenreAls } from "../models/genre_als.ts";
import { RecommenderApp } from "./app.ts";
import { serveApp } from "./server.ts";

const SHOTS = new URL("../../data/executed/page/", import.meta.url);

/** The Chromium binary: RECSYS_CHROMIUM, else `chromium` on PATH. */
function chromiumPath(): string {
  const override = Deno.env.get("RECSYS_CHROMIUM");
  if (override) return override;
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    for (const name of ["chromium", "chromium-browser"]) {
      try {
        if (Deno.statSync(`${dir}/${name}`).isFile) return `${dir}/${name}`;
      } catch { /* not here */ }
    }
  }
  throw new Error(
    "no Chromium found: `./run test` installs Debian's chromium with apt-get when it runs as root; " +
      "otherwise install it or set RECSYS_CHROMIUM to a Chromium binary",
  );
}

async function launch(profile: string): Promise<Browser> {
  return await puppeteer.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      `--user-data-dir=${profile}`,
      "--window-size=1400,1000",
    ],
    defaultViewport: { width: 1400, height: 1000 },
    protocolTimeout: 60_000,
  });
}

async function cardsReady(page: Page): Promise<void> {
  await page.waitForFunction(() => document.getElementById("cards")?.dataset.state === "ready", {
    timeout: 20_000,
  });
}

async function searchAndPick(page: Page, query: string, expected: string): Promise<number> {
  await page.click("#search", { count: 3 });
  await page.type("#search", query);
  await page.waitForFunction(
    (q) => {
      const list = document.getElementById("suggestions")!;
      return !list.hidden && list.dataset.query === q && list.querySelector("li[data-movie-id]");
    },
    { timeout: 10_000 },
    query,
  );
  const first = await page.$eval("#suggestions li[data-movie-id]", (li) => ({
    text: li.textContent ?? "",
    id: Number((li as HTMLElement).dataset.movieId),
  }));
  assert(first.text.startsWith(expected), `first suggestion for "${query}": ${first.text}`);
  await page.click("#suggestions li[data-movie-id]");
  await page.waitForSelector(`#rated li[data-movie-id="${first.id}"]`);
  return first.id;
}

async function rate(page: Page, movieId: number, clicks: number[]): Promise<void> {
  for (const star of clicks) {
    await page.click(`#rated li[data-movie-id="${movieId}"] .stars button[data-value="${star}"]`);
    await cardsReady(page);
  }
}

Deno.test({
  name:
    "the page in headless Chromium: search, rate three, ten explained picks, genre filter, other views",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const ds = await loadMovieLens("../shared/data/ml-latest-small", { cache: false });
    const model = await Als.fit(ds.ratings, {
      k: 32,
      lambda: 10,
      lambdaBias: 3,
      weighted: false,
      epochs: 8,
      seed: 1,
      progress: false,
      userIds: ds.userIds,
      itemIds: ds.itemIds,
    });
    const genreModel = await GenreAls.fit(ds.ratings, {
      features: buildItemFeatures(ds.itemIds, ds.movies, { groups: ["genres", "decade"] }),
      k: 16,
      lambda: 2,
      lambdaBias: 3,
      tau: 50,
      tauBias: 30,
      lambdaFeatures: 1,
      weighted: false,
      epochs: 6,
      seed: 42,
      progress: false,
      userIds: ds.userIds,
      itemIds: ds.itemIds,
    });
    const app = new RecommenderApp(ds, model, { modelName: "ALS K=32 (test)", genreModel });
    const stop = new AbortController();
    const server = serveApp(app, { port: 0, signal: stop.signal, onListen: () => {} });
    const base = `http://127.0.0.1:${server.addr.port}/`;
    const profile = await Deno.makeTempDir({ prefix: "recsys-chromium-" });
    await Deno.mkdir(SHOTS, { recursive: true });
    const problems: string[] = [];
    const browser = await launch(profile);
    try {
      const page = await browser.newPage();
      page.on("console", (m) => {
        if (m.type() === "error") problems.push(`console: ${m.text()}`);
      });
      page.on("pageerror", (e) => problems.push(`page error: ${(e as Error).message ?? e}`));
      page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()}`));
      page.on("response", (r) => {
        if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
      });

      await page.goto(base, { waitUntil: "load" });
      await page.waitForFunction(() => document.body.dataset.ready === "1", { timeout: 20_000 });

      // Search "matrix", pick The Matrix, then two more; rate the three.
      const matrix = await searchAndPick(page, "matrix", "The Matrix 1999");
      assertEquals(matrix, 2571);
      await rate(page, matrix, [5]);
      const blade = await searchAndPick(page, "blade runner", "Blade Runner 1982");
      await rate(page, blade, [5, 5]); // clicking 5★ again gives 4.5★
      const toy = await searchAndPick(page, "toy story", "Toy Story 1995");
      await rate(page, toy, [2]);
      const url = new URL(page.url());
      assertEquals(url.searchParams.get("r"), `2571:5,${blade}:4.5,${toy}:2`);

      // Ten recommendations, each with its explanation; none of the rated movies.
      await cardsReady(page);
      const cards = await page.$$eval(".movie", (els) =>
        els.map((e) => ({
          id: Number((e as HTMLElement).dataset.movieId),
          genres: ((e as HTMLElement).dataset.genres ?? "").split("|"),
          because: e.querySelector(".because")?.textContent ?? "",
          predicted: e.querySelector(".predicted")?.textContent ?? "",
        })));
      assertEquals(cards.length, 10);
      for (const c of cards) {
        assert(![matrix, blade, toy].includes(c.id), `rated movie ${c.id} recommended`);
        assert(c.because.length > 10, `explanation of ${c.id}: "${c.because}"`);
        assert(/predicted .*\d\.\d\d/.test(c.predicted), c.predicted);
      }
      await page.screenshot({ path: new URL("recommend.png", SHOTS).pathname });

      // A genre filter: only that genre, still ten.
      await page.click('#genres label:has(input[value="Comedy"])');
      await cardsReady(page);
      const genres = await page.$$eval(
        ".movie",
        (els) => els.map((e) => (e as HTMLElement).dataset.genres ?? ""),
      );
      assertEquals(genres.length, 10);
      assert(genres.every((g) => g.split("|").includes("Comedy")), genres.join(" / "));
      assertEquals(new URL(page.url()).searchParams.get("genres"), "Comedy");
      await page.screenshot({ path: new URL("recommend_comedy.png", SHOTS).pathname });

      // More like this.
      await page.click(".movie button.more");
      await page.waitForSelector("#similar ol li");
      assertEquals(await page.$$eval("#similar ol li", (l) => l.length), 10);

      // The shared URL restores the same state in a fresh page.
      const shared = page.url();
      const again = await browser.newPage();
      again.on("console", (m) => {
        if (m.type() === "error") problems.push(`console (reload): ${m.text()}`);
      });
      await again.goto(shared, { waitUntil: "load" });
      await again.waitForFunction(() => document.body.dataset.ready === "1", { timeout: 20_000 });
      assertEquals(await again.$$eval("#rated li", (l) => l.length), 3);
      assert(
        await again.$eval('#genres input[value="Comedy"]', (i) => (i as HTMLInputElement).checked),
      );
      const againIds = await again.$$eval(
        ".movie",
        (els) => els.map((e) => Number((e as HTMLElement).dataset.movieId)),
      );
      const nowIds = await page.$$eval(
        ".movie",
        (els) => els.map((e) => Number((e as HTMLElement).dataset.movieId)),
      );
      assertEquals(againIds, nowIds);
      await again.close();

      // New movie: genres and a year → predicted appeal and the users it suits.
      await page.click('nav a[data-view="new"]');
      await page.waitForSelector("#view-new:not([hidden])");
      await page.click('#new-genres label:has(input[value="Sci-Fi"])');
      await page.click('#new-genres label:has(input[value="Horror"])');
      await page.type("#new-year", "2024");
      await page.click("#new-go");
      await page.waitForFunction(() =>
        document.getElementById("new-out")?.dataset.state === "ready"
      );
      assertEquals(await page.$$eval("#new-out table tr", (r) => r.length), 11);
      const method = await page.$eval("#new-method", (e) => e.textContent ?? "");
      assert(method.includes("genre ALS (Practical 5"), method);
      const shares = await page.$eval("#new-out .features", (e) => e.textContent ?? "");
      assert(shares.includes("genre:Sci-Fi") && shares.includes("genre:Horror"), shares);
      // ml-latest-small ends in 2018: a 2024 movie has no decade feature, and the page says so.
      const out = await page.$eval("#new-out .method", (e) => e.textContent ?? "");
      assert(out.includes("the 2020s are not among the model's decades"), out);
      await page.screenshot({ path: new URL("new_movie.png", SHOTS).pathname });

      // Explore and Models render their figures.
      await page.click('nav a[data-view="explore"]');
      await page.waitForSelector("#figures figure svg", { timeout: 20_000 });
      await page.screenshot({ path: new URL("explore.png", SHOTS).pathname });
      await page.click('nav a[data-view="models"]');
      await page.waitForSelector("#convergence svg", { timeout: 20_000 });
      assert((await page.$$eval("#models tr", (r) => r.length)) >= 2);
      await page.screenshot({ path: new URL("models.png", SHOTS).pathname });

      assertEquals(problems, [], "no console errors, page errors or failed requests");
    } finally {
      await browser.close();
      stop.abort();
      await server.finished;
      await Deno.remove(profile, { recursive: true }).catch(() => {});
    }
  },
});
