/**
 * autocannon, the HTTP load generator of the serve benchmark.
 *
 * Every npm package the library uses is pinned here, in lib/deps/ (one module per package
 * family, `npm:` specifiers with exact versions), so `import … from "<checkout>/lib/mod.ts"`
 * works from any Deno project, without this repository's deno.json.
 *
 * @example
 * ```ts
 * import { autocannon } from "./autocannon.ts";
 * if (typeof autocannon !== "function") throw new Error("autocannon()");
 * ```
 *
 * @module
 */
export { default as autocannon } from "npm:autocannon@9.0.0";
