/**
 * Where figures go: `figures/<notebook>/` under the repository root, resolved from this module's
 * location (not from the working directory), so notebooks and tests agree wherever they run.
 *
 * @example
 * ```ts
 * import { figuresDir } from "./paths.ts";
 * if (!figuresDir("01_eda").endsWith("/figures/01_eda")) throw new Error("figures/<notebook>");
 * ```
 *
 * @module
 */

import { join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The repository root (two levels above lib/plot/).
 *
 * @example
 * ```ts
 * import { repoRoot } from "./paths.ts";
 * Deno.statSync(`${repoRoot()}/deno.json`);
 * ```
 */
export function repoRoot(): string {
  return fileURLToPath(new URL("../../", import.meta.url)).replace(/\/$/, "");
}

/**
 * The figure folder of a notebook, `<repo>/figures/<notebook>`; not created until a figure is
 * saved. `notebook` is a plain name such as "01_eda" (letters, digits, `_`, `-`, `.`; no slashes).
 *
 * @example
 * ```ts
 * import { figuresDir, repoRoot } from "./paths.ts";
 * if (figuresDir("02_baselines") !== `${repoRoot()}/figures/02_baselines`) throw new Error("path");
 * ```
 */
export function figuresDir(notebook: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(notebook)) {
    throw new Error(
      `figuresDir: notebook name must be letters, digits, "_", "-" or "." (no slashes), got "${notebook}"`,
    );
  }
  return join(repoRoot(), "figures", notebook);
}
