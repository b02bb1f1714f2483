import { assert, assertEquals } from "../../tests/_assert.ts";
import { findItemsByTitle, itemCatalogueRows, itemGenres, itemLabel } from "./catalogue.ts";
import { fromTriplets } from "./coo.ts";
import { loadMovieLens } from "./load.ts";
import type { Movies } from "./types.ts";

const SMALL = new URL("../../../shared/data/ml-latest-small", import.meta.url).pathname;

function tinyMovies(): Movies {
  return {
    movieIds: Uint32Array.of(10, 20, 30, 40),
    titles: ["Hamlet", "Alien", "Hamlet", "Heat"],
    years: Uint16Array.of(1948, 1979, 1996, 0),
    genreNames: ["Drama", "Horror", "Sci-Fi"],
    genrePtr: Uint32Array.of(0, 1, 3, 4, 4),
    genreIdx: Uint8Array.of(0, 1, 2, 0),
    imdbIds: new Uint32Array(4),
    tmdbIds: new Uint32Array(4),
  };
}

// Dense items: 0 → movieId 10, 1 → 20, 2 → 30, 3 → 99 (not in the catalogue).
const itemIds = Uint32Array.of(10, 20, 30, 99);
// Item 2 (Hamlet 1996) has 3 ratings, item 0 (Hamlet 1948) 1.
const ratings = fromTriplets(3, 4, [0, 0, 1, 2, 2], [0, 2, 2, 2, 3], [4, 4, 4, 4, 4], [
  0,
  0,
  0,
  0,
  0,
]);

Deno.test("itemCatalogueRows and itemGenres follow the raw movieId", () => {
  const ds = { itemIds, movies: tinyMovies() };
  assertEquals([...itemCatalogueRows(ds)], [0, 1, 2, -1]);
  const g = itemGenres(ds);
  assertEquals([...g.ptr], [0, 1, 3, 4, 4]);
  assertEquals([...g.idx], [0, 1, 2, 0]);
  assertEquals(g.names, ["Drama", "Horror", "Sci-Fi"]);
});

Deno.test("itemLabel adds the year and falls back to the movieId", () => {
  const ds = { itemIds, movies: tinyMovies() };
  assertEquals(itemLabel(ds, 1), "Alien (1979)");
  assertEquals(itemLabel(ds, 3), "movieId 99");
});

Deno.test("findItemsByTitle: with or without year; a shared title picks the most rated", () => {
  const ds = { itemIds, movies: tinyMovies(), ratings };
  assertEquals(findItemsByTitle(ds, ["Hamlet", "Hamlet (1948)", "Alien", "Heat", "Nope"]), [
    { title: "Hamlet", item: 2 },
    { title: "Hamlet (1948)", item: 0 },
    { title: "Alien", item: 1 },
  ]);
});

Deno.test("ml-latest-small: famous titles and their genres", async () => {
  const ds = await loadMovieLens(SMALL, { cache: false });
  const found = findItemsByTitle(ds, ["Toy Story (1995)", "Matrix, The", "Shining, The"]);
  assertEquals(found.map((f) => ds.itemIds[f.item]), [1, 2571, 1258]);
  const g = itemGenres(ds);
  const toy = found[0]!.item;
  const names = [...g.idx.subarray(g.ptr[toy]!, g.ptr[toy + 1]!)].map((i) => g.names[i]);
  assertEquals(names.sort(), ["Adventure", "Animation", "Children", "Comedy", "Fantasy"]);
  assert(itemLabel(ds, found[1]!.item) === "Matrix, The (1999)", itemLabel(ds, found[1]!.item));
});
