/**
 * The main job (`./run main`): build (done by the task), choose the dataset, load it and print its
 * dataset card, then execute every notebook on it headless and say where the executed notebooks and
 * figures are.
 *
 *   ./run main                          best dataset present (see lib/notebook/dataset.ts)
 *   ./run main --dataset PATH|NAME      a given MovieLens folder (same as RECSYS_DATASET)
 *   ./run main --no-notebooks           only load and summarise
 *
 * It needs no network: with no MovieLens files present it generates the synthetic dataset and says so.
 *
 * @module
 */
import { chooseDataset, formatSummary, loadMovieLens, summarize } from "../mod.ts";

const ROOT = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");

function argValue(name: string): string | undefined {
  const i = Deno.args.indexOf(name);
  return i >= 0 ? Deno.args[i + 1] : undefined;
}

const dataset = argValue("--dataset");
if (dataset) Deno.env.set("RECSYS_DATASET", dataset);

const choice = await chooseDataset();
if (choice.reason === "synthetic-fallback") {
  console.log(
    "NOTE: no MovieLens files were found (data/raw/ml-32m, data/raw/ml-latest-small, " +
      "../shared/data/ml-latest-small), so this run uses the SYNTHETIC MovieLens-shaped dataset at " +
      `${choice.dir}. Download the real data with \`./run deno task download ml-latest-small\`.`,
  );
} else {
  console.log(`dataset: ${choice.dir} (${choice.reason === "env" ? "as asked" : "best present"})`);
}

const ds = await loadMovieLens(choice.dir);
console.log(formatSummary(summarize(ds)));

if (!Deno.args.includes("--no-notebooks")) {
  const out = `${ROOT}/data/executed/${ds.name}`;
  console.log(`\nexecuting every notebook on ${ds.name} …`);
  const status = await new Deno.Command("python", {
    args: [`${ROOT}/tests/run_notebooks.py`, "--check", "--out", out],
    env: { RECSYS_DATASET: choice.dir },
    stdout: "inherit",
    stderr: "inherit",
  }).spawn().status;
  console.log(`\nexecuted notebooks: ${out}/`);
  console.log(`figures (SVG):      ${ROOT}/figures/<notebook>/`);
  if (!status.success) Deno.exit(1);
}
