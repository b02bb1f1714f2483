/**
 * A tiny progress reporter for long loops (model fits, sweeps): in a terminal it redraws one text
 * bar on stderr; in a Jupyter notebook (the Deno kernel) it prints one line per step, which stays
 * readable in the saved notebook; elsewhere (tests, pipes) it is silent unless asked.
 *
 * @module
 */

/**
 * True inside the Deno Jupyter kernel (`deno jupyter`), where `Deno.jupyter` exists.
 *
 * @example
 * ```ts
 * import { inJupyter } from "./progress.ts";
 * console.log(inJupyter() ? "notebook" : "terminal or script");
 * ```
 */
export function inJupyter(): boolean {
  try {
    return typeof (Deno as unknown as { jupyter?: unknown }).jupyter === "object";
  } catch {
    return false; // outside the kernel the getter throws
  }
}

/** How a {@linkcode Progress} writes. */
export type ProgressMode = "bar" | "lines" | "silent";

/** Options of {@linkcode progress}. */
export interface ProgressOptions {
  /** Text before the counter, e.g. "ALS k=32". */
  label?: string;
  /**
   * "bar" (redrawn on stderr), "lines" (one line per step on stdout) or "silent". Default: "lines"
   * in Jupyter, "bar" when stderr is a terminal, else "silent".
   */
  mode?: ProgressMode;
  /** Width of the bar in characters (default 24). */
  width?: number;
}

/** A running progress report: call `step` after each unit of work and `done` at the end. */
export interface Progress {
  /** How it writes. */
  readonly mode: ProgressMode;
  /** Marks one more step done, with a short status such as "train 0.71 valid 0.86". */
  step(message?: string): void;
  /** Ends the report (the bar gets its final newline), with an optional closing message. */
  done(message?: string): void;
}

function defaultMode(): ProgressMode {
  if (inJupyter()) return "lines";
  try {
    return Deno.stderr.isTerminal() ? "bar" : "silent";
  } catch {
    return "silent";
  }
}

/**
 * Starts a progress report over `total` steps.
 *
 * @param total Number of steps expected (the bar's 100 %); more steps are allowed (early stopping
 *   makes fewer).
 * @param options `label`, `mode`, `width`.
 * @returns The reporter.
 *
 * @example
 * ```ts
 * import { progress } from "./progress.ts";
 * const p = progress(3, { label: "demo", mode: "silent" });
 * for (let i = 0; i < 3; i++) p.step(`item ${i}`);
 * p.done();
 * ```
 */
export function progress(total: number, options: ProgressOptions = {}): Progress {
  if (!Number.isInteger(total) || total < 0) {
    throw new RangeError(`progress: total must be a whole number ≥ 0, got ${total}`);
  }
  const mode = options.mode ?? defaultMode();
  const label = options.label ? `${options.label} ` : "";
  const width = options.width ?? 24;
  const started = performance.now();
  const encoder = new TextEncoder();
  let count = 0;
  let finished = false;
  const elapsed = () => ((performance.now() - started) / 1000).toFixed(1);
  const counter = () => `${String(count).padStart(String(total).length)}/${total}`;
  const write = (text: string) => Deno.stderr.writeSync(encoder.encode(text));
  return {
    mode,
    step(message = "") {
      count++;
      if (mode === "lines") {
        console.log(`${label}${counter()} ${message}`.trimEnd());
      } else if (mode === "bar") {
        const filled = total === 0 ? width : Math.min(width, Math.round((count / total) * width));
        const bar = "█".repeat(filled) + "░".repeat(width - filled);
        write(`\r\x1b[2K${label}${bar} ${counter()} ${message} (${elapsed()} s)`);
      }
    },
    done(message = "") {
      if (finished) return;
      finished = true;
      if (mode === "lines" && message) console.log(`${label}${message}`);
      if (mode === "bar") write(`${message ? ` ${message}` : ""}\n`);
    },
  };
}
