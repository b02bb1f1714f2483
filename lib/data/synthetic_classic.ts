/**
 * A synthetic dataset in the formats of the two GroupLens releases that describe their users —
 * ML-100K (u.data, u.item, u.user, u.genre, u.occupation) and ML-1M (ratings.dat, movies.dat,
 * users.dat), Latin-1, whole stars 1–5 — with demographics that carry **planted, documented
 * effects** and some that carry none, so analyses can be checked against the truth.
 *
 * The catalogue, degrees, popularity and the planted rating model (μ + b_u + b_i + x_u·y_i + σε)
 * come from the same plan as the CSV generator ({@linkcode planSynthetic}); the ratings are drawn
 * here, in TypeScript (these releases have at most a million ratings), because the demographic
 * effects change who picks what. The planted effects ({@linkcode PLANTED_EFFECTS}):
 *
 * 1. **Occupation × genre.** Engineers (ML-100K "engineer", ML-1M 17 "technician/engineer") pick
 *    Sci-Fi movies more: each of their picks is, with probability q, drawn from the Sci-Fi movies
 *    alone (by popularity), else from the whole catalogue. q is solved so that the expected Sci-Fi
 *    share of their genre tags is `lift` (2) × everyone else's for a user who rates few movies.
 *    Picks are without replacement, so heavy raters exhaust the popular Sci-Fi movies and the
 *    realised lift over all tags comes out somewhat lower (1.85 at ML-100K's sizes, seed 42).
 *    Their other genres are diluted accordingly (by design, not a separate effect); every other
 *    occupation × genre is null.
 * 2. **Age × rating level.** Users aged 35–44 rate `ratingShift` (+0.3 stars) higher: added to the
 *    model before rounding and clamping to 1–5, so the observed difference of user means is a
 *    little smaller. Every other age bucket, gender and occupation has no rating effect.
 * 3. **Time of day.** Ratings happen at hour h (UTC) with weight exp(κ·cos(2π(h − 20)/24)), κ = 4:
 *    a peak at 20:00 UTC. Weekdays are uniform, and the weekend has no rating effect (a null).
 *
 * Gender, age bucket, occupation and zip code are drawn independently of each other, with roughly
 * the shares of the real release; gender and zip code carry no effect at all.
 *
 * @module
 */
import { publishFolder } from "./atomic.ts";
import { AGE_BUCKETS, ML100K_OCCUPATIONS, ML1M_OCCUPATIONS } from "./users.ts";
import { MOVIELENS_GENRES } from "./side_files.ts";
import { planSynthetic, SYNTHETIC_SEED } from "./synthetic.ts";
import type { SyntheticPlan } from "./synthetic.ts";
import { Rng } from "../stats/rng.ts";
import { type ClassicRelease, ML100K_GENRE_FLAGS } from "./load_classic.ts";

/** The planted effects of {@linkcode generateSyntheticClassic}, by name. */
export interface PlantedEffects {
  /** The occupation (index into the release's occupation names) that over-weights a genre. */
  readonly occupation: number;
  /** Its name. */
  readonly occupationName: string;
  /** The over-weighted genre (name in `MOVIELENS_GENRES`). */
  readonly genre: string;
  /** Expected share of `genre` among that occupation's genre tags ÷ everyone else's. */
  readonly lift: number;
  /** The mixing probability q that gives `lift`. */
  readonly mixProbability: number;
  /** The age bucket (index into `AGE_BUCKETS`) that rates higher. */
  readonly ageBucket: number;
  /** Its name. */
  readonly ageBucketName: string;
  /** Stars added to that bucket's ratings before rounding and clamping. */
  readonly ratingShift: number;
  /** The UTC hour with most activity. */
  readonly peakHour: number;
  /** Concentration κ of the hour-of-day profile exp(κ cos(2π(h − peak)/24)). */
  readonly hourConcentration: number;
  /** Effects that are absent by construction (for the record). */
  readonly nulls: readonly string[];
}

/** Sizes of the two releases. */
export const CLASSIC_SIZES: Readonly<
  Record<ClassicRelease, { users: number; movies: number; ratings: number }>
> = {
  "ml-100k": { users: 943, movies: 1_682, ratings: 100_000 },
  "ml-1m": { users: 6_040, movies: 3_883, ratings: 1_000_209 },
};

/** The planted parameters that do not depend on the release. */
export const PLANTED_EFFECTS = Object.freeze({
  genre: "Sci-Fi",
  lift: 2,
  ageBucketName: "35-44",
  ratingShift: 0.3,
  peakHour: 20,
  hourConcentration: 4,
  nulls: Object.freeze([
    "gender: no effect on genres or rating level",
    "zip code: no effect",
    "every occupation but the planted one: no genre effect; no occupation: rating-level effect",
    "age: no genre effect; every bucket but the planted one: no rating-level effect",
    "weekday: uniform activity; weekend vs weekday: no rating effect",
  ]),
});

/** Rough shares of the real releases (ML-100K counts; ML-1M counts by code). */
const OCCUPATION_WEIGHTS: Record<ClassicRelease, readonly number[]> = {
  "ml-100k": [79, 28, 7, 95, 67, 18, 32, 16, 7, 12, 51, 26, 9, 105, 66, 14, 12, 31, 196, 27, 45],
  "ml-1m": [
    711,
    528,
    267,
    173,
    759,
    112,
    236,
    679,
    17,
    92,
    195,
    129,
    388,
    142,
    302,
    144,
    241,
    502,
    70,
    72,
    281,
  ],
};
const AGE_WEIGHTS: Record<ClassicRelease, readonly number[]> = {
  "ml-100k": [54, 206, 337, 185, 72, 57, 32],
  "ml-1m": [222, 1103, 2096, 1193, 550, 496, 380],
};
const MALE_SHARE: Record<ClassicRelease, number> = { "ml-100k": 0.71, "ml-1m": 0.717 };
const ENGINEER: Record<ClassicRelease, number> = {
  "ml-100k": ML100K_OCCUPATIONS.indexOf("engineer"),
  "ml-1m": ML1M_OCCUPATIONS.indexOf("technician/engineer"),
};
const SECONDS_PER_DAY = 86_400;
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
/** Walker's alias table over `weights` (all ≥ 0, sum > 0). */
class Alias {
  readonly #prob: Float64Array;
  readonly #alias: Uint32Array;
  constructor(weights: ArrayLike<number>) {
    const n = weights.length;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += weights[i]!;
    if (!(n > 0 && sum > 0)) throw new Error("Alias: need positive weights");
    this.#prob = new Float64Array(n);
    this.#alias = new Uint32Array(n);
    const scaled = Float64Array.from({ length: n }, (_, i) => (weights[i]! * n) / sum);
    const small: number[] = [], large: number[] = [];
    scaled.forEach((p, i) => (p < 1 ? small : large).push(i));
    while (small.length > 0 && large.length > 0) {
      const s = small.pop()!, l = large.pop()!;
      this.#prob[s] = scaled[s]!;
      this.#alias[s] = l;
      scaled[l] = scaled[l]! + scaled[s]! - 1;
      (scaled[l]! < 1 ? small : large).push(l);
    }
    for (const i of [...small, ...large]) this.#prob[i] = 1;
  }
  draw(rng: Rng): number {
    const i = rng.int(this.#prob.length);
    return rng.next() < this.#prob[i]! ? i : this.#alias[i]!;
  }
}

function drawWeighted(rng: Rng, weights: readonly number[]): number {
  let total = 0;
  for (const w of weights) total += w;
  let x = rng.next() * total;
  for (let i = 0; i < weights.length; i++) {
    x -= weights[i]!;
    if (x < 0) return i;
  }
  return weights.length - 1;
}

/** Genres of movie `i` (indices into `MOVIELENS_GENRES`) without IMAX. */
function movieGenres(plan: SyntheticPlan, i: number): number[] {
  const imax = MOVIELENS_GENRES.indexOf("IMAX");
  const out: number[] = [];
  for (let e = plan.genrePtr[i]!; e < plan.genrePtr[i + 1]!; e++) {
    if (plan.genreIdx[e] !== imax) out.push(plan.genreIdx[e]!);
  }
  return out;
}

/**
 * q such that the expected share of the planted genre among the engineers' genre tags is `lift`
 * × the share among everyone else's (whose picks follow popularity `w`): with G_i = 1 when movie
 * i has the genre and n_i its number of genres, the share for a popularity draw is
 * s = Σ w G / Σ w n, for a genre-only draw s' = Σ w G / Σ w G n; a mixture gives
 * (q ΣwG/W_G + (1−q) ΣwG/W) / (q ΣwGn/W_G + (1−q) Σwn/W) = lift · s, solved for q (linear).
 */
function solveMix(plan: SyntheticPlan, genre: number, lift: number): number {
  let w = 0, wG = 0, wn = 0, wGn = 0;
  for (let i = 0; i < plan.itemWeights.length; i++) {
    const g = movieGenres(plan, i);
    const n = Math.max(1, g.length);
    const has = g.includes(genre) ? 1 : 0;
    const wi = plan.itemWeights[i]!;
    w += wi;
    wn += wi * n;
    wG += wi * has;
    wGn += wi * has * n;
  }
  const s = wG / wn;
  const target = lift * s;
  // numerator(q) = q·(1 − wG/w)·... : share(q) = (q·1 + (1−q)·wG/w) / (q·wGn/wG + (1−q)·wn/w)
  const a0 = wG / w, a1 = 1 - wG / w; // genre tags per draw: a0 + q·a1
  const b0 = wn / w, b1 = wGn / wG - wn / w; // all tags per draw: b0 + q·b1
  const q = (target * b0 - a0) / (a1 - target * b1);
  if (!(q > 0 && q < 1)) throw new Error(`solveMix: lift ${lift} out of reach (q = ${q})`);
  return q;
}

/** Options of {@linkcode generateSyntheticClassic}. */
export interface SyntheticClassicOptions {
  /** Seed (default 42). */
  seed?: number;
  /** Users (default: the release's). */
  users?: number;
  /** Movies in the catalogue (default: the release's). */
  movies?: number;
  /** Ratings (default: the release's). */
  ratings?: number;
  /** Replace an existing folder (default false). */
  force?: boolean;
}

/** What {@linkcode generateSyntheticClassic} wrote. */
export interface SyntheticClassicResult {
  /** The folder (absolute). */
  dir: string;
  /** The release format. */
  release: ClassicRelease;
  /** The planted effects, resolved for this release. */
  planted: PlantedEffects;
  /** Sizes and seed. */
  spec: { seed: number; users: number; movies: number; ratings: number };
}

function latin1(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 255) throw new Error(`not Latin-1: ${JSON.stringify(text.slice(i, i + 8))}`);
    out[i] = c;
  }
  return out;
}

/** The users' demographics: gender 0/1, age in years or bucket code, bucket, occupation, zip. */
function drawUsers(rng: Rng, release: ClassicRelease, n: number) {
  const gender = new Uint8Array(n), age = new Uint8Array(n), bucket = new Uint8Array(n);
  const occupation = new Uint8Array(n);
  const zip: string[] = [];
  for (let u = 0; u < n; u++) {
    gender[u] = rng.next() < MALE_SHARE[release] ? 1 : 0;
    const b = drawWeighted(rng, AGE_WEIGHTS[release]);
    bucket[u] = b;
    if (release === "ml-1m") age[u] = AGE_BUCKETS[b]!.code;
    else {
      const lo = b === 0 ? 7 : AGE_BUCKETS[b]!.code;
      const hi = b === AGE_BUCKETS.length - 1 ? 73 : AGE_BUCKETS[b + 1]!.code - 1;
      age[u] = lo + rng.int(hi - lo + 1);
    }
    occupation[u] = drawWeighted(rng, OCCUPATION_WEIGHTS[release]);
    zip.push(String(rng.int(100_000)).padStart(5, "0"));
  }
  return { gender, age, bucket, occupation, zip };
}

/** A timestamp in [begin, begin + span] whose UTC hour follows the planted profile. */
function drawTime(rng: Rng, begin: number, span: number, hours: readonly number[]): number {
  const firstDay = Math.floor(begin / SECONDS_PER_DAY);
  const lastDay = Math.floor((begin + span) / SECONDS_PER_DAY);
  for (let attempt = 0; attempt < 16; attempt++) {
    const day = firstDay + rng.int(lastDay - firstDay + 1);
    const t = day * SECONDS_PER_DAY + drawWeighted(rng, hours) * 3600 + rng.int(3600);
    if (t >= begin && t <= begin + span) return t;
  }
  return begin + rng.int(span + 1); // a window shorter than a day: uniform inside it
}

/**
 * Writes a synthetic ML-100K or ML-1M folder with planted demographic effects (see the module
 * documentation), plus README.txt and synthetic.json stating them. Deterministic from the seed.
 *
 * @param dir The folder to create (must not exist unless `force`).
 * @param release "ml-100k" or "ml-1m".
 * @param options Seed and sizes.
 * @returns Where, and the planted effects.
 *
 * @example
 * ```ts
 * import { generateSyntheticClassic } from "./synthetic_classic.ts";
 * import { loadMovieLens } from "./load.ts";
 * const root = await Deno.makeTempDir();
 * const out = await generateSyntheticClassic(`${root}/ml-100k`, "ml-100k", {
 *   users: 60, movies: 200, ratings: 3_000,
 * });
 * const ds = await loadMovieLens(out.dir);
 * await Deno.remove(root, { recursive: true });
 * if (ds.ratings.nnz !== 3_000 || ds.users?.userIds.length !== 60) throw new Error("sizes");
 * if (out.planted.occupationName !== "engineer") throw new Error("planted occupation");
 * ```
 */
export async function generateSyntheticClassic(
  dir: string,
  release: ClassicRelease,
  options: SyntheticClassicOptions = {},
): Promise<SyntheticClassicResult> {
  if (release !== "ml-100k" && release !== "ml-1m") {
    throw new RangeError(
      `generateSyntheticClassic: release must be ml-100k or ml-1m, got ${release}`,
    );
  }
  const sizes = CLASSIC_SIZES[release];
  const spec = {
    seed: options.seed ?? SYNTHETIC_SEED,
    users: options.users ?? sizes.users,
    movies: options.movies ?? sizes.movies,
    ratings: options.ratings ?? sizes.ratings,
  };
  const target = dir.replace(/\/+$/, "");
  let present = false;
  try {
    await Deno.lstat(target);
    present = true;
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  if (present && !options.force) {
    throw new Error(`${target}: already exists; remove it or pass force: true to replace it`);
  }
  const plan = planSynthetic({ ...spec, tags: 0, featureSignal: "classic" });
  const rng = new Rng((spec.seed ^ 0x5eed_c1a5) >>> 0);
  const people = drawUsers(rng, release, spec.users);
  const sciFi = MOVIELENS_GENRES.indexOf(PLANTED_EFFECTS.genre);
  const q = solveMix(plan, sciFi, PLANTED_EFFECTS.lift);
  const engineer = ENGINEER[release];
  const shiftBucket = AGE_BUCKETS.findIndex((b) => b.name === PLANTED_EFFECTS.ageBucketName);
  const planted: PlantedEffects = {
    occupation: engineer,
    occupationName: (release === "ml-100k" ? ML100K_OCCUPATIONS : ML1M_OCCUPATIONS)[engineer]!,
    genre: PLANTED_EFFECTS.genre,
    lift: PLANTED_EFFECTS.lift,
    mixProbability: q,
    ageBucket: shiftBucket,
    ageBucketName: PLANTED_EFFECTS.ageBucketName,
    ratingShift: PLANTED_EFFECTS.ratingShift,
    peakHour: PLANTED_EFFECTS.peakHour,
    hourConcentration: PLANTED_EFFECTS.hourConcentration,
    nulls: PLANTED_EFFECTS.nulls,
  };
  const all = new Alias(plan.itemWeights);
  const sciFiMovies: number[] = [];
  for (let i = 0; i < spec.movies; i++) {
    if (movieGenres(plan, i).includes(sciFi)) sciFiMovies.push(i);
  }
  const sciFiAlias = new Alias(sciFiMovies.map((i) => plan.itemWeights[i]!));
  const isSciFi = new Uint8Array(spec.movies);
  for (const i of sciFiMovies) isSciFi[i] = 1;
  const hours = Array.from(
    { length: 24 },
    (_, h) =>
      Math.exp(planted.hourConcentration * Math.cos((2 * Math.PI * (h - planted.peakHour)) / 24)),
  );
  const k = plan.spec.k;
  const noise = plan.spec.noise;
  const taken = new Uint8Array(spec.movies);
  const lines: string[] = [];
  const sep = release === "ml-100k" ? "\t" : "::";
  for (let u = 0; u < spec.users; u++) {
    const count = plan.userCounts[u]!;
    const picks: number[] = [];
    const mix = people.occupation[u] === engineer ? q : 0;
    let sciFiTaken = 0;
    for (let n = 0; n < count; n++) {
      // First which pool (the planted genre alone, or everything), then a free movie from it.
      const genrePick = mix > 0 && rng.next() < mix && sciFiTaken < sciFiMovies.length;
      let item = -1;
      for (let attempt = 0; attempt < 64 && item < 0; attempt++) {
        const cand = genrePick ? sciFiMovies[sciFiAlias.draw(rng)]! : all.draw(rng);
        if (taken[cand] === 0) item = cand;
      }
      if (item < 0) { // nearly all of the pool's popular movies are taken: the next free one
        const pool = genrePick ? sciFiMovies : undefined;
        const size = pool?.length ?? spec.movies;
        let k = rng.int(size);
        while (taken[pool?.[k] ?? k] !== 0) k = (k + 1) % size;
        item = pool?.[k] ?? k;
      }
      if (isSciFi[item] === 1) sciFiTaken++;
      taken[item] = 1;
      picks.push(item);
    }
    const shift = people.bucket[u] === shiftBucket ? planted.ratingShift : 0;
    for (const i of picks) {
      taken[i] = 0;
      let dot = 0;
      for (let j = 0; j < k; j++) {
        dot += plan.userFactors[u * k + j]! * plan.itemFactors[i * k + j]!;
      }
      const value = plan.mu + plan.userBias[u]! + shift + plan.itemBias[i]! + dot +
        noise * rng.normal();
      const stars = Math.min(5, Math.max(1, Math.round(value)));
      const t = drawTime(rng, plan.userTimeBegin[u]!, plan.userTimeSpan[u]!, hours);
      lines.push(`${u + 1}${sep}${i + 1}${sep}${stars}${sep}${t}\n`);
    }
  }
  const files: Record<string, string> = {};
  const genreNames = (i: number) => movieGenres(plan, i).map((g) => MOVIELENS_GENRES[g]!);
  const titleOf = (i: number) => plan.titles[i]!;
  const occupationNames = release === "ml-100k" ? ML100K_OCCUPATIONS : ML1M_OCCUPATIONS;
  if (release === "ml-100k") {
    files["u.data"] = lines.join("");
    files["u.item"] = Array.from({ length: spec.movies }, (_, i) => {
      const names = genreNames(i);
      const flags = ML100K_GENRE_FLAGS.map((g, f) =>
        f === 0 ? (names.length === 0 || names.includes(g) ? 1 : 0) : names.includes(g) ? 1 : 0
      );
      const year = /\((\d{4})\)$/.exec(titleOf(i))?.[1] ?? "1995";
      const date = `01-${MONTHS[i % 12]}-${year}`;
      return `${i + 1}|${titleOf(i)}|${date}||http://us.imdb.com/M/title-exact?${i + 1}|${
        flags.join("|")
      }\n`;
    }).join("");
    files["u.user"] = Array.from(
      { length: spec.users },
      (_, u) =>
        `${u + 1}|${people.age[u]}|${people.gender[u] ? "M" : "F"}|${
          occupationNames[people.occupation[u]!]
        }|${people.zip[u]}\n`,
    ).join("");
    files["u.genre"] = ML100K_GENRE_FLAGS.map((g, f) =>
      `${f === 0 ? "unknown" : g === "Children" ? "Children's" : g}|${f}\n`
    ).join("") + "\n";
    files["u.occupation"] = occupationNames.map((o) =>
      `${o}\n`
    ).join("");
  } else {
    files["ratings.dat"] = lines.join("");
    files["movies.dat"] = Array.from({ length: spec.movies }, (_, i) => {
      const names = genreNames(i).filter((g) => g !== "(no genres listed)");
      const words = (names.length === 0 ? ["Drama"] : names).map((g) =>
        g === "Children" ? "Children's" : g
      );
      return `${i + 1}::${titleOf(i)}::${words.join("|")}\n`;
    }).join("");
    files["users.dat"] = Array.from(
      { length: spec.users },
      (_, u) =>
        `${u + 1}::${people.gender[u] ? "M" : "F"}::${people.age[u]}::${people.occupation[u]}::${
          people.zip[u]
        }\n`,
    ).join("");
  }
  files["README.txt"] = readme(release, spec, planted);
  files["synthetic.json"] =
    JSON.stringify({ synthetic: true, release, ...spec, planted }, null, 2) +
    "\n";
  const slash = target.lastIndexOf("/");
  const parent = slash < 0 ? "." : slash === 0 ? "/" : target.slice(0, slash);
  await Deno.mkdir(parent, { recursive: true });
  const temporary = await Deno.makeTempDir({ dir: parent, prefix: `.${target.slice(slash + 1)}.` });
  try {
    for (const [name, text] of Object.entries(files)) {
      await Deno.writeFile(`${temporary}/${name}`, latin1(text));
    }
    await publishFolder(temporary, target, { replace: present });
  } catch (error) {
    await Deno.remove(temporary, { recursive: true }).catch(() => {});
    throw error;
  }
  return { dir: await Deno.realPath(target), release, planted, spec };
}

function readme(
  release: ClassicRelease,
  spec: SyntheticClassicResult["spec"],
  p: PlantedEffects,
): string {
  return [
    `SYNTHETIC data in the ${release.toUpperCase()} format (not GroupLens data).`,
    `Seed ${spec.seed}: ${spec.users} users, ${spec.movies} movies, ${spec.ratings} ratings (whole stars 1-5).`,
    "",
    "Planted effects:",
    `- occupation "${p.occupationName}" over-weights ${p.genre}: expected share of its genre tags`,
    `  ${p.lift} x everyone else's (each pick from ${p.genre} alone with probability ${
      p.mixProbability.toFixed(4)
    }).`,
    `- age bucket ${p.ageBucketName} rates ${p.ratingShift} stars higher (before rounding and clamping).`,
    `- activity peaks at ${p.peakHour}:00 UTC (hour weight exp(${p.hourConcentration} cos(2 pi (h - ${p.peakHour}) / 24))).`,
    "Absent by construction:",
    ...p.nulls.map((n) => `- ${n}`),
    "",
  ].join("\n");
}
