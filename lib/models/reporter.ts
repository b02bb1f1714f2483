/**
 * How a fit reports its progress without knowing who listens: every `fit` takes a
 * {@linkcode Reporter} (a factory called once per fit, like implicit's `fit_callback`) through its
 * `progress` option and calls `step` after each epoch and `done` at the end. The models never
 * import the notebook or plot layers; those supply reporters instead. The notebook layer
 * (lib/notebook/progress.ts) installs its reporter as the default when it is loaded — one live
 * chart in Jupyter, a bar in a terminal, nothing elsewhere — and `lib/mod.ts` loads it; the models
 * alone report nothing unless given a reporter.
 *
 * @example
 * ```ts
 * import { BiasAls } from "./bias_als.ts";
 * import { fromTriplets } from "../data/coo.ts";
 * import type { Reporter } from "./reporter.ts";
 * const lines: string[] = [];
 * const recorder: Reporter = (request) => ({
 *   step: (line) => void lines.push(`${request.label}: ${line}`),
 *   done: (message) => void lines.push(`done ${message ?? ""}`),
 * });
 * const train = fromTriplets(2, 2, [0, 0, 1], [0, 1, 0], [4, 2, 5], [0, 0, 0]);
 * await BiasAls.fit(train, { epochs: 3, progress: recorder });
 * if (lines.length !== 4 || !lines[0]!.startsWith("bias ALS")) throw new Error(lines.join("\n"));
 * ```
 *
 * @module
 */

/** What one fit tells its reporter. */
export interface FitReporter {
  /** After each epoch: a one-line status and the epoch's numbers by name (for charts, tables). */
  step(line: string, values: Readonly<Record<string, number>>): void | Promise<void>;
  /** At the end (or on failure): a closing sentence such as the best epoch. */
  done(message?: string): void | Promise<void>;
}

/** What a fit says about itself when it starts. */
export interface ReportRequest {
  /** Epochs planned. */
  total: number;
  /** e.g. "ALS k=32 λ=0.1". */
  label: string;
  /** The step values worth drawing against the epoch (e.g. train and validation RMSE). */
  chart: readonly string[];
  /** What a step is ("epoch"). */
  stepName: string;
  /** A display mode asked for by name (`progress: "bar"`), for the default reporter to honour. */
  mode?: string;
}

/** Makes the reporter of one fit. */
export type Reporter = (request: ReportRequest) => FitReporter;

/**
 * The `progress` option of every fit: a {@linkcode Reporter}; `false` (or `"silent"`) for none;
 * `true` or absent for the default reporter; or a mode name the default reporter understands (the
 * notebook layer's: `"live"`, `"bar"`, `"lines"`).
 */
export type ProgressOption = boolean | string | Reporter;

const SILENT: FitReporter = { step() {}, done() {} };

let fallback: Reporter = () => SILENT;

/**
 * Installs the reporter fits use when given none (the notebook layer calls this when loaded);
 * returns the one it replaces, so a caller can put it back.
 *
 * @example
 * ```ts
 * import { reporterFor, setDefaultReporter } from "./reporter.ts";
 * let steps = 0;
 * const previous = setDefaultReporter(() => ({ step: () => void steps++, done() {} }));
 * const request = { total: 1, label: "x", chart: [], stepName: "epoch" };
 * await reporterFor(undefined, request).step("1/1", {});
 * await reporterFor(false, request).step("1/1", {}); // silent
 * setDefaultReporter(previous);
 * if (steps !== 1) throw new Error(`${steps}`);
 * ```
 */
export function setDefaultReporter(reporter: Reporter): Reporter {
  const previous = fallback;
  fallback = reporter;
  return previous;
}

/**
 * The reporter of one fit for its `progress` option (see {@linkcode ProgressOption}).
 *
 * @example
 * ```ts
 * import { reporterFor } from "./reporter.ts";
 * const request = { total: 2, label: "demo", chart: [], stepName: "epoch" };
 * const seen: string[] = [];
 * const r = reporterFor((q) => ({ step: (l) => void seen.push(`${q.label} ${l}`), done() {} }), request);
 * await r.step("1/2", {});
 * if (seen[0] !== "demo 1/2") throw new Error(seen.join());
 * ```
 */
export function reporterFor(
  progress: ProgressOption | undefined,
  request: ReportRequest,
): FitReporter {
  if (progress === false || progress === "silent") return SILENT;
  if (typeof progress === "function") return progress(request);
  return fallback(typeof progress === "string" ? { ...request, mode: progress } : request);
}
