/**
 * What every chart shares: the common labels and size ({@linkcode ChartOptions}), a named series
 * ({@linkcode Series}) and {@linkcode plotFigure}, which renders any Observable Plot specification
 * on the server (linkedom) into a {@linkcode Figure} in the common {@linkcode theme}, with our own
 * title, legend, colour ramp and caption drawn in SVG.
 *
 * @example
 * ```ts
 * import * as Plot from "../deps/plot.ts";
 * import { plotFigure } from "./render.ts";
 * const fig = plotFigure({ marks: [Plot.dot([{ a: 1, b: 2 }], { x: "a", y: "b" })] }, {
 *   title: "One point", colorRamp: { label: "value (units)", domain: [0, 10], scheme: "blues" },
 * });
 * if (!fig.svg.includes("value (units)")) throw new Error("the ramp is labelled");
 * ```
 *
 * @module
 */

import * as Plot from "../deps/plot.ts";
import {
  compose,
  type DomElement,
  type Fragment,
  fragmentOf,
  type Header,
  plotDocument,
  type Swatch,
} from "./_svg.ts";
import { niceTicks } from "./_layout.ts";
import { Figure } from "./figure.ts";
import { theme } from "./theme.ts";
import { escapeXml } from "./xml.ts";

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
 * import * as Plot from "../deps/plot.ts";
 * import { plotFigure } from "./render.ts";
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
