/**
 * The Deno Jupyter kernel's rich-display hook: an object with a method under
 * `Symbol.for("Jupyter.display")` is shown by the MIME bundle that method returns. Exported as a
 * typed `unique symbol` so TypeScript can call it.
 *
 * @example
 * ```ts
 * import { jupyterDisplay } from "./display.ts";
 * const badge = { [jupyterDisplay]: () => ({ "text/html": "<b>hi</b>", "text/plain": "hi" }) };
 * if (badge[jupyterDisplay]()["text/plain"] !== "hi") throw new Error("display");
 * ```
 *
 * @module
 */

/**
 * `Symbol.for("Jupyter.display")`, the key the Deno kernel looks for.
 *
 * @example
 * ```ts
 * import { jupyterDisplay } from "./display.ts";
 * if (jupyterDisplay !== Symbol.for("Jupyter.display")) throw new Error("same registered symbol");
 * ```
 */
export const jupyterDisplay: unique symbol = Symbol.for("Jupyter.display");
