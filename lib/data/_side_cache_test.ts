import { assert, assertEquals } from "../../tests/_assert.ts";
import type { CacheSource } from "./_cache.ts";
import { decodeBundle, resealBundle } from "./bundle.ts";
import { readMoviesCache, readTagsCache, writeMoviesCache, writeTagsCache } from "./_side_cache.ts";
import { loadMovieLens } from "./load.ts";
import { emptyMovies, emptyTags, readMovies, readTags, tagsFromStrings } from "./side_files.ts";
import type { Movies, Tags } from "./types.ts";

const SMALL = new URL("../../../shared/data/ml-latest-small", import.meta.url).pathname;

/** Plain arrays, so that a view into a cache buffer compares equal to a standalone array. */
function plainMovies(m: Movies) {
  return {
    movieIds: Array.from(m.movieIds),
    titles: m.titles,
    years: Array.from(m.years),
    genreNames: m.genreNames,
    genrePtr: Array.from(m.genrePtr),
    genreIdx: Array.from(m.genreIdx),
    imdbIds: Array.from(m.imdbIds),
    tmdbIds: Array.from(m.tmdbIds),
  };
}

function plainTags(t: Tags) {
  return {
    userIds: Array.from(t.userIds),
    movieIds: Array.from(t.movieIds),
    tags: t.tags,
    tagVocab: t.tagVocab,
    tagIndex: Array.from(t.tagIndex),
    times: Array.from(t.times),
  };
}

async function sourceOf(path: string): Promise<CacheSource> {
  const stat = await Deno.stat(path);
  return { path, size: stat.size, mtimeMs: stat.mtime?.getTime() ?? 0 };
}

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "side_cache_test_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("side cache: ml-latest-small movies and tags round-trip exactly", async () => {
  await withDir(async (dir) => {
    const movies = await readMovies(SMALL);
    const movieSources = [
      await sourceOf(`${SMALL}/movies.csv`),
      await sourceOf(`${SMALL}/links.csv`),
    ];
    await writeMoviesCache(`${dir}/m.bin`, movieSources, movies);
    const m = await readMoviesCache(`${dir}/m.bin`, movieSources);
    assert(m !== undefined, "movies cache hit");
    assertEquals(plainMovies(m), plainMovies(movies));
    assert(m.years instanceof Uint16Array && m.genreIdx instanceof Uint8Array, "array types kept");

    const tags = await readTags(SMALL);
    const tagSources = [await sourceOf(`${SMALL}/tags.csv`)];
    await writeTagsCache(`${dir}/t.bin`, tagSources, tags);
    const t = await readTagsCache(`${dir}/t.bin`, tagSources);
    assert(t !== undefined, "tags cache hit");
    assertEquals(plainTags(t), plainTags(tags));
    assertEquals([...Deno.readDirSync(dir)].map((e) => e.name).sort(), ["m.bin", "t.bin"]);
  });
});

Deno.test("side cache: hand-made tags with quotes, commas, line breaks and U+0000", async () => {
  await withDir(async (dir) => {
    await Deno.writeTextFile(
      `${dir}/tags.csv`,
      "userId,movieId,tag,timestamp\r\n" +
        '1,10,"funny, really",100\r\n' +
        '2,10,"the ""best"" one",200\r\n' +
        '3,11,"two\r\nlines\nthree",300\r\n' +
        '4,11,"",400\r\n' +
        "5,12,日本語,500\r\n" +
        '6,12,"funny, really",600\r\n',
    );
    const sources = [await sourceOf(`${dir}/tags.csv`)];
    const tags = await readTags(dir);
    assertEquals(tags.tags, [
      "funny, really",
      'the "best" one',
      "two\r\nlines\nthree",
      "",
      "日本語",
      "funny, really",
    ]);
    await writeTagsCache(`${dir}/t.bin`, sources, tags);
    assertEquals(plainTags((await readTagsCache(`${dir}/t.bin`, sources))!), plainTags(tags));

    // A vocabulary entry holding U+0000 cannot be split on it: stored with offsets instead.
    const odd = tagsFromStrings({
      userIds: new Uint32Array([1, 2, 3]),
      movieIds: new Uint32Array([4, 5, 6]),
      tags: ["a\0b", "", "a\0b"],
      times: new Uint32Array([7, 8, 9]),
    });
    await writeTagsCache(`${dir}/odd.bin`, sources, odd);
    assertEquals(plainTags((await readTagsCache(`${dir}/odd.bin`, sources))!), plainTags(odd));

    const movies = { ...emptyMovies(), titles: [] as string[] };
    const oddMovies: Movies = {
      ...movies,
      movieIds: new Uint32Array([3, 1]),
      titles: ["x\0y", ""],
      years: new Uint16Array([2000, 0]),
      genrePtr: new Uint32Array([0, 2, 2]),
      genreIdx: new Uint8Array([7, 4]),
      imdbIds: new Uint32Array([5, 0]),
      tmdbIds: new Uint32Array([0, 6]),
    };
    const movieSources = [sources[0]!, null];
    await writeMoviesCache(`${dir}/m.bin`, movieSources, oddMovies);
    const m = await readMoviesCache(`${dir}/m.bin`, movieSources);
    assertEquals(plainMovies(m!), plainMovies(oddMovies));
  });
});

Deno.test("side cache: empty catalogue and tags round-trip", async () => {
  await withDir(async (dir) => {
    const sources = [{ path: "/x/movies.csv", size: 0, mtimeMs: 1 }, null];
    await writeMoviesCache(`${dir}/m.bin`, sources, emptyMovies());
    assertEquals(
      plainMovies((await readMoviesCache(`${dir}/m.bin`, sources))!),
      plainMovies(emptyMovies()),
    );
    await writeTagsCache(`${dir}/t.bin`, [sources[0]!], emptyTags());
    assertEquals(
      plainTags((await readTagsCache(`${dir}/t.bin`, [sources[0]!]))!),
      plainTags(emptyTags()),
    );
  });
});

Deno.test("side cache: a stale, foreign, truncated or damaged cache is a miss", async () => {
  await withDir(async (dir) => {
    const tags = tagsFromStrings({
      userIds: new Uint32Array([1, 2]),
      movieIds: new Uint32Array([3, 4]),
      tags: ["dark", "funny"],
      times: new Uint32Array([5, 6]),
    });
    const source: CacheSource = { path: `${dir}/tags.csv`, size: 100, mtimeMs: 1234 };
    const path = `${dir}/t.bin`;
    await writeTagsCache(path, [source], tags);
    assert(await readTagsCache(path, [source]) !== undefined, "fresh cache hits");
    assertEquals(await readTagsCache(`${dir}/none.bin`, [source]), undefined, "missing");
    for (
      const other of [
        [{ ...source, size: 101 }],
        [{ ...source, mtimeMs: 1235 }],
        [{ ...source, path: `${dir}/other.csv` }],
        [source, null],
        [null],
      ]
    ) {
      assertEquals(await readTagsCache(path, other), undefined, JSON.stringify(other));
    }
    assertEquals(await readMoviesCache(path, [source]), undefined, "a tags cache is no catalogue");

    const good = await Deno.readFile(path);
    const damaged: [string, Uint8Array][] = [
      ["truncated", good.subarray(0, good.length - 3)],
      ["header only", good.subarray(0, 40)],
      ["trailing byte", new Uint8Array([...good, 0])],
      ["bad magic", new Uint8Array([0x58, ...good.subarray(1)])],
      ["empty", new Uint8Array(0)],
    ];
    const json = new Uint8Array(good);
    json[32] = 0x20; // the header's "{" becomes a space (its checksum no longer matches)
    damaged.push(["bad header", json]);
    const sealed = new Uint8Array(good);
    sealed[32] = 0x20; // the same, resealed: the header is no longer a JSON object
    resealBundle(sealed);
    damaged.push(["bad header, resealed", sealed]);
    // The last u32 of tagIndex points past the vocabulary (a consistent bundle otherwise).
    const index = new Uint8Array(good);
    const entry = decodeBundle(good, path).entries.find((e) => e.name === "tagIndex")!;
    new DataView(index.buffer).setUint32(entry.offset + 4, 99, true);
    resealBundle(index);
    assertEquals(decodeBundle(index, path).arrays.tagIndex?.[1], 99, "the edit is in tagIndex");
    damaged.push(["tag index out of range", index]);
    const old = new Uint8Array(good);
    old.set(new TextEncoder().encode("RSSIDE01"), 0);
    damaged.push(["side cache format 1", old]);
    const notes: string[] = [];
    for (const [what, bytes] of damaged) {
      await Deno.writeFile(path, bytes);
      const note = (text: string) => notes.push(`${what}: ${text}`);
      assertEquals(await readTagsCache(path, [source], { note }), undefined, what);
    }
    // Only the older format gets a note (that it is being rebuilt); damage is silently a miss.
    assertEquals(notes, [
      `side cache format 1: note: ${path} is a side cache format 1, written by an older ` +
      "version; rebuilding it",
    ]);
  });
});

Deno.test("loadMovieLens: side caches are written, hit, invalidated and rebuilt", async () => {
  await withDir(async (root) => {
    const data = `${root}/mini`;
    const cacheDir = `${root}/cache`;
    await Deno.mkdir(data);
    await Deno.writeTextFile(
      `${data}/ratings.csv`,
      "userId,movieId,rating,timestamp\n1,10,4.0,100\n2,11,3.5,200\n",
    );
    await Deno.writeTextFile(
      `${data}/movies.csv`,
      'movieId,title,genres\n10,"Ten, The (1999)",Drama\n11,Eleven (2001),Comedy|Drama\n',
    );
    await Deno.writeTextFile(`${data}/links.csv`, "movieId,imdbId,tmdbId\n10,1,2\n11,3,\n");
    await Deno.writeTextFile(
      `${data}/tags.csv`,
      'userId,movieId,tag,timestamp\n1,10,"dark, slow",300\n2,11,funny,400\n',
    );
    const first = await loadMovieLens(data, { cacheDir });
    const kinds = () => [...Deno.readDirSync(cacheDir)].map((e) => e.name.replace(/^[^.]*\./, ""));
    const names = [...Deno.readDirSync(cacheDir)].map((e) => e.name);
    assertEquals(kinds().sort(), ["movies.bin", "ratings.bin", "tags.bin"]);
    const moviesCache = `${cacheDir}/${names.find((n) => n.endsWith(".movies.bin"))}`;
    const tagsCache = `${cacheDir}/${names.find((n) => n.endsWith(".tags.bin"))}`;
    assertEquals(first.movies.titles, ["Ten, The", "Eleven"]);
    assertEquals(first.tags.tags, ["dark, slow", "funny"]);

    const second = await loadMovieLens(data, { cacheDir });
    assertEquals(plainMovies(second.movies), plainMovies(first.movies));
    assertEquals(plainTags(second.tags), plainTags(first.tags));

    // A hit: a cache written for the same sources is what the loader returns.
    const dir = await Deno.realPath(data);
    const planted = tagsFromStrings({
      userIds: new Uint32Array([9]),
      movieIds: new Uint32Array([10]),
      tags: ["planted"],
      times: new Uint32Array([1]),
    });
    await writeTagsCache(tagsCache, [await sourceOf(`${dir}/tags.csv`)], planted);
    assertEquals((await loadMovieLens(data, { cacheDir })).tags.tags, ["planted"]);

    // A changed tags.csv is parsed again and the cache rewritten.
    await Deno.writeTextFile(
      `${data}/tags.csv`,
      "userId,movieId,tag,timestamp\n1,10,sad,300\n2,11,funny,400\n2,10,sad,500\n",
    );
    const changed = await loadMovieLens(data, { cacheDir });
    assertEquals(changed.tags.tags, ["sad", "funny", "sad"]);
    assertEquals(changed.tags.tagVocab, ["sad", "funny"]);
    const tagSource = [await sourceOf(`${dir}/tags.csv`)];
    assertEquals((await readTagsCache(tagsCache, tagSource))?.tags, ["sad", "funny", "sad"]);

    // A removed links.csv invalidates the catalogue cache.
    await Deno.remove(`${data}/links.csv`);
    const noLinks = await loadMovieLens(data, { cacheDir });
    assertEquals(Array.from(noLinks.movies.imdbIds), [0, 0]);

    // A damaged cache is ignored and rebuilt.
    const bytes = await Deno.readFile(moviesCache);
    await Deno.writeFile(moviesCache, bytes.subarray(0, bytes.length - 8));
    const repaired = await loadMovieLens(data, { cacheDir });
    assertEquals(plainMovies(repaired.movies), plainMovies(noLinks.movies));
    const movieSources = [await sourceOf(`${dir}/movies.csv`), null];
    assert(await readMoviesCache(moviesCache, movieSources) !== undefined, "rewritten");
    assertEquals(kinds().sort(), ["movies.bin", "ratings.bin", "tags.bin"], "no temp files left");

    // Without the cache, or without side files, nothing new is written.
    const other = `${root}/cache2`;
    await loadMovieLens(data, { cacheDir: other, cache: false });
    await loadMovieLens(data, { cacheDir: other, sideFiles: false });
    assertEquals(
      [...Deno.readDirSync(other)].map((e) => e.name.replace(/^[^.]*\./, "")),
      ["ratings.bin"],
    );
  });
});
