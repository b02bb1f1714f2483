/**
 * The one visual theme of every figure in the practicals: fonts, sizes, colours and default
 * dimensions. Charts read it; notebooks normally never need to.
 *
 * Colours: the categorical palette is Observable's "observable10" (distinguishable, colour-blind
 * aware ordering); sequential data uses "blues", diverging data "rdbu", both from d3-scale-chromatic
 * through Plot.
 *
 * @example
 * ```ts
 * import { categoryColor, theme } from "./theme.ts";
 * if (theme.width !== 640 || categoryColor(0) !== theme.palette[0]) throw new Error("theme");
 * ```
 *
 * @module
 */

/** The figure theme. */
export interface Theme {
  /** CSS font stack for all text (ends in a generic family so every renderer finds a font). */
  readonly fontFamily: string;
  /** Tick and legend label size in px. */
  readonly fontSize: number;
  /** Title size in px. */
  readonly titleSize: number;
  /** Subtitle and caption size in px. */
  readonly subtitleSize: number;
  /** Default width of a figure in px. */
  readonly width: number;
  /** Default height of the plotting area (axes included, title and legend excluded) in px. */
  readonly height: number;
  /** Outer padding around title, legend and caption in px. */
  readonly padding: number;
  /** Text and axis colour. */
  readonly ink: string;
  /** Colour of subtitles, captions and secondary text. */
  readonly muted: string;
  /** Figure background. */
  readonly background: string;
  /** Categorical palette, in order of use. */
  readonly palette: readonly string[];
  /** Colour of reference lines (diagonals, fitted lines when a single series is drawn). */
  readonly reference: string;
  /** Sequential colour scheme name (d3-scale-chromatic, via Plot). */
  readonly sequential: string;
  /** Diverging colour scheme name. */
  readonly diverging: string;
}

/**
 * The theme used by every chart.
 *
 * @example
 * ```ts
 * import { theme } from "./theme.ts";
 * const pixels = theme.width * theme.height;
 * if (!(pixels > 0)) throw new Error("positive size");
 * ```
 */
export const theme: Theme = Object.freeze({
  fontFamily:
    "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, 'DejaVu Sans', sans-serif",
  fontSize: 11,
  titleSize: 16,
  subtitleSize: 12,
  width: 640,
  height: 400,
  padding: 12,
  ink: "#1f2328",
  muted: "#57606a",
  background: "#ffffff",
  palette: Object.freeze([
    "#4269d0",
    "#efb118",
    "#ff725c",
    "#6cc5b0",
    "#3ca951",
    "#ff8ab7",
    "#a463f2",
    "#97bbf5",
    "#9c6b4e",
    "#9498a0",
  ]),
  reference: "#d1242f",
  sequential: "blues",
  diverging: "rdbu",
});

/**
 * The palette colour for category `index` (cycling after the palette's length).
 *
 * @example
 * ```ts
 * import { categoryColor, theme } from "./theme.ts";
 * if (categoryColor(theme.palette.length) !== categoryColor(0)) throw new Error("cycles");
 * ```
 */
export function categoryColor(index: number): string {
  const n = theme.palette.length;
  return theme.palette[((index % n) + n) % n]!;
}
