/**
 * A rendered figure: a standalone SVG document with its title and size. It displays inline in the
 * Deno Jupyter kernel and saves atomically as `<dir>/<name>.svg` (and optionally PNG via resvg).
 *
 * @example
 * ```ts
 * import { Figure } from "./figure.ts";
 * import { jupyterDisplay } from "./display.ts";
 * const fig = new Figure('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>', {
 *   title: "empty", width: 10, height: 10,
 * });
 * const bundle = fig[jupyterDisplay]();
 * if (!bundle["image/svg+xml"].startsWith("<svg")) throw new Error("displays as SVG");
 * ```
 *
 * @module
 */

import { join } from "node:path";
import { writeFileAtomicSync } from "../data/atomic.ts";
import { jupyterDisplay } from "./display.ts";
import { theme } from "./theme.ts";

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

function checkName(name: string, extension: string): void {
  if (name.toLowerCase().endsWith(extension)) {
    throw new Error(`figure name "${name}" should be given without the ${extension} extension`);
  }
  if (!NAME_PATTERN.test(name)) {
    throw new Error(
      `figure name must be letters, digits, "_", "-" or "." (no slashes), got "${name}"`,
    );
  }
}

/** Options of {@linkcode Figure.toPng}. */
export interface PngOptions {
  /** Pixels per SVG unit (default 2, for crisp images on high-density screens). */
  readonly scale?: number;
}

/**
 * An SVG figure.
 *
 * @example
 * ```ts
 * import { Figure } from "./figure.ts";
 * const fig = new Figure('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="3"/>', {
 *   width: 4, height: 3,
 * });
 * if (fig.toString() !== fig.svg) throw new Error("toString is the SVG");
 * ```
 */
export class Figure {
  /** The standalone SVG document. */
  readonly svg: string;
  /** The title ("" when none). */
  readonly title: string;
  /** Width in px. */
  readonly width: number;
  /** Height in px. */
  readonly height: number;

  /**
   * Wraps an SVG document string (charts build these; use them rather than calling this directly).
   *
   * @example
   * ```ts
   * import { Figure } from "./figure.ts";
   * new Figure('<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>', { width: 1, height: 1 });
   * ```
   */
  constructor(svg: string, options: { title?: string; width: number; height: number }) {
    if (!svg.startsWith("<svg")) throw new Error("Figure: the document must start with <svg");
    this.svg = svg;
    this.title = options.title ?? "";
    this.width = options.width;
    this.height = options.height;
  }

  /**
   * Writes `<dir>/<name>.svg` atomically (temporary file in `dir`, then rename), creating `dir` if
   * needed; returns the path. `name` has no extension and no slashes.
   *
   * @example
   * ```ts
   * import { Figure } from "./figure.ts";
   * const dir = Deno.makeTempDirSync();
   * const fig = new Figure('<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>', { width: 1, height: 1 });
   * const path = fig.save(dir, "dot");
   * if (Deno.readTextFileSync(path) !== fig.svg) throw new Error("saved");
   * Deno.removeSync(dir, { recursive: true });
   * ```
   */
  save(dir: string, name: string): string {
    checkName(name, ".svg");
    const path = join(dir, `${name}.svg`);
    writeFileAtomicSync(path, this.svg);
    return path;
  }

  /**
   * Renders the SVG to PNG bytes with resvg (npm @resvg/resvg-js, loaded on first use), with the
   * system fonts and DejaVu Sans as the fallback family.
   *
   * @example
   * ```ts
   * import { Figure } from "./figure.ts";
   * const fig = new Figure('<svg xmlns="http://www.w3.org/2000/svg" width="2" height="2"/>', { width: 2, height: 2 });
   * const png = await fig.toPng({ scale: 1 });
   * if (png[1] !== 0x50) throw new Error("PNG signature");
   * ```
   */
  async toPng(options: PngOptions = {}): Promise<Uint8Array> {
    const scale = options.scale ?? 2;
    if (!(scale > 0 && scale <= 16)) {
      throw new Error(`toPng: scale must be in (0, 16], got ${scale}`);
    }
    const { Resvg } = await import("../deps/resvg.ts");
    const resvg = new Resvg(this.svg, {
      fitTo: { mode: "zoom", value: scale },
      background: theme.background,
      font: {
        loadSystemFonts: true,
        defaultFontFamily: "DejaVu Sans",
        sansSerifFamily: "DejaVu Sans",
      },
    });
    return resvg.render().asPng();
  }

  /**
   * Writes `<dir>/<name>.png` atomically; returns the path.
   *
   * @example
   * ```ts
   * import { Figure } from "./figure.ts";
   * const dir = Deno.makeTempDirSync();
   * const fig = new Figure('<svg xmlns="http://www.w3.org/2000/svg" width="2" height="2"/>', { width: 2, height: 2 });
   * await fig.savePng(dir, "tiny");
   * Deno.removeSync(dir, { recursive: true });
   * ```
   */
  async savePng(dir: string, name: string, options: PngOptions = {}): Promise<string> {
    checkName(name, ".png");
    const path = join(dir, `${name}.png`);
    writeFileAtomicSync(path, await this.toPng(options));
    return path;
  }

  /** The SVG document. */
  toString(): string {
    return this.svg;
  }

  /** Jupyter (Deno kernel) rich display: the SVG, with the title as plain-text fallback. */
  [jupyterDisplay](): { "image/svg+xml": string; "text/plain": string } {
    return { "image/svg+xml": this.svg, "text/plain": this.#describe() };
  }

  /** How `console.log` shows a figure in a terminal. */
  [Symbol.for("Deno.customInspect")](): string {
    return this.#describe();
  }

  #describe(): string {
    const title = this.title === "" ? "" : ` "${this.title}"`;
    return `Figure${title} (${this.width}×${this.height} SVG, ${this.svg.length} bytes)`;
  }
}
