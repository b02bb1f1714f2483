import { assert, assertEquals } from "../../tests/_assert.ts";
import { buildItemFeatures, encodeMovies, featureRow, withMovie } from "./item_features.ts";
import { readMovies, readTags } from "./side_files.ts";
import type { Movies } from "./types.ts";

const SMALL = new URL("../../../shared/data/ml-latest-small", import.meta.url).pathname;

function assertThrows(fn: () => unknown, ...parts: string[]): void {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  assert(err instanceof Error, `expected an Error containing ${JSON.stringify(parts)}`);
  for (const p of parts) assert(err.message.includes(p), `error "${err.message}" lacks "${p}"`);
}

const tiny = {
  movieIds: Uint32Array.of(10, 20, 30),
  titles: ["A", "B", "C"],
  years: Uint16Array.of(1995, 0, 1921),
  genreNames: ["Comedy", "Horror", "(no genres listed)"],
  genrePtr: Uint32Array.of(0, 2, 3, 4),
  genreIdx: Uint8Array.of(0, 1, 2, 1),
} as unknown as Movies;

Deno.test("features: genres multi-hot, decade with missing year and early bucket", () => {
  const f = buildItemFeatures(Uint32Array.of(10, 20, 30), tiny, { groups: ["genres", "decade"] });
  assertEquals(f.spec.names, [
    "(intercept)",
    "genre:Comedy",
    "genre:Horror",
    "genre:(no genres listed)",
    "decade:1990s",
    "decade:<1930",
    "decade:unknown",
  ]);
  const names = (i: number) => Array.from(featureRow(f, i).index, (c) => f.spec.names[c]);
  assertEquals(names(0), ["(intercept)", "genre:Comedy", "genre:Horror", "decade:1990s"]);
  assertEquals(names(1), ["(intercept)", "genre:(no genres listed)", "decade:unknown"]);
  assertEquals(names(2), ["(intercept)", "genre:Horror", "decade:<1930"]);
  assert(f.values.every((v) => v === 1));
});

Deno.test("features: each group can be switched off", () => {
  const ids = Uint32Array.of(10, 20, 30);
  assertEquals(buildItemFeatures(ids, tiny, { groups: [] }).nFeatures, 1);
  assertEquals(buildItemFeatures(ids, tiny, { groups: ["decade"] }).nFeatures, 4);
  assertEquals(buildItemFeatures(ids, tiny, { groups: ["genres"] }).nFeatures, 4);
});

Deno.test("features: bad input is a clear error", () => {
  const ids = Uint32Array.of(10);
  assertThrows(
    () => buildItemFeatures(ids, tiny, { groups: ["genre"] }),
    'unknown feature group "genre"',
  );
  assertThrows(() => buildItemFeatures(ids, tiny, { groups: ["tags"] }), "needs the tag rows");
  assertThrows(
    () => buildItemFeatures(Uint32Array.of(99), tiny, { groups: ["genres"] }),
    "movieId 99 is not in movies.csv",
  );
  assertThrows(() => buildItemFeatures(ids, tiny, { topTags: -1 }), "topTags");
  const empty = { ...tiny, genrePtr: Uint32Array.of(0, 2, 2, 3), genreIdx: Uint8Array.of(0, 1, 1) };
  assertThrows(
    () => buildItemFeatures(Uint32Array.of(20), empty as Movies, { groups: ["genres"] }),
    "movieId 20 has an empty genre list",
  );
  const spec = { groups: ["genres" as const], names: ["genre:Comedy"] };
  assertThrows(() => encodeMovies(spec, tiny, [0]), '"(intercept)"');
});

Deno.test("withMovie: appends one movie; empty genres, an unknown genre or a known id are errors", () => {
  const catalogue = { ...tiny, imdbIds: Uint32Array.of(1, 2, 3), tmdbIds: Uint32Array.of(4, 5, 6) };
  const added = withMovie(catalogue, {
    movieId: 40,
    title: "D",
    year: 2024,
    genres: ["Horror", "Comedy"],
  });
  assertEquals([...added.movieIds], [10, 20, 30, 40]);
  assertEquals([...added.genrePtr], [0, 2, 3, 4, 6]);
  assertEquals([...added.genreIdx.subarray(4)], [0, 1]);
  assertEquals([added.years[3], added.imdbIds[3], added.tmdbIds[3]], [2024, 0, 0]);
  assertEquals(tiny.movieIds.length, 3, "the input catalogue is not changed");
  const row = featureRow(buildItemFeatures(Uint32Array.of(40), added, { groups: ["genres"] }), 0);
  assertEquals(row.index.length, 3, "intercept, Comedy and Horror");
  assertThrows(
    () => withMovie(tiny, { movieId: 41, title: "E", year: 2024, genres: [] }),
    "withMovie: a movie needs at least one genre",
    "(no genres listed)",
  );
  assertThrows(
    () => withMovie(tiny, { movieId: 41, title: "E", year: 2024, genres: ["Western"] }),
    'unknown genre "Western"',
    "Comedy, Horror",
  );
  assertThrows(
    () => withMovie(tiny, { movieId: 20, title: "E", year: 2024, genres: ["Horror"] }),
    "movieId 20 is already in the catalogue",
  );
});

Deno.test("features on ml-latest-small: top tags from the allowed movies only", async () => {
  const movies = await readMovies(SMALL);
  const tags = await readTags(SMALL);
  const all = buildItemFeatures(movies.movieIds, movies, { tags, topTags: 20 });
  assertEquals(all.nItems, movies.movieIds.length);
  assertEquals(all.spec.names.filter((n) => n.startsWith("tag:")).length, 20);
  assertEquals(all.spec.names.filter((n) => n.startsWith("genre:")).length, 20);
  assert(all.spec.names.includes("decade:unknown"));
  // Tags only from the first half of the movies: the others carry none.
  const half = movies.movieIds.subarray(0, movies.movieIds.length >> 1);
  const f = buildItemFeatures(movies.movieIds, movies, { tags, tagMovieIds: half, topTags: 20 });
  const firstTag = f.spec.names.findIndex((n) => n.startsWith("tag:"));
  let tagsInHalf = 0;
  for (let i = 0; i < f.nItems; i++) {
    const row = featureRow(f, i).index;
    const hasTag = row.some((c) => c >= firstTag);
    if (i >= half.length) {
      assert(!hasTag, `movie ${movies.movieIds[i]} has a tag from a held-out movie`);
    } else if (hasTag) tagsInHalf++;
  }
  assert(tagsInHalf > 100, `${tagsInHalf} movies with a top tag`);
});
