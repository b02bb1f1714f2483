/**
 * d3-dsv, kept only as the test oracle of the project's CSV reader.
 *
 * Every npm package the library uses is pinned here, in lib/deps/ (one module per package
 * family, `npm:` specifiers with exact versions), so `import … from "<checkout>/lib/mod.ts"`
 * works from any Deno project, without this repository's deno.json.
 *
 * @example
 * ```ts
 * import { csvParseRows } from "./d3_dsv.ts";
 * if (csvParseRows("a,\"b,c\"")[0]?.[1] !== "b,c") throw new Error("quoted field");
 * ```
 *
 * @module
 */
// @ts-types="npm:@types/d3-dsv@3.0.7"
export { csvParseRows } from "npm:d3-dsv@3.0.2";
