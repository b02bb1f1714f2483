/**
 * Hyper-parameter search for {@linkcode Als}: grid search over K × λ and random search with λ drawn
 * log-uniformly, each fit run by the Zig kernel with early stopping on a validation matrix and,
 * optionally, warm-started from the previous fit of the same K.
 *
 * The protocol these helpers assume: `validation` is carved out of the training data (e.g.
 * `validationSplit(train, …)`); the test matrix is never seen here, and is used once, for the
 * chosen setting only.
 *
 * Speed comes from three places: early stopping (a fit ends once the validation RMSE has stopped
 * improving by at least `minDelta` for `patience` epochs, and the best epoch is kept), warm starts
 * (within one K the λ values run from the largest to the smallest, each fit starting from the
 * previous fit's best parameters, which are usually close) and the kernel's threads.
 *
 * @module
 */

import type { RatingMatrix } from "../data/types.ts";
import { Rng } from "../stats/rng.ts";
import type { EpochRecord } from "./_explicit.ts";
import { MOVIELENS_SCALE, trainMean } from "./_explicit.ts";
import { fitLoop } from "./_fit_loop.ts";
import { runAlsEpoch } from "./als.ts";
import { type AlsState, cloneAlsState, copyAlsState, initAlsState } from "./als_state.ts";

/** Fit settings shared by every trial of a search. */
export interface TrialOptions {
  /** Most epochs per fit (default 20). */
  maxEpochs?: number;
  /** Stop after this many epochs without an improvement of at least `minDelta` (default 2). */
  patience?: number;
  /** Smallest validation RMSE decrease that counts (default 1e-4). */
  minDelta?: number;
  /** Start each fit from the previous fit with the same K (default true). */
  warmStart?: boolean;
  /** ALS-WR weighting (default true, as {@linkcode Als.fit}). */
  weighted?: boolean;
  /** Seed of the initial factors of cold starts (default 0, as {@linkcode Als.fit}). */
  seed?: number;
  /** Kernel threads (default: all). */
  threads?: number;
  /** Called after every trial (e.g. to print progress). */
  onTrial?: (trial: Trial) => void;
}

/** One fit of a search. */
export interface Trial {
  /** Latent factors. */
  k: number;
  /** λ (factors and biases alike). */
  lambda: number;
  /** Best validation RMSE over the fit's epochs (the parameters kept). */
  validationRmse: number;
  /** Training RMSE at that epoch. */
  trainRmse: number;
  /** The epoch of the best validation RMSE (1-based, counted from this fit's start). */
  bestEpoch: number;
  /** Epochs run. */
  epochs: number;
  /** Wall-clock seconds of the fit, RMSE passes included. */
  seconds: number;
  /** Whether the fit started from the previous fit's parameters. */
  warmStarted: boolean;
  /** Per-epoch record. */
  history: EpochRecord[];
}

/** What a search returns. */
export interface SearchResult {
  /** Every trial, in the order they ran. */
  trials: Trial[];
  /** The trial with the lowest validation RMSE (ties: the earlier). */
  best: Trial;
  /** The best trial's parameters (trained on the search's training matrix). */
  bestState: AlsState;
  /** Epochs run over all trials. */
  epochs: number;
  /** Wall-clock seconds of the whole search. */
  seconds: number;
}

function checkSetting(fn: string, k: number, lambda: number): void {
  if (!Number.isInteger(k) || k < 1 || k > 1024) {
    throw new RangeError(`${fn}: K must be a whole number in 1..1024, got ${k}`);
  }
  if (!(lambda > 0) || !Number.isFinite(lambda)) {
    throw new RangeError(`${fn}: λ must be a finite number > 0, got ${lambda}`);
  }
}

/**
 * Fits one (K, λ) with early stopping on `validation`, from `init` (warm) or from the seeded
 * initial state (cold), and returns the trial and the best epoch's parameters.
 *
 * @param train Ratings to fit on.
 * @param validation Ratings to stop on.
 * @param setting `k`, `lambda` and the shared {@linkcode TrialOptions}; `init` warm-starts.
 * @returns The trial record and the parameters of its best epoch.
 *
 * @example
 * ```ts
 * import { fitTrial } from "./tuning.ts";
 * import { fromTriplets } from "../data/_coo.ts";
 * const train = fromTriplets(3, 3, [0, 0, 1, 1, 2], [0, 1, 1, 2, 0], [5, 4, 2, 1, 4], [0, 0, 0, 0, 0]);
 * const validation = fromTriplets(3, 3, [2], [2], [2], [0]);
 * const { trial } = await fitTrial(train, validation, { k: 2, lambda: 0.1, maxEpochs: 5 });
 * if (!(trial.bestEpoch >= 1 && trial.bestEpoch <= trial.epochs)) throw new Error("unexpected");
 * ```
 */
export async function fitTrial(
  train: RatingMatrix,
  validation: RatingMatrix,
  setting: TrialOptions & { k: number; lambda: number; init?: AlsState },
): Promise<{ trial: Trial; state: AlsState }> {
  const { k, lambda, init, threads } = setting;
  const { maxEpochs = 20, patience = 2, minDelta = 1e-4, weighted = true, seed = 0 } = setting;
  checkSetting("fitTrial", k, lambda);
  if (!Number.isInteger(maxEpochs) || maxEpochs < 1) {
    throw new RangeError(`fitTrial: maxEpochs must be a whole number ≥ 1, got ${maxEpochs}`);
  }
  if (!Number.isInteger(patience) || patience < 1) {
    throw new RangeError(`fitTrial: patience must be a whole number ≥ 1, got ${patience}`);
  }
  if (!(minDelta >= 0)) throw new RangeError(`fitTrial: minDelta must be ≥ 0, got ${minDelta}`);
  if (train.nUsers !== validation.nUsers || train.nItems !== validation.nItems) {
    throw new RangeError(
      `fitTrial: train is ${train.nUsers}×${train.nItems} but validation ` +
        `${validation.nUsers}×${validation.nItems}; expected the same users and items`,
    );
  }
  if (init && (init.k !== k || init.userBias.length !== train.nUsers)) {
    throw new RangeError(`fitTrial: the warm-start state has K = ${init.k}, expected ${k}`);
  }
  const state = init
    ? cloneAlsState(init)
    : initAlsState(train.nUsers, train.nItems, k, { seed, mu: trainMean(train) });
  // Early stopping is done here rather than by the loop's `patience`, so the parameters returned
  // are always those of the best epoch, also when the epoch budget runs out first.
  let bestRmse = Infinity, bestEpoch = 0, bestState: AlsState | undefined;
  let reference = Infinity, lastGain = 0;
  const started = performance.now();
  const history = await fitLoop(
    {
      state,
      epoch: () => runAlsEpoch(train, state, { lambda, weighted, threads }),
      ratingScale: MOVIELENS_SCALE,
      threads,
      label: `ALS k=${k} λ=${lambda}`,
    },
    train,
    {
      epochs: maxEpochs,
      validation,
      progress: false,
      onEpoch: (record) => {
        const rmse = record.validationRmse!;
        if (rmse < bestRmse) {
          [bestRmse, bestEpoch] = [rmse, record.epoch];
          if (bestState) copyAlsState(bestState, state);
          else bestState = cloneAlsState(state);
        }
        if (rmse < reference - minDelta) [reference, lastGain] = [rmse, record.epoch];
        return record.epoch - lastGain < patience;
      },
    },
    maxEpochs,
  );
  if (bestState && bestEpoch !== history.length) copyAlsState(state, bestState);
  const bestRecord = history[bestEpoch - 1] ?? history.at(-1)!;
  const trial: Trial = {
    k,
    lambda,
    validationRmse: bestRecord.validationRmse!,
    trainRmse: bestRecord.trainRmse!,
    bestEpoch: bestRecord.epoch,
    epochs: history.length,
    seconds: (performance.now() - started) / 1000,
    warmStarted: init !== undefined,
    history,
  };
  return { trial, state };
}

async function runSearch(
  train: RatingMatrix,
  validation: RatingMatrix,
  settings: { k: number; lambda: number }[],
  options: TrialOptions,
): Promise<SearchResult> {
  const { warmStart = true } = options;
  // Group by K (in first-appearance order), λ descending within a group: warm starts go from the
  // most regularised (smoothest) model towards the least.
  const order = settings.map((s, j) => ({ ...s, j }));
  const firstSeen = new Map<number, number>();
  order.forEach((s) => firstSeen.set(s.k, firstSeen.get(s.k) ?? s.j));
  order.sort((a, b) =>
    firstSeen.get(a.k)! - firstSeen.get(b.k)! || b.lambda - a.lambda || a.j - b.j
  );
  const started = performance.now();
  const trials: Trial[] = [];
  let best: { trial: Trial; state: AlsState } | undefined;
  let previous: { k: number; state: AlsState } | undefined;
  for (const s of order) {
    const init = warmStart && previous?.k === s.k ? previous.state : undefined;
    const fit = await fitTrial(train, validation, { ...options, k: s.k, lambda: s.lambda, init });
    trials.push(fit.trial);
    options.onTrial?.(fit.trial);
    previous = { k: s.k, state: fit.state };
    if (!best || fit.trial.validationRmse < best.trial.validationRmse) best = fit;
  }
  if (!best) throw new Error("search: no settings to try");
  return {
    trials,
    best: best.trial,
    bestState: best.state,
    epochs: trials.reduce((n, t) => n + t.epochs, 0),
    seconds: (performance.now() - started) / 1000,
  };
}

/** Options of {@linkcode gridSearch}. */
export interface GridSearchOptions extends TrialOptions {
  /** The K values. */
  ks: readonly number[];
  /** The λ values. */
  lambdas: readonly number[];
}

/**
 * Every (K, λ) of the grid, fitted with early stopping on `validation` (warm-started within each
 * K from the larger λ to the smaller, unless `warmStart: false`).
 *
 * @param train Ratings to fit on.
 * @param validation Ratings to choose on (carved from the training data, not the test set).
 * @param options The grid and the shared {@linkcode TrialOptions}.
 * @returns All trials, the best one and its parameters, total epochs and seconds.
 *
 * @example
 * ```ts
 * import { gridSearch } from "./tuning.ts";
 * import { fromTriplets } from "../data/_coo.ts";
 * const train = fromTriplets(3, 3, [0, 0, 1, 1, 2], [0, 1, 1, 2, 0], [5, 4, 2, 1, 4], [0, 0, 0, 0, 0]);
 * const validation = fromTriplets(3, 3, [2], [2], [2], [0]);
 * const r = await gridSearch(train, validation, { ks: [1, 2], lambdas: [0.1, 1], maxEpochs: 3 });
 * if (r.trials.length !== 4) throw new Error("2 × 2 fits");
 * ```
 */
export function gridSearch(
  train: RatingMatrix,
  validation: RatingMatrix,
  options: GridSearchOptions,
): Promise<SearchResult> {
  const { ks, lambdas } = options;
  if (ks.length === 0 || lambdas.length === 0) {
    throw new RangeError("gridSearch: ks and lambdas must each hold at least one value");
  }
  for (const k of ks) for (const lambda of lambdas) checkSetting("gridSearch", k, lambda);
  const settings = ks.flatMap((k) => lambdas.map((lambda) => ({ k, lambda })));
  return runSearch(train, validation, settings, options);
}

/** Options of {@linkcode randomSearch}. */
export interface RandomSearchOptions extends TrialOptions {
  /** Number of fits. */
  trials: number;
  /** K values to draw from (uniformly). */
  ks: readonly number[];
  /** λ is drawn log-uniformly from [low, high]. */
  lambdaRange: readonly [number, number];
  /** Seed of the draws, a whole number in 0..2³²−1. */
  drawSeed: number;
}

/**
 * Draws `trials` settings (K uniform over `ks`, λ = exp(U(log low, log high))) from a seeded
 * {@linkcode Rng} and fits them like {@linkcode gridSearch}. Random search covers a continuous λ
 * better than a grid of the same cost.
 *
 * @param train Ratings to fit on.
 * @param validation Ratings to choose on.
 * @param options `trials`, `ks`, `lambdaRange`, `drawSeed` and the shared {@linkcode TrialOptions}.
 * @returns All trials, the best one and its parameters, total epochs and seconds.
 *
 * @example
 * ```ts
 * import { randomSearch } from "./tuning.ts";
 * import { fromTriplets } from "../data/_coo.ts";
 * const train = fromTriplets(3, 3, [0, 0, 1, 1, 2], [0, 1, 1, 2, 0], [5, 4, 2, 1, 4], [0, 0, 0, 0, 0]);
 * const validation = fromTriplets(3, 3, [2], [2], [2], [0]);
 * const r = await randomSearch(train, validation, {
 *   trials: 3, ks: [2], lambdaRange: [0.01, 1], drawSeed: 1, maxEpochs: 3,
 * });
 * if (!r.trials.every((t) => t.lambda >= 0.01 && t.lambda <= 1)) throw new Error("in range");
 * ```
 */
export function randomSearch(
  train: RatingMatrix,
  validation: RatingMatrix,
  options: RandomSearchOptions,
): Promise<SearchResult> {
  const { trials, ks, lambdaRange, drawSeed } = options;
  const settings = drawSettings(trials, ks, lambdaRange, drawSeed);
  return runSearch(train, validation, settings, options);
}

/**
 * The settings {@linkcode randomSearch} tries: `trials` draws of K uniform over `ks` and
 * λ = exp(U(log low, log high)), from `new Rng(seed)` (K first, then λ, per trial).
 *
 * @param trials Number of draws.
 * @param ks K values to draw from.
 * @param lambdaRange [low, high], 0 < low ≤ high.
 * @param seed Seed of the draws.
 * @returns One `{ k, lambda }` per trial, in draw order.
 *
 * @example
 * ```ts
 * import { drawSettings } from "./tuning.ts";
 * const s = drawSettings(4, [8, 16], [0.01, 1], 3);
 * if (s.length !== 4 || !s.every((x) => x.lambda >= 0.01 && x.lambda <= 1)) throw new Error("range");
 * ```
 */
export function drawSettings(
  trials: number,
  ks: readonly number[],
  lambdaRange: readonly [number, number],
  seed: number,
): { k: number; lambda: number }[] {
  const [low, high] = lambdaRange;
  if (!Number.isInteger(trials) || trials < 1) {
    throw new RangeError(`randomSearch: trials must be a whole number ≥ 1, got ${trials}`);
  }
  if (ks.length === 0) throw new RangeError("randomSearch: ks must hold at least one value");
  if (!(low > 0 && high >= low && Number.isFinite(high))) {
    throw new RangeError(
      `randomSearch: lambdaRange must be [low, high] with 0 < low ≤ high, got [${low}, ${high}]`,
    );
  }
  for (const k of ks) checkSetting("randomSearch", k, low);
  const rng = new Rng(seed);
  return Array.from({ length: trials }, () => {
    const k = ks[rng.int(ks.length)]!;
    const lambda = Math.exp(Math.log(low) + rng.next() * (Math.log(high) - Math.log(low)));
    return { k, lambda };
  });
}
