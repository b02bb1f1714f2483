/**
 * Text of the synthetic dataset's small files: movies.csv, links.csv, tags.csv (GroupLens headers,
 * RFC 4180 quoting), README.txt and synthetic.json. ratings.csv comes from kernels/synth.zig.
 *
 * @module
 */
import { MOVIELENS_GENRES } from "./side_files.ts";
import { syntheticTags } from "./_synthetic_plan.ts";
import type { SyntheticPlan } from "./_synthetic_plan.ts";

const NEEDS_QUOTES = /[",\r\n]/;
const encoder = new TextEncoder();

/**
 * A CSV field as GroupLens writes it: quoted (with `"` doubled) only when it holds a comma, a
 * double quote or a line break.
 *
 * @example
 * ```ts
 * import { csvField } from "./_synthetic_files.ts";
 * if (csvField('Movie, The "Cut"') !== '"Movie, The ""Cut"""') throw new Error("quoted");
 * if (csvField("Toy Story (1995)") !== "Toy Story (1995)") throw new Error("as is");
 * ```
 */
export function csvField(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * Writes all of `bytes` to `file` (a single `write` may write less).
 *
 * @example
 * ```ts
 * import { writeAll } from "./_synthetic_files.ts";
 * const path = await Deno.makeTempFile();
 * {
 *   using file = await Deno.open(path, { write: true });
 *   await writeAll(file, new TextEncoder().encode("abc"));
 * }
 * const text = await Deno.readTextFile(path);
 * await Deno.remove(path);
 * if (text !== "abc") throw new Error("all three bytes written");
 * ```
 */
export async function writeAll(file: Deno.FsFile, bytes: Uint8Array): Promise<void> {
  let done = 0;
  while (done < bytes.length) done += await file.write(bytes.subarray(done));
}

/** Buffers text lines and writes them in blocks of about 1 MB. */
class LineWriter {
  #parts: string[] = [];
  #length = 0;
  constructor(readonly file: Deno.FsFile) {}
  async line(text: string): Promise<void> {
    this.#parts.push(text);
    this.#length += text.length;
    if (this.#length >= 1 << 20) await this.flush();
  }
  async flush(): Promise<void> {
    if (this.#parts.length === 0) return;
    await writeAll(this.file, encoder.encode(this.#parts.join("")));
    this.#parts = [];
    this.#length = 0;
  }
}

async function withFile(path: string, write: (w: LineWriter) => Promise<void>): Promise<void> {
  using file = await Deno.open(path, { write: true, createNew: true });
  const writer = new LineWriter(file);
  await write(writer);
  await writer.flush();
}

/** The genres field of movie `row`: names joined by `|` in vocabulary order. */
function genresField(plan: SyntheticPlan, row: number): string {
  const names: string[] = [];
  for (let j = plan.genrePtr[row]!; j < plan.genrePtr[row + 1]!; j++) {
    names.push(MOVIELENS_GENRES[plan.genreIdx[j]!]!);
  }
  return names.join("|");
}

/**
 * Writes movies.csv (`movieId,title,genres`) of the plan's catalogue.
 *
 * @example
 * ```ts
 * import { writeMoviesCsv } from "./_synthetic_files.ts";
 * import { planSynthetic } from "./synthetic.ts";
 * const plan = planSynthetic({ users: 1, movies: 20, ratings: 20 }); // the smallest plan
 * const dir = await Deno.makeTempDir();
 * await writeMoviesCsv(`${dir}/movies.csv`, plan, "\n");
 * const lines = (await Deno.readTextFile(`${dir}/movies.csv`)).trimEnd().split("\n");
 * await Deno.remove(dir, { recursive: true });
 * if (lines[0] !== "movieId,title,genres" || lines.length !== 21) throw new Error("header + 20");
 * ```
 */
export async function writeMoviesCsv(
  path: string,
  plan: SyntheticPlan,
  eol: string,
): Promise<void> {
  await withFile(path, async (w) => {
    await w.line(`movieId,title,genres${eol}`);
    for (let i = 0; i < plan.movieIds.length; i++) {
      await w.line(
        `${plan.movieIds[i]},${csvField(plan.titles[i]!)},${genresField(plan, i)}${eol}`,
      );
    }
  });
}

/**
 * Writes links.csv (`movieId,imdbId,tmdbId`): IMDb ids zero-padded to 7 digits as GroupLens
 * writes them, an empty tmdbId where the plan has 0.
 *
 * @example
 * ```ts
 * import { writeLinksCsv } from "./_synthetic_files.ts";
 * import { planSynthetic } from "./synthetic.ts";
 * const plan = planSynthetic({ users: 1, movies: 20, ratings: 20 });
 * const dir = await Deno.makeTempDir();
 * await writeLinksCsv(`${dir}/links.csv`, plan, "\r\n");
 * const rows = (await Deno.readTextFile(`${dir}/links.csv`)).trimEnd().split("\r\n").slice(1);
 * await Deno.remove(dir, { recursive: true });
 * if (rows.length !== 20 || rows.some((r) => r.split(",")[1]!.length !== 7)) {
 *   throw new Error("20 rows, each with a 7-digit imdbId");
 * }
 * ```
 */
export async function writeLinksCsv(path: string, plan: SyntheticPlan, eol: string): Promise<void> {
  await withFile(path, async (w) => {
    await w.line(`movieId,imdbId,tmdbId${eol}`);
    for (let i = 0; i < plan.movieIds.length; i++) {
      const imdb = String(plan.imdbIds[i]).padStart(7, "0");
      const tmdb = plan.tmdbIds[i] === 0 ? "" : String(plan.tmdbIds[i]);
      await w.line(`${plan.movieIds[i]},${imdb},${tmdb}${eol}`);
    }
  });
}

/**
 * Writes tags.csv (`userId,movieId,tag,timestamp`), by userId then movieId.
 *
 * @example
 * ```ts
 * import { writeTagsCsv } from "./_synthetic_files.ts";
 * import { planSynthetic } from "./synthetic.ts";
 * const plan = planSynthetic({ users: 1, movies: 20, ratings: 20, tags: 3 });
 * const dir = await Deno.makeTempDir();
 * await writeTagsCsv(`${dir}/tags.csv`, plan, "\n");
 * const lines = (await Deno.readTextFile(`${dir}/tags.csv`)).trimEnd().split("\n");
 * await Deno.remove(dir, { recursive: true });
 * if (lines[0] !== "userId,movieId,tag,timestamp" || lines.length !== 4) throw new Error("3 tags");
 * ```
 */
export async function writeTagsCsv(path: string, plan: SyntheticPlan, eol: string): Promise<void> {
  await withFile(path, async (w) => {
    await w.line(`userId,movieId,tag,timestamp${eol}`);
    for (const rows of syntheticTags(plan)) {
      let block = "";
      for (const r of rows) block += `${r.userId},${r.movieId},${csvField(r.tag)},${r.time}${eol}`;
      await w.line(block);
    }
  });
}

/** What README.txt and synthetic.json report besides the plan. */
export interface SyntheticOutcome {
  /** RMSE of the ratings against the noiseless prediction rounded the same way. */
  oracleRmse: number;
  /** RMSE of the ratings against the noiseless prediction clamped to 0.5–5, unrounded. */
  oracleRmseUnrounded: number;
  /** Catalogue movies that received no rating. */
  unratedMovies: number;
  /** Ratings per half star, index 0 = 0.5 ★ … 9 = 5 ★. */
  histogram: number[];
  /** Mean rating. */
  ratingMean: number;
}

function count(n: number): string {
  return n.toLocaleString("en-US");
}

/**
 * README.txt: what the folder is, its scale, the planted model and its noise floor.
 *
 * @example
 * ```ts
 * import { readmeText } from "./_synthetic_files.ts";
 * import { MODEL_CONSTANTS } from "./_synthetic_plan.ts";
 * import { planSynthetic } from "./synthetic.ts";
 * const plan = planSynthetic({ users: 1, movies: 20, ratings: 20 });
 * const outcome = {
 *   oracleRmse: 0.8, oracleRmseUnrounded: 0.75, unratedMovies: 2, ratingMean: 3.5,
 *   histogram: [0, 0, 0, 0, 0, 10, 10, 0, 0, 0],
 * };
 * const text = readmeText(plan, outcome, "crlf", MODEL_CONSTANTS);
 * if (!text.startsWith("Synthetic MovieLens-shaped dataset -- NOT real MovieLens data\r\n")) {
 *   throw new Error("a CRLF README that says it is synthetic");
 * }
 * if (!text.includes("0.8000")) throw new Error("quotes the oracle RMSE");
 * ```
 */
export function readmeText(
  plan: SyntheticPlan,
  outcome: SyntheticOutcome,
  lineEnding: "lf" | "crlf",
  constants: Readonly<Record<string, number>>,
): string {
  const s = plan.spec;
  const maxId = plan.movieIds[plan.movieIds.length - 1] ?? 0;
  const total = outcome.histogram.reduce((a, b) => a + b, 0);
  const shares = outcome.histogram.map((h, i) =>
    `  ${((i + 1) / 2).toFixed(1)}  ${(100 * h / Math.max(1, total)).toFixed(1).padStart(5)} %`
  );
  const lines = [
    "Synthetic MovieLens-shaped dataset -- NOT real MovieLens data",
    "=============================================================",
    "",
    "Generated by lib/data/synthetic.ts and kernels/synth.zig of this repository, deterministically",
    `from seed ${s.seed}. Same files and format as the GroupLens MovieLens releases (ratings.csv,`,
    "movies.csv, links.csv, tags.csv; UTF-8, comma separated, RFC 4180 quoting, " +
    `${lineEnding === "crlf" ? "CRLF" : "LF"} line endings), so`,
    "the same loader reads both. No line describes a real person or a real movie.",
    "",
    "Scale",
    `  users    ${count(s.users)} (userIds 1..${s.users}, every user has at least 20 ratings)`,
    `  movies   ${count(s.movies)} (movieIds ascending with gaps, 1..${maxId}, as in MovieLens)`,
    `  ratings  ${count(s.ratings)} (sorted by userId, then movieId; no (user, movie) pair twice)`,
    `  tags     ${count(s.tags)}`,
    `  movies nobody rated: ${
      count(outcome.unratedMovies)
    } (listed in movies.csv and links.csv only)`,
    "",
    "Planted model",
    "  rating = mu + b_u + b_i + x_u . y_i + noise, rounded to the nearest half star (whole star",
    "  before 2003-02-18, when MovieLens introduced half stars) and clamped to 0.5-5.",
    `  mu ${constants.mu}, sd(b_u) ${constants.userBiasSd}, sd(b_i) ${constants.itemBiasSd}, ` +
    `rank k ${s.k}, var(x_u . y_i) ${constants.interactionVariance},`,
    `  noise ~ N(0, sigma^2) with sigma = ${s.noise}.`,
    "  Users rate movies by popularity (heavy tailed) without replacement; user activity is heavy",
    "  tailed too. Each genre has a direction in factor space and movies whose y_i points that way",
    "  are more likely to carry it, so genres carry signal about the planted factors.",
    ...signalLines(constants),
    "  Timestamps fall in each user's active window, 1995-01-09 to 2023-10-12 (UTC); they do not",
    "  depend on the movie's year.",
    "",
    "Noise floor (the written ratings against the noiseless planted model)",
    `  oracle RMSE, prediction rounded like the ratings:      ${outcome.oracleRmse.toFixed(4)}`,
    `  oracle RMSE, prediction unrounded (clamped to 0.5-5):  ${
      outcome.oracleRmseUnrounded.toFixed(4)
    }`,
    "  A model fitted to part of the ratings cannot expect to do much better on the rest.",
    "",
    `Ratings per half star (mean ${outcome.ratingMean.toFixed(3)})`,
    ...shares,
    "",
    "synthetic.json holds every parameter. The same seed and sizes give the same bytes, whatever",
    "the number of threads.",
    "",
  ];
  const eol = lineEnding === "crlf" ? "\r\n" : "\n";
  return lines.join(eol);
}

/** The README lines on the genre centroids and the release years (none for a classic plan). */
function signalLines(constants: Readonly<Record<string, number>>): string[] {
  const rhoY = constants.genreFactorShare ?? 0;
  const rhoB = constants.genreBiasShare ?? 0;
  const lines = [];
  if (rhoY > 0 || rhoB > 0) {
    lines.push(
      `  Then ${
        Math.round(100 * rhoY)
      } % of the variance of each movie's y_i is drawn around the ` +
        "centroid of its",
      `  genres' directions and ${Math.round(100 * rhoB)} % of its b_i's from the genres' bias ` +
        "offsets (rescaled to",
      "  the same spread), so genres describe the movies well: see lib/data/synthetic.ts for how",
      "  much a feature model can recover on movies nobody rated.",
    );
  }
  if (constants.decadeBiasStrength !== undefined) {
    lines.push(
      "  Release years: old films (a long gap between release and catalogue entry) are likelier",
      `  for movies with a high b_i and a y_i along an era direction (logit ` +
        `${constants.decadeBiasStrength} per sd of b_i, ${constants.decadeFactorStrength} per sd`,
      "  of the projection), so the decade carries some signal too.",
    );
  }
  return lines;
}

/**
 * synthetic.json: every parameter and the outcome, for programs (no timings, so it is as
 * deterministic as the CSV files).
 *
 * @example
 * ```ts
 * import { syntheticJson } from "./_synthetic_files.ts";
 * import { MODEL_CONSTANTS } from "./_synthetic_plan.ts";
 * import { planSynthetic } from "./synthetic.ts";
 * const plan = planSynthetic({ users: 1, movies: 20, ratings: 20, seed: 7 });
 * const outcome = {
 *   oracleRmse: 0.8, oracleRmseUnrounded: 0.75, unratedMovies: 2, ratingMean: 3.5,
 *   histogram: [0, 0, 0, 0, 0, 10, 10, 0, 0, 0],
 * };
 * const json = JSON.parse(syntheticJson(plan, outcome, "lf", MODEL_CONSTANTS, {}));
 * if (json.synthetic !== true || json.seed !== 7 || json.ratings !== 20) throw new Error("spec");
 * ```
 */
export function syntheticJson(
  plan: SyntheticPlan,
  outcome: SyntheticOutcome,
  lineEnding: "lf" | "crlf",
  constants: Readonly<Record<string, number>>,
  times: Readonly<Record<string, number>>,
): string {
  const s = plan.spec;
  return JSON.stringify(
    {
      generator: "lib/data/synthetic.ts",
      formatVersion: 1,
      synthetic: true,
      seed: s.seed,
      users: s.users,
      movies: s.movies,
      ratings: s.ratings,
      tags: s.tags,
      k: s.k,
      noise: s.noise,
      lineEnding,
      model: constants,
      times,
      maxMovieId: plan.movieIds[plan.movieIds.length - 1] ?? 0,
      unratedMovies: outcome.unratedMovies,
      oracleRmse: outcome.oracleRmse,
      oracleRmseUnrounded: outcome.oracleRmseUnrounded,
      ratingMean: outcome.ratingMean,
      ratingHistogram: outcome.histogram,
    },
    null,
    2,
  ) + "\n";
}
