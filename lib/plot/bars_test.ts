import { assertEquals, assertThrows } from "../../tests/_assert.ts";
import { markGroup, wellFormed } from "./_svg_check.ts";
import { bars } from "./bars.ts";

Deno.test("bars with intervals, sorting and horizontal layout", async () => {
  const fig = bars(["Drama", "Comedy", "Film-Noir"], [3.6, 3.4, 3.9], {
    lo: [3.55, 3.35, 3.8],
    hi: [3.65, 3.45, 4.0],
    mark: "dot",
    sort: "descending",
    horizontal: true,
    xLabel: "mean rating (stars)",
  });
  const root = await wellFormed(fig);
  assertEquals(markGroup(root, "dot").querySelectorAll("circle").length, 3);
  assertEquals(markGroup(root, "rule").querySelectorAll("line").length, 3);
  const ticks = Array.from(
    markGroup(root, "y-axis tick label").querySelectorAll("text"),
    (t) => t.textContent,
  );
  assertEquals(ticks, ["Film-Noir", "Drama", "Comedy"]);
  const plain = await wellFormed(bars(["a", "b"], [10, 20000], { yLabel: "ratings (count)" }));
  assertEquals(markGroup(plain, "bar").querySelectorAll("rect").length, 2);
  assertThrows(() => bars(["a"], [1, 2]), "labels and values have different lengths");
  assertThrows(() => bars(["a"], [NaN]), "no finite values");
});
