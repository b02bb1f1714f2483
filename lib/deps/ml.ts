/**
 * ml-matrix (the naive reference solve), ml-pca and umap-js (embeddings in 2-D).
 *
 * Every npm package the library uses is pinned here, in lib/deps/ (one module per package
 * family, `npm:` specifiers with exact versions), so `import … from "<checkout>/lib/mod.ts"`
 * works from any Deno project, without this repository's deno.json.
 *
 * @example
 * ```ts
 * import { Matrix, solve } from "./ml.ts";
 * const x = solve(new Matrix([[2, 0], [0, 4]]), Matrix.columnVector([2, 8]));
 * if (x.get(1, 0) !== 2) throw new Error("x = (1, 2)");
 * ```
 *
 * @module
 */
export { Matrix, solve } from "npm:ml-matrix@6.15.1";
export { PCA } from "npm:ml-pca@4.1.1";
export { UMAP } from "npm:umap-js@1.4.0";
