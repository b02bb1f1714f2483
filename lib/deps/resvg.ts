/**
 * resvg: SVG to PNG (loaded on demand by Figure.png).
 *
 * Every npm package the library uses is pinned here, in lib/deps/ (one module per package
 * family, `npm:` specifiers with exact versions), so `import … from "<checkout>/lib/mod.ts"`
 * works from any Deno project, without this repository's deno.json.
 *
 * @example
 * ```ts
 * import { Resvg } from "./resvg.ts";
 * const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>`;
 * if (new Resvg(svg).render().width !== 4) throw new Error("4 px wide");
 * ```
 *
 * @module
 */
export { Resvg } from "npm:@resvg/resvg-js@2.6.2";
