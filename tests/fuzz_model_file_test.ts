import { assert, assertEquals } from "./_assert.ts";
import { fuzzModelFile, loadAndPredict, mutate, seedFiles } from "./fuzz_model_file.ts";
import { readModelFile } from "../lib/models/_model_file.ts";

Deno.test("fuzz: mutated model files load cleanly or are refused naming the file (bounded run)", async () => {
  // A fixed number of inputs from a fixed seed (the same inputs every run, whatever the machine's
  // speed); the tiny seed models keep it to a few seconds. `./run fuzz` runs longer and bigger.
  const stats = await fuzzModelFile({
    seed: 0xf022,
    inputs: 1500,
    seconds: Infinity,
    dataset: null,
  });
  assertEquals(stats.inputs, 1500);
  // The checksum fix-up lets inputs through: some are accepted, most refused with a clean error.
  assert(stats.accepted > 0 && stats.refused > 0, JSON.stringify(stats));
});

Deno.test("fuzz: the seeds are every model kind and load unmutated; the mutator is seeded", async () => {
  const seeds = await seedFiles(null);
  const dir = await Deno.makeTempDir();
  try {
    const kinds: unknown[] = [];
    for (const [j, bytes] of seeds.entries()) {
      await Deno.writeFile(`${dir}/${j}.rsm`, bytes);
      kinds.push((await readModelFile(`${dir}/${j}.rsm`)).metadata.model);
      await loadAndPredict(`${dir}/${j}.rsm`);
    }
    assertEquals(kinds, [
      "global-mean",
      "bias-als",
      "als",
      "genre-als",
      "popularity",
      "bpr",
      "ials",
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  const stream = (seed: number) => {
    let s = seed;
    return () => ((s = (s * 16807) % 2147483647) / 2147483647);
  };
  const a = mutate(seeds[0]!, stream(5));
  const b = mutate(seeds[0]!, stream(5));
  assertEquals(Array.from(a), Array.from(b));
});
