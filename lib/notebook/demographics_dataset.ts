/**
 * Which dataset Practical 7 runs on. Demographics exist only in ML-100K and ML-1M, so the choice
 * differs from the other notebooks': `options.dataset`, else `RECSYS_DEMOGRAPHICS_DATASET`, else
 * `RECSYS_DATASET` when that folder is an ML-100K or ML-1M one, else data/raw/ml-1m, then
 * data/raw/ml-100k, else the synthetic ML-100K-format dataset with planted effects
 * (data/raw/synthetic-ml-100k, generated on first use in about two seconds). The test command
 * sets `RECSYS_DEMOGRAPHICS_DATASET=synthetic-ml-100k`, so the notebook's assertions run against
 * the planted truth.
 *
 * @module
 */
import { DATA_DIR, loadMovieLens } from "../data/load.ts";
import { detectRelease } from "../data/load_classic.ts";
import { generateSyntheticClassic } from "../data/synthetic_classic.ts";
import type { PlantedEffects } from "../data/synthetic_classic.ts";
import type { Dataset } from "../data/types.ts";

/** The synthetic fallback's folder name under data/raw/. */
export const SYNTHETIC_DEMOGRAPHICS = "synthetic-ml-100k";

/** A loaded dataset with users, and its planted effects when it is synthetic. */
export interface DemographicsChoice {
  /** The dataset (with `users`). */
  readonly ds: Dataset;
  /** The planted effects (synthetic data only). */
  readonly planted: PlantedEffects | undefined;
  /** Why this one. */
  readonly reason: string;
}

async function hasUsers(dir: string): Promise<boolean> {
  const release = await detectRelease(dir);
  return release === "ml-100k" || release === "ml-1m";
}

function resolve(name: string): string {
  return name.includes("/") ? name : `${DATA_DIR}/raw/${name}`;
}

async function planted(dir: string): Promise<PlantedEffects | undefined> {
  try {
    const json = JSON.parse(await Deno.readTextFile(`${dir}/synthetic.json`));
    return json.synthetic === true && json.planted !== undefined ? json.planted : undefined;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

/**
 * Chooses, (generates,) loads and announces the dataset of Practical 7 (see the module doc).
 *
 * @example
 * ```ts
 * import { demographicsDataset } from "./demographics_dataset.ts";
 * const root = await Deno.makeTempDir();
 * const { ds, planted } = await demographicsDataset({ dataset: `${root}/synthetic-ml-100k` });
 * await Deno.remove(root, { recursive: true });
 * if (ds.users === undefined || planted?.genre !== "Sci-Fi") throw new Error("planted data");
 * ```
 */
export async function demographicsDataset(
  options: { dataset?: string } = {},
): Promise<DemographicsChoice> {
  const env = (name: string) => Deno.env.get(name) || undefined;
  let dir: string | undefined;
  let reason = "";
  const wanted = options.dataset ?? env("RECSYS_DEMOGRAPHICS_DATASET");
  if (wanted !== undefined) {
    dir = resolve(wanted);
    reason = options.dataset !== undefined ? "as requested" : "from RECSYS_DEMOGRAPHICS_DATASET";
    const synthetic = dir.slice(dir.lastIndexOf("/") + 1).startsWith("synthetic");
    if (!await hasUsers(dir)) {
      if (!synthetic) {
        throw new Error(
          `${wanted}: ${dir} holds no ML-100K (u.data) or ML-1M (ratings.dat) files; ` +
            "demographics need one of those releases",
        );
      }
      await generateSyntheticClassic(dir, "ml-100k").catch(async (error) => {
        if (!await hasUsers(dir!)) throw error; // another process made it meanwhile
      });
    }
  } else {
    const fromEnv = env("RECSYS_DATASET");
    const candidates = [
      ...(fromEnv ? [[resolve(fromEnv), "RECSYS_DATASET has demographics"]] : []),
      [`${DATA_DIR}/raw/ml-1m`, "the best dataset with demographics present"],
      [`${DATA_DIR}/raw/ml-100k`, "the best dataset with demographics present"],
    ];
    for (const [candidate, why] of candidates) {
      if (await hasUsers(candidate!)) {
        dir = candidate;
        reason = why!;
        break;
      }
    }
    if (dir === undefined) {
      dir = `${DATA_DIR}/raw/${SYNTHETIC_DEMOGRAPHICS}`;
      reason = "SYNTHETIC: no ML-100K or ML-1M files found, so a generated ML-100K-format " +
        "dataset with planted effects is used";
      if (!await hasUsers(dir)) {
        await generateSyntheticClassic(dir, "ml-100k").catch(async (error) => {
          if (!await hasUsers(dir!)) throw error;
        });
      }
    }
  }
  const ds = await loadMovieLens(dir);
  const effects = await planted(ds.dir);
  console.log(
    `dataset ${ds.name} (${reason}): ${ds.ratings.nnz.toLocaleString("en-US")} ratings, ` +
      `${ds.ratings.nUsers.toLocaleString("en-US")} users with demographics, ` +
      `${ds.ratings.nItems.toLocaleString("en-US")} movies` +
      (effects ? "; planted effects known, so every claim below is checked against them" : ""),
  );
  return { ds, planted: effects, reason };
}
