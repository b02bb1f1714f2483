/**
 * Private test helpers of the chart tests: parse an SVG document back with linkedom and check it
 * is a well-formed, self-contained figure (root element, namespace, size, no
 * NaN/undefined/Infinity anywhere in attributes, rendered by resvg at its size), and find its marks
 * and texts.
 *
 * @module
 */

import { DOMParser } from "../deps/linkedom.ts";
import { assertEquals } from "../../tests/_assert.ts";
import type { DomElement } from "./_svg.ts";
import type { Figure } from "./figure.ts";

/** A parsed SVG document's root with the few query features the tests use. */
export interface ParsedSvg extends DomElement {
  readonly textContent: string | null;
  readonly attributes: ArrayLike<{ name: string; value: string }>;
  querySelector(selector: string): ParsedSvg | null;
  querySelectorAll(selector: string): ArrayLike<ParsedSvg>;
}

/** Parses `svg` as XML and checks the invariants every figure must satisfy; returns the root. */
export function parseSvg(svg: string): ParsedSvg {
  const doc = new DOMParser().parseFromString(svg, "image/svg+xml") as unknown as {
    documentElement: ParsedSvg | null;
  };
  const root = doc.documentElement;
  if (root === null || root.tagName.toLowerCase() !== "svg") {
    throw new Error(`expected an <svg> root element, got ${root?.tagName ?? "nothing"}`);
  }
  if (root.getAttribute("xmlns") !== "http://www.w3.org/2000/svg") {
    throw new Error("the root <svg> lacks the SVG namespace");
  }
  const all = [root, ...Array.from(root.querySelectorAll("*"))];
  for (const el of all) {
    for (const attr of Array.from(el.attributes)) {
      if (/NaN|undefined|Infinity|null/.test(attr.value)) {
        throw new Error(
          `<${el.tagName} ${attr.name}="${attr.value.slice(0, 80)}"> holds a non-number`,
        );
      }
    }
  }
  return root;
}

/** Parses the figure, checks its size attributes and that resvg (a strict XML parser) renders it. */
export async function wellFormed(fig: Figure): Promise<ParsedSvg> {
  const root = parseSvg(fig.svg);
  assertEquals(Number(root.getAttribute("width")), fig.width);
  assertEquals(Number(root.getAttribute("height")), fig.height);
  const png = await fig.toPng({ scale: 1 });
  // PNG IHDR: width and height, big-endian, at bytes 16..23
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  assertEquals([view.getUint32(16), view.getUint32(20)], [fig.width, fig.height]);
  return root;
}

/** The first `<g aria-label="label">` of a figure (Plot labels each mark's group). */
export function markGroup(root: ParsedSvg, label: string): ParsedSvg {
  const g = root.querySelector(`g[aria-label="${label}"]`);
  if (g === null) throw new Error(`no <g aria-label="${label}">`);
  return g;
}

/** The text content of every `<text>` of a figure, in document order. */
export function texts(root: ParsedSvg): string[] {
  return Array.from(root.querySelectorAll("text"), (t) => t.textContent ?? "");
}
