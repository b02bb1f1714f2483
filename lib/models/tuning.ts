/**
 * Hyper-parameter search. {@linkcode tune} searches any subset of any model's options (K, λ_f,
 * λ_b, ALS-WR, α, learning rate, …; epochs by early stopping) for every model kind — bias-only,
 * ALS, genre ALS, BPR, iALS — and returns a table and the best options ready for `fit`.
 * {@linkcode gridSearch} and {@linkcode randomSearch} are the fast path for {@linkcode Als}'s
 * K × λ: grid search over K × λ and random search with λ drawn log-uniformly, each fit run by the
 * Zig kernel with early stopping on a validation matrix and, optionally, warm-started from the
 * previous fit of the same K.
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

import { checkAlsPenalties, checkFactorCount } from "../ffi/params.ts";
import type { RatingMatrix } from "../data/types.ts";
import { Rng } from "../stats/rng.ts";
import type { EpochRecord } from "./explicit_model.ts";
import { checkIdMaps, inferRatingScale } from "../data/id_maps.ts";
import { trainMean } from "./explicit_model.ts";
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
  /** λ_b, the bias regularisation of every trial (default: the trial's λ, as {@linkcode Als.fit}). */
  lambdaBias?: number;
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

/** K, and the penalties a trial fits with (λ_b defaults to the trial's λ, as in `fitTrial`). */
function checkSetting(fn: string, k: number, lambda: number, lambdaBias = lambda): void {
  checkFactorCount(fn, k, "K");
  checkAlsPenalties(fn, { lambda, lambdaBias });
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
 * import { fromTriplets } from "../data/coo.ts";
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
  const { k, lambda, init, threads, lambdaBias = lambda } = setting;
  const { maxEpochs = 20, patience = 2, minDelta = 1e-4, weighted = true, seed = 0 } = setting;
  checkSetting("fitTrial", k, lambda, lambdaBias);
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
  if (train.ids) checkIdMaps("fitTrial (validation matrix)", train.ids, validation);
  if (init && (init.k !== k || init.userBias.length !== train.nUsers)) {
    throw new RangeError(`fitTrial: the warm-start state has K = ${init.k}, expected ${k}`);
  }
  const scale = inferRatingScale(train);
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
      epoch: () => runAlsEpoch(train, state, { lambda, lambdaBias, weighted, threads }),
      ratingScale: [scale.min, scale.max],
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
 * import { fromTriplets } from "../data/coo.ts";
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
  for (const k of ks) {
    for (const lambda of lambdas) checkSetting("gridSearch", k, lambda, options.lambdaBias);
  }
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
 * import { fromTriplets } from "../data/coo.ts";
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

/** The model kinds {@linkcode tune} can search: the explicit ones and the implicit rankers. */
export type TunableKind = "bias-als" | "als" | "genre-als" | "bpr" | "ials";

/** An option value a search can set. */
export type OptionValue = number | boolean | string;

/** A range {@linkcode tune}'s random search draws from: uniform, or log-uniform with `log`. */
export interface DrawRange {
  /** Lowest value. */
  low: number;
  /** Highest value. */
  high: number;
  /** Draw log-uniformly (for λ, learning rates, α); needs 0 < low. Default false. */
  log?: boolean;
  /** Round to a whole number (for K). Default false. */
  integer?: boolean;
}

/** Options of {@linkcode tune}. */
export interface TuneOptions {
  /** Which model to fit. */
  model: TunableKind;
  /**
   * Grid search: every combination of these option values (any subset of the model's `fit`
   * options, e.g. `{ k: [32, 64], lambda: [5, 10], lambdaBias: [3, 10, 30], weighted: [false] }`).
   */
  grid?: Readonly<Record<string, readonly OptionValue[]>>;
  /**
   * Random search: `trials` settings, each option drawn from its list (uniformly) or range, from
   * a seeded generator (`seed`, in the order of the space's keys).
   */
  random?: {
    space: Readonly<Record<string, readonly OptionValue[] | DrawRange>>;
    trials: number;
    seed: number;
  };
  /** Options every trial shares (e.g. `features` for genre ALS, `threads`, `seed`). */
  fixed?: Readonly<Record<string, unknown>>;
  /** Most epochs per fit; the best epoch on validation is kept. Default 30. */
  maxEpochs?: number;
  /** Stop a fit after this many epochs without improving on validation. Default 3. */
  patience?: number;
  /** Called after every trial. */
  onTrial?: (trial: TuneTrial) => void;
}

/** One fit of {@linkcode tune}. */
export interface TuneTrial {
  /** The searched options of this trial. */
  setting: Record<string, OptionValue>;
  /** Validation RMSE (explicit models, lower is better) or NDCG@10 (implicit, higher). */
  score: number;
  /** Which score. */
  metric: "validation RMSE" | "validation NDCG@10";
  /** The epoch of the best score (1-based). */
  bestEpoch: number;
  /** Epochs run. */
  epochs: number;
  /** Seconds of the fit. */
  seconds: number;
}

/** What {@linkcode tune} returns. */
export interface TuneResult {
  /** Every trial, in the order run. */
  trials: TuneTrial[];
  /** The best trial (ties: the earlier). */
  best: TuneTrial;
  /**
   * The options that reproduce the best trial: `fixed`, the best setting and `epochs` = its best
   * epoch, ready to pass to the model's `fit` (without `validation`).
   */
  bestOptions: Record<string, unknown>;
  /** One row per trial, for a table: the setting, the score, epochs and seconds. */
  table: Record<string, OptionValue>[];
  /** Seconds of the whole search. */
  seconds: number;
}

/** One fitted trial: the per-epoch validation scores of the fit. */
type FitScores = (
  train: RatingMatrix,
  options: Record<string, unknown>,
) => Promise<number[]>;

const LOWER_IS_BETTER: Record<TunableKind, boolean> = {
  "bias-als": true,
  "als": true,
  "genre-als": true,
  "bpr": false,
  "ials": false,
};

/** The per-epoch validation scores of one fit of `kind` (models imported on first use). */
async function fitScores(kind: TunableKind): Promise<FitScores> {
  const explicit = (history: readonly EpochRecord[]) =>
    history.map((r) => r.validationRmse ?? Number.NaN);
  const implicit = (history: readonly { validationNdcg?: number }[]) =>
    history.map((r) => r.validationNdcg ?? Number.NaN);
  switch (kind) {
    case "bias-als": {
      const { BiasAls } = await import("./bias_als.ts");
      return async (t, o) => explicit((await BiasAls.fit(t, o)).history);
    }
    case "als": {
      const { Als } = await import("./als.ts");
      return async (t, o) => explicit((await Als.fit(t, o)).history);
    }
    case "genre-als": {
      const { GenreAls } = await import("./genre_als.ts");
      // deno-lint-ignore no-explicit-any
      return async (t, o) => explicit((await GenreAls.fit(t, o as any)).history);
    }
    case "bpr": {
      const { Bpr } = await import("./bpr.ts");
      return async (t, o) => implicit((await Bpr.fit(t, o)).history);
    }
    case "ials": {
      const { Ials } = await import("./ials.ts");
      return async (t, o) => implicit((await Ials.fit(t, o)).history);
    }
  }
}

/** Every combination of the grid's values, in key order (the last key varies fastest). */
function gridSettings(grid: Readonly<Record<string, readonly OptionValue[]>>) {
  let settings: Record<string, OptionValue>[] = [{}];
  for (const [name, values] of Object.entries(grid)) {
    if (values.length === 0) throw new RangeError(`tune: grid.${name} holds no values`);
    settings = settings.flatMap((s) => values.map((v) => ({ ...s, [name]: v })));
  }
  return settings;
}

function drawOne(rng: Rng, name: string, space: readonly OptionValue[] | DrawRange): OptionValue {
  if (Array.isArray(space)) {
    if (space.length === 0) throw new RangeError(`tune: random.space.${name} holds no values`);
    return space[rng.int(space.length)]!;
  }
  const { low, high, log = false, integer = false } = space as DrawRange;
  if (!(Number.isFinite(low) && Number.isFinite(high) && low <= high && (!log || low > 0))) {
    throw new RangeError(
      `tune: random.space.${name} must have low ≤ high (and 0 < low with log), got [${low}, ${high}]`,
    );
  }
  const u = rng.next();
  const v = log
    ? Math.exp(Math.log(low) + u * (Math.log(high) - Math.log(low)))
    : low + u * (high - low);
  return integer ? Math.round(v) : v;
}

/** The `fit` options of each kind a search may set (besides the shared ones below). */
const MODEL_OPTIONS: Record<TunableKind, readonly string[]> = {
  "bias-als": ["lambda", "weighted", "ratingScale"],
  "als": [
    "k",
    "lambda",
    "lambdaBias",
    "weighted",
    "seed",
    "initScale",
    "solver",
    "cgSteps",
    "ratingScale",
  ],
  "genre-als": [
    "features",
    "k",
    "lambda",
    "lambdaBias",
    "tau",
    "tauBias",
    "lambdaFeatures",
    "weighted",
    "seed",
    "initScale",
    "ratingScale",
  ],
  "bpr": [
    "k",
    "learningRate",
    "decay",
    "lambda",
    "lambdaBias",
    "negatives",
    "samplesPerPositive",
    "seed",
    "initScale",
    "verify",
  ],
  "ials": [
    "k",
    "lambda",
    "alpha",
    "confidence",
    "epsilon",
    "solver",
    "cgSteps",
    "seed",
    "initScale",
  ],
};
/** Options every kind takes, and those only the explicit (rating) kinds take. */
const SHARED_OPTIONS = ["userIds", "itemIds", "threads"];
const EXPLICIT_OPTIONS = ["trainRmse", "minDelta"];
/** Options tune sets itself on every fit. */
const SET_BY_TUNE = ["epochs", "validation", "progress", "onEpoch", "patience"];

/** Refuses a key that `model`'s fit does not take (a typo would run the same fit every time). */
function checkOptionNames(model: TunableKind, where: string, names: readonly string[]): void {
  for (const name of names) {
    if (SET_BY_TUNE.includes(name)) {
      throw new RangeError(
        `tune: ${where}.${name} is set by tune on every fit; use maxEpochs and patience (the ` +
          "best epoch is reported and put in bestOptions)",
      );
    }
    const known = [
      ...MODEL_OPTIONS[model],
      ...SHARED_OPTIONS,
      ...(LOWER_IS_BETTER[model] ? EXPLICIT_OPTIONS : []),
    ];
    if (!known.includes(name)) {
      throw new RangeError(
        `tune: ${where}.${name} is not an option of ${model}'s fit; expected one of ` +
          known.join(", "),
      );
    }
  }
}

function settingsOf(options: TuneOptions): Record<string, OptionValue>[] {
  const where = options.grid ? "grid" : "random.space";
  checkOptionNames(options.model, where, Object.keys(options.grid ?? options.random?.space ?? {}));
  checkOptionNames(options.model, "fixed", Object.keys(options.fixed ?? {}));
  const { grid, random } = options;
  if ((grid === undefined) === (random === undefined)) {
    throw new Error("tune: give exactly one of grid and random");
  }
  if (grid) return gridSettings(grid);
  const { space, trials, seed } = random!;
  if (!Number.isInteger(trials) || trials < 1) {
    throw new RangeError(`tune: random.trials must be a whole number ≥ 1, got ${trials}`);
  }
  const rng = new Rng(seed);
  return Array.from({ length: trials }, () => {
    const s: Record<string, OptionValue> = {};
    for (const [name, range] of Object.entries(space)) s[name] = drawOne(rng, name, range);
    return s;
  });
}

/**
 * Hyper-parameter search over any subset of a model's `fit` options, for every model kind: each
 * setting is fitted on `train` with the validation matrix reporting after every epoch (RMSE for
 * the explicit models, NDCG@10 over all unseen items for BPR and iALS), stopped after `patience`
 * epochs without improvement, and scored by its best epoch. The test set is never seen; fit the
 * winner with `bestOptions`.
 *
 * @param train Ratings (or positives, for bpr/ials) to fit on.
 * @param validation Ratings to choose on, carved from the training data.
 * @param options The model kind, a grid or a random space, and the shared options.
 * @returns Every trial, the best, the options that reproduce it and a table.
 *
 * @example
 * ```ts
 * import { tune } from "./tuning.ts";
 * import { BiasAls } from "./bias_als.ts";
 * import { fromTriplets } from "../data/coo.ts";
 * const train = fromTriplets(3, 3, [0, 0, 1, 1, 2, 2], [0, 1, 1, 2, 0, 2], [5, 4, 2, 1, 4, 2], [
 *   0, 0, 0, 0, 0, 0,
 * ]);
 * const validation = fromTriplets(3, 3, [0, 1, 2], [2, 0, 1], [4, 2, 3], [0, 0, 0]);
 * const result = await tune(train, validation, {
 *   model: "bias-als",
 *   grid: { lambda: [0.1, 1, 10], weighted: [false] },
 *   maxEpochs: 10,
 * });
 * if (result.trials.length !== 3) throw new Error("three settings of λ");
 * const refit = await BiasAls.fit(train, { ...result.bestOptions, validation, progress: false });
 * if (Math.abs(refit.history.at(-1)!.validationRmse! - result.best.score) > 1e-6) {
 *   throw new Error("bestOptions reproduce the best trial");
 * }
 * ```
 */
export async function tune(
  train: RatingMatrix,
  validation: RatingMatrix,
  options: TuneOptions,
): Promise<TuneResult> {
  const { model, fixed = {}, maxEpochs = 30, patience = 3 } = options;
  if (!(model in LOWER_IS_BETTER)) throw new RangeError(`tune: unknown model ${model}`);
  if (!Number.isInteger(maxEpochs) || maxEpochs < 1) {
    throw new RangeError(`tune: maxEpochs must be a whole number ≥ 1, got ${maxEpochs}`);
  }
  if (!Number.isInteger(patience) || patience < 1) {
    throw new RangeError(`tune: patience must be a whole number ≥ 1, got ${patience}`);
  }
  const settings = settingsOf(options);
  const lower = LOWER_IS_BETTER[model];
  const better = (a: number, b: number) => (lower ? a < b : a > b);
  const fit = await fitScores(model);
  const started = performance.now();
  const trials: TuneTrial[] = [];
  let best: TuneTrial | undefined;
  for (const setting of settings) {
    const t0 = performance.now();
    let bestScore = lower ? Infinity : -Infinity, bestEpoch = 0, epoch = 0;
    const scores = await fit(train, {
      ...fixed,
      ...setting,
      epochs: maxEpochs,
      validation,
      progress: false,
      onEpoch: (record: { validationRmse?: number; validationNdcg?: number }) => {
        epoch++;
        const score = lower ? record.validationRmse : record.validationNdcg;
        if (score !== undefined && better(score, bestScore)) {
          [bestScore, bestEpoch] = [score, epoch];
        }
        return epoch - bestEpoch < patience;
      },
    });
    if (bestEpoch === 0) {
      throw new Error(`tune: ${model} with ${JSON.stringify(setting)} gave no validation score`);
    }
    const trial: TuneTrial = {
      setting,
      score: bestScore,
      metric: lower ? "validation RMSE" : "validation NDCG@10",
      bestEpoch,
      epochs: scores.length,
      seconds: (performance.now() - t0) / 1000,
    };
    trials.push(trial);
    options.onTrial?.(trial);
    if (!best || better(trial.score, best.score)) best = trial;
  }
  if (!best) throw new Error("tune: no settings to try");
  return {
    trials,
    best,
    bestOptions: { ...fixed, ...best.setting, epochs: best.bestEpoch },
    table: trials.map((t) => ({
      ...t.setting,
      [t.metric]: t.score,
      "best epoch": t.bestEpoch,
      epochs: t.epochs,
      seconds: t.seconds,
    })),
    seconds: (performance.now() - started) / 1000,
  };
}
