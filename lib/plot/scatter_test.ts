import { assert, assertEquals, assertThrows } from "../../tests/_assert.ts";
import { markGroup, texts, wellFormed } from "./_svg_check.ts";
import { logLogScatter, scatter } from "./scatter.ts";

Deno.test("scatter: categories, labelled points and seeded thinning", async () => {
  const n = 500;
  const x = Array.from({ length: n }, (_, i) => Math.cos(i));
  const y = Array.from({ length: n }, (_, i) => Math.sin(3 * i));
  const group = Array.from({ length: n }, (_, i) => (i % 2 === 0 ? "even" : "odd"));
  const labels = Array.from({ length: n }, (_, i) => (i === 7 ? "Toy Story" : ""));
  const fig = scatter(x, y, {
    group,
    labels,
    maxPoints: 100,
    seed: 1,
    xLabel: "factor 1",
    yLabel: "factor 2",
  });
  const root = await wellFormed(fig);
  const dotGroups = Array.from(root.querySelectorAll('g[aria-label="dot"]'));
  assertEquals(dotGroups[0]!.querySelectorAll("circle").length, 100);
  assertEquals(dotGroups[1]!.querySelectorAll("circle").length, 1); // the ring around the labelled point
  const t = texts(root);
  assert(t.includes("Toy Story") && t.includes("even") && t.includes("odd"));
  assert(t.some((s) => s.includes("random sample of 100 of 500")), "caption says it is a sample");
  assertEquals(
    scatter(x, y, { maxPoints: 100, seed: 1 }).svg,
    scatter(x, y, { maxPoints: 100, seed: 1 }).svg,
  );
  assertThrows(() => scatter([1], [1, 2]), "x and y have different lengths");
});

Deno.test("logLogScatter: points and fitted lines on log axes", async () => {
  const x = [1, 2, 3, 5, 10, 30, 100];
  const fig = logLogScatter({ x: [0, ...x], y: [1, ...x.map((v) => v ** -1.5)] }, {
    name: "items",
    lines: [{ name: "power law", x: [1, 100], y: [1, 100 ** -1.5] }],
    xLabel: "ratings per item (count)",
    yLabel: "P(X ≥ x)",
  });
  const root = await wellFormed(fig);
  assertEquals(markGroup(root, "dot").querySelectorAll("circle").length, 7); // x = 0 dropped
  assertEquals(markGroup(root, "line").querySelectorAll("path").length, 1);
  assert(texts(root).includes("power law"));
  assertThrows(() => logLogScatter({ x: [0], y: [1] }), "no positive finite points");
});
