/**
 * hyparquet (reading Parquet back in tests) and hyparquet-writer (the Spark export).
 *
 * Every npm package the library uses is pinned here, in lib/deps/ (one module per package
 * family, `npm:` specifiers with exact versions), so `import … from "<checkout>/lib/mod.ts"`
 * works from any Deno project, without this repository's deno.json.
 *
 * @example
 * ```ts
 * import { parquetReadObjects, parquetWriteBuffer } from "./hyparquet.ts";
 * const buf = parquetWriteBuffer({ columnData: [{ name: "x", data: [1, 2], type: "INT32" }] });
 * const rows = await parquetReadObjects({ file: buf });
 * if (rows.length !== 2) throw new Error("two rows back");
 * ```
 *
 * @module
 */
export { parquetReadObjects } from "npm:hyparquet@1.31.5";
export { parquetWriteBuffer } from "npm:hyparquet-writer@0.17.0";
