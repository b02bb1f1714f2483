import { assert, assertEquals } from "../../tests/_assert.ts";
import { itemCatalogueRows } from "./catalogue.ts";
import { loadMovieLens } from "./load.ts";
import { displayTitle, normalizeText, type SearchEntry, TitleIndex } from "./search.ts";

const ds = await loadMovieLens("../shared/data/ml-latest-small", { cache: false });

function entries(): SearchEntry[] {
  const rows = itemCatalogueRows(ds);
  return Array.from(rows, (r, i) => ({
    id: i,
    title: ds.movies.titles[r]!,
    year: ds.movies.years[r]!,
    popularity: ds.ratings.itemPtr[i + 1]! - ds.ratings.itemPtr[i]!,
  }));
}
const index = new TitleIndex(entries());
const top = (q: string, limit = 10) =>
  index.search(q, { limit }).map((h) => `${h.display} (${h.year})`);

Deno.test("search: 'matrix' finds The Matrix first, then its sequels by popularity", () => {
  const hits = top("matrix", 4);
  assertEquals(hits[0], "The Matrix (1999)");
  assertEquals(hits.slice(1, 3).sort(), [
    "The Matrix Reloaded (2003)",
    "The Matrix Revolutions (2003)",
  ]);
  assertEquals(index.search("matrix")[0]!.match, 3);
});

Deno.test("search is tolerant to case, accents, article order and partial words", () => {
  for (const q of ["MATRIX", "the matrix", "Matrix, The", "matrix the", "mat", "  the   MATR "]) {
    assertEquals(top(q, 1)[0], "The Matrix (1999)", q);
  }
  // ml-latest-small spells it "Amelie (Fabuleux destin d'Amélie Poulain, Le)".
  assert(top("amélie", 1)[0]!.startsWith("Amelie (Le Fabuleux"), top("amélie", 1)[0]);
  assertEquals(top("AMELIE POULAIN", 1), top("amélie", 1));
  // An alternative title in parentheses is searchable, accents folded either way.
  assertEquals(top("cite des enfants perdus", 1), top("city of lost children", 1));
});

Deno.test("search: a year narrows to that year; ranking is match level, then popularity", () => {
  const hits = index.search("matrix 2003");
  assert(hits.length >= 2 && hits.every((h) => h.year === 2003), JSON.stringify(hits));
  const star = index.search("star", { limit: 50 });
  for (let j = 1; j < star.length; j++) {
    const a = star[j - 1]!, b = star[j]!;
    assert(a.match > b.match || (a.match === b.match && a.popularity >= b.popularity), `${j}`);
  }
  assertEquals(index.search("star wars")[0]!.display.startsWith("Star Wars"), true);
  assertEquals(index.search(""), []);
  assertEquals(index.search("zzzzqqq"), []);
  assertEquals(index.search("!!!"), []);
});

Deno.test("search results are the same as a plain scan of every title (word-prefix rule)", () => {
  const all = entries();
  for (const q of ["lord ring", "toy", "the", "a", "godfather part", "2001", "ter 2"]) {
    const words = normalizeText(q).split(" ");
    const expected = all.filter((e) => {
      const own = normalizeText(`${e.title} ${displayTitle(e.title)}`).split(" ");
      return words.every((w) =>
        own.some((o) => o.startsWith(w)) || (/^\d{4}$/.test(w) && e.year === Number(w))
      );
    }).length;
    assertEquals(index.search(q, { limit: 100_000 }).length, expected, q);
  }
});

Deno.test("normalizeText and displayTitle", () => {
  assertEquals(normalizeText("Léon: The Professional"), "leon the professional");
  assertEquals(displayTitle("Haine, La"), "La Haine");
  assertEquals(displayTitle("Avventura, L'"), "L'Avventura");
  assertEquals(displayTitle("Good, the Bad and the Ugly, The"), "The Good, the Bad and the Ugly");
});
