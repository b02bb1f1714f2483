/**
 * Private test helper: parse an SVG document back with linkedom and check it is a well-formed,
 * self-contained figure (root element, namespace, size, no NaN/undefined/Infinity anywhere in
 * attributes).
 *
 * @module
 */

import { DOMParser } from "linkedom";
import type { DomElement } from "./_svg.ts";

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
