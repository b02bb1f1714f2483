import { assert, assertEquals, assertThrows } from "../../tests/_assert.ts";
import { markGroup, texts, wellFormed } from "./_svg_check.ts";
import { heatmap } from "./heatmap.ts";

Deno.test("heatmap: a cell per finite value, values written, colour ramp drawn", async () => {
  const fig = heatmap({
    values: [1, 0.5, NaN, 0.25, 1, 0.125],
    rows: ["Action", "Comedy"],
    cols: ["Action", "Comedy", "Drama"],
  }, { title: "P(B|A)", colorLabel: "probability", digits: 3 });
  const root = await wellFormed(fig);
  assertEquals(markGroup(root, "cell").querySelectorAll("rect").length, 5);
  const written = Array.from(
    markGroup(root, "text").querySelectorAll("text"),
    (t) => t.textContent,
  );
  assertEquals(written.sort(), ["0.125", "0.250", "0.500", "1.000", "1.000"]);
  assert(texts(root).includes("probability"), "ramp label");
  assertThrows(
    () => heatmap({ values: [1, 2, 3], rows: ["a"], cols: ["b", "c"] }),
    "3 values for 1 rows × 2 columns",
  );
});
