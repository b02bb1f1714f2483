import { jupyterDisplay } from "./display.ts";
import * as Plot from "../deps/plot.ts";
import { assert, assertEquals, assertThrows } from "../../tests/_assert.ts";
import { parseSvg, texts, wellFormed } from "./_svg_check.ts";
import { plotFigure } from "./render.ts";

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

Deno.test("the header wraps long titles, legends and captions and the height follows", async () => {
  const spec = { marks: [Plot.dot([{ a: 1, b: 2 }], { x: "a", y: "b" })], width: 300 };
  const plain = plotFigure(spec);
  const words = "word ".repeat(40);
  const legend = Array.from({ length: 12 }, (_, i) => ({
    label: `genre ${i}`,
    color: "red",
    kind: "square" as const,
  }));
  const full = plotFigure(spec, { title: words, subtitle: words, caption: words, legend });
  const root = await wellFormed(full);
  const ys = (selector: string) =>
    Array.from(root.querySelectorAll(selector), (t) => Number(t.getAttribute("y")));
  const titleLines = ys('text[font-weight="600"]');
  assert(titleLines.length > 1, `the title wraps (${titleLines.length} line)`);
  const legendRows = new Set(ys("text[dy]"));
  assert(legendRows.size > 1, `12 swatches wrap into rows in 300 px (${legendRows.size})`);
  assertEquals(texts(root).filter((t) => t.startsWith("genre")).length, 12);
  assert(full.height > plain.height + 100, `${full.height} vs ${plain.height} without a header`);
  assertEquals(full.width, plain.width);
});
