/**
 * Points: {@linkcode scatter} (categories, a few labelled points, seeded thinning of large
 * clouds — e.g. movie embeddings in 2-D) and {@linkcode logLogScatter} (points on log–log axes
 * with fitted lines, e.g. a degree CCDF).
 *
 * @example
 * ```ts
 * import { logLogScatter, scatter } from "./scatter.ts";
 * const cloud = scatter([0, 1], [1, 0], { labels: ["", "Heat"] });
 * if (!cloud.svg.includes("Heat")) throw new Error("labelled");
 * const ccdf = logLogScatter({ x: [1, 10], y: [1, 0.1] }, { xLabel: "degree (count)" });
 * if (!ccdf.svg.includes("degree (count)")) throw new Error("x label");
 * ```
 *
 * @module
 */

import * as Plot from "../deps/plot.ts";
import { Rng, sampleIndices } from "../stats/rng.ts";
import {
  checkLength,
  countFormat,
  finiteMax,
  headerOf,
  logFormat,
  type Row,
  seriesRows,
  size,
  yMargin,
} from "./_layout.ts";
import type { Figure } from "./figure.ts";
import { type ChartOptions, plotFigure, type Series, type Swatch } from "./render.ts";
import { categoryColor, theme } from "./theme.ts";

/** Options of {@linkcode scatter}. */
export interface ScatterOptions extends ChartOptions {
  /** Category of each point (colours and legend). */
  readonly group?: readonly string[];
  /** Text of each point; points with a non-empty text are labelled and ringed. */
  readonly labels?: readonly (string | undefined)[];
  /** Logarithmic x axis. */
  readonly logX?: boolean;
  /** Logarithmic y axis. */
  readonly logY?: boolean;
  /** Dot radius in px (default 2.5). */
  readonly radius?: number;
  /** Draw at most this many points (default 20000): a seeded random sample, labelled points kept. */
  readonly maxPoints?: number;
  /** Seed of that sample (default 0). */
  readonly seed?: number;
}

/** Indices of the points with finite coordinates (positive on a log axis). */
function drawable(x: ArrayLike<number>, y: ArrayLike<number>, options: ScatterOptions): number[] {
  checkLength("x and y", x, y, "scatter");
  if (options.group !== undefined) checkLength("x and group", x, options.group, "scatter");
  if (options.labels !== undefined) checkLength("x and labels", x, options.labels, "scatter");
  const keep: number[] = [];
  for (let i = 0; i < x.length; i++) {
    const xi = x[i]!;
    const yi = y[i]!;
    if (!Number.isFinite(xi) || !Number.isFinite(yi)) continue;
    if ((options.logX && xi <= 0) || (options.logY && yi <= 0)) continue;
    keep.push(i);
  }
  if (keep.length === 0) throw new Error("scatter: no finite points to plot");
  return keep;
}

/**
 * The points drawn: all of `keep`, or past `maxPoints` a seeded random sample of the unlabelled
 * ones plus every labelled one, in index order; the caption then says it is a sample.
 */
function thinned(keep: number[], options: ScatterOptions): { shown: number[]; caption?: string } {
  const maxPoints = options.maxPoints ?? 20000;
  if (keep.length <= maxPoints) return { shown: keep, caption: options.caption };
  const isLabelled = (i: number) => (options.labels?.[i] ?? "") !== "";
  const labelled = keep.filter(isLabelled);
  const others = keep.filter((i) => !isLabelled(i));
  const pick = sampleIndices(
    new Rng(options.seed ?? 0),
    others.length,
    Math.max(0, maxPoints - labelled.length),
  );
  const shown = [...Array.from(pick, (k) => others[k]!), ...labelled].sort((a, b) => a - b);
  const note = `Showing a random sample of ${shown.length.toLocaleString("en-US")} of ${
    keep.length.toLocaleString("en-US")
  } points.`;
  return { shown, caption: options.caption === undefined ? note : `${options.caption} ${note}` };
}

/** The distinct groups of the kept points, in order of first appearance. */
function groupsOf(keep: number[], group: readonly string[] | undefined): string[] {
  const groups: string[] = [];
  if (group === undefined) return groups;
  const seen = new Set<string>();
  for (const i of keep) {
    const g = group[i]!;
    if (!seen.has(g)) {
      seen.add(g);
      groups.push(g);
    }
  }
  return groups;
}

/** A ring around each labelled point and its text to the right, on a white halo. */
function labelMarks(labelled: readonly Row[], radius: number): Plot.Markish[] {
  if (labelled.length === 0) return [null, null];
  return [
    Plot.dot(labelled, { x: "x", y: "y", r: radius + 2, stroke: theme.ink, strokeWidth: 1.2 }),
    Plot.text(labelled, {
      x: "x",
      y: "y",
      text: "label",
      dx: 7,
      textAnchor: "start",
      fill: theme.ink,
      stroke: "white",
      strokeWidth: 3,
      paintOrder: "stroke",
      fontSize: theme.fontSize,
    }),
  ];
}

/**
 * A scatter plot, optionally coloured by category and with a few points labelled (e.g. movie
 * embeddings in 2-D, popularity vs mean rating with log x).
 *
 * @example
 * ```ts
 * import { scatter } from "./scatter.ts";
 * const fig = scatter([0, 1, 2], [0, 1, 0], {
 *   group: ["Comedy", "Drama", "Comedy"], labels: ["", "Heat", ""], xLabel: "factor 1", yLabel: "factor 2",
 * });
 * if (!fig.svg.includes("Heat")) throw new Error("labelled");
 * ```
 */
export function scatter(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  options: ScatterOptions = {},
): Figure {
  const keep = drawable(x, y, options);
  const { shown, caption } = thinned(keep, options);
  const groups = groupsOf(keep, options.group);
  const colors = groups.map((_, i) => categoryColor(i));
  const rows = shown.map((i) => ({
    x: x[i]!,
    y: y[i]!,
    group: options.group?.[i],
    label: options.labels?.[i] ?? "",
  }));
  const xMax = finiteMax(rows.map((r) => r.x));
  const yMax = finiteMax(rows.map((r) => r.y));
  const yFormat = options.logY ? logFormat(yMax) : countFormat(yMax);
  return plotFigure({
    ...size(options),
    marginLeft: yMargin(rows.map((r) => r.y), !!options.logY, yFormat),
    x: {
      type: options.logX ? "log" : "linear",
      label: options.xLabel ?? null,
      tickFormat: options.logX ? logFormat(xMax) : countFormat(xMax),
      grid: true,
    },
    y: {
      type: options.logY ? "log" : "linear",
      label: options.yLabel ?? null,
      tickFormat: yFormat,
      grid: true,
    },
    color: groups.length > 0 ? { domain: groups, range: colors } : undefined,
    marks: [
      Plot.dot(rows, {
        x: "x",
        y: "y",
        fill: groups.length > 0 ? "group" : theme.palette[0],
        fillOpacity: rows.length > 2000 ? 0.35 : 0.75,
        r: options.radius ?? 2.5,
      }),
      ...labelMarks(rows.filter((r) => r.label !== ""), options.radius ?? 2.5),
    ],
  }, {
    title: options.title,
    subtitle: options.subtitle,
    caption,
    legend: groups.length > 0
      ? groups.map((label, i) => ({ label, color: colors[i]!, kind: "dot" }))
      : undefined,
  });
}

/** Options of {@linkcode logLogScatter}. */
export interface LogLogOptions extends ChartOptions {
  /** Legend label of the points (default "data"). */
  readonly name?: string;
  /** Fitted curves drawn as lines over the points (e.g. a power-law CCDF). */
  readonly lines?: readonly Series[];
}

/**
 * Points on log–log axes (e.g. a degree CCDF) with fitted lines overlaid.
 *
 * @example
 * ```ts
 * import { logLogScatter } from "./scatter.ts";
 * const x = [1, 2, 4, 8, 16];
 * const fig = logLogScatter({ x, y: x.map((v) => v ** -1.5) }, {
 *   lines: [{ name: "fit: α = 2.5", x: [1, 16], y: [1, 16 ** -1.5] }],
 *   xLabel: "ratings per user (count)", yLabel: "P(X ≥ x)",
 * });
 * if (!fig.svg.includes("α = 2.5")) throw new Error("legend");
 * ```
 */
export function logLogScatter(
  points: { x: ArrayLike<number>; y: ArrayLike<number> },
  options: LogLogOptions = {},
): Figure {
  checkLength("x and y", points.x, points.y, "logLogScatter");
  const rows: Row[] = [];
  for (let i = 0; i < points.x.length; i++) {
    const x = points.x[i]!;
    const y = points.y[i]!;
    if (Number.isFinite(x) && Number.isFinite(y) && x > 0 && y > 0) rows.push({ x, y });
  }
  if (rows.length === 0) throw new Error("logLogScatter: no positive finite points to plot");
  const lines = options.lines ?? [];
  const lineRows = lines.length > 0 ? seriesRows(lines, true, true, "logLogScatter") : [];
  const names = lines.map((l) => l.name);
  const lineColors = names.map((
    _,
    i,
  ) => (lines.length === 1 ? theme.reference : categoryColor(i + 1)));
  const legend: Swatch[] = lines.length === 0 ? [] : [
    { label: options.name ?? "data", color: theme.palette[0]!, kind: "dot" },
    ...names.map((label, i) => ({ label, color: lineColors[i]!, kind: "line" as const })),
  ];
  const ys = rows.map((r) => r.y as number).concat(lineRows.map((r) => r.y as number));
  const xMax = finiteMax(rows.map((r) => r.x as number));
  const yFormat = logFormat(finiteMax(ys));
  return plotFigure({
    ...size(options),
    marginLeft: yMargin(ys, true, yFormat),
    x: { type: "log", label: options.xLabel ?? null, tickFormat: logFormat(xMax), grid: true },
    y: { type: "log", label: options.yLabel ?? null, tickFormat: yFormat, grid: true },
    color: {
      domain: names.length > 0 ? names : ["-"],
      range: names.length > 0 ? lineColors : [theme.reference],
    },
    marks: [
      Plot.dot(rows, { x: "x", y: "y", fill: theme.palette[0], fillOpacity: 0.6, r: 2 }),
      lineRows.length > 0
        ? Plot.line(lineRows, { x: "x", y: "y", z: "series", stroke: "series", strokeWidth: 2 })
        : null,
    ],
  }, headerOf(options, { legend: legend.length > 0 ? legend : undefined }));
}
