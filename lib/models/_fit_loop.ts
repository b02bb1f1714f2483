/**
 * The training loop the iterative models share: one kernel epoch per call, then the train and
 * validation RMSE, a progress line, the caller's callback, and early stopping on validation RMSE
 * (restoring the best epoch's parameters).
 *
 * @module
 */
import type { RatingMatrix } from "../data/types.ts";
import { scoreMatrix } from "../ffi/kernels.ts";
import { type ProgressOption, reporterFor } from "./reporter.ts";
import { type AlsState, cloneAlsState, copyAlsState } from "./als_state.ts";
import type { EpochRecord } from "./explicit_model.ts";

/** Options of the training loop that `fit` exposes. */
export interface LoopOptions {
  /** Epochs to run at most. */
  epochs?: number;
  /** Ratings to report RMSE on after every epoch (and to stop early on). */
  validation?: RatingMatrix;
  /**
   * Stop when the validation RMSE has not improved by more than `minDelta` for this many epochs.
   * With `patience` set, the fit always ends on the parameters of the epoch with the lowest
   * validation RMSE (also when the epochs run out first or `onEpoch` stops it). Default: never
   * stop early, keep the last epoch.
   */
  patience?: number;
  /**
   * Smallest decrease of validation RMSE that counts as progress for `patience` (default 0). It
   * only decides when to stop: the epoch restored is always the one with the lowest RMSE.
   */
  minDelta?: number;
  /** Compute the training RMSE after each epoch (one prediction pass). Default true. */
  trainRmse?: boolean;
  /** Called after every epoch; return `false` to stop training. */
  onEpoch?: (record: EpochRecord) => void | boolean;
  /**
   * Progress report: a reporter (lib/models/reporter.ts: called once per fit, then `step` per
   * epoch and `done`), `false` for none, or the default reporter — the notebook layer's when it is
   * loaded (lib/mod.ts loads it): in Jupyter one live output (train and validation RMSE per epoch as
   * a chart and a table), a bar in a terminal, nothing otherwise; a mode name (`"bar"`, `"lines"`,
   * `"live"`) asks it for that display.
   */
  progress?: ProgressOption;
}

/** What the loop needs from the model. */
export interface LoopModel {
  /** Parameters, updated in place by `epoch`. */
  state: AlsState;
  /** Runs one epoch in place. */
  epoch: () => Promise<void>;
  /** The rating scale for clamping in the RMSE passes. */
  ratingScale: readonly [number, number];
  /** Kernel threads. */
  threads?: number;
  /** Progress label. */
  label: string;
  /** A sentence added to the closing summary (e.g. the rating scale used). */
  note?: string;
}

function checkLoop(options: LoopOptions, defaultEpochs: number): number {
  const epochs = options.epochs ?? defaultEpochs;
  if (!Number.isInteger(epochs) || epochs < 0) {
    throw new RangeError(`fit: epochs must be a whole number ≥ 0, got ${epochs}`);
  }
  const { patience, minDelta = 0 } = options;
  if (patience !== undefined && (!Number.isInteger(patience) || patience < 1)) {
    throw new RangeError(`fit: patience must be a whole number ≥ 1, got ${patience}`);
  }
  if (!(minDelta >= 0)) throw new RangeError(`fit: minDelta must be ≥ 0, got ${minDelta}`);
  if (patience !== undefined && !options.validation) {
    throw new Error("fit: patience (early stopping) needs a validation matrix");
  }
  if (options.validation && options.validation.nnz === 0) {
    throw new Error("fit: the validation matrix has no ratings (its RMSE would be 0/0)");
  }
  return epochs;
}

/** RMSE of the state's clamped predictions on `m`. */
export async function stateRmse(
  state: AlsState,
  m: RatingMatrix,
  scale: readonly [number, number],
  threads?: number,
): Promise<number> {
  const s = await scoreMatrix(state, m, { ratingMin: scale[0], ratingMax: scale[1], threads });
  return Math.sqrt(s.sse / s.count);
}

/** One epoch's kernel call and RMSE passes, as a history record. */
async function runEpoch(
  model: LoopModel,
  train: RatingMatrix,
  options: LoopOptions,
  epoch: number,
): Promise<EpochRecord> {
  const started = performance.now();
  await model.epoch();
  const record: EpochRecord = { epoch, seconds: (performance.now() - started) / 1000 };
  const rmse = (m: RatingMatrix) => stateRmse(model.state, m, model.ratingScale, model.threads);
  if (options.trainRmse ?? true) record.trainRmse = await rmse(train);
  if (options.validation) record.validationRmse = await rmse(options.validation);
  return record;
}

/** The progress line and the live output's numbers of one record. */
function describeEpoch(record: EpochRecord): { line: string; values: Record<string, number> } {
  const parts = [`epoch ${record.epoch}`];
  const values: Record<string, number> = {};
  if (record.trainRmse !== undefined) {
    parts.push(`train RMSE ${record.trainRmse.toFixed(4)}`);
    values["train RMSE"] = record.trainRmse;
  }
  if (record.validationRmse !== undefined) {
    parts.push(`validation RMSE ${record.validationRmse.toFixed(4)}`);
    values["validation RMSE"] = record.validationRmse;
  }
  parts.push(`${record.seconds.toFixed(2)} s`);
  values.seconds = record.seconds;
  return { line: parts.join("  "), values };
}

/**
 * Early stopping: keeps a copy of the parameters of the epoch with the lowest validation RMSE and
 * says when `patience` epochs have passed without a gain of more than `minDelta`.
 */
class BestEpoch {
  rmse = Infinity;
  epoch = 0;
  #state: AlsState | undefined;
  #progressRmse = Infinity;
  #progressEpoch = 0;

  constructor(readonly patience: number, readonly minDelta: number) {}

  /** Records an epoch; true when the fit should stop. */
  update(record: EpochRecord, state: AlsState): boolean {
    const rmse = record.validationRmse;
    if (rmse === undefined || Number.isNaN(rmse)) return false;
    if (rmse < this.rmse) {
      [this.rmse, this.epoch] = [rmse, record.epoch];
      if (this.#state) copyAlsState(this.#state, state);
      else this.#state = cloneAlsState(state);
    }
    if (rmse < this.#progressRmse - this.minDelta) {
      [this.#progressRmse, this.#progressEpoch] = [rmse, record.epoch];
      return false;
    }
    return record.epoch - this.#progressEpoch >= this.patience;
  }

  /** Puts the best epoch's parameters back into `state` unless it holds them; true if it did. */
  restoreInto(state: AlsState, lastEpoch: number): boolean {
    if (!this.#state || this.epoch === lastEpoch) return false;
    copyAlsState(state, this.#state);
    return true;
  }
}

/**
 * Runs the epochs and returns the history. With `patience`, the parameters end as those of the
 * epoch with the lowest validation RMSE, however the fit ends (early stop, last epoch, `onEpoch`).
 * A failing epoch ends the progress report with the error before it is rethrown.
 */
export async function fitLoop(
  model: LoopModel,
  train: RatingMatrix,
  options: LoopOptions,
  defaultEpochs: number,
): Promise<EpochRecord[]> {
  const epochs = checkLoop(options, defaultEpochs);
  const chart = ["train RMSE", "validation RMSE"];
  const report = reporterFor(options.progress, {
    total: epochs,
    label: model.label,
    chart,
    stepName: "epoch",
  });
  const history: EpochRecord[] = [];
  const best = options.patience === undefined
    ? undefined
    : new BestEpoch(options.patience, options.minDelta ?? 0);
  let stoppedEarly = false;
  try {
    for (let epoch = 1; epoch <= epochs && !stoppedEarly; epoch++) {
      const record = await runEpoch(model, train, options, epoch);
      history.push(record);
      const { line, values } = describeEpoch(record);
      await report.step(line, values);
      if (options.onEpoch?.(record) === false) break;
      stoppedEarly = best?.update(record, model.state) ?? false;
    }
  } catch (error) {
    await report.done(`failed: ${error instanceof Error ? error.message : String(error)}`);
    throw error;
  }
  const restored = best?.restoreInto(model.state, history.length) ?? false;
  const summary = best && best.epoch > 0
    ? `best validation RMSE ${best.rmse.toFixed(4)} at epoch ${best.epoch}` +
      (restored ? " (its parameters restored)" : "")
    : "";
  const closing = [stoppedEarly ? `stopped early: ${summary}` : summary, model.note ?? ""]
    .filter((part) => part !== "").join("; ");
  await report.done(closing);
  return history;
}
