/**
 * Chart helpers for the practicals, built on Observable Plot and rendered to SVG on the server:
 * histogram, bars, multi-series line, log–log scatter with fitted lines, heatmap, scatter with
 * labels and categories, Lorenz curves and a sparsity ("spy") picture. Each returns a
 * {@linkcode Figure} in the common {@linkcode theme}; {@linkcode plotFigure} renders any other Plot
 * specification the same way.
 *
 * Conventions: axis labels carry units ("ratings per user (count)"); non-finite values are
 * dropped (and values <= 0 on log axes); every chart throws a clear Error when nothing is left to
 * draw. Large scatters are thinned to a seeded random sample (said in the caption).
 *
 * @example
 * ```ts
 * import { line } from "./charts.ts";
 * const fig = line([
 *   { name: "train", x: [1, 2, 3], y: [1.1, 0.9, 0.8] },
 *   { name: "test", x: [1, 2, 3], y: [1.2, 1.0, 0.97] },
 * ], { title: "RMSE per epoch", xLabel: "epoch", yLabel: "RMSE (stars)" });
 * if (!fig.svg.includes("RMSE per epoch")) throw new Error("titled");
 * ```
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { binCounts, linearBins, logBins } from "../stats/histogram.ts";
import { Rng, sampleIndices } from "../stats/rng.ts";
import {
  compose,
  type DomDocument,
  type DomElement,
  escapeXml,
  type Fragment,
  fragmentOf,
  type Header,
  plotDocument,
  type Swatch,
  textWidth,
} from "./_svg.ts";
import { Figure } from "./figure.ts";
import { categoryColor, theme } from "./theme.ts";

export type { Swatch } from "./_svg.ts";

/** Labels and size shared by every chart. */
export interface ChartOptions {
  /** Title above the chart. */
  readonly title?: string;
  /** Smaller line under the title (e.g. the dataset and a key number). */
  readonly subtitle?: string;
  /** Note under the chart (e.g. the source or how it was computed). */
  readonly caption?: string;
  /** x-axis label, with its unit. */
  readonly xLabel?: string;
  /** y-axis label, with its unit. */
  readonly yLabel?: string;
  /** Width in px (default theme.width). */
  readonly width?: number;
  /** Height of the plotting area in px (default theme.height). */
  readonly height?: number;
}

/** One named series of points. */
export interface Series {
  /** Legend label. */
  readonly name: string;
  /** x values (numbers, or Dates for a time axis). */
  readonly x: ArrayLike<number> | readonly Date[];
  /** y values, same length as x. */
  readonly y: ArrayLike<number>;
}

type Row = Record<string, unknown>;

// ---------------------------------------------------------------- shared rendering

/** Extra layout for {@linkcode plotFigure}. */
export interface FigureHeader {
  /** Title above the chart. */
  readonly title?: string;
  /** Line under the title. */
  readonly subtitle?: string;
  /** Note under the chart. */
  readonly caption?: string;
  /** Legend entries drawn above the chart. */
  readonly legend?: readonly Swatch[];
  /** A continuous colour legend (a ramp) drawn above the chart. */
  readonly colorRamp?: ColorRamp;
}

/**
 * Renders any Observable Plot specification in the theme and returns a {@linkcode Figure}. Plot's
 * own title/subtitle/caption/legend options are not used (they make Plot return HTML): pass them
 * in `header` instead.
 *
 * @example
 * ```ts
 * import * as Plot from "@observablehq/plot";
 * import { plotFigure } from "./charts.ts";
 * const fig = plotFigure(
 *   { marks: [Plot.dot([{ a: 1, b: 2 }, { a: 2, b: 3 }], { x: "a", y: "b" })], x: { label: "a (units)" } },
 *   { title: "Two points" },
 * );
 * if (!fig.svg.includes("Two points")) throw new Error("titled");
 * ```
 */
export function plotFigure(spec: Plot.PlotOptions, header: FigureHeader = {}): Figure {
  const document = plotDocument();
  const options = {
    width: theme.width,
    height: theme.height,
    ...spec,
    document,
    figure: false,
    title: undefined,
    subtitle: undefined,
    caption: undefined,
    style: { fontFamily: undefined, fontSize: `${theme.fontSize}px`, background: "transparent" },
  } as Plot.PlotOptions;
  const element = Plot.plot(options) as unknown as DomElement;
  const plot = fragmentOf(element);
  const ramp = header.colorRamp === undefined ? undefined : rampFragment(header.colorRamp);
  const composed = compose(
    plot,
    {
      title: header.title,
      subtitle: header.subtitle,
      caption: header.caption,
      swatches: header.legend,
      ramp,
    } satisfies Header,
  );
  return new Figure(composed.svg, {
    title: header.title,
    width: composed.width,
    height: composed.height,
  });
}

/** A continuous colour legend: label, domain and d3 colour scheme. */
export interface ColorRamp {
  /** Legend label, with its unit. */
  readonly label: string;
  /** [min, max] of the colour scale. */
  readonly domain: readonly [number, number];
  /** d3-scale-chromatic scheme name, e.g. "blues", "viridis". */
  readonly scheme: string;
}

/** About `count` round tick values covering [lo, hi] (1, 2, 5 × 10^k steps). */
function niceTicks(lo: number, hi: number, count: number): number[] {
  const span = hi - lo;
  if (!(span > 0)) return [lo];
  const raw = span / count;
  const power = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => span / s <= count) ?? 10 * power;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step - 1e-9) * step; t <= hi + step * 1e-9; t += step) {
    ticks.push(Math.round(t / step) * step);
  }
  return ticks;
}

function formatTick(t: number): string {
  const s = Math.abs(t) >= 1e4 ? t.toExponential(1) : String(Number(t.toPrecision(6)));
  return s;
}

/** A colour ramp drawn as 64 thin rectangles (no canvas, no gradient ids to collide inline). */
function rampFragment(ramp: ColorRamp): Fragment {
  const [lo, hi] = ramp.domain;
  const scale = Plot.scale({
    color: { type: "linear", domain: [lo, hi], scheme: ramp.scheme as Plot.ColorScheme },
  });
  const width = 260;
  const top = ramp.label === "" ? 0 : 16;
  const steps = 64;
  const parts: string[] = [];
  if (ramp.label !== "") {
    parts.push(`<text x="0" y="11" font-weight="500">${escapeXml(ramp.label)}</text>`);
  }
  for (let k = 0; k < steps; k++) {
    const color = String(scale.apply(lo + ((k + 0.5) / steps) * (hi - lo)));
    parts.push(
      `<rect x="${(k * width / steps).toFixed(2)}" y="${top}" width="${
        (width / steps + 0.3).toFixed(2)
      }" height="10" fill="${color}"/>`,
    );
  }
  for (const t of niceTicks(lo, hi, 5)) {
    const x = ((t - lo) / (hi - lo || 1)) * width;
    parts.push(
      `<line x1="${x.toFixed(2)}" x2="${x.toFixed(2)}" y1="${top}" y2="${
        top + 13
      }" stroke="currentColor"/>`,
    );
    parts.push(
      `<text x="${x.toFixed(2)}" y="${top + 24}" text-anchor="middle">${formatTick(t)}</text>`,
    );
  }
  return { width, height: top + 28, body: `<g fill="currentColor">${parts.join("")}</g>` };
}

function headerOf(options: ChartOptions, extra: Partial<FigureHeader> = {}): FigureHeader {
  return { title: options.title, subtitle: options.subtitle, caption: options.caption, ...extra };
}

function size(options: ChartOptions, width = theme.width, height = theme.height) {
  const w = options.width ?? width;
  const h = options.height ?? height;
  if (!(w >= 100 && h >= 80)) throw new Error(`chart size ${w}×${h} px is too small (min 100×80)`);
  return { width: w, height: h };
}

function checkLength(what: string, a: { length: number }, b: { length: number }, chart: string) {
  if (a.length !== b.length) {
    throw new Error(`${chart}: ${what} have different lengths (${a.length} and ${b.length})`);
  }
}

/** d3 tick format for a log axis: SI prefixes for large numbers, else the shortest form. */
function logFormat(max: number): string {
  return Math.abs(max) >= 1e4 ? "~s" : "~g";
}

/** d3 tick format for an axis: SI prefixes once numbers get long. */
function countFormat(max: number): string | undefined {
  return Math.abs(max) >= 1e4 ? "~s" : undefined;
}

function finiteMax(values: Iterable<number>): number {
  let m = -Infinity;
  for (const v of values) if (Number.isFinite(v) && v > m) m = v;
  return m;
}

/**
 * Left margin that fits the y tick labels Plot will draw for values spanning `values`, given the
 * axis type and tick format ("~s" SI prefixes, "~g" shortest, "%" percent, or Plot's default).
 */
function yMargin(values: Iterable<number>, log: boolean, format: string | undefined): number {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v) || (log && v <= 0)) continue;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (!(lo <= hi)) return 40;
  let ticks: number[];
  if (log) {
    ticks = [];
    for (let k = Math.floor(Math.log10(lo)); k <= Math.ceil(Math.log10(hi)); k++) {
      for (const m of [1, 2, 5]) ticks.push(m * Math.pow(10, k));
    }
  } else ticks = niceTicks(Math.min(lo, 0), hi, 10).concat(niceTicks(lo, hi, 10));
  let chars = 0;
  for (const t of ticks) {
    let label: string;
    if (format === "~s") label = "0.00k";
    else if (format === "%") label = "100%";
    else if (format === "~g") label = String(Number(t.toPrecision(6)));
    else label = t.toLocaleString("en-US");
    chars = Math.max(chars, label.length);
  }
  return Math.max(40, Math.ceil(chars * theme.fontSize * 0.62 + 14));
}

/** Left margin that fits the longest of `labels` at the tick font size. */
function labelMargin(labels: readonly string[], min = 40): number {
  let longest = 0;
  for (const l of labels) longest = Math.max(longest, textWidth(l, theme.fontSize));
  return Math.max(min, Math.ceil(longest + 14));
}

// ---------------------------------------------------------------- histogram

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
 * import { histogram } from "./charts.ts";
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

// ---------------------------------------------------------------- bars

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

/**
 * A bar (or dot) chart of one value per label, with optional interval whiskers.
 *
 * @example
 * ```ts
 * import { bars } from "./charts.ts";
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
  const order = rows.map((r) => r.label as string);
  const horizontal = options.horizontal ?? order.length > 12;
  const hasIntervals = rows.some((r) => r.lo !== undefined && r.hi !== undefined);
  const intervals = rows.filter((r) => r.lo !== undefined && r.hi !== undefined);
  const vMax = finiteMax(
    rows.map((r) => Math.max(r.value as number, (r.hi as number) ?? -Infinity)),
  );
  let base = 0;
  if (options.logValue) base = Math.min(...rows.map((r) => r.value as number)) / 2;
  const mark = options.mark ?? "bar";
  const valueScale = {
    type: options.logValue ? "log" : "linear",
    grid: true,
    tickFormat: options.logValue ? logFormat(vMax) : countFormat(vMax),
    zero: mark === "bar" && !options.logValue,
  } as const;
  const sz = size(
    options,
    theme.width,
    horizontal ? Math.max(160, 22 * order.length + 50) : theme.height,
  );
  const longLabels = order.some((l) => l.length > 6);
  if (horizontal) {
    return plotFigure({
      ...sz,
      marginLeft: labelMargin(order),
      y: { domain: order, label: options.yLabel ?? null },
      x: { ...valueScale, label: options.xLabel ?? null },
      marks: [
        mark === "bar"
          ? Plot.barX(rows, { y: "label", x1: () => base, x2: "value", fill: theme.palette[0] })
          : null,
        hasIntervals
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
  return plotFigure({
    ...sz,
    marginLeft: yMargin(
      rows.flatMap((r) => [r.value as number, (r.hi as number) ?? NaN, base]),
      !!options.logValue,
      valueScale.tickFormat,
    ),
    marginBottom: longLabels ? labelMargin(order, 30) : undefined,
    x: { domain: order, label: options.xLabel ?? null, tickRotate: longLabels ? -45 : 0 },
    y: { ...valueScale, label: options.yLabel ?? null },
    marks: [
      mark === "bar"
        ? Plot.barY(rows, { x: "label", y1: () => base, y2: "value", fill: theme.palette[0] })
        : null,
      hasIntervals
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

// ---------------------------------------------------------------- lines

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

function seriesRows(series: readonly Series[], logX: boolean, logY: boolean, chart: string): Row[] {
  const rows: Row[] = [];
  for (const s of series) {
    checkLength(`x and y of series "${s.name}"`, s.x, s.y, chart);
    for (let i = 0; i < s.y.length; i++) {
      const x = s.x[i]!;
      const y = s.y[i]!;
      const xNumber = x instanceof Date ? x.getTime() : x;
      const ok = Number.isFinite(xNumber) && Number.isFinite(y) && (!logX || xNumber > 0) &&
        (!logY || y > 0);
      // an undefined point breaks the line instead of being joined over
      rows.push({ series: s.name, x, y: ok ? y : NaN, ok });
    }
  }
  if (!rows.some((r) => r.ok)) throw new Error(`${chart}: no finite points to plot`);
  return rows;
}

/**
 * Lines for one or more series (e.g. RMSE per epoch, train vs test), with a legend when there is
 * more than one. Non-finite points leave gaps.
 *
 * @example
 * ```ts
 * import { line } from "./charts.ts";
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

// ---------------------------------------------------------------- log-log scatter

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
 * import { logLogScatter } from "./charts.ts";
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

// ---------------------------------------------------------------- heatmap

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

/**
 * A heatmap of a labelled matrix (e.g. genre co-occurrence P(B|A), a K × λ validation grid).
 *
 * @example
 * ```ts
 * import { heatmap } from "./charts.ts";
 * const fig = heatmap({ values: [1, 0.5, 0.25, 1], rows: ["A", "B"], cols: ["A", "B"] }, {
 *   title: "P(column | row)", colorLabel: "probability",
 * });
 * if (!fig.svg.includes("0.25")) throw new Error("values written");
 * ```
 */
export function heatmap(matrix: LabelledMatrix, options: HeatmapOptions = {}): Figure {
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
  const domain = options.domain ?? [lo, hi > lo ? hi : lo + 1];
  const digits = options.digits ?? 2;
  const showValues = options.showValues ?? values.length <= 400;
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
  const mid = domain[0] + 0.6 * (domain[1] - domain[0]);
  return plotFigure(
    {
      ...sz,
      marginLeft,
      marginBottom,
      marginTop: 10,
      marginRight: 20,
      x: {
        domain: colLabels,
        label: options.xLabel ?? null,
        tickRotate: rotate ? -45 : 0,
        axis: "bottom",
      },
      y: { domain: rowLabels, label: options.yLabel ?? null },
      color: {
        type: "linear",
        scheme: (options.scheme ?? theme.sequential) as Plot.ColorScheme,
        domain: [...domain],
        label: options.colorLabel,
      },
      marks: [
        Plot.cell(cells, { x: "col", y: "row", fill: "value", inset: 0.5 }),
        showValues
          ? Plot.text(cells, {
            x: "col",
            y: "row",
            text: (d: Row) => (d.value as number).toFixed(digits),
            fill: (d: Row) => ((d.value as number) > mid ? "white" : theme.ink),
            fontSize: Math.min(11, cell / 3.2),
          })
          : null,
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

// ---------------------------------------------------------------- scatter

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

/**
 * A scatter plot, optionally coloured by category and with a few points labelled (e.g. movie
 * embeddings in 2-D, popularity vs mean rating with log x).
 *
 * @example
 * ```ts
 * import { scatter } from "./charts.ts";
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
  const maxPoints = options.maxPoints ?? 20000;
  let shown = keep;
  let caption = options.caption;
  if (keep.length > maxPoints) {
    const isLabelled = (i: number) => (options.labels?.[i] ?? "") !== "";
    const labelled = keep.filter(isLabelled);
    const others = keep.filter((i) => !isLabelled(i));
    const pick = sampleIndices(
      new Rng(options.seed ?? 0),
      others.length,
      Math.max(0, maxPoints - labelled.length),
    );
    shown = [...Array.from(pick, (k) => others[k]!), ...labelled].sort((a, b) => a - b);
    const note = `Showing a random sample of ${shown.length.toLocaleString("en-US")} of ${
      keep.length.toLocaleString("en-US")
    } points.`;
    caption = caption === undefined ? note : `${caption} ${note}`;
  }
  const groups: string[] = [];
  if (options.group !== undefined) {
    const seen = new Set<string>();
    for (const i of keep) {
      const g = options.group[i]!;
      if (!seen.has(g)) {
        seen.add(g);
        groups.push(g);
      }
    }
  }
  const colors = groups.map((_, i) => categoryColor(i));
  const rows = shown.map((i) => ({
    x: x[i]!,
    y: y[i]!,
    group: options.group?.[i],
    label: options.labels?.[i] ?? "",
  }));
  const labelled = rows.filter((r) => r.label !== "");
  const yMaxScatter = finiteMax(rows.map((r) => r.y));
  const yFormat = options.logY ? logFormat(yMaxScatter) : countFormat(yMaxScatter);
  return plotFigure({
    ...size(options),
    marginLeft: yMargin(rows.map((r) => r.y), !!options.logY, yFormat),
    x: {
      type: options.logX ? "log" : "linear",
      label: options.xLabel ?? null,
      tickFormat: options.logX
        ? logFormat(finiteMax(rows.map((r) => r.x)))
        : countFormat(finiteMax(rows.map((r) => r.x))),
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
      labelled.length > 0
        ? Plot.dot(labelled, {
          x: "x",
          y: "y",
          r: (options.radius ?? 2.5) + 2,
          stroke: theme.ink,
          strokeWidth: 1.2,
        })
        : null,
      labelled.length > 0
        ? Plot.text(labelled, {
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
        })
        : null,
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

// ---------------------------------------------------------------- Lorenz

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
 * import { lorenz } from "./charts.ts";
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

// ---------------------------------------------------------------- spy

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

/**
 * A sparsity picture: one small square per non-empty cell, rows top to bottom, columns left to
 * right. Drawn as one SVG path per colour (not one element per cell), so it stays small.
 *
 * @example
 * ```ts
 * import { spy } from "./charts.ts";
 * const fig = spy({ rows: 2, cols: 3, cells: [5, 0, 3, 0, 0, 1] }, { title: "2 × 3" });
 * if (!fig.svg.includes("<path")) throw new Error("cells drawn");
 * ```
 */
export function spy(block: SpyBlock, options: SpyOptions = {}): Figure {
  const { rows, cols, cells } = block;
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 1 || cols < 1) {
    throw new Error(`spy: rows and cols must be positive integers, got ${rows} × ${cols}`);
  }
  if (cells.length !== rows * cols) {
    throw new Error(`spy: ${cells.length} cells for ${rows} × ${cols}`);
  }
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
  const byValue = options.byValue === true && filled > 0;
  const colorScale = byValue
    ? Plot.scale({
      color: { type: "linear", domain: [lo, hi > lo ? hi : lo + 1], scheme: "viridis" },
    })
    : undefined;
  const colorOf = (v: number) => (colorScale ? String(colorScale.apply(v)) : theme.palette[0]!);
  const sz = size(
    options,
    theme.width,
    Math.round(Math.min(theme.height, (theme.width - 70) * rows / cols) + 50),
  );
  const renderCells = (
    _index: number[],
    _scales: unknown,
    _values: unknown,
    dims: {
      width: number;
      height: number;
      marginLeft: number;
      marginRight: number;
      marginTop: number;
      marginBottom: number;
    },
    context: { document: DomDocument },
  ) => {
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
    const g = context.document.createElementNS("http://www.w3.org/2000/svg", "g");
    g.setAttribute("aria-label", "cells");
    for (const [color, segments] of paths) {
      const path = context.document.createElementNS("http://www.w3.org/2000/svg", "path");
      path.setAttribute("fill", color);
      path.setAttribute("d", segments.join(""));
      g.appendChild(path);
    }
    return g;
  };
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
        renderCells as unknown as Plot.Markish,
      ],
    },
    headerOf(options, {
      subtitle: options.subtitle ??
        `${filled.toLocaleString("en-US")} of ${
          (rows * cols).toLocaleString("en-US")
        } cells rated (${(100 * density).toFixed(2)} %)`,
      colorRamp: colorScale
        ? {
          label: options.colorLabel ?? "rating (stars)",
          domain: [lo, hi > lo ? hi : lo + 1],
          scheme: "viridis",
        }
        : undefined,
    }),
  );
}
