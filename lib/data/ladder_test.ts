import { assert, assertEquals, assertRejects } from "../../tests/_assert.ts";
import { ensureSynthetic, ratingLadder } from "./ladder.ts";
import { loadMovieLens } from "./load.ts";

const SMALL = new URL("../../../shared/data/ml-latest-small", import.meta.url).pathname;
const TINY = { users: 60, movies: 80, ratings: 3_000 };

Deno.test("ratingLadder cuts rungs of whole users from the dataset, then from a synthetic one", async () => {
  const ds = await loadMovieLens(SMALL, { cache: false, sideFiles: false });
  const dir = await Deno.makeTempDir({ prefix: "recsys-ladder-" });
  try {
    const rungs = await ratingLadder(ds, [1_000, 10_000, ds.ratings.nnz], { syntheticDir: null });
    assertEquals(rungs.map((r) => r.source), [
      "ml-latest-small",
      "ml-latest-small",
      "ml-latest-small",
    ]);
    assert(rungs[2]!.matrix === ds.ratings, "the full dataset as the last rung");
    for (const r of rungs.slice(0, 2)) {
      assert(
        r.matrix.nnz >= r.target && r.matrix.nnz < r.target + 3_000,
        `${r.matrix.nnz} ≈ ${r.target}`,
      );
    }
    assert(rungs[0]!.matrix.nUsers < rungs[1]!.matrix.nUsers, "more ratings, more users");
    // Beyond the dataset: skipped without a synthetic folder, cut from one otherwise.
    assertEquals((await ratingLadder(ds, [1_000, 200_000], { syntheticDir: null })).length, 1);
    const synthDir = `${dir}/synthetic-tiny`;
    const big = { users: 400, movies: 500, ratings: 150_000 };
    const more = await ratingLadder(ds, [120_000, 150_000, 200_000], {
      syntheticDir: synthDir,
      syntheticScale: big,
    });
    assertEquals(more.map((r) => [r.target, r.source]), [
      [120_000, "synthetic-tiny"],
      [150_000, "synthetic-tiny"],
    ]);
    assertEquals(more[1]!.matrix.nnz, 150_000);
    await assertRejects(() => ratingLadder(ds, [100, 10]), Error, "ascending");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ensureSynthetic generates once; concurrent callers share the folder", async () => {
  const dir = await Deno.makeTempDir({ prefix: "recsys-ladder-" });
  try {
    const target = `${dir}/synthetic-tiny`;
    await Promise.all([ensureSynthetic(target, TINY), ensureSynthetic(target, TINY)]);
    const first = await Deno.stat(`${target}/ratings.csv`);
    await ensureSynthetic(target, TINY);
    const again = await Deno.stat(`${target}/ratings.csv`);
    assertEquals(again.mtime?.getTime(), first.mtime?.getTime(), "not regenerated");
    const ds = await loadMovieLens(target, { cache: false, sideFiles: false });
    assertEquals(ds.ratings.nnz, 3_000);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
