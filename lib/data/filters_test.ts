import { assert, assertEquals, assertThrows } from "../../tests/_assert.ts";
import { FilterError, filterIndex, filterMask } from "./filters.ts";
import { itemGenres } from "./catalogue.ts";
import { loadMovieLens } from "./load.ts";

const ds = await loadMovieLens("../shared/data/ml-latest-small", { cache: false });
const index = filterIndex(ds);
const genres = itemGenres(ds);
const has = (i: number, g: string) =>
  Array.from(genres.idx.subarray(genres.ptr[i], genres.ptr[i + 1]), (j) => genres.names[j])
    .includes(g);

Deno.test("filterMask: genres any/all, minimum ratings, years, exclusions, on ml-latest-small", () => {
  const any = filterMask(index, { genres: ["Documentary", "Film-Noir"] });
  const all = filterMask(index, { genres: ["Comedy", "Romance"], genreMode: "all" });
  const popular = filterMask(index, { minRatings: 100 });
  const nineties = filterMask(index, { yearMin: 1990, yearMax: 1999 });
  let nAny = 0, nAll = 0, nPopular = 0, nNineties = 0;
  for (let i = 0; i < index.nItems; i++) {
    const count = ds.ratings.itemPtr[i + 1]! - ds.ratings.itemPtr[i]!;
    assertEquals(any[i] === 1, has(i, "Documentary") || has(i, "Film-Noir"));
    assertEquals(all[i] === 1, has(i, "Comedy") && has(i, "Romance"));
    assertEquals(popular[i] === 1, count >= 100);
    const y = index.years[i]!;
    assertEquals(nineties[i] === 1, y >= 1990 && y <= 1999);
    nAny += any[i]!;
    nAll += all[i]!;
    nPopular += popular[i]!;
    nNineties += nineties[i]!;
  }
  assert(nAny > 100 && nAll > 500 && nPopular > 100 && nNineties > 2000, `${nAny} ${nAll}`);
  const unseen = filterMask(index, {}, { exclude: [0, 5, 5, 99999] });
  assertEquals([unseen[0], unseen[1], unseen[5]], [0, 1, 0]);
});

Deno.test("filterMask names the bad field", () => {
  const cases: [object, string][] = [
    [{ genres: ["Sci-fi"] }, "genres"],
    [{ genreMode: "some" }, "genreMode"],
    [{ minRatings: -1 }, "minRatings"],
    [{ yearMin: 2000, yearMax: 1990 }, "yearMin"],
    [{ yearMax: 1.5 }, "yearMax"],
  ];
  for (const [filters, field] of cases) {
    const error = assertThrows(() => filterMask(index, filters), FilterError);
    assertEquals(error.field, field);
  }
});
