/**
 * One ingest measurement in a fresh process, so that peak resident memory is this load's alone:
 * `deno run -A lib/cli/_ingest_probe.ts DIR [--no-cache]` prints one JSON line
 * `{"seconds": …, "fromCache": …, "peakRssMb": …, "nnz": …}`.
 *
 * @module
 */
import { loadMovieLens } from "../data/load.ts";

const [dir, flag] = Deno.args;
if (!dir) throw new Error("usage: _ingest_probe.ts DIR [--no-cache]");
const started = performance.now();
const ds = await loadMovieLens(dir, { cache: flag !== "--no-cache", sideFiles: false });
const seconds = (performance.now() - started) / 1000;
const status = await Deno.readTextFile("/proc/self/status");
const hwm = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? "0");
console.log(JSON.stringify({
  seconds,
  fromCache: ds.fromCache,
  peakRssMb: hwm / 1024,
  nnz: ds.ratings.nnz,
}));
