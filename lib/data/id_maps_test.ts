/**
 * Review of issue 11's id maps: every public path that derives a matrix from a loaded one keeps
 * raw ids that still name the same (user, movie, rating) — compacting renumbers the dense ids and
 * must renumber the maps with them — and loadRatings' errors for the files a user is likely to
 * hand it by mistake (a folder, a ratings.csv without its header).
 */
import { assert, assertEquals, assertRejects } from "../../tests/_assert.ts";
import { alignRatings, checkIdMaps, compatibleIdMaps, inferRatingScale } from "./id_maps.ts";
import { implicitPositives, withoutPairs } from "./implicit.ts";
import { loadMovieLens } from "./load.ts";
import { loadRatings } from "./load_ratings.ts";
import {
  coldItemSplit,
  filterMatrix,
  leaveLastFractionSplit,
  leaveLastNSplit,
  randomSplit,
  temporalSplit,
  validationSplit,
} from "./split.ts";
import { compactMatrix, subsampleRatings } from "./subsample.ts";
import type { RatingMatrix } from "./types.ts";
import { warmPart } from "../spark/export.ts";
import { offlineSplit } from "../experiments/offline.ts";
import { sparseItemRatings } from "../models/cold_start.ts";

const SMALL = new URL("../../../shared/data/ml-latest-small", import.meta.url).pathname;
const dataset = await loadMovieLens(SMALL, { sideFiles: false, cache: false });
const all = dataset.ratings;

/** "userId movieId" → rating, by raw ids. */
function byRawIds(m: RatingMatrix): Map<string, number> {
  const out = new Map<string, number>();
  const { userIds, itemIds } = m.ids!;
  for (let u = 0; u < m.nUsers; u++) {
    for (let e = m.userPtr[u]!; e < m.userPtr[u + 1]!; e++) {
      out.set(`${userIds[u]} ${itemIds[m.userItems[e]!]}`, m.userRatings[e]!);
    }
  }
  return out;
}

const parent = byRawIds(all);

/** Every rating of `m`, read through its own maps, is the parent's rating of that raw pair. */
function assertSameRawRatings(name: string, m: RatingMatrix, positives = false) {
  assert(m.ids !== undefined, `${name}: the derived matrix lost its id maps`);
  assertEquals(m.ids.userIds.length, m.nUsers, `${name}: one userId per dense user`);
  assertEquals(m.ids.itemIds.length, m.nItems, `${name}: one movieId per dense item`);
  for (const [pair, r] of byRawIds(m)) {
    const want = parent.get(pair);
    assert(want !== undefined, `${name}: (userId, movieId) ${pair} is not a rating of the parent`);
    if (!positives) assertEquals(r, want, `${name}: rating of ${pair}`);
  }
}

Deno.test("every derived matrix keeps maps that name the same raw ratings", () => {
  const r = randomSplit(all, { testFraction: 0.2, seed: 3 });
  const v = validationSplit(r.train, { seed: 4 });
  const t = temporalSplit(all, { trainFraction: 0.7 });
  const n = leaveLastNSplit(all, { n: 3 });
  const f = leaveLastFractionSplit(all, { fraction: 0.2 });
  const c = coldItemSplit(all, { itemFraction: 0.1, seed: 5 });
  const o = offlineSplit(all, { lastN: 2 });
  const sub = subsampleRatings(all, 5000, { seed: 6 });
  const byUser = subsampleRatings(all, 5000, { seed: 6, by: "user" });
  const derived: [string, RatingMatrix][] = [
    ["randomSplit train", r.train],
    ["randomSplit test", r.test],
    ["validationSplit", v.validation],
    ["temporalSplit test", t.test],
    ["leaveLastNSplit test", n.test],
    ["leaveLastFractionSplit test", f.test],
    ["coldItemSplit test", c.test],
    ["offlineSplit test", o.test],
    ["withoutPairs", withoutPairs(all, r.test)],
    ["warmPart", warmPart(r.test, r.train)],
    ["sparseItemRatings", sparseItemRatings(r.test, r.train, 5)],
    ["subsampleRatings (compacted)", sub],
    ["subsampleRatings by user (compacted)", byUser],
    ["compactMatrix of a split", compactMatrix(r.test)],
    ["alignRatings of a compacted matrix", alignRatings(sub, dataset)],
  ];
  for (const [name, m] of derived) assertSameRawRatings(name, m);
  assertSameRawRatings("implicitPositives", implicitPositives(r.train), true);
  // Compacting renumbers: the maps must be the kept ids, not the parent's.
  assert(sub.nItems < all.nItems && sub.ids !== all.ids, "a 5,000-rating subsample drops movies");
  assert(!compatibleIdMaps(sub.ids!, dataset), "the renumbered maps differ from the dataset's");
  assert(
    (() => {
      try {
        checkIdMaps("test", dataset, sub);
        return false;
      } catch {
        return true;
      }
    })(),
    "a renumbered matrix is refused in the parent's id space",
  );
});

Deno.test("alignRatings twice is the same matrix, and a prefix map needs no new ids", () => {
  const sub = subsampleRatings(all, 3000, { seed: 9 });
  const once = alignRatings(sub, dataset);
  const twice = alignRatings(once, dataset);
  assertEquals([twice.nUsers, twice.nItems], [all.nUsers, all.nItems], "no ids appended");
  assertEquals(Array.from(twice.userItems), Array.from(once.userItems));
  assertEquals(Array.from(twice.userRatings), Array.from(once.userRatings));
  assert(compatibleIdMaps(twice.ids!, dataset));
  checkIdMaps("aligned", dataset, twice);
});

Deno.test("inferRatingScale: half stars 0.5–5, and whole stars 1–3 only", () => {
  const r = randomSplit(all, { testFraction: 0.5, seed: 1 });
  assertEquals(inferRatingScale(r.train), { min: 0.5, max: 5, step: 0.5 });
  const keep = new Uint8Array(all.nnz);
  for (let e = 0; e < all.nnz; e++) {
    const v = all.userRatings[e]!;
    keep[e] = Number.isInteger(v) && v >= 1 && v <= 3 ? 1 : 0;
  }
  const low = compactMatrix(filterMatrix(all, keep));
  assertSameRawRatings("filterMatrix + compactMatrix", low);
  assertEquals(inferRatingScale(low), { min: 1, max: 3, step: 1 });
});

Deno.test("loadRatings on a folder or a ratings.csv without its header says what to do", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const folder = await assertRejects(() => loadRatings(dir));
    assert(
      folder.message.includes(`${dir} is a folder`) && folder.message.includes("loadMovieLens"),
      folder.message,
    );
    await Deno.writeTextFile(`${dir}/train.csv`, "1,10,5,1\r\n2,20,3,2\r\n");
    const headerless = await assertRejects(() => loadRatings(`${dir}/train.csv`));
    assert(
      headerless.message.includes("train.csv line 1") &&
        headerless.message.includes("add the header line") &&
        headerless.message.includes('"1,10,5,1"'),
      headerless.message,
    );
    // The same file with its header loads; so does one with a byte-order mark.
    await Deno.writeTextFile(
      `${dir}/ok.csv`,
      "\uFEFFuserId,movieId,rating,timestamp\r\n1,10,5,1\r\n",
    );
    assertEquals((await loadRatings(`${dir}/ok.csv`)).nnz, 1);
    const missing = await assertRejects(() => loadRatings(`${dir}/nope.data`));
    assert(missing.message.includes(`${dir}/nope.data: cannot open`), missing.message);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
