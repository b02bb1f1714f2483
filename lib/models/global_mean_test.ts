import { assertAlmostEquals, assertEquals, assertRejects } from "../../tests/_assert.ts";
import { fromTriplets } from "../data/coo.ts";
import { GlobalMean } from "./global_mean.ts";

Deno.test("global mean predicts the training mean for everyone, clamped to the scale", async () => {
  const train = fromTriplets(2, 3, [0, 0, 1], [0, 2, 1], [4, 2, 4.5], [0, 0, 0]);
  const model = await GlobalMean.fit(train);
  assertAlmostEquals(model.mu, 3.5, 1e-12);
  assertEquals(Array.from(model.predict([0, 1, 7], [1, 0, 9])), [3.5, 3.5, 3.5]);
  // RMSE on a hand example: ratings 5 and 2 against 3.5 → √((1.5² + 1.5²)/2) = 1.5.
  const test = fromTriplets(2, 3, [0, 1], [1, 2], [5, 2], [0, 0]);
  const e = await model.evaluate(test);
  assertAlmostEquals(e.rmse, 1.5, 1e-6);
  assertAlmostEquals(e.mae, 1.5, 1e-6);
  const narrow = await GlobalMean.fit(train, { ratingScale: [1, 3] });
  assertEquals(narrow.predict([0], [0])[0], 3);
});

Deno.test("global mean rejects an empty matrix and mismatched id arrays", async () => {
  await assertRejects(
    () => GlobalMean.fit(fromTriplets(1, 1, [], [], [], [])),
    Error,
    "no ratings",
  );
  const m = fromTriplets(2, 2, [0], [1], [3], [0]);
  await assertRejects(
    () => GlobalMean.fit(m, { userIds: Uint32Array.of(1) }),
    RangeError,
    "one per dense user",
  );
  await assertRejects(() => GlobalMean.fit(m, { ratingScale: [5, 1] }), RangeError, "min ≤ max");
});
