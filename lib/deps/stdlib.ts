/**
 * The stdlib.io distributions and tests lib/stats and lib/experiments use (one function each).
 *
 * Every npm package the library uses is pinned here, in lib/deps/ (one module per package
 * family, `npm:` specifiers with exact versions), so `import … from "<checkout>/lib/mod.ts"`
 * works from any Deno project, without this repository's deno.json.
 *
 * @example
 * ```ts
 * import { normalCdf, tQuantile } from "./stdlib.ts";
 * if (Math.abs(normalCdf(1.96, 0, 1) - 0.975) > 1e-3 || !(tQuantile(0.975, 10) > 2.2)) throw new Error("quantiles");
 * ```
 *
 * @module
 */
export { default as erfc } from "npm:@stdlib/math-base-special-erfc@0.2.5";
export { default as normalCdf } from "npm:@stdlib/stats-base-dists-normal-cdf@0.3.1";
export { default as normalQuantile } from "npm:@stdlib/stats-base-dists-normal-quantile@0.3.1";
export { default as tCdf } from "npm:@stdlib/stats-base-dists-t-cdf@0.2.3";
export { default as tQuantile } from "npm:@stdlib/stats-base-dists-t-quantile@0.2.3";
export { default as chi2test } from "npm:@stdlib/stats-chi2test@0.1.0";
export { default as kruskalTest } from "npm:@stdlib/stats-kruskal-test@0.2.3";
export { default as ttest2 } from "npm:@stdlib/stats-ttest2@0.2.3";
