import { assert, assertEquals, assertThrows } from "../../tests/_assert.ts";
import { markGroup, texts, wellFormed } from "./_svg_check.ts";
import { histogram } from "./histogram.ts";

Deno.test("histogram: one bar per non-empty bin, labels and title present", async () => {
  const values = new Float32Array([0.5, 1, 1, 3, 3.5, 4, 4, 4, 5, NaN]);
  const edges = Array.from({ length: 11 }, (_, i) => 0.25 + 0.5 * i);
  const fig = histogram(values, {
    bins: edges,
    title: "Ratings <&> stars",
    xLabel: "rating (stars)",
    yLabel: "ratings (count)",
    caption: "a caption",
  });
  const root = await wellFormed(fig);
  assertEquals(markGroup(root, "rect").querySelectorAll("rect").length, 10);
  const t = texts(root);
  assert(t.includes("Ratings <&> stars"), "title round-trips through escaping");
  assert(t.includes("a caption"));
  assert(t.some((s) => s.includes("rating (stars)")), "x label");
  assertEquals(fig.title, "Ratings <&> stars");
});

Deno.test("histogram on log axes drops empty bins and non-positive values", async () => {
  const values = new Uint32Array([0, 1, 1, 2, 3, 50, 60, 1000]);
  const fig = histogram(values, { logX: true, logY: true, perDecade: 2, xLabel: "degree (count)" });
  const root = await wellFormed(fig);
  // bins: [1,3.16) 4, [3.16,10) 0 → dropped... 3 goes in the first; [31.6,100) 2; [316,1000] 1
  assertEquals(markGroup(root, "rect").querySelectorAll("rect").length, 3);
  assertThrows(() => histogram([NaN, -1], { logX: true }), "no finite positive values");
});
