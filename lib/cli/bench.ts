/**
 * `./run bench [--json] [--only ingest,als,genre_als,implicit,baseline,spark] [--dataset DIR]`: the
 * benchmark figures, by family (implicit: BPR, iALS and the CG rows of explicit ALS,
 * lib/cli/bench_implicit.ts; spark: lib/cli/bench_spark.ts, skipped when pyspark is not installed).
 *
 * By default it runs on the ML-32M-scale synthetic dataset (data/raw/synthetic-32m, generated once
 * and kept). Each figure is a line of a table, or with `--json` one JSON object per line:
 * `{"name": "als.epoch_seconds", "value": 1.9, "unit": "s", "params": {"k": 64, …}}`.
 *
 * @module
 */
import { DATA_DIR, loadMovieLens } from "../data/load.ts";
import { defaultThreads, kernelInfo } from "../ffi/kernels.ts";
import type { Dataset } from "../data/types.ts";
import type { EmitFigure } from "./bench_als.ts";

const json = Deno.args.includes("--json");
const onlyArg = Deno.args[Deno.args.indexOf("--only") + 1];
const only = Deno.args.includes("--only") && onlyArg ? new Set(onlyArg.split(",")) : undefined;
const datasetArg = Deno.args.includes("--dataset")
  ? Deno.args[Deno.args.indexOf("--dataset") + 1]
  : undefined;
const threads = defaultThreads();

const emit: EmitFigure = (name, value, unit, params = {}) => {
  const all = { threads, ...params };
  if (json) {
    console.log(JSON.stringify({ name, value, unit, params: all }));
  } else {
    const p = Object.entries(all).map(([k, v]) => `${k}=${v}`).join(" ");
    const shown = Math.abs(value) >= 100 ? value.toFixed(0) : value.toPrecision(3);
    console.log(`${name.padEnd(36)} ${shown.padStart(10)} ${unit.padEnd(5)} ${p}`);
  }
};

const wants = (section: string) => !only || only.has(section);
const log = (text: string) => {
  if (!json) console.log(text);
  else console.error(text);
};

async function ensureSynthetic32m(): Promise<string> {
  const dir = `${DATA_DIR}/raw/synthetic-32m`;
  try {
    await Deno.stat(`${dir}/ratings.csv`);
    return dir;
  } catch {
    const { generateSynthetic, SYNTHETIC_32M } = await import("../data/synthetic.ts");
    log(`generating the ML-32M-scale synthetic dataset into ${dir} (once) …`);
    const started = performance.now();
    await generateSynthetic(dir, { ...SYNTHETIC_32M, seed: 32 });
    emit("synth.generate_seconds", (performance.now() - started) / 1000, "s", {
      ratings: SYNTHETIC_32M.ratings,
    });
    return dir;
  }
}

async function probe(dir: string, noCache: boolean) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL("./_ingest_probe.ts", import.meta.url).pathname,
      dir,
      ...(noCache ? ["--no-cache"] : []),
    ],
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error(`ingest probe failed for ${dir}`);
  return JSON.parse(new TextDecoder().decode(out.stdout)) as {
    seconds: number;
    fromCache: boolean;
    peakRssMb: number;
    nnz: number;
  };
}

async function benchIngest(dir: string): Promise<void> {
  const fresh = await probe(dir, true);
  const params = { ratings: fresh.nnz };
  emit("ingest.csv_seconds", fresh.seconds, "s", params);
  emit("ingest.peak_rss_mb", fresh.peakRssMb, "MB", params);
  await probe(dir, false); // writes the cache if it is missing or stale
  const cached = await probe(dir, false);
  if (!cached.fromCache) throw new Error("the cache was not used on the second load");
  emit("ingest.cached_seconds", cached.seconds, "s", params);
  emit("ingest.cached_peak_rss_mb", cached.peakRssMb, "MB", params);
}

const info = kernelInfo();
log(`kernel library ${info.path}: ${info.simdF32Lanes} f32 SIMD lanes, ${threads} threads`);
const dir = datasetArg ?? await ensureSynthetic32m();
if (wants("ingest")) await benchIngest(dir);

let dataset: Dataset | undefined;
const load = async () => dataset ??= await loadMovieLens(dir, { sideFiles: false });
if (wants("als")) {
  const { benchAls } = await import("./bench_als.ts");
  await benchAls(await load(), emit);
}
if (wants("genre_als")) {
  const { benchGenreAls } = await import("./bench_genre_als.ts");
  await benchGenreAls(await load(), emit);
}
if (wants("implicit")) {
  const { benchImplicit } = await import("./bench_implicit.ts");
  await benchImplicit(await load(), emit);
}
if (wants("baseline")) {
  const { benchBaseline } = await import("./bench_baseline.ts");
  await benchBaseline(await load(), emit);
}
if (wants("spark")) {
  const { benchSpark } = await import("./bench_spark.ts");
  await benchSpark(await load(), emit, log);
}
if (wants("serve")) {
  const { benchServe } = await import("./bench_serve.ts");
  await benchServe(await load(), emit, log);
}
