import { assert, assertEquals } from "../../tests/_assert.ts";
import { fromTriplets } from "../data/coo.ts";
import { affinityClause, explain, explanationSentence, genreAffinities } from "./explain.ts";
import { foldIn, recommendPerson } from "./fold_in.ts";
import { GenreAls } from "./genre_als.ts";
import { Rng } from "../stats/rng.ts";

const GENRES = ["Action", "Drama", "Comedy"];

/** 60 movies of one genre each (every fifth also of the next genre); user group g loves genre g. */
async function genreModel(): Promise<GenreAls> {
  const rng = new Rng(7);
  const genresOf = (i: number) => (i % 5 === 0 ? [i % 3, (i + 1) % 3] : [i % 3]);
  const users: number[] = [], items: number[] = [], ratings: number[] = [];
  for (let u = 0; u < 150; u++) {
    for (let i = 0; i < 60; i++) {
      if (rng.next() < 0.6) continue;
      users.push(u);
      items.push(i);
      const loves = genresOf(i).includes(u % 3);
      ratings.push(loves ? 4 + rng.int(3) / 2 : 1 + rng.int(4) / 2);
    }
  }
  const m = fromTriplets(150, 60, users, items, ratings, users.map(() => 0));
  const ptr = new Uint32Array(61), index: number[] = [];
  for (let i = 0; i < 60; i++) {
    index.push(0, ...genresOf(i).map((g) => 1 + g).sort((a, b) => a - b));
    ptr[i + 1] = index.length;
  }
  const features = {
    spec: { groups: [], names: ["(intercept)", ...GENRES.map((g) => `genre:${g}`)] },
    nItems: 60,
    nFeatures: 4,
    ptr,
    index: Uint32Array.from(index),
    values: new Float32Array(index.length).fill(1),
  };
  return await GenreAls.fit(m, { features, k: 4, epochs: 10, seed: 1, progress: false });
}

Deno.test("genre ALS explanations: affinities and offset add up to the factor term, the parts to the prediction", async () => {
  const model = await genreModel();
  // An Action fan: Action movies (i % 3 = 0, not shared with Drama) 5★, Drama movies 1★.
  const rated = [3, 6, 9, 12, 1, 4], stars = [5, 5, 4.5, 5, 1, 1.5];
  const people = [
    foldIn(model, rated, stars),
    recommendPerson(model, rated, stars, { n: 5 }).person, // the kernel's row
  ];
  for (const person of people) {
    for (let i = 0; i < 60; i++) {
      const e = explain(model.state, person, i, { prior: model });
      const scale = 1 + Math.abs(e.prediction);
      const affinity = e.affinity!.reduce((s, a) => s + a.value, 0);
      assert(
        Math.abs(affinity + e.factorOffset! - e.factorTerm) < 1e-12 * scale * 100,
        `movie ${i}: ${affinity} + ${e.factorOffset} vs ${e.factorTerm}`,
      );
      const parts = e.mu + e.itemBias + e.contributions.reduce((s, c) => s + c.total, 0);
      assert(Math.abs(parts - e.prediction) < 1e-12 * scale, `movie ${i}: ${parts}`);
      const byFeature = e.mu + e.userBias + e.itemBias + affinity + e.factorOffset!;
      assert(Math.abs(byFeature - e.prediction) < 1e-12 * scale * 100, `movie ${i}: ${byFeature}`);
      const names = e.affinity!.map((a) => a.feature);
      assertEquals(names[0], "(intercept)");
      assertEquals(names.length, i % 5 === 0 ? 3 : 2);
    }
    const taste = genreAffinities(model, person.factors);
    assertEquals(taste.map((t) => t.genre).sort(), [...GENRES].sort());
    assertEquals(taste[0]!.genre, "Action");
    assert(taste.at(-1)!.genre !== "Action" && taste.at(-1)!.value < 0, JSON.stringify(taste));
  }
});

Deno.test("the sentence adds a dominant genre, and only when it dominates", async () => {
  const model = await genreModel();
  const person = foldIn(model, [3, 6, 9, 12, 1, 4], [5, 5, 4.5, 5, 1, 1.5]);
  const label = (i: number) => `movie ${i}`;
  // Movie 18: Action only, not rated.
  const action = explain(model.state, person, 18, { prior: model });
  assert(
    explanationSentence(action, label).includes("strong Action affinity"),
    explanationSentence(action, label),
  );
  // Movie 7: Drama only — the person dislikes Drama.
  const drama = explain(model.state, person, 7, { prior: model });
  const sentence = explanationSentence(drama, label);
  assert(!sentence.includes("affinity"), sentence);
  // Without the prior: no affinities, no clause.
  const plain = explain(model.state, person, 18);
  assertEquals(plain.affinity, undefined);
  assert(!explanationSentence(plain, label).includes("affinity"));
  assertEquals(affinityClause(plain), undefined);
});
