/**
 * Observable Plot, the chart grammar of lib/plot.
 *
 * Every npm package the library uses is pinned here, in lib/deps/ (one module per package
 * family, `npm:` specifiers with exact versions), so `import … from "<checkout>/lib/mod.ts"`
 * works from any Deno project, without this repository's deno.json.
 *
 * @example
 * ```ts
 * import * as Plot from "./plot.ts";
 * if (typeof Plot.plot !== "function") throw new Error("Plot.plot");
 * ```
 *
 * @module
 */
export * from "npm:@observablehq/plot@0.6.17";
