import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../../tests/_assert.ts";
import { Rng } from "../stats/rng.ts";
import {
  axisGenreMeans,
  cosine,
  cosineMatrix,
  dominantGenres,
  factorRows,
  genreCentroids,
  pcaProjection,
  umapProjection,
} from "./embeddings.ts";

/** n points in k dimensions: two clusters around +c and −c (c = (1, 1, 0, …)), plus noise. */
function clusters(n: number, k: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  const f = new Float32Array(n * k);
  for (let i = 0; i < n; i++) {
    const sign = i < n / 2 ? 1 : -1;
    for (let c = 0; c < k; c++) f[i * k + c] = (c < 2 ? sign : 0) + 0.1 * rng.normal();
  }
  return f;
}

const dist = (a: number[], b: number[]) => Math.hypot(...a.map((x, c) => x - b[c]!));

Deno.test("factorRows picks rows and normalises to unit length", () => {
  const f = Float32Array.of(3, 4, 0, 0, 1, 1);
  assertEquals(factorRows(f, 2, { items: [2, 0] }), [[1, 1], [3, 4]]);
  const unit = factorRows(f, 2, { normalize: true });
  assertAlmostEquals(unit[0]![1]!, 0.8, 1e-7);
  assertEquals(unit[1], [0, 0]);
  assertThrows(() => factorRows(f, 4), Error, "multiple of k");
  assertThrows(() => factorRows(f, 2, { items: [3] }), Error, "items[0] = 3");
});

Deno.test("pcaProjection with all components is a rotation: pairwise distances are kept", () => {
  const k = 4, n = 30;
  const f = clusters(n, k, 1);
  const p = pcaProjection(f, k, { nComponents: k, normalize: false });
  const rows = factorRows(f, k);
  for (let a = 0; a < n; a += 7) {
    for (let b = a + 1; b < n; b += 5) {
      assertAlmostEquals(dist(p.points[a]!, p.points[b]!), dist(rows[a]!, rows[b]!), 1e-5);
    }
  }
  assertAlmostEquals(p.explained.reduce((s, x) => s + x, 0), 1, 1e-9);
  for (let c = 1; c < k; c++) assert(p.explained[c]! <= p.explained[c - 1]!, "sorted");
});

Deno.test("pcaProjection finds the cluster direction first and fixes the sign", () => {
  const k = 6, n = 40;
  const p = pcaProjection(clusters(n, k, 2), k, { normalize: false });
  assert(p.explained[0]! > 0.9, `first component explains ${p.explained[0]}`);
  for (let i = 0; i < n; i++) {
    assert(
      Math.sign(p.points[i]![0]!) === (i < n / 2 ? 1 : -1) * Math.sign(p.points[0]![0]!),
      "split",
    );
  }
  for (let c = 0; c < 2; c++) {
    let extreme = 0;
    for (const q of p.points) if (Math.abs(q[c]!) > Math.abs(extreme)) extreme = q[c]!;
    assert(extreme > 0, `component ${c}: largest-magnitude coordinate is positive`);
  }
});

Deno.test("umapProjection is seeded, and keeps two clusters apart", () => {
  const k = 8, n = 60;
  const f = clusters(n, k, 3);
  const opts = { seed: 9, nNeighbors: 8, nEpochs: 100 };
  const a = umapProjection(f, k, opts);
  const b = umapProjection(f, k, opts);
  const c = umapProjection(f, k, { ...opts, seed: 10 });
  assertEquals(a.points, b.points);
  assert(JSON.stringify(a.points) !== JSON.stringify(c.points), "another seed, another layout");
  const centre = (from: number, to: number) =>
    [0, 1].map((d) => a.points.slice(from, to).reduce((s, q) => s + q[d]!, 0) / (to - from));
  const ca = centre(0, n / 2), cb = centre(n / 2, n);
  const spread = a.points.slice(0, n / 2).reduce((s, q) => Math.max(s, dist(q, ca)), 0);
  assert(dist(ca, cb) > spread, `clusters ${dist(ca, cb)} apart, spread ${spread}`);
  assertThrows(() => umapProjection(f, k, { seed: 1, nNeighbors: 60 }), Error, "nNeighbors");
});

Deno.test("cosine and cosineMatrix", () => {
  assertAlmostEquals(cosine([1, 2, 3], [2, 4, 6]), 1, 1e-12);
  assertAlmostEquals(cosine([1, 0], [0, 3]), 0, 1e-12);
  assertEquals(cosine([0, 0], [1, 1]), 0);
  assertThrows(() => cosine([1], [1, 2]), Error, "lengths");
  const s = cosineMatrix([[1, 0], [1, 1], [-2, 0]]);
  for (let a = 0; a < 3; a++) {
    assertAlmostEquals(s[a]![a]!, 1, 1e-12);
    for (let b = 0; b < 3; b++) assertEquals(s[a]![b], s[b]![a]);
  }
  assertAlmostEquals(s[0]![1]!, Math.SQRT1_2, 1e-12);
  assertEquals(s[0]![2], -1);
});

const genres = {
  names: ["Children", "Horror", "Drama"],
  // items: 0 Children, 1 Children+Drama, 2 Horror, 3 Horror+Drama, 4 none
  ptr: Uint32Array.of(0, 1, 3, 4, 6, 6),
  idx: Uint8Array.of(0, 0, 2, 1, 1, 2),
};

Deno.test("genreCentroids average unit vectors per genre", () => {
  const f = Float32Array.of(2, 0, 0, 5, -1, 0, 0, -3, 7, 7);
  const c = genreCentroids(f, 2, genres);
  assertEquals(c.names, ["Children", "Horror", "Drama"]);
  assertEquals(c.counts, [2, 2, 2]);
  assertEquals([...c.centroids[0]!], [0.5, 0.5]);
  assertEquals([...c.centroids[1]!], [-0.5, -0.5]);
  assertEquals([...c.centroids[2]!], [0, 0]);
  const raw = genreCentroids(f, 2, genres, { normalize: false, items: [0, 2] });
  assertEquals(raw.names, ["Children", "Horror"]);
  assertEquals([...raw.centroids[0]!], [2, 0]);
  assertThrows(() => genreCentroids(f.subarray(0, 8), 2, genres), Error, "cover 5 items");
});

Deno.test("axisGenreMeans sorts genres along an axis", () => {
  const projection = { points: [[-2, 1], [-1, 0], [3, 0], [1, 5], [9, 9]], explained: [] };
  const m = axisGenreMeans(projection, [0, 1, 2, 3, 4], genres, 0, { minItems: 1 });
  assertEquals(m, [
    { genre: "Children", mean: -1.5, count: 2 },
    { genre: "Drama", mean: 0, count: 2 },
    { genre: "Horror", mean: 2, count: 2 },
  ]);
  assertEquals(axisGenreMeans(projection, [0, 1, 2, 3, 4], genres, 0, { minItems: 3 }), []);
  assertThrows(() => axisGenreMeans(projection, [0], genres, 0), Error, "5 points but 1 items");
});

Deno.test("dominantGenres follows the priority list", () => {
  assertEquals(dominantGenres(genres, [0, 1, 2, 3, 4], ["Horror", "Children"]), [
    "Children",
    "Children",
    "Horror",
    "Horror",
    "Other",
  ]);
  assertEquals(dominantGenres(genres, [1, 3], ["Drama", "Horror"]), ["Drama", "Drama"]);
});
