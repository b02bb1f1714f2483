import { assert, assertEquals } from "../../tests/_assert.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const SMALL = new URL("../../../shared/data/ml-latest-small", import.meta.url).pathname;

/** Runs `deno run -A lib/cli/<tool> args…` from the repository root. */
function run(tool: string, ...args: string[]) {
  return runWith({}, tool, ...args);
}

/** {@linkcode run} with extra environment variables. */
async function runWith(env: Record<string, string>, tool: string, ...args: string[]) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--config", `${ROOT}deno.json`, `${ROOT}lib/cli/${tool}`, ...args],
    cwd: ROOT,
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
}

Deno.test("fit.ts fits, reports test RMSE against the global mean, saves; recommend.ts reads it", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const out = `${dir}/als.rsm`;
    const fit = await run(
      "fit.ts",
      ...["--dataset", SMALL, "--k", "8", "--lambda", "10", "--unweighted", "--epochs", "5"],
      ...["--quiet", "--out", out],
    );
    assertEquals(fit.code, 0, fit.stderr);
    const rmse = fit.stdout.match(
      /test RMSE (\d\.\d{4}), MAE \d\.\d{4} \(global mean: RMSE (\d\.\d{4})/,
    );
    assert(rmse, fit.stdout);
    assert(Number(rmse[1]) < Number(rmse[2]), `ALS should beat the global mean: ${fit.stdout}`);
    assert(fit.stdout.includes("als: K = 8, λ = 10"), fit.stdout);
    const ranking = fit.stdout.match(
      /top-10 on test \(relevant: rated ≥ 4; (\d+) users\): precision (\S+), recall (\S+), NDCG (\S+), hit rate (\S+) %/,
    );
    assert(ranking, fit.stdout);
    assert(Number(ranking[1]) > 0, "users with relevant test ratings");
    for (const value of ranking.slice(2, 5).map(Number)) assert(value > 0 && value < 1, fit.stdout);
    // The closing hint is a command that runs as printed, and names a user of the dataset.
    assert(fit.stdout.includes(`; try: ./run recommend --model ${out} --user 1\n`), fit.stdout);
    // Without --dataset, recommend uses the dataset recorded in the model file (not the default).
    const elsewhere = { RECSYS_DATASET: "/nonexistent-dataset" };
    const rec = await runWith(
      elsewhere,
      "recommend.ts",
      "--model",
      out,
      "--user",
      "1",
      "--n",
      "60",
    );
    assertEquals(rec.code, 0, rec.stderr);
    // Every one of the 60 asked for is listed (more than the table's default of 50 rows).
    const top = rec.stdout.slice(rec.stdout.indexOf("top 60 by als"));
    const ranks = top.split("\n").filter((line) => /^\s*\d+\s{2}\S/.test(line));
    assertEquals(
      ranks.map((line) => Number(line.trim().split(/\s+/)[0])),
      Array.from({ length: 60 }, (_, j) => j + 1),
    );
    assert(rec.stdout.includes("userId 1 rated 232 movies"), rec.stdout);
    const unknown = await run(
      "recommend.ts",
      "--model",
      out,
      "--user",
      "999999",
      "--dataset",
      SMALL,
    );
    assertEquals(unknown.code, 1);
    assert(
      unknown.stderr.includes("userId 999999 is not in dataset ml-latest-small"),
      unknown.stderr,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the tools refuse bad arguments before loading anything, with the usage line", async () => {
  for (
    const [tool, args, message] of [
      ["fit.ts", ["--k", "0"], "--k expects a whole number in 1..1024"],
      ["fit.ts", ["--model", "svd"], "--model is one of als, bias-als, global-mean"],
      ["fit.ts", ["--model", "global-mean", "--epochs", "3"], "--epochs applies to --model"],
      ["fit.ts", ["--lambda"], "--lambda needs a value"],
      ["fit.ts", ["--out", "--quiet"], "--out needs a value, got the option --quiet"],
      ["fit.ts", ["--lambda", "0"], "--lambda must be > 0 for --model als"],
      ["fit.ts", ["--k", "0x10"], "--k expects a whole number"],
      ["fit.ts", ["--out", ROOT], "is a folder"],
      ["fit.ts", ["--out", "/proc/recsys-no-such/als.rsm"], "cannot write into /proc ("],
      ["fit.ts", ["--out", `${ROOT}README.md/models/als.rsm`], `${ROOT}README.md is not a folder`],
      ["recommend.ts", ["--user", "1"], "--model and --user are required"],
      ["synth.ts", ["--out", "/nonexistent/x", "--scale", "tiny"], "--scale is one of small, 32m"],
      ["synth.ts", ["--out", "/nonexistent/x", "--format", "ml-10m"], "--format is one of csv"],
    ] as const
  ) {
    const result = await run(tool, ...args);
    assertEquals(result.code, 2, `${tool} ${args.join(" ")}: ${result.stderr}`);
    assert(result.stderr.includes(message), result.stderr);
    assert(result.stderr.includes(`usage: ${tool}`), result.stderr);
    assertEquals(result.stdout, "", "nothing loaded, nothing printed");
  }
});

Deno.test("./run main: a mistyped option or a missing dataset is one line naming the option, exit 2", async () => {
  for (
    const [args, message] of [
      [["--datset", "ml-latest-small"], "./run main: unknown argument --datset"],
      [["--dataset", "/nonexistent-ml"], "./run main: --dataset /nonexistent-ml: "],
      [["--dataset"], "./run main: --dataset needs a value"],
    ] as const
  ) {
    const result = await run("main.ts", ...args);
    assertEquals(result.code, 2, result.stderr);
    const lines = result.stderr.trimEnd().split("\n");
    assert(lines[0]!.startsWith(message), result.stderr);
    assertEquals(lines.slice(1), ["usage: ./run main [--dataset DIR|NAME] [--no-notebooks]"]);
    assertEquals(result.stdout, "", "nothing loaded");
  }
});

Deno.test("--help prints the usage line and exits 0, for every tool", async () => {
  for (const tool of ["fit.ts", "recommend.ts", "main.ts", "synth.ts"]) {
    const result = await run(tool, "--help");
    assertEquals(result.code, 0, `${tool}: ${result.stderr}`);
    assert(result.stdout.startsWith("usage: "), `${tool}: ${result.stdout}`);
    assertEquals(result.stderr, "");
  }
});

Deno.test("synth.ts --format ml-100k writes a loadable folder with demographics", async () => {
  const dir = await Deno.makeTempDir({ prefix: "synth_classic_cli_" });
  try {
    const args = ["--out", `${dir}/ml-100k`, "--format", "ml-100k", "--users", "50"];
    const result = await run("synth.ts", ...args, "--movies", "100", "--ratings", "2000");
    assertEquals(result.code, 0, result.stderr);
    assert(result.stdout.includes("50 users, 100 movies, 2,000 ratings"), result.stdout);
    assert(result.stdout.includes("planted: engineer × Sci-Fi"), result.stdout);
    const users = await Deno.readTextFile(`${dir}/ml-100k/u.user`);
    assertEquals(users.trimEnd().split("\n").length, 50);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
