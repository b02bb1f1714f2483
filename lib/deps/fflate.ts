/**
 * fflate: inflate for the zip reader, zipSync/strToU8 for tests.
 *
 * Every npm package the library uses is pinned here, in lib/deps/ (one module per package
 * family, `npm:` specifiers with exact versions), so `import … from "<checkout>/lib/mod.ts"`
 * works from any Deno project, without this repository's deno.json.
 *
 * @example
 * ```ts
 * import { strToU8, zipSync } from "./fflate.ts";
 * if (zipSync({ "a.txt": strToU8("hi") }).length < 20) throw new Error("a zip");
 * ```
 *
 * @module
 */
export { Inflate, strToU8, zipSync } from "npm:fflate@0.8.3";
export type { Zippable } from "npm:fflate@0.8.3";
