/**
 * Which dataset a notebook (or the main job) runs on. One parameter decides it: the
 * `RECSYS_DATASET` environment variable, a folder path or a name under data/raw/. Without it the
 * best dataset present is used: data/raw/ml-32m, then data/raw/ml-latest-small, then
 * ../shared/data/ml-latest-small beside the repository, then the synthetic dataset (generated on
 * first use under data/raw/synthetic-small).
 *
 * @module
 */
import { DATA_DIR, loadMovieLens } from "../data/load.ts";
import type { LoadOptions } from "../data/load.ts";
import type { Dataset } from "../data/types.ts";

/** A chosen dataset folder and why it was chosen. */
export interface DatasetChoice {
  /** Absolute folder path holding ratings.csv. */
  dir: string;
  /** Folder name. */
  name: string;
  /**
   * "requested" (passed in, e.g. a tool's --dataset), "env" (RECSYS_DATASET), "best-available" or
   * "synthetic-fallback".
   */
  reason: "requested" | "env" | "best-available" | "synthetic-fallback";
}

/** Makes a synthetic dataset folder when nothing else is present (default: lib/data/synthetic.ts). */
export type SyntheticMaker = (dir: string) => Promise<void>;
let syntheticMaker: SyntheticMaker | undefined;

/**
 * Replaces how the synthetic fallback dataset is generated (by default `makeSyntheticFallback` of
 * lib/data/synthetic.ts, imported when first needed).
 *
 * @example
 * ```ts
 * import { setSyntheticMaker } from "./dataset.ts";
 * setSyntheticMaker(async (_dir) => {});
 * ```
 */
export function setSyntheticMaker(maker: SyntheticMaker): void {
  syntheticMaker = maker;
}

async function hasRatings(dir: string): Promise<boolean> {
  for (const file of ["ratings.csv", "u.data", "ratings.dat"]) {
    try {
      if ((await Deno.stat(`${dir}/${file}`)).isFile) return true;
    } catch {
      // try the next release's ratings file
    }
  }
  return false;
}

/** The folder name of the synthetic fallback under data/raw/. */
export const SYNTHETIC_FALLBACK = "synthetic-small";

/**
 * Resolves the dataset folder: `requested` when given (a folder path or a name under data/raw/),
 * else `RECSYS_DATASET` (the same forms), else the best available.
 *
 * @example
 * ```ts
 * import { chooseDataset } from "./dataset.ts";
 * const choice = await chooseDataset("../shared/data/ml-latest-small");
 * if (choice.name !== "ml-latest-small" || choice.reason !== "requested") throw new Error("as asked");
 * ```
 */
export async function chooseDataset(requested?: string): Promise<DatasetChoice> {
  const fromEnv = Deno.env.get("RECSYS_DATASET");
  const wanted = requested ?? (fromEnv || undefined);
  if (wanted !== undefined) {
    const dir = wanted.includes("/") ? wanted : `${DATA_DIR}/raw/${wanted}`;
    if (!await hasRatings(dir)) {
      const source = requested === undefined ? `RECSYS_DATASET=${wanted}` : `dataset ${wanted}`;
      throw new Error(
        `${source}: ${dir}/ratings.csv not found (nor u.data, ratings.dat); expected a MovieLens ` +
          "folder path or a folder name under data/raw/",
      );
    }
    const abs = await Deno.realPath(dir);
    const reason = requested === undefined ? "env" : "requested";
    return { dir: abs, name: abs.slice(abs.lastIndexOf("/") + 1), reason };
  }
  const shared = new URL("../../../shared/data/ml-latest-small", import.meta.url).pathname;
  for (const dir of [`${DATA_DIR}/raw/ml-32m`, `${DATA_DIR}/raw/ml-latest-small`, shared]) {
    if (await hasRatings(dir)) {
      const abs = await Deno.realPath(dir);
      return { dir: abs, name: abs.slice(abs.lastIndexOf("/") + 1), reason: "best-available" };
    }
  }
  const dir = `${DATA_DIR}/raw/${SYNTHETIC_FALLBACK}`;
  if (!await hasRatings(dir)) {
    const maker = syntheticMaker ??
      (await import("../data/synthetic.ts")).makeSyntheticFallback;
    await maker(dir);
  }
  return { dir, name: SYNTHETIC_FALLBACK, reason: "synthetic-fallback" };
}

/**
 * Chooses and loads the notebook's dataset (`options.dataset`, else as {@linkcode chooseDataset}
 * decides), printing one line that says which and why.
 *
 * @example
 * ```ts
 * import { notebookDataset } from "./dataset.ts";
 * // Prints "dataset ml-latest-small (as requested): 100,836 ratings, …".
 * const ds = await notebookDataset({
 *   dataset: "../shared/data/ml-latest-small",
 *   cache: false,
 *   sideFiles: false,
 * });
 * if (ds.ratings.nnz !== 100_836) throw new Error("all of ml-latest-small");
 * ```
 */
export async function notebookDataset(
  options: LoadOptions & { dataset?: string } = {},
): Promise<Dataset> {
  const { dataset, ...loadOptions } = options;
  const choice = await chooseDataset(dataset);
  const why = choice.reason === "requested"
    ? "as requested"
    : choice.reason === "env"
    ? "from RECSYS_DATASET"
    : choice.reason === "best-available"
    ? "the best dataset present"
    : "SYNTHETIC: no MovieLens files found, so a generated MovieLens-shaped dataset is used";
  const ds = await loadMovieLens(choice.dir, loadOptions);
  console.log(
    `dataset ${ds.name} (${why}): ${ds.ratings.nnz.toLocaleString("en-US")} ratings, ` +
      `${ds.ratings.nUsers.toLocaleString("en-US")} users, ` +
      `${ds.ratings.nItems.toLocaleString("en-US")} movies; loaded in ` +
      `${ds.loadSeconds.toFixed(2)} s${ds.fromCache ? " from cache" : ""}`,
  );
  return ds;
}

/**
 * "small" when a dataset is small enough for exhaustive grids (under 2M ratings), else "large";
 * notebooks use it to size sweeps.
 *
 * @example
 * ```ts
 * import { datasetScale } from "./dataset.ts";
 * if (datasetScale(100_836) !== "small") throw new Error("ml-latest-small is small");
 * if (datasetScale(32_000_204) !== "large") throw new Error("ML-32M is large");
 * ```
 */
export function datasetScale(nnz: number): "small" | "large" {
  return nnz < 2_000_000 ? "small" : "large";
}
