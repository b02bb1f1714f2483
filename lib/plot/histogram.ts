/**
 * Distributions as histograms: {@linkcode histogram} bins values with the stats library (fast on
 * millions of values), on linear or logarithmic axes, as counts or densities.
 *
 * @example
 * ```ts
 * import { histogram } from "./histogram.ts";
 * const fig = histogram([1, 2, 2, 3, 3, 3], { bins: 3, xLabel: "value (units)" });
 * if (!fig.svg.includes("value (units)")) throw new Error("x label");
 * ```
 *
 * @module
 */

import * as Plot from "../deps/plot.ts";
import { binCounts, linearBins, logBins } from "../stats/histogram.ts";
import { countFormat, finiteMax, headerOf, logFormat, type Row, size, yMargin } from "./_layout.ts";
import type { Figure } from "./figure.ts";
import { type ChartOptions, plotFigure } from "./render.ts";
import { theme } from "./theme.ts";

/** Options of {@linkcode histogram}. */
export interface HistogramOptions extends ChartOptions {
  /** Number of equal-width bins (default 30), or explicit ascending edges. */
  readonly bins?: number | ArrayLike<number>;
  /** Logarithmic x axis with geometric bins (values <= 0 dropped). */
  readonly logX?: boolean;
  /** Bins per decade on a log x axis (default 10). */
  readonly perDecade?: number;
  /** Logarithmic y axis (empty bins are not drawn). */
  readonly logY?: boolean;
  /** Plot density (count / (n × bin width)) instead of counts. */
  readonly density?: boolean;
}

/**
 * A histogram of `values`, binned here with the stats library (fast on millions of values).
 *
 * @example
 * ```ts
 * import { histogram } from "./histogram.ts";
 * const fig = histogram(new Float32Array([0.5, 1, 3, 3.5, 4, 4, 5]), {
 *   bins: [0.25, 0.75, 1.25, 1.75, 2.25, 2.75, 3.25, 3.75, 4.25, 4.75, 5.25],
 *   title: "Ratings", xLabel: "rating (stars)", yLabel: "ratings (count)",
 * });
 * if (fig.width !== 640) throw new Error("default width");
 * ```
 */
export function histogram(values: ArrayLike<number>, options: HistogramOptions = {}): Figure {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v) || (options.logX && v <= 0)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!(min <= max)) {
    throw new Error(`histogram: no finite${options.logX ? " positive" : ""} values to plot`);
  }
  let edges: ArrayLike<number>;
  if (typeof options.bins === "object") edges = options.bins;
  else if (options.logX) {
    edges = logBins(min, max > min ? max : min * 10, { perDecade: options.perDecade ?? 10 });
  } else edges = linearBins(min, max > min ? max : min + 1, options.bins ?? 30);
  const h = binCounts(values, edges);
  const heights = options.density ? h.density : h.counts;
  const rows: Row[] = [];
  let smallest = Infinity;
  for (let i = 0; i < heights.length; i++) {
    const value = heights[i]!;
    if (options.logY && !(value > 0)) continue;
    if (value > 0) smallest = Math.min(smallest, value);
    rows.push({ x1: h.edges[i], x2: h.edges[i + 1], y: value });
  }
  if (rows.length === 0) throw new Error("histogram: every bin is empty");
  const base = options.logY ? (options.density ? smallest / 2 : 0.5) : 0;
  const yMax = finiteMax(heights);
  const yFormat = options.density
    ? (options.logY ? "~g" : undefined)
    : (options.logY ? logFormat(yMax) : countFormat(yMax));
  return plotFigure({
    ...size(options),
    marginLeft: yMargin(rows.map((r) => r.y as number).concat(base), !!options.logY, yFormat),
    x: {
      type: options.logX ? "log" : "linear",
      label: options.xLabel ?? null,
      tickFormat: options.logX ? logFormat(max) : undefined,
    },
    y: {
      type: options.logY ? "log" : "linear",
      label: options.yLabel ?? (options.density ? "density" : "count"),
      grid: true,
      tickFormat: yFormat,
    },
    marks: [
      Plot.rect(rows, {
        x1: "x1",
        x2: "x2",
        y1: () => base,
        y2: "y",
        fill: theme.palette[0],
        insetLeft: 0.5,
        insetRight: 0.5,
      }),
      options.logY ? null : Plot.ruleY([0], { stroke: theme.ink }),
    ],
  }, headerOf(options));
}
