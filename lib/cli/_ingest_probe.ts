/**
 * One ingest measurement in a fresh process, so that peak resident memory is this load's alone:
 * `deno run -A lib/cli/_ingest_probe.ts DIR [--no-cache] [--side]` prints one JSON line
 * `{"seconds": …, "fromCache": …, "peakRssMb": …, "nnz": …}`. With `--side` the load includes
 * movies.csv, links.csv and tags.csv (through their binary caches unless `--no-cache`) and the line
 * also gives `"movies"` and `"tags"` (row counts).
 *
 * @module
 */
import { loadMovieLens } from "../data/load.ts";

const usage = "usage: _ingest_probe.ts DIR [--no-cache] [--side]";
const [dir, ...flags] = Deno.args;
if (!dir || dir.startsWith("--")) throw new Error(usage);
for (const flag of flags) {
  if (flag !== "--no-cache" && flag !== "--side") throw new Error(`unknown flag ${flag}; ${usage}`);
}
const side = flags.includes("--side");
const started = performance.now();
const ds = await loadMovieLens(dir, { cache: !flags.includes("--no-cache"), sideFiles: side });
const seconds = (performance.now() - started) / 1000;
const status = await Deno.readTextFile("/proc/self/status");
const hwm = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? "0");
console.log(JSON.stringify({
  seconds,
  fromCache: ds.fromCache,
  peakRssMb: hwm / 1024,
  nnz: ds.ratings.nnz,
  ...(side ? { movies: ds.movies.movieIds.length, tags: ds.tags.tagIndex.length } : {}),
}));
