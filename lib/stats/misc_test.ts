import { matrixFrom } from "./_fixtures.ts";
import { assert, assertClose, assertEquals, assertThrows } from "../../tests/_assert.ts";
import { degrees, itemDegrees, userDegrees } from "./degrees.ts";
import { itemPopularity, userActivity } from "./popularity.ts";
import { denseBlock } from "./sparsity.ts";
import { meanSd, quantileSorted, summary } from "./summary.ts";
import { tagStats } from "./tags.ts";
import { tagsFromStrings } from "../data/side_files.ts";

// 3 users × 4 items; item 3 has no ratings.
const m = matrixFrom(3, 4, [
  [0, 0, 4],
  [0, 1, 3],
  [0, 2, 5],
  [1, 0, 2],
  [2, 0, 1],
  [2, 2, 4.5],
]);

Deno.test("degrees from CSR and CSC pointers", () => {
  assertEquals(Array.from(userDegrees(m)), [3, 1, 2]);
  assertEquals(Array.from(itemDegrees(m)), [3, 1, 2, 0]);
  assertThrows(() => degrees(new Uint32Array([0, 3, 2])), "ptr[2] = 2 < 3");
  assertThrows(() => userDegrees({ ...m, nUsers: 5 }), "expected nUsers + 1");
});

Deno.test("popularity and mean rating per item and per user", () => {
  const p = itemPopularity(m);
  assertEquals(Array.from(p.counts), [3, 1, 2, 0]);
  assertEquals(Array.from(p.means).slice(0, 3), [7 / 3, 3, 4.75]);
  assertEquals(Number.isNaN(p.means[3]), true);
  assertEquals(Array.from(userActivity(m).means), [4, 2, 2.75]);
});

Deno.test("mean, sd, quantiles and summary", () => {
  const { mean, sd, n } = meanSd([2, 4, 4, 4, 5, 5, 7, 9]);
  assertEquals([mean, sd, n], [5, 2, 8]);
  assertThrows(() => meanSd([]), "no values");
  assertThrows(() => meanSd([1, NaN]), "value[1] is NaN");
  assertEquals(quantileSorted([10, 20, 30, 40, 50], 0.25), 20);
  assertEquals(quantileSorted([10, 20], 0.75), 17.5);
  const s = summary(new Float32Array([3, 1, 4, 1, 5]));
  assertEquals([s.min, s.q25, s.median, s.q75, s.max], [1, 1, 3, 4, 5]);
  assertClose(s.mean, 2.8, 1e-12, "mean");
});

Deno.test("tag counts with distinct movies and users", () => {
  const tags = tagsFromStrings({
    userIds: new Uint32Array([1, 1, 2, 3, 3, 3]),
    movieIds: new Uint32Array([10, 11, 10, 10, 12, 12]),
    tags: ["Pixar", "pixar ", "PIXAR", "twist  ending", "Twist ending", "dark"],
    times: new Uint32Array(6),
  });
  assertEquals(tagStats(tags), [
    { tag: "pixar", count: 3, movies: 2, users: 2 },
    { tag: "twist ending", count: 2, movies: 2, users: 1 },
    { tag: "dark", count: 1, movies: 1, users: 1 },
  ]);
  assertEquals(tagStats(tags, { limit: 1 }).length, 1);
  assertEquals(tagStats(tags, { normalize: false }).length, 6);
  assertThrows(() => tagStats({ ...tags, movieIds: new Uint32Array(2) }), "6 tags but 2 movieIds");
});

Deno.test("denseBlock: the top block ordered by degree holds the right ratings", () => {
  const b = denseBlock(m, { rows: 3, cols: 4, pick: "top" });
  assertEquals(Array.from(b.users), [0, 2, 1]);
  assertEquals(Array.from(b.items), [0, 2, 1, 3]);
  assertEquals(Array.from(b.cells), [
    4,
    5,
    3,
    0,
    1,
    4.5,
    0,
    0,
    2,
    0,
    0,
    0,
  ]);
  assertClose(b.density, 6 / 12, 1e-15, "density");
});

Deno.test("denseBlock: random sample is seeded, distinct and sorted by degree", () => {
  // 50 users × 40 items, user u rated items 0..u%40
  const triples: [number, number, number][] = [];
  for (let u = 0; u < 50; u++) {
    for (let i = 0; i <= u % 40; i++) triples.push([u, i, 1 + ((u + i) % 5)]);
  }
  const big = matrixFrom(50, 40, triples);
  const a = denseBlock(big, { rows: 10, cols: 8, seed: 3 });
  const b = denseBlock(big, { rows: 10, cols: 8, seed: 3 });
  const c = denseBlock(big, { rows: 10, cols: 8, seed: 4 });
  assertEquals(a, b);
  assert(a.users.join() !== c.users.join(), "another seed, another sample");
  assertEquals(new Set(a.users).size, 10);
  const deg = (u: number) => big.userPtr[u + 1]! - big.userPtr[u]!;
  for (let r = 1; r < 10; r++) assert(deg(a.users[r - 1]!) >= deg(a.users[r]!), "users by degree");
  for (let r = 0; r < 10; r++) {
    for (let k = 0; k < 8; k++) {
      const u = a.users[r]!;
      const i = a.items[k]!;
      const expected = i <= u % 40 ? 1 + ((u + i) % 5) : 0;
      assertEquals(a.cells[r * 8 + k], expected, `cell (${u}, ${i})`);
    }
  }
});
