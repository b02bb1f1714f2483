/**
 * The training loop the iterative models share: one kernel epoch per call, then the train and
 * validation RMSE, a progress line, the caller's callback, and early stopping on validation RMSE
 * (restoring the best epoch's parameters).
 *
 * @module
 */
import type { RatingMatrix } from "../data/types.ts";
import { scoreMatrix } from "../ffi/kernels.ts";
import { progress as startProgress } from "../notebook/progress.ts";
import type { ProgressMode } from "../notebook/progress.ts";
import { type AlsState, cloneAlsState } from "./als_state.ts";
import type { EpochRecord } from "./_explicit.ts";

/** Options of the training loop that `fit` exposes. */
export interface LoopOptions {
  /** Epochs to run at most. */
  epochs?: number;
  /** Ratings to report RMSE on after every epoch (and to stop early on). */
  validation?: RatingMatrix;
  /**
   * Stop when the validation RMSE has not improved by more than `minDelta` for this many epochs,
   * and restore the parameters of the epoch with the lowest validation RMSE. Default: never stop
   * early.
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
   * Progress report: a mode of lib/notebook/progress.ts, or true/false. Default: in Jupyter one
   * live output (train and validation RMSE per epoch as a chart and a table), a bar in a terminal,
   * nothing otherwise.
   */
  progress?: boolean | ProgressMode;
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

/**
 * Runs the epochs and returns the history (best epoch restored when early stopping triggered).
 */
export async function fitLoop(
  model: LoopModel,
  train: RatingMatrix,
  options: LoopOptions,
  defaultEpochs: number,
): Promise<EpochRecord[]> {
  const epochs = checkLoop(options, defaultEpochs);
  const { validation, patience, minDelta = 0, trainRmse = true, onEpoch } = options;
  const mode: ProgressMode | undefined = options.progress === true
    ? undefined
    : options.progress === false
    ? "silent"
    : options.progress;
  const chart = ["train RMSE", "validation RMSE"];
  const report = startProgress(epochs, { label: model.label, mode, chart, stepName: "epoch" });
  const history: EpochRecord[] = [];
  let best = Infinity; // lowest validation RMSE so far, and its epoch and parameters
  let bestEpoch = 0;
  let bestState: AlsState | undefined;
  let progressRmse = Infinity; // the RMSE at the last improvement by more than minDelta
  let progressEpoch = 0;
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const started = performance.now();
    await model.epoch();
    const record: EpochRecord = { epoch, seconds: (performance.now() - started) / 1000 };
    if (trainRmse) {
      record.trainRmse = await stateRmse(model.state, train, model.ratingScale, model.threads);
    }
    if (validation) {
      record.validationRmse = await stateRmse(
        model.state,
        validation,
        model.ratingScale,
        model.threads,
      );
    }
    history.push(record);
    const parts = [`epoch ${epoch}`];
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
    await report.step(parts.join("  "), values);
    if (onEpoch?.(record) === false) break;
    if (patience !== undefined && record.validationRmse !== undefined) {
      if (record.validationRmse < best) {
        best = record.validationRmse;
        bestEpoch = epoch;
        if (bestState) restore(bestState, model.state);
        else bestState = cloneAlsState(model.state);
      }
      if (record.validationRmse < progressRmse - minDelta) {
        progressRmse = record.validationRmse;
        progressEpoch = epoch;
      } else if (epoch - progressEpoch >= patience) {
        if (bestEpoch !== epoch) restore(model.state, bestState!);
        await report.done(
          `stopped early: best validation RMSE ${best.toFixed(4)} at epoch ${bestEpoch}`,
        );
        return history;
      }
    }
  }
  await report.done();
  return history;
}

/** Copies the parameters of `from` into `state` (same shapes). */
function restore(state: AlsState, from: AlsState): void {
  state.userFactors.set(from.userFactors);
  state.itemFactors.set(from.itemFactors);
  state.userBias.set(from.userBias);
  state.itemBias.set(from.itemBias);
}
