import { assert, assertAlmostEquals, assertEquals } from "../../tests/_assert.ts";
import { fromTriplets } from "../data/coo.ts";
import { coldStartMetrics } from "./cold_start.ts";

Deno.test("coldStartMetrics: AUC per user with ties, users without both kinds left out", () => {
  // User 0: liked movies 0 (5★) and 1 (4★), other movie 2 (2★); predictions 3, 2, 2 → pairs
  // (0,2) right, (1,2) tie: AUC 0.75. User 1 rated only liked movies: not counted.
  const test = fromTriplets(2, 3, [0, 0, 0, 1], [0, 1, 2, 0], [5, 4, 2, 4.5], [0, 0, 0, 0]);
  const m = coldStartMetrics(test, Float32Array.of(3, 2, 2, 4));
  assertEquals(m.aucUsers, 1);
  assertEquals(m.auc, 0.75);
  assertEquals(m.movies, 3);
  assertAlmostEquals(m.mae, (2 + 2 + 0 + 0.5) / 4, 1e-12);
});

Deno.test("coldStartMetrics: constant predictions have no correlation (NaN), bad input throws", () => {
  const test = fromTriplets(1, 3, [0, 0, 0], [0, 1, 2], [5, 3, 1], [0, 0, 0]);
  const m = coldStartMetrics(test, Float32Array.of(3, 3, 3));
  assert(Number.isNaN(m.moviePearson) && Number.isNaN(m.movieSpearman));
  assertEquals(m.auc, 0.5);
  let message = "";
  try {
    coldStartMetrics(test, Float32Array.of(3, 3));
  } catch (e) {
    message = (e as Error).message;
  }
  assert(message.includes("2 predictions for 3 ratings"), message);
  try {
    coldStartMetrics(test, Float32Array.of(3, NaN, 3));
  } catch (e) {
    message = (e as Error).message;
  }
  assert(message.includes("prediction 1 is NaN"), message);
});
