/**
 * The sparsity of a rating matrix ({@linkcode spy}): one small square per rated cell of a dense
 * block, in one colour or coloured by the rating, drawn as one SVG path per colour.
 *
 * @example
 * ```ts
 * import { spy } from "./spy.ts";
 * const fig = spy({ rows: 1, cols: 4, cells: [4, 0, 0, 0] });
 * if (!fig.svg.includes("1 of 4 cells rated (25.00 %)")) throw new Error("density in the subtitle");
 * ```
 *
 * @module
 */

import * as Plot from "../deps/plot.ts";
import type { DomDocument } from "./_svg.ts";
import { headerOf, size } from "./_layout.ts";
import type { Figure } from "./figure.ts";
import { type ChartOptions, plotFigure } from "./render.ts";
import { theme } from "./theme.ts";

/** A dense block of the rating matrix (see `denseBlock` in the stats library). */
export interface SpyBlock {
  /** Number of rows. */
  readonly rows: number;
  /** Number of columns. */
  readonly cols: number;
  /** Row-major cells; 0 = empty, anything else = present (a rating). */
  readonly cells: ArrayLike<number>;
}

/** Options of {@linkcode spy}. */
export interface SpyOptions extends ChartOptions {
  /** Colour each cell by its value (e.g. rating, 0.5–5 stars) instead of one colour (default false). */
  readonly byValue?: boolean;
  /** Label of the colour legend when `byValue` (default "rating (stars)"). */
  readonly colorLabel?: string;
}

/** Throws unless the block is rows × cols with positive integer sides and that many cells. */
function checkBlock({ rows, cols, cells }: SpyBlock): void {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 1 || cols < 1) {
    throw new Error(`spy: rows and cols must be positive integers, got ${rows} × ${cols}`);
  }
  if (cells.length !== rows * cols) {
    throw new Error(`spy: ${cells.length} cells for ${rows} × ${cols}`);
  }
}

/** How many cells are present (non-zero, finite) and the range of their values. */
function presentRange(cells: ArrayLike<number>): { filled: number; lo: number; hi: number } {
  let lo = Infinity;
  let hi = -Infinity;
  let filled = 0;
  for (let k = 0; k < cells.length; k++) {
    const v = cells[k]!;
    if (v !== 0 && Number.isFinite(v)) {
      filled++;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  return { filled, lo, hi };
}

/** The plotting area Plot hands a custom mark. */
interface Dimensions {
  width: number;
  height: number;
  marginLeft: number;
  marginRight: number;
  marginTop: number;
  marginBottom: number;
}

/**
 * Path data per colour: one rectangle `M x,y h w v h h -w z` per run of equal present cells in a
 * row, coordinates rounded to 0.01 px.
 */
function runPaths(
  block: SpyBlock,
  colorOf: (value: number) => string,
  dims: Dimensions,
): Map<string, string[]> {
  const { rows, cols, cells } = block;
  const cw = (dims.width - dims.marginLeft - dims.marginRight) / cols;
  const ch = (dims.height - dims.marginTop - dims.marginBottom) / rows;
  const paths = new Map<string, string[]>();
  const f = (v: number) => Math.round(v * 100) / 100;
  for (let r = 0; r < rows; r++) {
    let c = 0;
    while (c < cols) {
      const v = cells[r * cols + c]!;
      if (v === 0 || !Number.isFinite(v)) {
        c++;
        continue;
      }
      const color = colorOf(v);
      let end = c + 1;
      while (end < cols && cells[r * cols + end] === v) end++;
      const x = dims.marginLeft + c * cw;
      const y = dims.marginTop + r * ch;
      const list = paths.get(color) ?? [];
      list.push(`M${f(x)},${f(y)}h${f((end - c) * cw)}v${f(ch)}h${f(-(end - c) * cw)}z`);
      paths.set(color, list);
      c = end;
    }
  }
  return paths;
}

/** A custom Plot mark drawing the cells as one `<path>` per colour in a `<g aria-label="cells">`. */
function cellsMark(block: SpyBlock, colorOf: (value: number) => string): Plot.Markish {
  const render = (
    _index: number[],
    _scales: unknown,
    _values: unknown,
    dims: Dimensions,
    context: { document: DomDocument },
  ) => {
    const g = context.document.createElementNS("http://www.w3.org/2000/svg", "g");
    g.setAttribute("aria-label", "cells");
    for (const [color, segments] of runPaths(block, colorOf, dims)) {
      const path = context.document.createElementNS("http://www.w3.org/2000/svg", "path");
      path.setAttribute("fill", color);
      path.setAttribute("d", segments.join(""));
      g.appendChild(path);
    }
    return g;
  };
  return render as unknown as Plot.Markish;
}

/**
 * A sparsity picture: one small square per non-empty cell, rows top to bottom, columns left to
 * right. Drawn as one SVG path per colour (not one element per cell), so it stays small.
 *
 * @example
 * ```ts
 * import { spy } from "./spy.ts";
 * const fig = spy({ rows: 2, cols: 3, cells: [5, 0, 3, 0, 0, 1] }, { title: "2 × 3" });
 * if (!fig.svg.includes("<path")) throw new Error("cells drawn");
 * ```
 */
export function spy(block: SpyBlock, options: SpyOptions = {}): Figure {
  checkBlock(block);
  const { rows, cols } = block;
  const { filled, lo, hi } = presentRange(block.cells);
  const domain: [number, number] = [lo, hi > lo ? hi : lo + 1];
  const colorScale = options.byValue === true && filled > 0
    ? Plot.scale({ color: { type: "linear", domain, scheme: "viridis" } })
    : undefined;
  const colorOf = (v: number) => (colorScale ? String(colorScale.apply(v)) : theme.palette[0]!);
  const sz = size(
    options,
    theme.width,
    Math.round(Math.min(theme.height, (theme.width - 70) * rows / cols) + 50),
  );
  const density = filled / (rows * cols);
  return plotFigure(
    {
      ...sz,
      marginLeft: 60,
      marginRight: 20,
      marginTop: 40,
      x: {
        domain: [0, cols],
        label: options.xLabel ?? "items →",
        axis: "top",
        labelAnchor: "center",
      },
      y: {
        domain: [0, rows],
        reverse: true,
        label: options.yLabel ?? "↓ users",
        labelAnchor: "center",
      },
      marks: [
        Plot.frame({ stroke: theme.muted }),
        // invisible corner points make Plot build the x and y scales
        Plot.dot([[0, 0], [cols, rows]], { r: 0 }),
        cellsMark(block, colorOf),
      ],
    },
    headerOf(options, {
      subtitle: options.subtitle ??
        `${filled.toLocaleString("en-US")} of ${
          (rows * cols).toLocaleString("en-US")
        } cells rated (${(100 * density).toFixed(2)} %)`,
      colorRamp: colorScale
        ? { label: options.colorLabel ?? "rating (stars)", domain, scheme: "viridis" }
        : undefined,
    }),
  );
}
