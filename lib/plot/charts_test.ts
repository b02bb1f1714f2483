import { jupyterDisplay } from "./display.ts";
import * as Plot from "@observablehq/plot";
import { assert, assertEquals, assertThrows } from "../stats/_assert.ts";
import { type ParsedSvg, parseSvg } from "./_svg_check.ts";
import {
  bars,
  heatmap,
  histogram,
  line,
  logLogScatter,
  lorenz,
  plotFigure,
  scatter,
  spy,
} from "./charts.ts";
import type { Figure } from "./figure.ts";

/** Parses the figure, checks its size attributes and that resvg (a strict XML parser) renders it. */
async function wellFormed(fig: Figure): Promise<ParsedSvg> {
  const root = parseSvg(fig.svg);
  assertEquals(Number(root.getAttribute("width")), fig.width);
  assertEquals(Number(root.getAttribute("height")), fig.height);
  const png = await fig.toPng({ scale: 1 });
  // PNG IHDR: width and height, big-endian, at bytes 16..23
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  assertEquals([view.getUint32(16), view.getUint32(20)], [fig.width, fig.height]);
  return root;
}

function markGroup(root: ParsedSvg, label: string): ParsedSvg {
  const g = root.querySelector(`g[aria-label="${label}"]`);
  if (g === null) throw new Error(`no <g aria-label="${label}">`);
  return g;
}

const texts = (root: ParsedSvg) =>
  Array.from(root.querySelectorAll("text"), (t) => t.textContent ?? "");

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

Deno.test("spy: one path segment per run of equal cells", async () => {
  // row 0: [5 5 0 3], row 1: [0 0 0 0], row 2: [1 0 1 1]
  const cells = [5, 5, 0, 3, 0, 0, 0, 0, 1, 0, 1, 1];
  const root = await wellFormed(spy({ rows: 3, cols: 4, cells }));
  const paths = Array.from(markGroup(root, "cells").querySelectorAll("path"));
  assertEquals(paths.length, 1); // a single colour
  assertEquals((paths[0]!.getAttribute("d") ?? "").split("M").length - 1, 4); // runs: 5 5 | 3 | 1 | 1 1
  assert(texts(root).some((s) => s.includes("6 of 12 cells rated (50.00 %)")));
  const byValue = await wellFormed(spy({ rows: 3, cols: 4, cells }, { byValue: true }));
  assertEquals(markGroup(byValue, "cells").querySelectorAll("path").length, 3); // 5, 3, 1
  assertThrows(() => spy({ rows: 2, cols: 2, cells: [1] }), "1 cells for 2 × 2");
});

Deno.test("plotFigure renders any Plot spec in the theme", async () => {
  const fig = plotFigure({
    marks: [Plot.dot([{ a: 1, b: 2 }], { x: "a", y: "b" })],
    x: { label: "a (units)" },
  }, { title: "Custom", legend: [{ label: "one", color: "red", kind: "square" }] });
  const root = await wellFormed(fig);
  assert(texts(root).includes("Custom") && texts(root).includes("one"));
  assertEquals(fig[jupyterDisplay]()["image/svg+xml"], fig.svg);
});

Deno.test("the SVG check itself rejects NaN attributes and foreign roots", () => {
  assertThrows(
    () => parseSvg('<svg xmlns="http://www.w3.org/2000/svg"><rect x="NaN"/></svg>'),
    'x="NaN"',
  );
  assertThrows(() => parseSvg("<div/>"), "expected an <svg> root element");
  assertThrows(() => parseSvg("<svg/>"), "lacks the SVG namespace");
});
