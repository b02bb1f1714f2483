/**
 * The library imported from another Deno project: a script in a temporary folder outside the
 * checkout, with no deno.json of its own and this repository's ignored (`--no-config`), imports
 * lib/mod.ts by path, loads ml-latest-small, fits two models and scores a separate test file.
 * Works because every npm package is imported through lib/deps/ with a versioned `npm:`
 * specifier, and the kernel library and data folder are found from the modules' own URLs.
 */
import { assert, assertEquals } from "./_assert.ts";

const MOD = new URL("../lib/mod.ts", import.meta.url).href;
const SMALL = new URL("../../shared/data/ml-latest-small", import.meta.url).pathname;

Deno.test("a script outside the repository imports lib/mod.ts by path and runs", async () => {
  const dir = await Deno.makeTempDir({ prefix: "recsys-outside-" });
  try {
    const script = `
import { Als, BiasAls, loadMovieLens, loadRatings, randomSplit, writeRatings } from "${MOD}";
const ds = await loadMovieLens(${JSON.stringify(SMALL)}, { cacheDir: ${JSON.stringify(dir)} });
const { train, test } = randomSplit(ds.ratings, { testFraction: 0.1, seed: 42 });
await writeRatings(${JSON.stringify(`${dir}/test.csv`)}, test, { ...test.ids!, format: "csv" });
const bias = await BiasAls.fit(train);
const als = await Als.fit(train, { k: 16, epochs: 5 });
const fromFile = await loadRatings(${JSON.stringify(`${dir}/test.csv`)}, { ids: als });
const scores = [await bias.evaluate(test), await als.evaluate(fromFile)];
console.log(JSON.stringify(scores.map((s) => ({ rmse: s.rmse, count: s.count }))));
`;
    await Deno.writeTextFile(`${dir}/main.ts`, script);
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--no-config", "--quiet", "main.ts"],
      cwd: dir,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(output.stderr);
    assert(output.success, `the outside script failed:\n${stderr}`);
    const scores = JSON.parse(new TextDecoder().decode(output.stdout).trim()) as {
      rmse: number;
      count: number;
    }[];
    assertEquals(scores.map((s) => s.count), [10_351, 10_351]);
    assert(scores.every((s) => s.rmse > 0.8 && s.rmse < 0.95), JSON.stringify(scores));
    // Nothing was written into the repository's cache folder for this outside load.
    const cached = [...Deno.readDirSync(dir)].map((e) => e.name);
    assert(cached.some((name) => name.endsWith(".ratings.bin")), `cache in ${dir}: ${cached}`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
