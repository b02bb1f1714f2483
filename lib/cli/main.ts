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
import { Args, runCli, UsageError } from "./_args.ts";

const ROOT = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");
const USAGE = "usage: ./run main [--dataset DIR|NAME] [--no-notebooks]";
const SPEC = { flags: ["--no-notebooks"], values: ["--dataset"] };

async function main(): Promise<void> {
  const args = Args.parse(Deno.args, SPEC);
  const dataset = args.string("--dataset");
  const choice = await chooseDataset(dataset).catch((error) => {
    // Name the option the user typed, not the parameter it became.
    if (dataset === undefined || !(error instanceof Error)) throw error;
    throw new UsageError(error.message.replace(`dataset ${dataset}:`, `--dataset ${dataset}:`));
  });
  if (choice.reason === "synthetic-fallback") {
    console.log(
      "NOTE: no MovieLens files were found (data/raw/ml-32m, data/raw/ml-latest-small, " +
        "../shared/data/ml-latest-small), so this run uses the SYNTHETIC MovieLens-shaped dataset " +
        `at ${choice.dir}. Download the real data with \`./run download ml-latest-small\`.`,
    );
  } else {
    const why = choice.reason === "best-available" ? "best present" : "as asked";
    console.log(`dataset: ${choice.dir} (${why})`);
  }

  const ds = await loadMovieLens(choice.dir);
  console.log(formatSummary(summarize(ds)));
  if (args.has("--no-notebooks")) return;
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
  if (!status.success) throw new Error("a notebook failed (its error is printed above)");
}

await runCli("./run main", USAGE, main);
