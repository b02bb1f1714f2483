/**
 * Figures and tables for the notebooks: chart helpers on Observable Plot rendered to standalone
 * SVG on the server (linkedom), shown inline in the Deno Jupyter kernel and saved atomically under
 * `figures/<notebook>/`.
 *
 * @example
 * ```ts
 * import { figuresDir, histogram } from "./mod.ts";
 * const fig = histogram([1, 2, 2, 3, 3, 3], { title: "Counts", xLabel: "value (units)" });
 * const dir = Deno.makeTempDirSync();
 * fig.save(dir, "counts");
 * Deno.removeSync(dir, { recursive: true });
 * if (!figuresDir("01_eda").endsWith("figures/01_eda")) throw new Error("convention");
 * ```
 *
 * @module
 */

export * from "./bars.ts";
export * from "./display.ts";
export * from "./figure.ts";
export * from "./heatmap.ts";
export * from "./histogram.ts";
export * from "./lines.ts";
export * from "./paths.ts";
export * from "./render.ts";
export * from "./scatter.ts";
export * from "./spy.ts";
export * from "./table.ts";
export * from "./theme.ts";
export * from "./xml.ts";
