/**
 * A labelled matrix as a heatmap ({@linkcode heatmap}): e.g. genre co-occurrence P(B|A) or a
 * K × λ validation grid, with the values written in the cells when there are few of them.
 *
 * @example
 * ```ts
 * import { heatmap } from "./heatmap.ts";
 * const fig = heatmap({ values: [0.1, 0.9], rows: ["K=8"], cols: ["λ=0.1", "λ=1"] });
 * if (!fig.svg.includes("0.90")) throw new Error("values written with two decimals");
 * ```
 *
 * @module
 */

import * as Plot from "../deps/plot.ts";
import { headerOf, labelMargin, type Row, size } from "./_layout.ts";
import type { Figure } from "./figure.ts";
import { type ChartOptions, plotFigure } from "./render.ts";
import { theme } from "./theme.ts";

/** A row-major matrix with row and column labels. */
export interface LabelledMatrix {
  /** Row-major values, length rows.length × cols.length; non-finite cells are left blank. */
  readonly values: ArrayLike<number>;
  /** Row labels, top to bottom. */
  readonly rows: readonly string[];
  /** Column labels, left to right. */
  readonly cols: readonly string[];
}

/** Options of {@linkcode heatmap}. */
export interface HeatmapOptions extends ChartOptions {
  /** Colour scheme name (default theme.sequential). */
  readonly scheme?: string;
  /** Colour domain [min, max] (default: the finite range of the values). */
  readonly domain?: readonly [number, number];
  /** Write each value in its cell (default: when there are at most 400 cells). */
  readonly showValues?: boolean;
  /** Decimals of the written values (default 2). */
  readonly digits?: number;
  /** Label of the colour legend, with its unit. */
  readonly colorLabel?: string;
}

/** One row per finite value (row label, column label, value) and the range of the values. */
function heatmapCells(matrix: LabelledMatrix): { cells: Row[]; lo: number; hi: number } {
  const { rows: rowLabels, cols: colLabels, values } = matrix;
  if (values.length !== rowLabels.length * colLabels.length) {
    throw new Error(
      `heatmap: ${values.length} values for ${rowLabels.length} rows × ${colLabels.length} columns`,
    );
  }
  const cells: Row[] = [];
  let lo = Infinity;
  let hi = -Infinity;
  for (let r = 0; r < rowLabels.length; r++) {
    for (let c = 0; c < colLabels.length; c++) {
      const value = values[r * colLabels.length + c]!;
      if (!Number.isFinite(value)) continue;
      cells.push({ row: rowLabels[r], col: colLabels[c], value });
      lo = Math.min(lo, value);
      hi = Math.max(hi, value);
    }
  }
  if (cells.length === 0) throw new Error("heatmap: no finite values to plot");
  return { cells, lo, hi };
}

/** Margins that fit the labels (column labels longer than 3 characters are rotated) and the cell side. */
function heatmapLayout(matrix: LabelledMatrix, options: HeatmapOptions) {
  const { rows: rowLabels, cols: colLabels } = matrix;
  const rotate = colLabels.some((l) => l.length > 3);
  const marginLeft = labelMargin(rowLabels);
  const marginBottom = rotate ? labelMargin(colLabels, 30) * 0.75 + 10 : 30;
  const cell = Math.max(
    14,
    Math.min(48, ((options.width ?? theme.width) - marginLeft - 20) / colLabels.length),
  );
  const sz = size(
    options,
    Math.round(marginLeft + 20 + cell * colLabels.length),
    Math.round(cell * rowLabels.length + marginBottom + 30),
  );
  return { ...sz, rotate, marginLeft, marginBottom, cell };
}

/** The values written in their cells, white on the darkest 40 % of the colour domain. */
function valueText(cells: Row[], domain: readonly [number, number], digits: number, cell: number) {
  const mid = domain[0] + 0.6 * (domain[1] - domain[0]);
  return Plot.text(cells, {
    x: "col",
    y: "row",
    text: (d: Row) => (d.value as number).toFixed(digits),
    fill: (d: Row) => ((d.value as number) > mid ? "white" : theme.ink),
    fontSize: Math.min(11, cell / 3.2),
  });
}

/**
 * A heatmap of a labelled matrix (e.g. genre co-occurrence P(B|A), a K × λ validation grid).
 *
 * @example
 * ```ts
 * import { heatmap } from "./heatmap.ts";
 * const fig = heatmap({ values: [1, 0.5, 0.25, 1], rows: ["A", "B"], cols: ["A", "B"] }, {
 *   title: "P(column | row)", colorLabel: "probability",
 * });
 * if (!fig.svg.includes("0.25")) throw new Error("values written");
 * ```
 */
export function heatmap(matrix: LabelledMatrix, options: HeatmapOptions = {}): Figure {
  const { cells, lo, hi } = heatmapCells(matrix);
  const domain = options.domain ?? [lo, hi > lo ? hi : lo + 1];
  const showValues = options.showValues ?? matrix.values.length <= 400;
  const { width, height, rotate, marginLeft, marginBottom, cell } = heatmapLayout(matrix, options);
  return plotFigure(
    {
      width,
      height,
      marginLeft,
      marginBottom,
      marginTop: 10,
      marginRight: 20,
      x: {
        domain: matrix.cols,
        label: options.xLabel ?? null,
        tickRotate: rotate ? -45 : 0,
        axis: "bottom",
      },
      y: { domain: matrix.rows, label: options.yLabel ?? null },
      color: {
        type: "linear",
        scheme: (options.scheme ?? theme.sequential) as Plot.ColorScheme,
        domain: [...domain],
        label: options.colorLabel,
      },
      marks: [
        Plot.cell(cells, { x: "col", y: "row", fill: "value", inset: 0.5 }),
        showValues ? valueText(cells, domain, options.digits ?? 2, cell) : null,
      ],
    },
    headerOf(options, {
      colorRamp: {
        label: options.colorLabel ?? "",
        domain,
        scheme: options.scheme ?? theme.sequential,
      },
    }),
  );
}
