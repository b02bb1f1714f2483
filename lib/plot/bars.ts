/**
 * One value per label: {@linkcode bars} draws a bar or dot chart, vertical or horizontal, sorted
 * or as given, with optional interval whiskers (e.g. 95 % intervals).
 *
 * @example
 * ```ts
 * import { bars } from "./bars.ts";
 * const fig = bars(["a", "b"], [3, 1], { sort: "ascending", yLabel: "things (count)" });
 * const [a, b] = [fig.svg.indexOf(">a<"), fig.svg.indexOf(">b<")];
 * if (!(b >= 0 && b < a)) throw new Error("ascending: b (1) is drawn before a (3)");
 * ```
 *
 * @module
 */

import * as Plot from "../deps/plot.ts";
import {
  checkLength,
  countFormat,
  finiteMax,
  headerOf,
  labelMargin,
  logFormat,
  type Row,
  size,
  yMargin,
} from "./_layout.ts";
import type { Figure } from "./figure.ts";
import { type ChartOptions, plotFigure } from "./render.ts";
import { theme } from "./theme.ts";

/** Options of {@linkcode bars}. */
export interface BarOptions extends ChartOptions {
  /** Horizontal bars (labels on the y axis); the default for more than 12 labels. */
  readonly horizontal?: boolean;
  /** Lower ends of intervals to draw as whiskers (e.g. 95 % intervals). */
  readonly lo?: ArrayLike<number>;
  /** Upper ends of intervals. */
  readonly hi?: ArrayLike<number>;
  /** Order of the bars: as given (default), or by value. */
  readonly sort?: "none" | "ascending" | "descending";
  /** "bar" (default) or "dot": a dot plot, better when the value axis should not start at zero. */
  readonly mark?: "bar" | "dot";
  /** Logarithmic value axis. */
  readonly logValue?: boolean;
}

/** One row per finite value (positive on a log axis), with its finite interval ends, sorted. */
function barRows(labels: readonly string[], values: ArrayLike<number>, options: BarOptions): Row[] {
  checkLength("labels and values", labels, values, "bars");
  if (options.lo !== undefined) checkLength("labels and lo", labels, options.lo, "bars");
  if (options.hi !== undefined) checkLength("labels and hi", labels, options.hi, "bars");
  const rows: Row[] = [];
  for (let i = 0; i < labels.length; i++) {
    const value = values[i]!;
    if (!Number.isFinite(value) || (options.logValue && value <= 0)) continue;
    const lo = options.lo?.[i];
    const hi = options.hi?.[i];
    rows.push({
      label: labels[i],
      value,
      lo: lo !== undefined && Number.isFinite(lo) ? lo : undefined,
      hi: hi !== undefined && Number.isFinite(hi) ? hi : undefined,
    });
  }
  if (rows.length === 0) throw new Error("bars: no finite values to plot");
  if (options.sort === "ascending") rows.sort((a, b) => (a.value as number) - (b.value as number));
  if (options.sort === "descending") rows.sort((a, b) => (b.value as number) - (a.value as number));
  return rows;
}

/** What both orientations draw: the rows, their order, the intervals and the value axis. */
interface BarLayout {
  readonly rows: Row[];
  readonly order: string[];
  readonly intervals: Row[];
  /** Where bars start: 0, or half the smallest value on a log axis. */
  readonly base: number;
  readonly mark: "bar" | "dot";
  readonly valueScale: {
    readonly type: "log" | "linear";
    readonly grid: true;
    readonly tickFormat: string | undefined;
    readonly zero: boolean;
  };
  readonly size: { width: number; height: number };
}

function horizontalBars(layout: BarLayout, options: BarOptions): Figure {
  const { rows, order, intervals, base, mark } = layout;
  return plotFigure({
    ...layout.size,
    marginLeft: labelMargin(order),
    y: { domain: order, label: options.yLabel ?? null },
    x: { ...layout.valueScale, label: options.xLabel ?? null },
    marks: [
      mark === "bar"
        ? Plot.barX(rows, { y: "label", x1: () => base, x2: "value", fill: theme.palette[0] })
        : null,
      intervals.length > 0
        ? Plot.ruleY(intervals, {
          y: "label",
          x1: "lo",
          x2: "hi",
          stroke: theme.ink,
          strokeWidth: 1.5,
        })
        : null,
      mark === "dot"
        ? Plot.dot(rows, { y: "label", x: "value", fill: theme.palette[0], r: 4 })
        : null,
      mark === "bar" && !options.logValue ? Plot.ruleX([0], { stroke: theme.ink }) : null,
    ],
  }, headerOf(options));
}

function verticalBars(layout: BarLayout, options: BarOptions): Figure {
  const { rows, order, intervals, base, mark } = layout;
  const longLabels = order.some((l) => l.length > 6);
  return plotFigure({
    ...layout.size,
    marginLeft: yMargin(
      rows.flatMap((r) => [r.value as number, (r.hi as number) ?? NaN, base]),
      !!options.logValue,
      layout.valueScale.tickFormat,
    ),
    marginBottom: longLabels ? labelMargin(order, 30) : undefined,
    x: { domain: order, label: options.xLabel ?? null, tickRotate: longLabels ? -45 : 0 },
    y: { ...layout.valueScale, label: options.yLabel ?? null },
    marks: [
      mark === "bar"
        ? Plot.barY(rows, { x: "label", y1: () => base, y2: "value", fill: theme.palette[0] })
        : null,
      intervals.length > 0
        ? Plot.ruleX(intervals, {
          x: "label",
          y1: "lo",
          y2: "hi",
          stroke: theme.ink,
          strokeWidth: 1.5,
        })
        : null,
      mark === "dot"
        ? Plot.dot(rows, { x: "label", y: "value", fill: theme.palette[0], r: 4 })
        : null,
      mark === "bar" && !options.logValue ? Plot.ruleY([0], { stroke: theme.ink }) : null,
    ],
  }, headerOf(options));
}

/**
 * A bar (or dot) chart of one value per label, with optional interval whiskers.
 *
 * @example
 * ```ts
 * import { bars } from "./bars.ts";
 * const fig = bars(["Drama", "Comedy", "Action"], [4361, 3756, 1828], {
 *   title: "Movies per genre", xLabel: "movies (count)", sort: "descending",
 * });
 * if (!fig.svg.includes("Drama")) throw new Error("labelled");
 * ```
 */
export function bars(
  labels: readonly string[],
  values: ArrayLike<number>,
  options: BarOptions = {},
): Figure {
  const rows = barRows(labels, values, options);
  const order = rows.map((r) => r.label as string);
  const horizontal = options.horizontal ?? order.length > 12;
  const vMax = finiteMax(
    rows.map((r) => Math.max(r.value as number, (r.hi as number) ?? -Infinity)),
  );
  const mark = options.mark ?? "bar";
  const layout: BarLayout = {
    rows,
    order,
    intervals: rows.filter((r) => r.lo !== undefined && r.hi !== undefined),
    base: options.logValue ? Math.min(...rows.map((r) => r.value as number)) / 2 : 0,
    mark,
    valueScale: {
      type: options.logValue ? "log" : "linear",
      grid: true,
      tickFormat: options.logValue ? logFormat(vMax) : countFormat(vMax),
      zero: mark === "bar" && !options.logValue,
    },
    size: size(
      options,
      theme.width,
      horizontal ? Math.max(160, 22 * order.length + 50) : theme.height,
    ),
  };
  return horizontal ? horizontalBars(layout, options) : verticalBars(layout, options);
}
