/**
 * The live form of a progress report in a notebook: one output, replaced after each step, that
 * shows where the loop is, a line chart of chosen numbers per step (say train and validation RMSE
 * per epoch) and a table of the steps so far. {@linkcode progress} in `progress.ts` sends it to
 * the Deno Jupyter kernel with a display id, so the notebook updates one output in place instead
 * of printing a line per step.
 *
 * @module
 */
import { line } from "../plot/lines.ts";
import { table } from "../plot/table.ts";
import { escapeXml } from "../plot/xml.ts";
import { stepCounter } from "./progress.ts";

/** One finished step of a progress report. */
export interface LiveStep {
  /** 1 for the first step. */
  readonly index: number;
  /** The step's status text, e.g. "epoch 3  train RMSE 0.7712". */
  readonly message: string;
  /** Named numbers of the step, e.g. `{ "train RMSE": 0.7712, seconds: 0.41 }`. */
  readonly values: Readonly<Record<string, number>>;
}

/** What the live output shows. */
export interface LiveView {
  /** The report's label, e.g. "ALS K=64". */
  readonly label: string;
  /** Steps expected. */
  readonly total: number;
  /** The steps so far, in order. */
  readonly steps: readonly LiveStep[];
  /** Seconds since the report started. */
  readonly seconds: number;
  /** Value names drawn as lines against the step number (only those present are drawn). */
  readonly chart: readonly string[];
  /** What a step is, for the chart's x axis and the table (default "step"; say "epoch"). */
  readonly stepName?: string;
  /** The closing message, once the report is done. */
  readonly closing?: string;
}

/** A Jupyter MIME bundle: HTML for the notebook, text for logs and plain front-ends. */
export interface LiveBundle {
  /** Status line, chart and table. */
  readonly "text/html": string;
  /** One line per step, as the "lines" mode prints them. */
  readonly "text/plain": string;
}

function statusOf(view: LiveView): string {
  const label = view.label === "" ? "" : `${view.label}: `;
  const status = `${label}${view.steps.length}/${view.total} (${view.seconds.toFixed(1)} s)`;
  return view.closing ? `${status} — ${view.closing}` : status;
}

function chartOf(view: LiveView): string {
  const series = view.chart.flatMap((name) => {
    const steps = view.steps.filter((s) => Number.isFinite(s.values[name]));
    if (steps.length === 0) return [];
    return [{ name, x: steps.map((s) => s.index), y: steps.map((s) => s.values[name]!) }];
  });
  if (series.length === 0 || view.steps.length < 2) return "";
  return line(series, { xLabel: view.stepName ?? "step", width: 480, height: 200 }).svg;
}

function tableOf(view: LiveView): string {
  const names = [...new Set(view.steps.flatMap((s) => Object.keys(s.values)))];
  const step = view.stepName ?? "step";
  const rows = view.steps.map((s) =>
    names.length === 0
      ? { [step]: s.index, status: s.message }
      : Object.fromEntries([[step, s.index], ...names.map((n) => [n, s.values[n]])])
  );
  return table(rows.slice(-12), { digits: 4, maxRows: 12 }).html;
}

/**
 * The MIME bundle of the live output for `view`: a status line, then (from the second step) a line
 * chart of the `chart` values, then the last 12 steps as a table.
 *
 * @example
 * ```ts
 * import { liveBundle } from "./live_progress.ts";
 * const steps = [0.9, 0.8, 0.75].map((rmse, i) => ({
 *   index: i + 1, message: `epoch ${i + 1}`, values: { "train RMSE": rmse },
 * }));
 * const bundle = liveBundle({ label: "ALS", total: 5, steps, seconds: 1.2, chart: ["train RMSE"] });
 * if (!bundle["text/html"].includes("<svg") || !bundle["text/html"].includes("0.7500")) {
 *   throw new Error("a chart and the table");
 * }
 * if (bundle["text/plain"].split("\n").length !== 4) throw new Error("status and one line per step");
 * ```
 */
export function liveBundle(view: LiveView): LiveBundle {
  const status = statusOf(view);
  const lines = view.steps.map((s) => `${stepCounter(s.index, view.total)} ${s.message}`.trimEnd());
  const html = `<div><div style="font-family:monospace">${escapeXml(status)}</div>` +
    chartOf(view) + (view.steps.length === 0 ? "" : tableOf(view)) + "</div>";
  return { "text/html": html, "text/plain": [status, ...lines].join("\n") };
}
