/**
 * Writes a synthetic MovieLens-shaped dataset (see lib/data/synthetic.ts).
 *
 *   ./run deno run -A lib/cli/synth.ts --out data/raw/synthetic-32m             ML-32M sizes
 *   ./run deno run -A lib/cli/synth.ts --out data/raw/synthetic-small --scale small
 *   options: --scale small|32m  --seed N  --users N  --movies N  --ratings N  --tags N  --k N
 *            --noise X  --crlf  --threads N  --force  --quiet
 *
 * Prints the sizes, the oracle RMSE, the seconds and the bytes written.
 *
 * @module
 */
import { generateSynthetic, SYNTHETIC_32M, SYNTHETIC_SMALL } from "../data/synthetic.ts";
import type { SyntheticOptions } from "../data/synthetic.ts";

const USAGE = "usage: synth.ts --out DIR [--scale small|32m] [--seed N] [--users N] [--movies N] " +
  "[--ratings N] [--tags N] [--k N] [--noise X] [--crlf] [--threads N] [--force] [--quiet]";
const FLAGS = new Set(["--crlf", "--force", "--quiet"]);
const VALUES = new Set([
  "--out",
  "--scale",
  "--seed",
  "--users",
  "--movies",
  "--ratings",
  "--tags",
  "--k",
  "--noise",
  "--threads",
]);

function fail(message: string): never {
  console.error(`synth.ts: ${message}\n${USAGE}`);
  Deno.exit(2);
}

function parse(args: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (FLAGS.has(arg)) out.set(arg, "true");
    else if (VALUES.has(arg)) {
      const value = args[++i];
      if (value === undefined) fail(`${arg} needs a value`);
      out.set(arg, value);
    } else fail(`unknown argument ${arg}`);
  }
  return out;
}

function numberOf(args: Map<string, string>, name: string): number | undefined {
  const text = args.get(name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value)) {
    fail(`${name} expects a number, got "${text}"`);
  }
  return value;
}

const args = parse(Deno.args);
const out = args.get("--out") ?? fail("--out is required");
const scaleName = args.get("--scale") ?? "32m";
const scale = scaleName === "32m"
  ? SYNTHETIC_32M
  : scaleName === "small"
  ? SYNTHETIC_SMALL
  : fail(`--scale is small or 32m, got "${scaleName}"`);
const options: SyntheticOptions = {
  ...scale,
  seed: numberOf(args, "--seed"),
  k: numberOf(args, "--k"),
  noise: numberOf(args, "--noise"),
  threads: numberOf(args, "--threads"),
  lineEnding: args.has("--crlf") ? "crlf" : "lf",
  force: args.has("--force"),
  quiet: args.has("--quiet"),
};
for (const name of ["users", "movies", "ratings", "tags"] as const) {
  const value = numberOf(args, `--${name}`);
  if (value !== undefined) options[name] = value;
}
if (options.tags === undefined && scale === SYNTHETIC_32M && options.ratings !== scale.ratings) {
  options.tags = Math.round((options.ratings ?? 0) / 16);
}

const result = await generateSynthetic(out, options);
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
