/**
 * linkedom: a DOM for Observable Plot outside the browser, and an XML parser for the SVG checks.
 *
 * Every npm package the library uses is pinned here, in lib/deps/ (one module per package
 * family, `npm:` specifiers with exact versions), so `import … from "<checkout>/lib/mod.ts"`
 * works from any Deno project, without this repository's deno.json.
 *
 * @example
 * ```ts
 * import { DOMParser } from "./linkedom.ts";
 * const doc = new DOMParser().parseFromString("<svg><g/></svg>", "image/svg+xml");
 * if (doc.querySelector("g") === null) throw new Error("parsed");
 * ```
 *
 * @module
 */
export { DOMParser, parseHTML } from "npm:linkedom@0.18.15";
