/**
 * Top-N movies for one MovieLens user from a model saved by `fit.ts --out`, with titles, next to
 * the movies that user rated highest. The movies the user rated in the dataset are left out.
 *
 *   ./run deno task recommend --model data/models/als.rsm --user 1
 *   ./run deno task recommend --model data/models/als.rsm --user 414 --n 20 --dataset ml-latest-small
 *   options: --model FILE (required)  --user USERID (required)  --n N (default 10)
 *            --dataset DIR|NAME (default: the one the model was fitted on, as fit --out records
 *            it; else as the notebooks choose; must be the one the model was fitted on)
 *
 * @module
 */
import { itemCatalogueRows, itemLabel } from "../data/catalogue.ts";
import { RankingModel } from "../models/explicit_model.ts";
import { loadModel, modelDataset } from "../models/load_model.ts";
import { notebookDataset } from "../notebook/dataset.ts";
import { rankItems } from "../notebook/item_table.ts";
import { table } from "../plot/table.ts";
import { Args, runCli, UsageError } from "./_args.ts";

const USAGE = "usage: recommend.ts --model FILE --user USERID [--n N] [--dataset DIR|NAME]";
const SPEC = { flags: [], values: ["--model", "--user", "--n", "--dataset"] };

/** Where two id mappings first differ ("" when they are equal). */
function idMismatch(what: string, model: Uint32Array, data: Uint32Array): string {
  if (model.length !== data.length) return `${model.length} ${what} vs ${data.length}`;
  const j = model.findIndex((v, i) => v !== data[i]);
  return j < 0 ? "" : `${what} #${j} is id ${model[j]} in the model, ${data[j]} in the dataset`;
}

async function main(): Promise<void> {
  const args = Args.parse(Deno.args, SPEC);
  const path = args.string("--model");
  const userId = args.number("--user", { integer: true, min: 0 });
  if (path === undefined || userId === undefined) {
    throw new UsageError("--model and --user are required");
  }
  const n = args.number("--n", { integer: true, min: 1, max: 1000 }) ?? 10;
  const dataset = args.string("--dataset");
  const model = await loadModel(path);
  if (!(model instanceof RankingModel)) {
    throw new Error(`${path}: a ${model.kind} model ranks every movie alike; fit bias-als or als`);
  }
  // Default: the dataset the model was fitted on, when its file says and the folder is there.
  const recorded = dataset === undefined ? await modelDataset(path) : undefined;
  const present = (file: string) => Deno.stat(`${recorded}/${file}`).then(() => true, () => false);
  const usable = recorded !== undefined &&
    (await Promise.all(["ratings.csv", "u.data", "ratings.dat"].map(present))).includes(true);
  if (recorded !== undefined && !usable) {
    console.log(`${path} was fitted on ${recorded}, which is gone; using the default dataset`);
  }
  const ds = await notebookDataset({ dataset: usable ? recorded : dataset });
  const mismatch = idMismatch("users", model.userIds, ds.userIds) ||
    idMismatch("movies", model.itemIds, ds.itemIds);
  if (mismatch !== "") {
    throw new Error(
      `${path} was fitted on another dataset than ${ds.name} (${mismatch}); pass the one it was ` +
        "fitted on with --dataset",
    );
  }
  const user = model.userIndex(userId);
  if (user < 0) throw new Error(`userId ${userId} is not in dataset ${ds.name}`);
  const rec = await model.recommend(user, { n, exclude: ds.ratings });
  const rows = itemCatalogueRows(ds);
  const m = ds.ratings;
  const rated = m.userPtr[user + 1]! - m.userPtr[user]!;
  // The user's ratings by movie (NaN where unrated), for rankItems.
  const theirRatings = new Float64Array(m.nItems).fill(NaN);
  for (let e = m.userPtr[user]!; e < m.userPtr[user + 1]!; e++) {
    theirRatings[m.userItems[e]!] = m.userRatings[e]!;
  }
  if (rec.items.length === 0) {
    console.log(`userId ${userId} has rated all ${rated} movies of ${ds.name}; nothing to add`);
    return;
  }
  console.log(
    table(
      rankItems(theirRatings, { n: Math.min(n, 10) }).map((item) => ({
        movie: itemLabel(ds, item, rows),
        rating: theirRatings[item],
      })),
      {
        digits: 1,
        caption: `userId ${userId} rated ${rated} movie${rated === 1 ? "" : "s"}; the highest:`,
      },
    ).text,
  );
  console.log();
  console.log(
    table(
      [...rec.items].map((item, j) => ({
        rank: j + 1,
        movie: itemLabel(ds, item, rows),
        "predicted rating (unclamped)": rec.scores[j],
      })),
      {
        digits: 2,
        maxRows: rec.items.length,
        caption: `top ${rec.items.length} by ${model.kind} (${path}):`,
      },
    ).text,
  );
}

await runCli("recommend.ts", USAGE, main);
