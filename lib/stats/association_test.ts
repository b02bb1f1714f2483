import { assert, assertClose, assertEquals, assertThrows } from "../../tests/_assert.ts";
import { binnedMeans, pearson, spearman } from "./association.ts";
import { logBins } from "./histogram.ts";
import { Rng } from "./rng.ts";

Deno.test("pearson matches the textbook formula and drops non-finite pairs", () => {
  const x = [1, 2, 3, 4, 5];
  const y = [2, 1, 4, 3, 5];
  // Σdxdy = 8, Σdx² = Σdy² = 10
  assertClose(pearson(x, y), 0.8, 1e-15, "r");
  assertClose(pearson([...x, NaN], [...y, 7]), 0.8, 1e-15, "NaN pair dropped");
  assertEquals(pearson([1, 2, 3], [6, 4, 2]), -1);
  assertThrows(() => pearson([1, 1, 1], [1, 2, 3]), "constant");
  assertThrows(() => pearson([1], [1]), "at least 2");
  assertThrows(() => pearson([1, 2], [1]), "x has 2 values but y has 1");
});

Deno.test("spearman uses average ranks for ties and ignores monotone transforms", () => {
  // ranks of x: 1, 2.5, 2.5, 4; ranks of y: 1, 3, 2, 4
  const rx = [1, 2.5, 2.5, 4];
  const ry = [1, 3, 2, 4];
  assertClose(spearman([1, 2, 2, 3], [1, 3, 2, 4]), pearson(rx, ry), 1e-15, "ties");
  const rng = new Rng(5);
  const a = Array.from({ length: 200 }, () => rng.next());
  const b = a.map((v) => v + 0.3 * rng.next());
  assertClose(spearman(a.map(Math.exp), b.map((v) => v ** 3)), spearman(a, b), 1e-12, "monotone");
  assertEquals(spearman([1, 2, 3, 4], [4, 3, 2, 1]), -1);
  const noise = Array.from({ length: 2000 }, () => rng.next());
  const other = Array.from({ length: 2000 }, () => rng.next());
  assert(Math.abs(spearman(noise, other)) < 0.1, "independent draws are nearly uncorrelated");
});

Deno.test("binnedMeans counts, averages and spreads y within bins of x", () => {
  const b = binnedMeans(
    [1, 5, 10, 50, 100, 1000, 0.5],
    [4, 2, 3, 5, 1, 9, 9],
    logBins(1, 100, {
      perDecade: 1,
    }),
  );
  assertEquals(Array.from(b.edges), [1, 10, 100]);
  // bin [1, 10): 4, 2; bin [10, 100]: 3, 5, 1; 1000 and 0.5 are outside
  assertEquals(Array.from(b.counts), [2, 3]);
  assertEquals(Array.from(b.means), [3, 3]);
  assertClose(b.sds[0]!, 1, 1e-15, "sd of 4, 2");
  assertClose(b.sds[1]!, Math.sqrt(8 / 3), 1e-15, "sd of 3, 5, 1");
  const empty = binnedMeans([1], [2], [0, 1, 2, 3]);
  assertEquals(Array.from(empty.counts), [0, 1, 0]);
  assertEquals(Number.isNaN(empty.means[0]), true);
  assertThrows(() => binnedMeans([1], [1], [2, 1]), "strictly ascending");
  assertThrows(() => binnedMeans([1], [1, 2], [0, 1]), "x has 1 values but y has 2");
});
