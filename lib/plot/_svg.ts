/**
 * Private helpers: a server-side DOM for Plot (linkedom), turning a rendered Plot `<svg>` into a
 * fragment, and composing fragments, title, legend and caption into one standalone SVG document.
 *
 * Plot is always rendered without its own title, legend or caption (those would make it return an
 * HTML `<figure>`); we draw them in SVG so the result is a single image that renders the same in
 * Jupyter, in a browser and through resvg.
 *
 * @module
 */

import { parseHTML } from "../deps/linkedom.ts";
import { theme } from "./theme.ts";
import { escapeXml } from "./xml.ts";

/** The few DOM element features used here (the project compiles without the DOM library). */
export interface DomElement {
  readonly tagName: string;
  readonly innerHTML: string;
  readonly outerHTML: string;
  getAttribute(name: string): string | null;
  hasAttribute(name: string): boolean;
  setAttribute(name: string, value: string): void;
  appendChild(child: DomElement): unknown;
  querySelectorAll(selector: string): ArrayLike<DomElement>;
  remove(): void;
}

/** The few DOM document features used here. */
export interface DomDocument {
  createElementNS(namespace: string, name: string): DomElement;
}

let sharedDocument: DomDocument | undefined;

/** A linkedom document for Plot's `document` option (created once). */
export function plotDocument(): DomDocument {
  if (sharedDocument === undefined) {
    const window = parseHTML(
      "<!DOCTYPE html><html><head></head><body></body></html>",
    ) as unknown as {
      document: DomDocument;
    };
    sharedDocument = window.document;
  }
  return sharedDocument;
}

/** An SVG fragment with its size; its origin is its top-left corner. */
export interface Fragment {
  readonly width: number;
  readonly height: number;
  readonly body: string;
}

const CARRIED_ATTRIBUTES = ["fill", "text-anchor", "font-size", "font-variant"];

/** The content of a Plot `<svg>` (without its `<style>`), wrapped in a `<g>` carrying its styles. */
export function fragmentOf(svg: DomElement): Fragment {
  if (svg.tagName.toLowerCase() !== "svg") {
    throw new Error(`expected Plot to return an <svg>, got <${svg.tagName.toLowerCase()}>`);
  }
  const width = Number(svg.getAttribute("width"));
  const height = Number(svg.getAttribute("height"));
  if (!(width > 0 && height > 0)) {
    throw new Error(`Plot returned an <svg> without a size (width=${width}, height=${height})`);
  }
  for (const style of Array.from(svg.querySelectorAll("style"))) style.remove();
  const attributes = CARRIED_ATTRIBUTES
    .filter((name) => svg.hasAttribute(name) && name !== "font-size")
    .map((name) => ` ${name}="${escapeXml(svg.getAttribute(name)!)}"`)
    .join("");
  const body = `<g${attributes} font-size="${theme.fontSize}">${svg.innerHTML}</g>`;
  return { width, height, body };
}

/** A legend entry drawn by us. */
export interface Swatch {
  readonly label: string;
  readonly color: string;
  /** "square" for areas and bars, "line" for lines, "dot" for points, "dash" for reference lines. */
  readonly kind: "square" | "line" | "dot" | "dash";
}

/** Title, subtitle, legend and caption of a figure. */
export interface Header {
  readonly title?: string;
  readonly subtitle?: string;
  readonly caption?: string;
  readonly swatches?: readonly Swatch[];
  /** A colour ramp (Plot legend) shown under the subtitle. */
  readonly ramp?: Fragment;
}

/** Markup parts laid out from the top, and the height `y` reached below them. */
interface Placed {
  readonly parts: string[];
  readonly y: number;
}

/** Approximate rendered width of `text` at `size` px in a sans-serif font. */
export function textWidth(text: string, size: number): number {
  return text.length * size * 0.58;
}

/** Greedy word wrap of `text` to lines no wider than `width` at `size` px. */
function wrap(text: string, size: number, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter((w) => w.length > 0)) {
    const candidate = line === "" ? word : `${line} ${word}`;
    if (line !== "" && textWidth(candidate, size) > width) {
      lines.push(line);
      line = word;
    } else line = candidate;
  }
  if (line !== "") lines.push(line);
  return lines;
}

function swatchMark(s: Swatch, x: number, y: number): string {
  const c = escapeXml(s.color);
  switch (s.kind) {
    case "square":
      return `<rect x="${x}" y="${y - 5}" width="10" height="10" fill="${c}"/>`;
    case "dot":
      return `<circle cx="${x + 5}" cy="${y}" r="4" fill="${c}"/>`;
    case "line":
      return `<line x1="${x - 2}" x2="${
        x + 14
      }" y1="${y}" y2="${y}" stroke="${c}" stroke-width="2.5"/>`;
    case "dash":
      return `<line x1="${x - 2}" x2="${
        x + 14
      }" y1="${y}" y2="${y}" stroke="${c}" stroke-width="2" stroke-dasharray="4,3"/>`;
  }
}

/** The title and subtitle lines, each wrapped to `textWidthMax`, starting at height `y`. */
function headingParts(header: Header, textWidthMax: number, y: number): Placed {
  const parts: string[] = [];
  const pad = theme.padding;
  if (header.title !== undefined && header.title !== "") {
    for (const line of wrap(header.title, theme.titleSize, textWidthMax)) {
      y += theme.titleSize * 1.25;
      parts.push(
        `<text x="${pad}" y="${
          y - 4
        }" font-size="${theme.titleSize}" font-weight="600" fill="${theme.ink}">${
          escapeXml(line)
        }</text>`,
      );
    }
  }
  if (header.subtitle !== undefined && header.subtitle !== "") {
    for (const line of wrap(header.subtitle, theme.subtitleSize, textWidthMax)) {
      y += theme.subtitleSize * 1.4;
      parts.push(
        `<text x="${pad}" y="${y - 4}" font-size="${theme.subtitleSize}" fill="${theme.muted}">${
          escapeXml(line)
        }</text>`,
      );
    }
  }
  return { parts, y };
}

/** The legend entries in rows no wider than `width`, starting at height `y`. */
function legendParts(swatches: readonly Swatch[], width: number, y: number): Placed {
  const parts: string[] = [];
  if (swatches.length === 0) return { parts, y };
  const pad = theme.padding;
  y += 6;
  let x = pad;
  let rowY = y + theme.fontSize * 0.8;
  for (const s of swatches) {
    const w = 18 + textWidth(s.label, theme.fontSize) + 14;
    if (x > pad && x + w > width - pad) {
      x = pad;
      rowY += theme.fontSize * 1.7;
    }
    parts.push(swatchMark(s, x, rowY));
    parts.push(
      `<text x="${
        x + 18
      }" y="${rowY}" dy="0.35em" font-size="${theme.fontSize}" fill="${theme.ink}">${
        escapeXml(s.label)
      }</text>`,
    );
    x += w;
  }
  return { parts, y: rowY + theme.fontSize };
}

/** The caption lines under the plot, wrapped to `textWidthMax`, starting at height `y`. */
function captionParts(caption: string | undefined, textWidthMax: number, y: number): Placed {
  const parts: string[] = [];
  if (caption === undefined || caption === "") return { parts, y };
  y += 4;
  for (const line of wrap(caption, theme.fontSize, textWidthMax)) {
    y += theme.fontSize * 1.4;
    parts.push(
      `<text x="${theme.padding}" y="${
        y - 3
      }" font-size="${theme.fontSize}" fill="${theme.muted}">${escapeXml(line)}</text>`,
    );
  }
  return { parts, y };
}

/** Composes the header, the plot fragment and the caption into a standalone SVG document. */
export function compose(
  plot: Fragment,
  header: Header,
): { svg: string; width: number; height: number } {
  const width = Math.max(plot.width, header.ramp?.width ?? 0);
  const pad = theme.padding;
  const textWidthMax = width - 2 * pad;
  const heading = headingParts(header, textWidthMax, pad);
  const legend = legendParts(header.swatches ?? [], width, heading.y);
  const parts = [...heading.parts, ...legend.parts];
  let y = legend.y;
  if (header.ramp !== undefined) {
    y += 4;
    parts.push(`<g transform="translate(${pad},${y})">${header.ramp.body}</g>`);
    y += header.ramp.height;
  }
  if (parts.length > 0) y += 6;
  parts.push(`<g transform="translate(0,${y})">${plot.body}</g>`);
  const caption = captionParts(header.caption, textWidthMax, y + plot.height);
  parts.push(...caption.parts);
  const height = Math.ceil(caption.y + pad / 2);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
    `viewBox="0 0 ${width} ${height}" font-family="${escapeXml(theme.fontFamily)}" ` +
    `font-size="${theme.fontSize}" color="${theme.ink}" text-anchor="start">` +
    `<rect width="${width}" height="${height}" fill="${theme.background}"/>` +
    parts.join("") + `</svg>`;
  return { svg, width, height };
}
