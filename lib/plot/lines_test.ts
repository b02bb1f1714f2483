import { assert, assertEquals, assertThrows } from "../../tests/_assert.ts";
import { markGroup, texts, wellFormed } from "./_svg_check.ts";
import { line, lorenz } from "./lines.ts";

Deno.test("line: one path per series, legend entries, gaps instead of NaN", async () => {
  const fig = line([
    { name: "train", x: [1, 2, 3, 4], y: [1.2, 1.0, NaN, 0.9] },
    { name: "test", x: [1, 2, 3, 4], y: [1.3, 1.1, 1.05, 1.04] },
  ], { title: "RMSE per epoch", xLabel: "epoch", yLabel: "RMSE (stars)" });
  const root = await wellFormed(fig);
  assertEquals(markGroup(root, "line").querySelectorAll("path").length, 2);
  assertEquals(markGroup(root, "dot").querySelectorAll("circle").length, 7);
  const t = texts(root);
  assert(t.includes("train") && t.includes("test"), "legend");
  const months = [0, 1, 2].map((m) => new Date(Date.UTC(1996, m, 1)));
  await wellFormed(line([{ name: "ratings", x: months, y: [5, 7, 6] }], { logY: true }));
  assertThrows(() => line([{ name: "a", x: [1], y: [NaN] }]), "no finite points");
  assertThrows(() => line([{ name: "a", x: [1, 2], y: [1] }]), `x and y of series "a"`);
});

Deno.test("lorenz: curves, equality line and Gini in the legend", async () => {
  const fig = lorenz([
    { name: "items", x: [0, 0.5, 1], y: [0, 0.1, 1], gini: 0.4 },
    { name: "users", x: [0, 0.5, 1], y: [0, 0.3, 1] },
  ]);
  const root = await wellFormed(fig);
  assertEquals(Array.from(root.querySelectorAll('g[aria-label="line"]')).length, 2);
  const t = texts(root);
  assert(t.includes("items (Gini 0.40)") && t.includes("users") && t.includes("equality"));
});
