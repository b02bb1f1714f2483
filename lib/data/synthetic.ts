/**
 * A synthetic MovieLens-shaped dataset, written in the exact GroupLens CSV format (ratings.csv,
 * movies.csv, links.csv, tags.csv, plus README.txt and synthetic.json), deterministic from a seed,
 * for when no real MovieLens files are at hand and for experiments that need a known truth.
 *
 * What it looks like, and why:
 * - **Sizes are exact.** `users`, `movies` (catalogue rows) and `ratings` come out exactly; userIds
 *   are 1..users, movieIds ascend with gaps (about 3.3 × movies at the end, like ML-32M's); rows
 *   are sorted by userId then movieId; no (user, movie) pair repeats.
 * - **Heavy tails.** Every user rates at least 20 movies (as GroupLens guarantees), plus a
 *   log-normal excess; users pick movies by a log-normal popularity without replacement, so a few
 *   movies get a large share of users and some catalogue movies get no rating at all (README.txt
 *   says how many: at the ML-32M sizes with seed 42, 3,907 of the 87,585 movies, 4.5 %; the
 *   largest movieId is 276,641).
 * - **A planted model with a known noise floor.** rating = μ + b_u + b_i + x_u·y_i + σ·ε, rounded to
 *   half stars (whole stars before 2003-02-18, as in MovieLens) and clamped to 0.5–5. README.txt
 *   and synthetic.json give the "oracle" RMSE of the noiseless model: what no fitted model can
 *   expect to beat. σ = 0.8 by default puts ALS in the MovieLens ballpark: the oracle RMSE is
 *   about 0.79, and the reference ALS (k = 8, 8 epochs, best of λ ∈ {0.05, 0.1, 0.2}, 10 % random
 *   test split) scores 0.85 at 100,000 ratings (1,000 users) and 0.81 at ML-1M's sizes. Mean
 *   rating 3.54, as in ML-32M.
 * - **Genres carry real signal: item factors drawn around genre centroids.** Each genre has a unit
 *   direction w_g in factor space. A movie's genres are drawn from its free factors y_i⁰ and bias
 *   (movies whose y_i⁰ points along w_g are likelier to carry genre g; documentaries rate higher,
 *   horror lower); then 70 % of the variance of its factors is drawn around the centroid of its
 *   genres, y_i ∝ √0.3·y_i⁰ + √0.7·α·Σ_g w_g (Children's direction turned to a cosine of −1/2
 *   with Horror's: family films and horror please different people), and 30 % of its bias's from
 *   the genres' bias offsets (`PlantedSignal`, `STRONG_SIGNAL`). Both are rescaled to the free
 *   values' popularity-weighted spread, so the ratings keep their spread and the oracle RMSE
 *   (0.796 at the ML-32M sizes) moves by less than 0.001. No random number is drawn for it: the
 *   catalogue, genres, users and popularity are those of `featureSignal: "classic"`, the weaker
 *   signal the synthetic ML-100K / ML-1M files keep (genres only follow the factors) so they never
 *   change.
 * - **Release years carry some.** A movie's year is the year it entered the catalogue minus a
 *   gap, long (an old film) with odds 1 : 3 times e^(2.5·b_i/σ_b + 2.5·y_i·e/s) for a random
 *   "era" direction e (1.5 and 1.5 with the classic signal): old films that are still listed rate
 *   higher and share a taste. The gaps use the same random numbers whatever the strengths.
 * - **Tags carry nothing new**: a tag's text is drawn from the movie's own genres (60 %) or a
 *   generic list, so it repeats the genres; and a movie nobody rated has none.
 * - **How strong the feature signal is** (`plantedFeatureSignal` in synthetic_signal.ts: the
 *   planted b_i and y_i regressed on the features, every rating predicted with the planted user
 *   side). At the ML-32M sizes (seed 42), rating-weighted: genres and decade together explain
 *   59 % of the variance of b_i and 79 % of y_i's (the decade alone 10 % and 2 %). Over all
 *   ratings the RMSE of μ + b_u is 0.943; with the item bias from the features (the best genre
 *   offset) 0.901; with the features' item factors too (the best cold-start feature model) 0.825;
 *   the planted model 0.770 (unrounded). So a perfect feature model gains 0.077 stars of RMSE over a
 *   perfect genre-offset baseline on cold movies (genre ALS gets 0.041 in notebook 05). At 1M
 *   ratings (10,000 users and movies): 58 % and 80 %; 0.957, 0.911, 0.832, 0.772. The classic
 *   signal explains 20 % and 24 % and leaves a gain of 0.02 (0.941 → 0.920 at 1M): too weak for
 *   a cold-start model to show much.
 * - **Timestamps** 1995-01-09 .. 2023-10-12, inside each user's active window.
 *
 * The plan (degrees, popularity, planted factors, genres, catalogue) is made in TypeScript from the
 * seed; kernels/synth.zig draws and formats the ratings on several threads, each user with its own
 * random stream, so the bytes never depend on the thread count. The folder appears atomically
 * (written under a temporary name, renamed at the end).
 *
 * @module
 */
import {
  defaultThreads,
  SYNTH_LINE_BYTES_MAX,
  SYNTH_UNROUNDED_SCALE,
  synthAliasTable,
  synthRatingsCsv,
  type SynthRatingsModel,
} from "../ffi/kernels.ts";
import {
  CLASSIC_SIGNAL,
  FIRST_RATING_TIME,
  HALF_STARS_FROM,
  LAST_RATING_TIME,
  MIN_RATINGS_PER_USER,
  MODEL_CONSTANTS,
  planSyntheticDataset,
  STRONG_SIGNAL,
} from "./_synthetic_plan.ts";
import type { PlanSpec, SyntheticPlan } from "./_synthetic_plan.ts";
import { pathExists, publishFolder } from "./atomic.ts";
import {
  readmeText,
  syntheticJson,
  writeAll,
  writeLinksCsv,
  writeMoviesCsv,
  writeTagsCsv,
} from "./_synthetic_files.ts";
import type { SyntheticOutcome } from "./_synthetic_files.ts";

export type { PlantedSignal, SyntheticPlan } from "./_synthetic_plan.ts";

/** Sizes of a synthetic dataset. */
export interface SyntheticScale {
  /** Users (userIds 1..users). */
  readonly users: number;
  /** Movies in the catalogue (movies.csv rows). */
  readonly movies: number;
  /** Ratings (ratings.csv rows). */
  readonly ratings: number;
  /** tags.csv rows (default: ratings / 16, rounded). */
  readonly tags?: number;
}

/**
 * The ML-32M sizes: 200,948 users, 87,585 movies, 32,000,204 ratings, 2,000,072 tags.
 *
 * @example
 * ```ts
 * import { SYNTHETIC_32M } from "./synthetic.ts";
 * if (SYNTHETIC_32M.ratings !== 32_000_204) throw new Error("the ML-32M rating count");
 * ```
 */
export const SYNTHETIC_32M: SyntheticScale = Object.freeze({
  users: 200_948,
  movies: 87_585,
  ratings: 32_000_204,
  tags: 2_000_072,
});

/**
 * The notebooks' fallback when no MovieLens files exist ("synthetic-small"): 1,000 users, 2,000
 * movies, 100,000 ratings (about ml-latest-small's size); generated in well under a second.
 *
 * @example
 * ```ts
 * import { SYNTHETIC_SMALL } from "./synthetic.ts";
 * if (SYNTHETIC_SMALL.users !== 1_000) throw new Error("1,000 users");
 * ```
 */
export const SYNTHETIC_SMALL: SyntheticScale = Object.freeze({
  users: 1_000,
  movies: 2_000,
  ratings: 100_000,
});

/** The default seed. */
export const SYNTHETIC_SEED = 42;

/** A progress report of {@linkcode generateSynthetic}. */
export interface SyntheticProgress {
  /** What is being written. */
  readonly phase: "ratings" | "movies" | "tags" | "done";
  /** Ratings written so far. */
  readonly ratingsDone: number;
  /** Ratings in total. */
  readonly ratingsTotal: number;
  /** Seconds since the start. */
  readonly seconds: number;
}

/** Options of {@linkcode generateSynthetic}. Sizes default to {@linkcode SYNTHETIC_32M}. */
export interface SyntheticOptions {
  /** Seed, an integer in 0..2^32-1 (default {@linkcode SYNTHETIC_SEED}). */
  seed?: number;
  /** Users (default 200,948). */
  users?: number;
  /** Movies in the catalogue, at least 20 (default 87,585). */
  movies?: number;
  /** Ratings, 20·users ≤ ratings ≤ users·movies (default 32,000,204). */
  ratings?: number;
  /** tags.csv rows (default: 2,000,072 at the default sizes, else ratings / 16 rounded). */
  tags?: number;
  /** Planted rank k, 1..1024 (default 8). */
  k?: number;
  /** Noise standard deviation σ ≥ 0 (default 0.8). */
  noise?: number;
  /**
   * How strongly genres and years describe the planted movies: "strong" (default: 70 % of the
   * item factors' variance and 30 % of the item biases' drawn around genre centroids, a strong year
   * link) or "classic" (genres only follow the factors, a weak year link: the signal of the
   * synthetic ML-100K / ML-1M files, which keep it so they never change).
   */
  featureSignal?: "strong" | "classic";
  /** Line endings: "lf" like ML-32M (default) or "crlf" like ml-latest-small. */
  lineEnding?: "lf" | "crlf";
  /** Kernel threads (default `RECSYS_THREADS` or all cores); never changes the output. */
  threads?: number;
  /** Replace an existing folder (default false: an existing folder is an error). */
  force?: boolean;
  /** No progress bar on stderr (default: a bar when ratings ≥ 1,000,000). */
  quiet?: boolean;
  /** Receives progress reports instead of the stderr bar. */
  onProgress?: (progress: SyntheticProgress) => void;
}

/** What {@linkcode generateSynthetic} wrote. */
export interface SyntheticResult extends SyntheticOutcome {
  /** The folder (absolute path). */
  dir: string;
  /** The parameters, resolved. */
  spec: Required<
    Pick<SyntheticOptions, "seed" | "users" | "movies" | "ratings" | "tags" | "k" | "noise">
  >;
  /** Bytes of every file written, by name. */
  fileBytes: Record<string, number>;
  /** Wall-clock seconds. */
  seconds: number;
}

const CHUNK_BYTES = 32 << 20;

function resolveSpec(options: SyntheticOptions): PlanSpec {
  const sizesGiven = options.users !== undefined || options.movies !== undefined ||
    options.ratings !== undefined;
  const users = options.users ?? SYNTHETIC_32M.users;
  const movies = options.movies ?? SYNTHETIC_32M.movies;
  const ratings = options.ratings ?? SYNTHETIC_32M.ratings;
  const tags = options.tags ?? (sizesGiven ? Math.round(ratings / 16) : SYNTHETIC_32M.tags!);
  const spec = {
    seed: options.seed ?? SYNTHETIC_SEED,
    users,
    movies,
    ratings,
    tags,
    k: options.k ?? 8,
    noise: options.noise ?? 0.8,
    signal: (options.featureSignal ?? "strong") === "classic" ? CLASSIC_SIGNAL : STRONG_SIGNAL,
  };
  if (
    options.featureSignal !== undefined && !["strong", "classic"].includes(options.featureSignal)
  ) {
    throw new RangeError(
      `generateSynthetic: featureSignal must be "strong" or "classic", got ${options.featureSignal}`,
    );
  }
  const whole = (name: string, value: number, min: number, max: number) => {
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new RangeError(
        `generateSynthetic: ${name} must be an integer in ${min}..${max}, got ${value}`,
      );
    }
  };
  whole("seed", spec.seed, 0, 0xffff_ffff);
  whole("users", users, 1, 0xffff_fffe);
  whole("movies", movies, MIN_RATINGS_PER_USER, 0x3fff_ffff);
  whole("ratings", ratings, MIN_RATINGS_PER_USER * users, Math.min(users * movies, 0xffff_ffff));
  whole("tags", tags, 0, 0xffff_ffff);
  whole("k", spec.k, 1, 1024);
  if (!(Number.isFinite(spec.noise) && spec.noise >= 0)) {
    throw new RangeError(`generateSynthetic: noise must be a finite number ≥ 0, got ${spec.noise}`);
  }
  return spec;
}

/** A progress reporter drawing a bar on stderr (a line per 10 % when stderr is not a terminal). */
function stderrBar(): (p: SyntheticProgress) => void {
  const tty = Deno.stderr.isTerminal();
  const encoder = new TextEncoder();
  let lastTenth = -1;
  return (p) => {
    const f = p.ratingsTotal > 0 ? p.ratingsDone / p.ratingsTotal : 1;
    const bar = "#".repeat(Math.round(24 * f)).padEnd(24, ".");
    const line = `synthetic ${p.phase.padEnd(7)} [${bar}] ${(100 * f).toFixed(1).padStart(5)}% ` +
      `${(p.ratingsDone / 1e6).toFixed(1)}/${(p.ratingsTotal / 1e6).toFixed(1)}M ratings ` +
      `${p.seconds.toFixed(1)} s`;
    const tenth = p.phase === "done" ? 10 : Math.floor(10 * f);
    if (tty) {
      Deno.stderr.writeSync(encoder.encode(`\r${line}\x1b[K${p.phase === "done" ? "\n" : ""}`));
    } else if (tenth > lastTenth) {
      lastTenth = tenth;
      Deno.stderr.writeSync(encoder.encode(`${line}\n`));
    }
  };
}

/**
 * The ratings part of a plan, as the Zig generator reads it: the planted model, the users' counts
 * and windows, the items' alias table, half stars from {@linkcode HALF_STARS_FROM}, `crlf` lines.
 */
function ratingsModel(plan: SyntheticPlan, crlf: boolean): SynthRatingsModel {
  return {
    seed: plan.ratingSeed,
    k: plan.spec.k,
    mu: plan.mu,
    noiseSd: plan.spec.noise,
    wholeStarsBefore: HALF_STARS_FROM,
    crlf,
    userCounts: plan.userCounts,
    userTimeBegin: plan.userTimeBegin,
    userTimeSpan: plan.userTimeSpan,
    userBias: plan.userBias,
    userFactors: plan.userFactors,
    movieIds: plan.movieIds,
    itemWeights: plan.itemWeights,
    itemTable: synthAliasTable(plan.itemWeights),
    itemBias: plan.itemBias,
    itemFactors: plan.itemFactors,
  };
}

/** Writes ratings.csv: chunks of users, generated by Zig into one buffer while the other is written. */
async function writeRatings(
  path: string,
  plan: SyntheticPlan,
  crlf: boolean,
  threads: number,
  report: (done: number) => void,
): Promise<SyntheticOutcome> {
  const { users, movies } = plan.spec;
  const model = ratingsModel(plan, crlf);
  const largest = plan.userCounts.reduce((a, b) => Math.max(a, b), 0);
  const capacity = Math.max(CHUNK_BYTES, largest * SYNTH_LINE_BYTES_MAX);
  const buffers = [new Uint8Array(capacity), new Uint8Array(capacity)] as const;
  const itemCounts = new Uint32Array(movies);
  let halfSteps = 0n;
  let unrounded = 0n;
  const histogram = new Array<number>(10).fill(0);
  using file = await Deno.open(path, { write: true, createNew: true });
  await writeAll(
    file,
    new TextEncoder().encode(`userId,movieId,rating,timestamp${crlf ? "\r\n" : "\n"}`),
  );
  let writing: Promise<void> = Promise.resolve();
  let done = 0;
  let begin = 0;
  for (let chunk = 0; begin < users; chunk++) {
    let end = begin;
    let lines = 0;
    while (end < users && (lines + plan.userCounts[end]!) * SYNTH_LINE_BYTES_MAX <= capacity) {
      lines += plan.userCounts[end++]!;
    }
    const buffer = buffers[chunk % 2]!;
    const generating = synthRatingsCsv(model, begin, end, buffer, itemCounts, { threads });
    await writing; // the previous chunk's write overlaps this chunk's generation
    const result = await generating;
    halfSteps += result.oracleHalfStepsSquared;
    unrounded += result.oracleUnroundedFixed;
    result.histogram.forEach((h, i) => histogram[i]! += h);
    const written = done += lines;
    writing = writeAll(file, buffer.subarray(0, result.bytes)).then(() => report(written));
    begin = end;
  }
  await writing;
  const n = plan.spec.ratings;
  let sum = 0;
  histogram.forEach((h, i) => sum += h * (i + 1) / 2);
  return {
    oracleRmse: Math.sqrt(Number(halfSteps) / 4 / n),
    oracleRmseUnrounded: Math.sqrt(Number(unrounded) / SYNTH_UNROUNDED_SCALE / n),
    unratedMovies: itemCounts.reduce((zero, c) => zero + (c === 0 ? 1 : 0), 0),
    histogram,
    ratingMean: sum / n,
  };
}

/**
 * The plan of the dataset `generateSynthetic(dir, options)` writes: user degrees, popularity, the
 * planted model (μ, biases, factors), genre directions and genres, the catalogue. Deterministic,
 * and cheap next to the ratings: use it to compare a fitted model with the planted truth.
 *
 * @example
 * ```ts
 * import { planSynthetic } from "./synthetic.ts";
 * const plan = planSynthetic({ users: 1, movies: 20, ratings: 20, k: 4 }); // the smallest sizes
 * if (plan.itemFactors.length !== 20 * 4) throw new Error("k = 4 planted factors per movie");
 * ```
 */
export function planSynthetic(options: SyntheticOptions = {}): SyntheticPlan {
  return planSyntheticDataset(resolveSpec(options));
}

/**
 * Writes a synthetic MovieLens dataset into the folder `dir` (which must not exist unless
 * `force`): ratings.csv, movies.csv, links.csv, tags.csv, README.txt, synthetic.json. Sizes
 * default to ML-32M ({@linkcode SYNTHETIC_32M}), which takes well under a minute on two cores.
 *
 * @example
 * ```ts
 * import { generateSynthetic } from "./synthetic.ts";
 * const root = await Deno.makeTempDir();
 * const result = await generateSynthetic(`${root}/tiny`, { users: 1, movies: 20, ratings: 20 });
 * const lines = (await Deno.readTextFile(`${result.dir}/ratings.csv`)).trimEnd().split("\n");
 * await Deno.remove(root, { recursive: true });
 * if (lines[0] !== "userId,movieId,rating,timestamp" || lines.length !== 21) {
 *   throw new Error("a header and exactly 20 ratings");
 * }
 * if (Object.keys(result.fileBytes).length !== 6) throw new Error("the four CSVs, README, JSON");
 * ```
 */
export async function generateSynthetic(
  dir: string,
  options: SyntheticOptions = {},
): Promise<SyntheticResult> {
  const started = performance.now();
  const spec = resolveSpec(options);
  const lineEnding = options.lineEnding ?? "lf";
  if (lineEnding !== "lf" && lineEnding !== "crlf") {
    throw new RangeError(`generateSynthetic: lineEnding must be "lf" or "crlf", got ${lineEnding}`);
  }
  const eol = lineEnding === "crlf" ? "\r\n" : "\n";
  const target = dir.replace(/\/+$/, "");
  const slash = target.lastIndexOf("/");
  const parent = slash < 0 ? "." : slash === 0 ? "/" : target.slice(0, slash);
  const name = target.slice(slash + 1);
  if (name === "" || name === "." || name === "..") {
    throw new Error(`generateSynthetic: ${dir} is not a folder name to create`);
  }
  if (!options.force && await pathExists(target)) {
    throw new Error(
      `${target}: already exists; remove it or pass force: true (--force) to replace it`,
    );
  }
  const seconds = () => (performance.now() - started) / 1000;
  const sink = options.onProgress ??
    (options.quiet || spec.ratings < 1_000_000 ? undefined : stderrBar());
  const report = (phase: SyntheticProgress["phase"], done: number) =>
    sink?.({ phase, ratingsDone: done, ratingsTotal: spec.ratings, seconds: seconds() });

  await Deno.mkdir(parent, { recursive: true });
  const temporary = `${parent}/.${name}.partial-${Deno.pid}-${Math.floor(started)}`;
  await Deno.mkdir(temporary);
  try {
    const plan = planSyntheticDataset(spec);
    const threads = options.threads ?? defaultThreads();
    const outcome = await writeRatings(
      `${temporary}/ratings.csv`,
      plan,
      lineEnding === "crlf",
      threads,
      (done) => report("ratings", done),
    );
    report("movies", spec.ratings);
    await writeMoviesCsv(`${temporary}/movies.csv`, plan, eol);
    await writeLinksCsv(`${temporary}/links.csv`, plan, eol);
    report("tags", spec.ratings);
    await writeTagsCsv(`${temporary}/tags.csv`, plan, eol);
    const constants = { ...MODEL_CONSTANTS, ...spec.signal };
    const times = {
      firstRatingTime: FIRST_RATING_TIME,
      lastRatingTime: LAST_RATING_TIME,
      halfStarsFrom: HALF_STARS_FROM,
    };
    await Deno.writeTextFile(
      `${temporary}/README.txt`,
      readmeText(plan, outcome, lineEnding, constants),
    );
    await Deno.writeTextFile(
      `${temporary}/synthetic.json`,
      syntheticJson(plan, outcome, lineEnding, constants, times),
    );
    const fileBytes: Record<string, number> = {};
    for await (const entry of Deno.readDir(temporary)) {
      fileBytes[entry.name] = (await Deno.stat(`${temporary}/${entry.name}`)).size;
    }
    await publish(temporary, target, options.force ?? false);
    report("done", spec.ratings);
    const { signal: _signal, ...sizes } = spec;
    return {
      ...outcome,
      dir: await Deno.realPath(target),
      spec: sizes,
      fileBytes,
      seconds: seconds(),
    };
  } catch (error) {
    await Deno.remove(temporary, { recursive: true }).catch(() => {});
    throw error;
  }
}

/** Renames the finished temporary folder to `target`, replacing an old one when `force`. */
async function publish(temporary: string, target: string, force: boolean): Promise<void> {
  await publishFolder(temporary, target, { replace: force });
}

/**
 * Makes the notebooks' fallback dataset ({@linkcode SYNTHETIC_SMALL}, default seed) in `dir`,
 * quietly. If another process made it meanwhile, that one is kept.
 *
 * @example
 * ```ts
 * import { makeSyntheticFallback, readSyntheticInfo } from "./synthetic.ts";
 * const root = await Deno.makeTempDir(); // the notebooks use data/raw/synthetic-small
 * await makeSyntheticFallback(`${root}/synthetic-small`);
 * await makeSyntheticFallback(`${root}/synthetic-small`); // already there: kept, no error
 * const info = await readSyntheticInfo(`${root}/synthetic-small`);
 * await Deno.remove(root, { recursive: true });
 * if (info?.ratings !== 100_000 || info.users !== 1_000) throw new Error("SYNTHETIC_SMALL sizes");
 * ```
 */
export async function makeSyntheticFallback(dir: string): Promise<void> {
  try {
    await generateSynthetic(dir, { ...SYNTHETIC_SMALL, quiet: true });
  } catch (error) {
    if (await pathExists(`${dir}/ratings.csv`)) return;
    throw error;
  }
}

/** What synthetic.json says about a synthetic dataset folder. */
export interface SyntheticInfo {
  /** Seed. */
  seed: number;
  /** Users. */
  users: number;
  /** Movies in the catalogue. */
  movies: number;
  /** Ratings. */
  ratings: number;
  /** Tags. */
  tags: number;
  /** Planted rank. */
  k: number;
  /** Noise σ. */
  noise: number;
  /** RMSE of the ratings against the noiseless prediction rounded like them. */
  oracleRmse: number;
  /** RMSE of the ratings against the noiseless prediction, unrounded. */
  oracleRmseUnrounded: number;
  /** Catalogue movies nobody rated. */
  unratedMovies: number;
}

/**
 * Reads synthetic.json of a dataset folder, or `undefined` when the folder is not synthetic (so a
 * notebook can quote the noise floor when there is one).
 *
 * @example
 * ```ts
 * import { readSyntheticInfo } from "./synthetic.ts";
 * if (await readSyntheticInfo("../shared/data/ml-latest-small") !== undefined) {
 *   throw new Error("real MovieLens folders have no synthetic.json");
 * }
 * ```
 */
export async function readSyntheticInfo(dir: string): Promise<SyntheticInfo | undefined> {
  let text: string;
  try {
    text = await Deno.readTextFile(`${dir}/synthetic.json`);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
  const json = JSON.parse(text) as SyntheticInfo & { synthetic?: boolean };
  if (json.synthetic !== true) {
    throw new Error(
      `${dir}/synthetic.json: expected "synthetic": true; not written by this generator`,
    );
  }
  return json;
}
