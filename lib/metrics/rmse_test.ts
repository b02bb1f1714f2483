import { assertAlmostEquals, assertEquals, assertThrows } from "../../tests/_assert.ts";
import { mae, rmse } from "./rmse.ts";

Deno.test("rmse and mae of a hand-computed example", () => {
  // actual 4, 3, 5, 1, 2 vs predicted 3.5, 3, 4, 2, 2: errors 0.5, 0, 1, -1, 0.
  const actual = [4, 3, 5, 1, 2];
  const predicted = Float32Array.of(3.5, 3, 4, 2, 2);
  assertAlmostEquals(rmse(actual, predicted), Math.sqrt((0.25 + 0 + 1 + 1 + 0) / 5), 1e-15);
  assertAlmostEquals(mae(actual, predicted), (0.5 + 0 + 1 + 1 + 0) / 5, 1e-15);
});

Deno.test("perfect predictions give zero; one error of 2 in four gives rmse 1, mae 0.5", () => {
  assertEquals(rmse([1, 2, 3], [1, 2, 3]), 0);
  assertEquals(mae([1, 2, 3], [1, 2, 3]), 0);
  assertEquals(rmse([1, 1, 1, 1], [1, 1, 1, 3]), 1);
  assertEquals(mae([1, 1, 1, 1], [1, 1, 1, 3]), 0.5);
});

Deno.test("rmse ≥ mae, and squares punish one large error more than many small ones", () => {
  const actual = [3, 3, 3, 3];
  const spread = [3.5, 2.5, 3.5, 2.5]; // four errors of 0.5
  const single = [3, 3, 3, 5]; // one error of 2
  assertEquals(mae(actual, spread), 0.5);
  assertEquals(mae(actual, single), 0.5);
  assertEquals(rmse(actual, spread), 0.5);
  assertEquals(rmse(actual, single), 1);
});

Deno.test("mismatched, empty or non-finite input is a clear error", () => {
  assertThrows(() => rmse([1, 2], [1]), RangeError, "one prediction per rating");
  assertThrows(() => mae([], []), RangeError, "at least one");
  assertThrows(() => rmse([1, NaN], [1, 2]), RangeError, "not finite");
});
