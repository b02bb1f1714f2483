/**
 * Loads a saved model of any kind: the file's metadata names the kind (the rating models
 * `global-mean`, `bias-als`, `als` and `genre-als`; the implicit-feedback rankers `popularity`,
 * `bpr` and `ials`), and the matching class reads and checks the rest.
 *
 * @module
 */
import { Als } from "./als.ts";
import { BiasAls } from "./bias_als.ts";
import { Bpr } from "./bpr.ts";
import { GenreAls } from "./genre_als.ts";
import { GlobalMean } from "./global_mean.ts";
import { Ials } from "./ials.ts";
import { Popularity } from "./popularity.ts";
import { readModelFile } from "./_model_file.ts";
import { partsFromFile } from "./explicit_model.ts";

/** A rating model `loadModel` can return (these predict stars: `predict`, `evaluate`, `state`). */
export type AnyRatingModel = GlobalMean | BiasAls | Als | GenreAls;

/** An implicit-feedback ranker `loadModel` can return (scores for ranking, no star scale). */
export type AnyImplicitModel = Popularity | Bpr | Ials;

/** Any model `loadModel` can return. */
export type AnyModel = AnyRatingModel | AnyImplicitModel;

/** The kinds `loadModel` reads, as written in the files' metadata. */
export const MODEL_KINDS: readonly string[] = [
  "global-mean",
  "bias-als",
  "als",
  "genre-als",
  "popularity",
  "bpr",
  "ials",
];

/**
 * Loads the model saved at `path`, whatever its kind; a file of a kind not in
 * {@linkcode MODEL_KINDS} is an error naming the file, the kind it holds and the kinds known.
 * (A rating model's file is read once; an implicit model's is read again by its class's `load`,
 * which checks every field.)
 *
 * @example
 * ```ts
 * import { BiasAls } from "./bias_als.ts";
 * import { loadModel } from "./load_model.ts";
 * import { fromTriplets } from "../data/coo.ts";
 * const train = fromTriplets(2, 2, [0, 0, 1], [0, 1, 0], [4, 2, 5], [0, 0, 0]);
 * const dir = await Deno.makeTempDir();
 * await (await BiasAls.fit(train, { lambda: 1 })).save(`${dir}/m.rsm`);
 * const model = await loadModel(`${dir}/m.rsm`);
 * await Deno.remove(dir, { recursive: true });
 * if (!(model instanceof BiasAls)) throw new Error("the kind comes from the file");
 * ```
 */
export async function loadModel(path: string): Promise<AnyModel> {
  const file = await readModelFile(path);
  const kind = file.metadata.model;
  switch (kind) {
    case "global-mean":
      return new GlobalMean(partsFromFile(path, file, kind));
    case "bias-als":
      return new BiasAls(partsFromFile(path, file, kind));
    case "als":
      return new Als(partsFromFile(path, file, kind));
    case "genre-als":
      return GenreAls.fromFile(path, file);
    case "popularity":
      return await Popularity.load(path);
    case "bpr":
      return await Bpr.load(path);
    case "ials":
      return await Ials.load(path);
    default:
      throw new Error(
        `${path}: holds a model of kind ${JSON.stringify(kind)}; expected one of ` +
          MODEL_KINDS.map((k) => JSON.stringify(k)).join(", "),
      );
  }
}

/**
 * The dataset folder a saved model was fitted on, as `save(path, { dataset })` recorded it
 * (`fit --out` does), or `undefined` for a file that does not say.
 *
 * @example
 * ```ts
 * import { GlobalMean } from "./global_mean.ts";
 * import { modelDataset } from "./load_model.ts";
 * import { fromTriplets } from "../data/coo.ts";
 * const train = fromTriplets(2, 2, [0, 0, 1], [0, 1, 0], [4, 2, 5], [0, 0, 0]);
 * const dir = await Deno.makeTempDir();
 * const model = await GlobalMean.fit(train);
 * await model.save(`${dir}/a.rsm`, { dataset: "/data/ml-latest-small" });
 * await model.save(`${dir}/b.rsm`);
 * const [a, b] = [await modelDataset(`${dir}/a.rsm`), await modelDataset(`${dir}/b.rsm`)];
 * await Deno.remove(dir, { recursive: true });
 * if (a !== "/data/ml-latest-small" || b !== undefined) throw new Error(`${a} ${b}`);
 * ```
 */
export async function modelDataset(path: string): Promise<string | undefined> {
  const { metadata } = await readModelFile(path);
  const dataset = metadata.dataset;
  if (dataset !== undefined && typeof dataset !== "string") {
    throw new Error(`${path}: metadata field "dataset" should be a folder path, got ${dataset}`);
  }
  return dataset;
}
