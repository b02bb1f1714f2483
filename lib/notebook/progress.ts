/**
 * A tiny progress reporter for long loops (model fits, sweeps): in a terminal it redraws one text
 * bar on stderr; in a Jupyter notebook (the Deno kernel) it keeps one live output up to date (a
 * status line, a chart of the numbers per step, a table; see `live_progress.ts`), whose text form
 * stays readable in the saved notebook; elsewhere (tests, pipes) it is silent unless asked.
 *
 * @module
 */
import { type Reporter, setDefaultReporter } from "../models/reporter.ts";
import type { LiveBundle } from "./live_progress.ts";

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
export type ProgressMode = "live" | "bar" | "lines" | "silent";

/**
 * Where the "live" mode sends its output: the first call shows it (`update` false), later calls
 * replace it (`update` true, same `displayId`). Default: `Deno.jupyter.display`.
 */
export type DisplaySink = (bundle: LiveBundle, displayId: string, update: boolean) => Promise<void>;

/** Options of {@linkcode progress}. */
export interface ProgressOptions {
  /** Text before the counter, e.g. "ALS k=32". */
  label?: string;
  /**
   * "live" (one notebook output replaced after each step), "bar" (redrawn on stderr), "lines" (one
   * line per step on stdout) or "silent". Default: "live" in Jupyter, "bar" when stderr is a
   * terminal, else "silent". "live" outside Jupyter without a `display` sink prints lines.
   */
  mode?: ProgressMode;
  /** Width of the bar in characters (default 24; narrower when the terminal needs it). */
  width?: number;
  /**
   * Terminal width the "bar" line must fit in (default: the terminal's, 80 when unknown). The
   * bar shrinks, then the message is cut with "…", so that a redraw never wraps.
   */
  columns?: number;
  /** Names of step values the live output draws as lines against the step (default none). */
  chart?: readonly string[];
  /** What a step is, for the live output's chart axis and table (default "step"). */
  stepName?: string;
  /** Shortest time between two redraws of the live output in ms (default 250; the last always). */
  redrawMs?: number;
  /** Where the live output goes (default: the Jupyter kernel); for tests and other front-ends. */
  display?: DisplaySink;
}

/** A running progress report: call `step` after each unit of work and `done` at the end. */
export interface Progress {
  /** How it writes. */
  readonly mode: ProgressMode;
  /**
   * Marks one more step done, with a short status such as "train 0.71 valid 0.86" and, for the
   * live output's chart and table, the step's numbers by name. Resolves once the output is sent.
   */
  step(message?: string, values?: Readonly<Record<string, number>>): Promise<void>;
  /**
   * Ends the report (the bar gets its final newline; the live output its last redraw), with an
   * optional closing message. Resolves once the output is sent.
   */
  done(message?: string): Promise<void>;
}

function defaultMode(): ProgressMode {
  if (inJupyter()) return "live";
  try {
    return Deno.stderr.isTerminal() ? "bar" : "silent";
  } catch {
    return "silent";
  }
}

function terminalColumns(): number {
  try {
    return Deno.consoleSize().columns;
  } catch {
    return 80;
  }
}

const length = (text: string) => [...text].length;

/** The parts of one redraw of the terminal bar. */
export interface BarParts {
  /** Label with its trailing space, or "". */
  label: string;
  /** Done fraction, 0..1. */
  fraction: number;
  /** The step counter, e.g. " 3/12". */
  counter: string;
  /** The step's status text. */
  message: string;
  /** Seconds so far, as printed. */
  seconds: string;
  /** Widest bar wanted. */
  width: number;
  /** Terminal width. */
  columns: number;
}

/**
 * One redraw of the terminal bar that fits in `columns - 1` characters (the last column would
 * wrap on some terminals): the bar narrows down to 8 cells, then the message is cut with "…",
 * then the bar goes, and a terminal narrower than the rest gets the line cut.
 *
 * @example
 * ```ts
 * import { barLine } from "./progress.ts";
 * const parts = { label: "fit ", fraction: 0.5, counter: "3/6", seconds: "1.2", width: 24 };
 * const wide = barLine({ ...parts, message: "train 0.71", columns: 120 });
 * if (wide !== "fit ████████████░░░░░░░░░░░░ 3/6 train 0.71 (1.2 s)") throw new Error(wide);
 * const narrow = barLine({ ...parts, message: "x".repeat(100), columns: 40 });
 * if ([...narrow].length !== 39 || !narrow.includes("…")) throw new Error(narrow);
 * ```
 */
export function barLine(parts: BarParts): string {
  const { label, counter, message, seconds, width } = parts;
  const room = Math.max(1, parts.columns - 1);
  const tail = (text: string) => `${counter}${text ? ` ${text}` : ""} (${seconds} s)`;
  const bar = (cells: number) => {
    const filled = Math.min(cells, Math.max(0, Math.round(parts.fraction * cells)));
    return cells === 0 ? "" : "█".repeat(filled) + "░".repeat(cells - filled) + " ";
  };
  const spare = room - length(label) - length(tail(message)) - 1;
  let cells = Math.max(Math.min(width, spare), Math.min(width, 8));
  let text = message;
  const over = () => length(label) + length(bar(cells)) + length(tail(text)) - room;
  if (over() > 0) {
    text = [...message].slice(0, Math.max(0, length(message) - over() - 1)).join("") + "…";
  }
  if (over() > 0) (cells = 0), (text = "");
  const line = label + bar(cells) + tail(text);
  return length(line) <= room ? line : [...line].slice(0, room).join("");
}

function jupyterSink(): DisplaySink {
  type Display = (obj: unknown, options: Record<string, unknown>) => Promise<void>;
  const jupyter = (Deno as unknown as { jupyter: { display: Display } }).jupyter;
  return (bundle, displayId, update) =>
    jupyter.display(bundle, { raw: true, display_id: displayId, update });
}

/**
 * The counter every mode shows for step `index` of `total`, padded to the width of `total`
 * (" 3/12").
 *
 * @example
 * ```ts
 * import { stepCounter } from "./progress.ts";
 * if (stepCounter(3, 12) !== " 3/12") throw new Error("padded to the total's width");
 * ```
 */
export function stepCounter(index: number, total: number): string {
  return `${String(index).padStart(String(total).length)}/${total}`;
}

/** The live mode: keeps the steps and redraws one output (at most every `redrawMs`). */
function liveReporter(
  total: number,
  label: string,
  options: ProgressOptions,
  display: DisplaySink,
): Progress {
  const started = performance.now();
  const redrawMs = options.redrawMs ?? 250;
  const displayId = `progress-${crypto.randomUUID()}`;
  const steps: { index: number; message: string; values: Readonly<Record<string, number>> }[] = [];
  let shown = false;
  let drawnAt = -Infinity;
  let finished = false;
  let failed = false;
  const draw = async (closing?: string) => {
    if (failed) return;
    try {
      const { liveBundle } = await import("./live_progress.ts");
      const seconds = (performance.now() - started) / 1000;
      const chart = options.chart ?? [];
      const view = { label, total, steps, seconds, chart, stepName: options.stepName, closing };
      await display(liveBundle(view), displayId, shown);
      shown = true;
      drawnAt = performance.now();
    } catch (error) {
      failed = true; // a display problem must not stop the loop it reports on
      console.error(`progress: live output failed (${error}); printing lines instead`);
    }
  };
  const prefix = label === "" ? "" : `${label} `;
  const printLine = (text: string) => console.log(`${prefix}${text}`.trimEnd());
  return {
    mode: "live",
    async step(message = "", values = {}) {
      const index = steps.length + 1;
      steps.push({ index, message, values: { ...values } });
      if (!failed && performance.now() - drawnAt >= redrawMs) await draw();
      if (failed) printLine(`${stepCounter(index, total)} ${message}`);
    },
    async done(message = "") {
      if (finished) return;
      finished = true;
      await draw(message === "" ? "done" : message);
      if (failed && message !== "") printLine(message);
    },
  };
}

/**
 * Starts a progress report over `total` steps.
 *
 * @param total Number of steps expected (the bar's 100 %); more steps are allowed (early stopping
 *   makes fewer).
 * @param options `label`, `mode`, `width`, and for the live mode `chart`, `stepName`, `redrawMs`,
 *   `display`.
 * @returns The reporter.
 *
 * @example
 * ```ts
 * import { progress } from "./progress.ts";
 * const shown: string[] = [];
 * const p = progress(3, {
 *   label: "demo",
 *   mode: "live",
 *   chart: ["loss"],
 *   redrawMs: 0,
 *   display: (bundle) => Promise.resolve(void shown.push(bundle["text/plain"])),
 * });
 * for (let i = 0; i < 3; i++) await p.step(`item ${i}`, { loss: 1 / (i + 1) });
 * await p.done();
 * if (shown.length !== 4 || !shown[3]!.startsWith("demo: 3/3")) throw new Error("one redraw per step");
 * ```
 */
export function progress(total: number, options: ProgressOptions = {}): Progress {
  if (!Number.isInteger(total) || total < 0) {
    throw new RangeError(`progress: total must be a whole number ≥ 0, got ${total}`);
  }
  const requested = options.mode ?? defaultMode();
  const display = options.display ?? (inJupyter() ? jupyterSink() : undefined);
  const mode = requested === "live" && display === undefined ? "lines" : requested;
  const label = options.label ? `${options.label} ` : "";
  if (mode === "live") return liveReporter(total, options.label ?? "", options, display!);
  const width = options.width ?? 24;
  const columns = options.columns ?? terminalColumns();
  let drawn = 0; // characters on the bar's line
  const started = performance.now();
  const encoder = new TextEncoder();
  let count = 0;
  let finished = false;
  const elapsed = () => ((performance.now() - started) / 1000).toFixed(1);
  const write = (text: string) => Deno.stderr.writeSync(encoder.encode(text));
  return {
    mode,
    step(message = "") {
      count++;
      if (mode === "lines") {
        console.log(`${label}${stepCounter(count, total)} ${message}`.trimEnd());
      } else if (mode === "bar") {
        const line = barLine({
          label,
          fraction: total === 0 ? 1 : count / total,
          counter: stepCounter(count, total),
          message,
          seconds: elapsed(),
          width,
          columns,
        });
        drawn = length(line);
        write(`\r\x1b[2K${line}`);
      }
      return Promise.resolve();
    },
    done(message = "") {
      if (finished) return Promise.resolve();
      finished = true;
      if (mode === "lines" && message) console.log(`${label}${message}`);
      if (mode === "bar") {
        const fits = drawn + 1 + length(message) <= columns - 1;
        write(message === "" ? "\n" : fits ? ` ${message}\n` : `\n${message}\n`);
      }
      return Promise.resolve();
    },
  };
}

/**
 * The notebook layer's reporter for fits (lib/models/reporter.ts): a {@linkcode progress} report
 * per fit, in the mode the fit's `progress` option names, else "live" in Jupyter, "bar" when stderr
 * is a terminal, nothing otherwise. Installed as the fits' default when this module is loaded.
 *
 * @example
 * ```ts
 * import { notebookReporter } from "./progress.ts";
 * const r = notebookReporter({ total: 2, label: "demo", chart: [], stepName: "epoch", mode: "silent" });
 * await r.step("1/2", {});
 * await r.done("ok");
 * ```
 */
export const notebookReporter: Reporter = (request) => {
  const modes: readonly string[] = ["live", "bar", "lines", "silent"];
  if (request.mode !== undefined && !modes.includes(request.mode)) {
    throw new RangeError(
      `progress: mode must be one of ${modes.join(", ")} (or a reporter), got ${request.mode}`,
    );
  }
  return progress(request.total, {
    label: request.label,
    mode: request.mode as ProgressMode | undefined,
    chart: request.chart,
    stepName: request.stepName,
  });
};

// Loading the notebook layer makes its reporter the default of every fit (see lib/models/reporter.ts).
setDefaultReporter(notebookReporter);
