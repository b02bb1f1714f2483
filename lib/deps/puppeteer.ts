/**
 * puppeteer-core, driving Debian's chromium in the page's browser test.
 *
 * Every npm package the library uses is pinned here, in lib/deps/ (one module per package
 * family, `npm:` specifiers with exact versions), so `import … from "<checkout>/lib/mod.ts"`
 * works from any Deno project, without this repository's deno.json.
 *
 * @example
 * ```ts
 * import { puppeteer } from "./puppeteer.ts";
 * if (typeof puppeteer.launch !== "function") throw new Error("puppeteer.launch");
 * ```
 *
 * @module
 */
export { default as puppeteer } from "npm:puppeteer-core@25.16.0";
export type { Browser, Page } from "npm:puppeteer-core@25.16.0";
