/**
 * Curves: {@linkcode line} draws one or more named series (e.g. RMSE per epoch, ratings per month)
 * and {@linkcode lorenz} draws Lorenz curves with the line of equality.
 *
 * @example
 * ```ts
 * import { line, lorenz } from "./lines.ts";
 * const rmse = line([{ name: "train", x: [1, 2], y: [1, 0.9] }, { name: "test", x: [1, 2], y: [1.1, 1] }]);
 * if (!rmse.svg.includes("test")) throw new Error("a legend for two series");
 * const curve = lorenz([{ name: "items", x: [0, 1], y: [0, 1], gini: 0 }]);
 * if (!curve.svg.includes("equality")) throw new Error("the equality line is in the legend");
 * ```
 *
 * @module
 */

import * as Plot from "../deps/plot.ts";
import {
  countFormat,
  finiteMax,
  headerOf,
  logFormat,
  seriesRows,
  size,
  yMargin,
} from "./_layout.ts";
import type { Figure } from "./figure.ts";
import { type ChartOptions, plotFigure, type Series } from "./render.ts";
import { categoryColor, theme } from "./theme.ts";

/** Options of {@linkcode line}. */
export interface LineOptions extends ChartOptions {
  /** Logarithmic x axis (x <= 0 dropped). */
  readonly logX?: boolean;
  /** Logarithmic y axis (y <= 0 dropped). */
  readonly logY?: boolean;
  /** Draw a dot at every point (default: when a series has at most 40 points). */
  readonly markers?: boolean;
  /** Force the y axis to include zero. */
  readonly zeroY?: boolean;
}

/**
 * Lines for one or more series (e.g. RMSE per epoch, train vs test), with a legend when there is
 * more than one. Non-finite points leave gaps.
 *
 * @example
 * ```ts
 * import { line } from "./lines.ts";
 * const months = [0, 1, 2].map((m) => new Date(Date.UTC(2000, m, 1)));
 * const fig = line([{ name: "ratings", x: months, y: [10, 12, 9] }], { yLabel: "ratings (count)" });
 * if (fig.svg.includes("NaN")) throw new Error("no NaN");
 * ```
 */
export function line(series: readonly Series[], options: LineOptions = {}): Figure {
  if (series.length === 0) throw new Error("line: no series");
  const rows = seriesRows(series, !!options.logX, !!options.logY, "line");
  const names = series.map((s) => s.name);
  const colors = names.map((_, i) => categoryColor(i));
  const longest = Math.max(...series.map((s) => s.y.length));
  const markers = options.markers ?? longest <= 40;
  const isTime = series.some((s) => s.x.length > 0 && s.x[0] instanceof Date);
  const yMax = finiteMax(rows.map((r) => r.y as number));
  const yFormat = options.logY ? logFormat(yMax) : countFormat(yMax);
  return plotFigure(
    {
      ...size(options),
      marginLeft: yMargin(
        rows.map((r) => r.y as number).concat(options.zeroY ? [0] : []),
        !!options.logY,
        yFormat,
      ),
      x: {
        type: isTime ? "utc" : options.logX ? "log" : "linear",
        label: options.xLabel ?? null,
        tickFormat: options.logX ? logFormat(finiteMax(rows.map((r) => Number(r.x)))) : undefined,
      },
      y: {
        type: options.logY ? "log" : "linear",
        label: options.yLabel ?? null,
        grid: true,
        zero: options.zeroY,
        tickFormat: yFormat,
      },
      color: { domain: names, range: colors },
      marks: [
        Plot.line(rows, { x: "x", y: "y", z: "series", stroke: "series", strokeWidth: 2 }),
        markers
          ? Plot.dot(rows.filter((r) => r.ok), { x: "x", y: "y", fill: "series", r: 2.5 })
          : null,
      ],
    },
    headerOf(options, {
      legend: series.length > 1
        ? names.map((label, i) => ({ label, color: colors[i]!, kind: "line" }))
        : undefined,
    }),
  );
}

/** One Lorenz curve (see `lorenzCurve` in the stats library). */
export interface LorenzSeries {
  /** Legend label (the Gini coefficient is appended when given). */
  readonly name: string;
  /** Cumulative population share, 0 → 1. */
  readonly x: ArrayLike<number>;
  /** Cumulative share of the total, 0 → 1. */
  readonly y: ArrayLike<number>;
  /** Gini coefficient, shown in the legend. */
  readonly gini?: number;
}

/**
 * Lorenz curves with the line of equality.
 *
 * @example
 * ```ts
 * import { lorenz } from "./lines.ts";
 * const fig = lorenz([{ name: "items", x: [0, 0.5, 1], y: [0, 0.1, 1], gini: 0.4 }], {
 *   xLabel: "share of items, least rated first", yLabel: "share of ratings",
 * });
 * if (!fig.svg.includes("Gini 0.40")) throw new Error("gini in the legend");
 * ```
 */
export function lorenz(curves: readonly LorenzSeries[], options: ChartOptions = {}): Figure {
  if (curves.length === 0) throw new Error("lorenz: no curves");
  const named = curves.map((c) => ({
    name: c.gini === undefined ? c.name : `${c.name} (Gini ${c.gini.toFixed(2)})`,
    x: c.x,
    y: c.y,
  }));
  const rows = seriesRows(named, false, false, "lorenz");
  const names = named.map((c) => c.name);
  const colors = names.map((_, i) => categoryColor(i));
  return plotFigure(
    {
      ...size(options, 560, 460),
      x: {
        domain: [0, 1],
        label: options.xLabel ?? "cumulative share of population",
        tickFormat: "%",
        grid: true,
      },
      y: {
        domain: [0, 1],
        label: options.yLabel ?? "cumulative share of total",
        tickFormat: "%",
        grid: true,
      },
      color: { domain: names, range: colors },
      marks: [
        Plot.line([[0, 0], [1, 1]], { stroke: theme.muted, strokeDasharray: "4,3" }),
        Plot.line(rows, { x: "x", y: "y", z: "series", stroke: "series", strokeWidth: 2 }),
      ],
    },
    headerOf(options, {
      legend: [
        ...names.map((label, i) => ({ label, color: colors[i]!, kind: "line" as const })),
        { label: "equality", color: theme.muted, kind: "dash" },
      ],
    }),
  );
}
