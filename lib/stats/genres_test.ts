import type { Movies } from "../data/types.ts";
import { matrixFrom } from "./_fixtures.ts";
import { assertClose, assertEquals, assertThrows } from "../../tests/_assert.ts";
import { genreCooccurrence, genreMovieCounts, genreRatingStats, movieRowOfItem } from "./genres.ts";

// Three movies: 0 = Action|Comedy, 1 = Comedy, 2 = Action|Comedy|Drama; genre 3 ("Horror") unused.
function threeMovies(): Movies {
  return {
    movieIds: new Uint32Array([101, 102, 103]),
    titles: ["A", "B", "C"],
    years: new Uint16Array([2000, 2001, 2002]),
    genreNames: ["Action", "Comedy", "Drama", "Horror"],
    genrePtr: new Uint32Array([0, 2, 3, 6]),
    genreIdx: new Uint8Array([0, 1, 1, 0, 1, 2]),
    imdbIds: new Uint32Array(3),
    tmdbIds: new Uint32Array(3),
  };
}

Deno.test("genre co-occurrence and P(B|A) on a 3-movie example", () => {
  const c = genreCooccurrence(threeMovies());
  // rows/cols: Action, Comedy, Drama, Horror
  assertEquals(Array.from(c.counts), [
    2,
    2,
    1,
    0,
    2,
    3,
    1,
    0,
    1,
    1,
    1,
    0,
    0,
    0,
    0,
    0,
  ]);
  const p = (a: number, b: number) => c.conditional[a * 4 + b]!;
  assertEquals(p(0, 1), 1); // every Action movie is a Comedy
  assertClose(p(1, 0), 2 / 3, 1e-15, "P(Action | Comedy)");
  assertClose(p(1, 2), 1 / 3, 1e-15, "P(Drama | Comedy)");
  assertEquals(p(2, 0), 1);
  assertEquals(p(0, 0), 1);
  assertEquals(Number.isNaN(p(3, 0)), true); // no Horror movies: undefined
  const onlyFirst = genreCooccurrence(threeMovies(), { rows: [1] });
  assertEquals(onlyFirst.counts[1 * 4 + 1], 1);
  assertEquals(onlyFirst.counts[0], 0);
  assertThrows(
    () => genreCooccurrence(threeMovies(), { rows: [3] }),
    "rows[0] = 3 is not a catalogue row",
  );
});

Deno.test("genre movie counts", () => {
  assertEquals(Array.from(genreMovieCounts(threeMovies())), [2, 3, 1, 0]);
  const broken = { ...threeMovies(), genreIdx: new Uint8Array([0, 1, 1, 0, 1, 9]) };
  assertThrows(() => genreMovieCounts(broken), "genreIdx[5] = 9 but only 4 genres");
});

Deno.test("movieRowOfItem links dense items to catalogue rows", () => {
  assertEquals(Array.from(movieRowOfItem(new Uint32Array([103, 101, 999]), threeMovies())), [
    2,
    0,
    -1,
  ]);
});

Deno.test("mean rating per genre with 95 % intervals", () => {
  // items: 0 → movie 103 (Action|Comedy|Drama), 1 → movie 101 (Action|Comedy), 2 → unknown movie
  const m = matrixFrom(3, 3, [
    [0, 0, 4],
    [1, 0, 2],
    [0, 1, 5],
    [2, 1, 3],
    [1, 2, 1],
  ]);
  const rows = movieRowOfItem(new Uint32Array([103, 101, 555]), threeMovies());
  const s = genreRatingStats(m, threeMovies(), rows);
  assertEquals(Array.from(s.ratings), [4, 4, 2, 0]);
  assertEquals(Array.from(s.movies), [2, 2, 1, 0]);
  assertEquals(s.means[0], 3.5); // 4, 2, 5, 3
  assertEquals(s.means[2], 3); // 4, 2
  const sd = Math.sqrt(((4 - 3.5) ** 2 + (2 - 3.5) ** 2 + (5 - 3.5) ** 2 + (3 - 3.5) ** 2) / 4);
  assertClose(s.sds[0]!, sd, 1e-12, "sd");
  assertClose(s.lo[0]!, 3.5 - 1.96 * sd / 2, 1e-12, "lo");
  assertClose(s.hi[0]!, 3.5 + 1.96 * sd / 2, 1e-12, "hi");
  assertEquals(Number.isNaN(s.means[3]), true);
  assertThrows(
    () => genreRatingStats(m, threeMovies(), new Int32Array(2)),
    "rowOfItem has 2 entries",
  );
});
