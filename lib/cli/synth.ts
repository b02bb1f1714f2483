/**
 * Writes a synthetic MovieLens-shaped dataset (see lib/data/synthetic.ts).
 *
 *   ./run deno run -A lib/cli/synth.ts --out data/raw/synthetic-32m             ML-32M sizes
 *   ./run deno run -A lib/cli/synth.ts --out data/raw/synthetic-small --scale small
 *   ./run deno run -A lib/cli/synth.ts --out data/raw/synthetic-ml-1m --format ml-1m
 *     (ML-100K or ML-1M files with demographics and planted effects, lib/data/synthetic_classic.ts;
 *     --seed, --users, --movies, --ratings and --force apply, the rest belongs to the CSV format)
 *   options: --scale small|32m  --seed N  --users N  --movies N  --ratings N  --tags N  --k N
 *            --noise X  --crlf  --threads N  --force  --quiet
 *
 * Prints the sizes, the oracle RMSE, the seconds and the bytes written.
 *
 * @module
 */
import { generateSynthetic, SYNTHETIC_32M, SYNTHETIC_SMALL } from "../data/synthetic.ts";
import type { SyntheticOptions } from "../data/synthetic.ts";
import { generateSyntheticClassic } from "../data/synthetic_classic.ts";
import { Args, runCli, UsageError } from "./_args.ts";

const USAGE =
  "usage: synth.ts --out DIR [--format csv|ml-100k|ml-1m] [--scale small|32m] [--seed N] [--users N] [--movies N] " +
  "[--ratings N] [--tags N] [--k N] [--noise X] [--crlf] [--threads N] [--force] [--quiet]";
const SPEC = {
  flags: ["--crlf", "--force", "--quiet"],
  values: [
    "--out",
    "--format",
    "--scale",
    "--seed",
    "--users",
    "--movies",
    "--ratings",
    "--tags",
    "--k",
    "--noise",
    "--threads",
  ],
};

async function main(): Promise<void> {
  const args = Args.parse(Deno.args, SPEC);
  const out = args.string("--out");
  if (out === undefined) throw new UsageError("--out is required");
  const format = args.string("--format", ["csv", "ml-100k", "ml-1m"]) ?? "csv";
  if (format === "ml-100k" || format === "ml-1m") {
    const sized = (name: string) => args.number(name, { integer: true, min: 1 });
    const result = await generateSyntheticClassic(out, format, {
      seed: args.number("--seed", { integer: true, min: 0, max: 0xffff_ffff }),
      users: sized("--users"),
      movies: sized("--movies"),
      ratings: sized("--ratings"),
      force: args.has("--force"),
    });
    const p = result.planted;
    console.log(
      `wrote ${result.dir} (${format}): ${result.spec.users.toLocaleString("en-US")} users, ` +
        `${result.spec.movies.toLocaleString("en-US")} movies, ` +
        `${result.spec.ratings.toLocaleString("en-US")} ratings; seed ${result.spec.seed}`,
    );
    console.log(
      `planted: ${p.occupationName} × ${p.genre} lift ${p.lift}, ages ${p.ageBucketName} ` +
        `+${p.ratingShift} stars, peak ${p.peakHour}:00 UTC`,
    );
    return;
  }
  const scale = args.string("--scale", ["small", "32m"]) === "small"
    ? SYNTHETIC_SMALL
    : SYNTHETIC_32M;
  const options: SyntheticOptions = {
    ...scale,
    seed: args.number("--seed", { integer: true, min: 0, max: 0xffff_ffff }),
    k: args.number("--k", { integer: true, min: 1, max: 1024 }),
    noise: args.number("--noise", { min: 0 }),
    threads: args.number("--threads", { integer: true, min: 1, max: 256 }),
    lineEnding: args.has("--crlf") ? "crlf" : "lf",
    force: args.has("--force"),
    quiet: args.has("--quiet"),
  };
  for (const name of ["users", "movies", "ratings", "tags"] as const) {
    const value = args.number(`--${name}`, { integer: true, min: 0 });
    if (value !== undefined) options[name] = value;
  }
  if (options.tags === undefined && scale === SYNTHETIC_32M && options.ratings !== scale.ratings) {
    options.tags = Math.round((options.ratings ?? 0) / 16);
  }
  report(await generateSynthetic(out, options));
}

function report(result: Awaited<ReturnType<typeof generateSynthetic>>): void {
  const bytes = Object.values(result.fileBytes).reduce((a, b) => a + b, 0);
  const s = result.spec;
  console.log(
    `wrote ${result.dir}: ${s.users.toLocaleString("en-US")} users, ` +
      `${s.movies.toLocaleString("en-US")} movies (${
        result.unratedMovies.toLocaleString("en-US")
      } unrated), ` +
      `${s.ratings.toLocaleString("en-US")} ratings, ${
        s.tags.toLocaleString("en-US")
      } tags; seed ${s.seed}`,
  );
  console.log(
    `oracle RMSE ${result.oracleRmse.toFixed(4)} (unrounded ${
      result.oracleRmseUnrounded.toFixed(4)
    }), ` +
      `mean rating ${result.ratingMean.toFixed(3)}`,
  );
  console.log(
    `${result.seconds.toFixed(1)} s, ${(bytes / 1e6).toFixed(1)} MB ` +
      `(ratings.csv ${((result.fileBytes["ratings.csv"] ?? 0) / 1e6).toFixed(1)} MB)`,
  );
}

await runCli("synth.ts", USAGE, main);
