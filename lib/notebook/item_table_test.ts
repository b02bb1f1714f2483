import { assertEquals, assertThrows } from "../../tests/_assert.ts";
import { emptyMovies } from "../data/side_files.ts";
import type { Movies } from "../data/types.ts";
import { itemRows, rankItems } from "./item_table.ts";

Deno.test("rankItems: highest or lowest first, ties by index, NaN and filtered items skipped", () => {
  const v = Float64Array.of(2, 7, NaN, 7, -1, Infinity, 0);
  assertEquals(rankItems(v, { n: 3 }), [1, 3, 0]);
  assertEquals(rankItems(v, { n: 3, order: "ascending" }), [4, 6, 0]);
  assertEquals(rankItems(v, { n: 10 }), [1, 3, 0, 6, 4]);
  assertEquals(rankItems(v, { n: 2, where: (i) => i !== 1 }), [3, 0]);
  assertEquals(rankItems(v, { n: 0 }), []);
  assertEquals(rankItems([]), []);
  assertEquals(rankItems(Array.from({ length: 15 }, (_, i) => i)).length, 10);
});

Deno.test("rankItems checks its options", () => {
  assertThrows(() => rankItems([1], { n: -1 }), RangeError, "n must");
  assertThrows(() => rankItems([1], { n: 1.5 }), RangeError, "n must");
  assertThrows(
    () => rankItems([1], { order: "up" as unknown as "ascending" }),
    RangeError,
    "order",
  );
});

function catalogue(): Movies {
  return {
    ...emptyMovies(),
    movieIds: Uint32Array.of(20, 10),
    titles: ["Heat", "Alien"],
    years: Uint16Array.of(1995, 1979),
  };
}

Deno.test("itemRows: labels from the catalogue, columns read at the item index", () => {
  const ds = { itemIds: Uint32Array.of(10, 20, 30), movies: catalogue() };
  const rows = itemRows(ds, [1, 2, 0], { ratings: Uint32Array.of(5, 6, 7), bias: [0.5, -1, 2] });
  assertEquals(rows, [
    { movie: "Heat (1995)", ratings: 6, bias: -1 },
    { movie: "movieId 30", ratings: 7, bias: 2 },
    { movie: "Alien (1979)", ratings: 5, bias: 0.5 },
  ]);
  assertEquals(itemRows(ds, []), []);
});

Deno.test("itemRows rejects unknown items and columns of the wrong length", () => {
  const ds = { itemIds: Uint32Array.of(10, 20), movies: emptyMovies() };
  assertThrows(() => itemRows(ds, [2]), RangeError, "items[0] = 2");
  assertThrows(() => itemRows(ds, [0], { short: [1] }), RangeError, 'column "short"');
});
