/**
 * Private helpers of the chart files: the shared header, size and length checks, tick formats and
 * the margins that fit tick labels, and the rows of named series.
 *
 * @module
 */

import type { ChartOptions, FigureHeader, Series } from "./render.ts";
import { textWidth } from "./_svg.ts";
import { theme } from "./theme.ts";

/** One datum handed to a Plot mark. */
export type Row = Record<string, unknown>;

/** About `count` round tick values covering [lo, hi] (1, 2, 5 × 10^k steps). */
export function niceTicks(lo: number, hi: number, count: number): number[] {
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

/** The chart's title, subtitle and caption, plus `extra` (legend, colour ramp). */
export function headerOf(options: ChartOptions, extra: Partial<FigureHeader> = {}): FigureHeader {
  return { title: options.title, subtitle: options.subtitle, caption: options.caption, ...extra };
}

/** The chart's size (or the given defaults); throws below 100 × 80 px. */
export function size(options: ChartOptions, width = theme.width, height = theme.height) {
  const w = options.width ?? width;
  const h = options.height ?? height;
  if (!(w >= 100 && h >= 80)) throw new Error(`chart size ${w}×${h} px is too small (min 100×80)`);
  return { width: w, height: h };
}

/** Throws an Error naming `chart` and `what` when `a` and `b` differ in length. */
export function checkLength(
  what: string,
  a: { length: number },
  b: { length: number },
  chart: string,
) {
  if (a.length !== b.length) {
    throw new Error(`${chart}: ${what} have different lengths (${a.length} and ${b.length})`);
  }
}

/** d3 tick format for a log axis: SI prefixes for large numbers, else the shortest form. */
export function logFormat(max: number): string {
  return Math.abs(max) >= 1e4 ? "~s" : "~g";
}

/** d3 tick format for an axis: SI prefixes once numbers get long. */
export function countFormat(max: number): string | undefined {
  return Math.abs(max) >= 1e4 ? "~s" : undefined;
}

/** The largest finite value (-Infinity when there is none). */
export function finiteMax(values: Iterable<number>): number {
  let m = -Infinity;
  for (const v of values) if (Number.isFinite(v) && v > m) m = v;
  return m;
}

/**
 * Left margin that fits the y tick labels Plot will draw for values spanning `values`, given the
 * axis type and tick format ("~s" SI prefixes, "~g" shortest, "%" percent, or Plot's default).
 */
export function yMargin(
  values: Iterable<number>,
  log: boolean,
  format: string | undefined,
): number {
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
export function labelMargin(labels: readonly string[], min = 40): number {
  let longest = 0;
  for (const l of labels) longest = Math.max(longest, textWidth(l, theme.fontSize));
  return Math.max(min, Math.ceil(longest + 14));
}

/**
 * One row per point of every series (`series`, `x`, `y`, `ok`); a point that cannot be drawn
 * (non-finite, or <= 0 on a log axis) gets y = NaN so that Plot breaks the line there.
 */
export function seriesRows(
  series: readonly Series[],
  logX: boolean,
  logY: boolean,
  chart: string,
): Row[] {
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
