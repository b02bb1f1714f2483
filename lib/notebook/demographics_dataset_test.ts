import { assert, assertEquals, assertRejectsIncluding } from "../../tests/_assert.ts";
import { generateSyntheticClassic } from "../data/synthetic_classic.ts";
import { demographicsDataset } from "./demographics_dataset.ts";

const SMALL = new URL("../../../shared/data/ml-latest-small", import.meta.url).pathname;

/** Runs `fn` with the two variables set (or unset), restoring them after. */
async function withEnv(vars: Record<string, string | undefined>, fn: () => Promise<void>) {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, Deno.env.get(k)]));
  const apply = (v: Record<string, string | undefined>) => {
    for (const [k, value] of Object.entries(v)) {
      if (value === undefined) Deno.env.delete(k);
      else Deno.env.set(k, value);
    }
  };
  apply(vars);
  try {
    await fn();
  } finally {
    apply(saved);
  }
}

Deno.test("demographicsDataset: a folder without demographics is refused by name", async () => {
  await withEnv({ RECSYS_DEMOGRAPHICS_DATASET: SMALL }, async () => {
    await assertRejectsIncluding(
      () => demographicsDataset(),
      "holds no ML-100K (u.data) or ML-1M (ratings.dat) files",
    );
  });
});

Deno.test("demographicsDataset: RECSYS_DATASET is used when it has demographics", async () => {
  const root = await Deno.makeTempDir({ prefix: "demographics_dataset_" });
  try {
    const out = await generateSyntheticClassic(`${root}/ml-1m`, "ml-1m", {
      users: 40,
      movies: 80,
      ratings: 1_200,
    });
    await withEnv({ RECSYS_DEMOGRAPHICS_DATASET: undefined, RECSYS_DATASET: out.dir }, async () => {
      const choice = await demographicsDataset();
      assertEquals(choice.reason, "RECSYS_DATASET has demographics");
      assertEquals(choice.ds.users?.userIds.length, 40);
      assert(choice.planted?.occupationName === "technician/engineer", "planted effects read");
    });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
