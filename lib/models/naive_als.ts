/**
 * The reference ALS: the same model, equations and initial state as the Zig kernel
 * (`alsEpoch` in lib/ffi/kernels.ts), written the plain way in TypeScript. It loops over users and
 * then items, builds each row's normal equations with `alsRowEquations` (lib/models/als_row.ts,
 * the one TypeScript statement of the row update) and hands them to ml-matrix's general solver
 * (LU decomposition), allocating fresh arrays and matrices for every row.
 *
 * It exists for two reasons: it is the readable statement of what the kernel computes (the tests
 * check that both give the same numbers), and it is the baseline that notebook 00 and
 * `deno task bench` (`baseline.speedup_1m`) time the kernel against.
 *
 * For user u with rated items I_u, z_i = [y_i; 1] and r'_ui = r_ui − μ − b_i (see
 * lib/models/als_state.ts):
 *
 *   A = Σ_{i∈I_u} z_i z_iᵀ + diag(λ_f·w, …, λ_f·w, λ_b·w),  b = Σ_{i∈I_u} r'_ui z_i,
 *   [x_u; b_u] = A⁻¹ b,
 *
 * with w = n_u under ALS-WR (`weighted`) and w = 1 otherwise; then every item the same way from
 * the new user factors. Arithmetic is f64, results are stored as f32 like the kernel's.
 *
 * @module
 */

import { Matrix, solve } from "../deps/ml.ts";
import type { RatingMatrix } from "../data/types.ts";
import { alsRowEquations } from "./als_row.ts";
import { type AlsState, initAlsState } from "./als_state.ts";
import { type AlsPenalties, checkAlsPenalties } from "../ffi/params.ts";

/** Regularisation of one epoch: `lambda` and `lambdaBias`, as the kernel's `alsEpoch` takes them. */
export interface NaiveAlsOptions extends AlsPenalties {
  /** Multiply both λ by the row's rating count (ALS-WR). Default false. */
  weighted?: boolean;
}

function checkState(fn: string, m: RatingMatrix, state: AlsState): void {
  const { k } = state;
  if (!Number.isInteger(k) || k < 1) {
    throw new RangeError(`${fn}: k must be a whole number ≥ 1, got ${k}`);
  }
  if (
    state.userFactors.length !== m.nUsers * k || state.itemFactors.length !== m.nItems * k ||
    state.userBias.length !== m.nUsers || state.itemBias.length !== m.nItems
  ) {
    throw new RangeError(
      `${fn}: the state holds ${state.userBias.length} users and ${state.itemBias.length} items ` +
        `(k = ${k}), the matrix ${m.nUsers} users and ${m.nItems} items`,
    );
  }
}

/**
 * One half-step: every row of one side, given the other side, in place: its normal equations
 * from `alsRowEquations`, solved by ml-matrix's LU; a row without ratings is set to zero.
 */
function solveSide(
  m: RatingMatrix,
  state: AlsState,
  side: "user" | "item",
  options: NaiveAlsOptions,
): void {
  const { k } = state;
  const own = side === "user"
    ? { rows: m.nUsers, factors: state.userFactors, bias: state.userBias, ptr: m.userPtr }
    : { rows: m.nItems, factors: state.itemFactors, bias: state.itemBias, ptr: m.itemPtr };
  const { lambda, lambdaBias, weighted = false } = options;
  for (let row = 0; row < own.rows; row++) {
    if (own.ptr[row + 1] === own.ptr[row]) {
      own.factors.fill(0, row * k, row * k + k);
      own.bias[row] = 0;
      continue;
    }
    const { size, a, c } = alsRowEquations(m, state, { side, row, lambda, lambdaBias, weighted });
    const x = solve(Matrix.from1DArray(size, size, a), Matrix.columnVector(Array.from(c)));
    for (let p = 0; p < k; p++) own.factors[row * k + p] = x.get(p, 0);
    own.bias[row] = x.get(k, 0);
    for (let p = 0; p <= k; p++) {
      if (!Number.isFinite(p < k ? own.factors[row * k + p]! : own.bias[row]!)) {
        throw new Error(`naiveAlsEpoch: ${side} ${row} has no finite solution (singular system)`);
      }
    }
  }
}

/**
 * One ALS epoch in place, plain TypeScript: every user given the items, then every item given the
 * new users. The same update as the kernel's `alsEpoch`.
 *
 * @param m The training ratings.
 * @param state The model (e.g. from `initAlsState`), updated in place.
 * @param options `lambda`, `lambdaBias`, `weighted`.
 *
 * @example
 * ```ts
 * import { naiveAlsEpoch } from "./naive_als.ts";
 * import { initAlsState } from "./als_state.ts";
 * import { fromTriplets } from "../data/coo.ts";
 * const m = fromTriplets(2, 2, [0, 0, 1], [0, 1, 0], [4, 2, 5], [0, 0, 0]);
 * const state = initAlsState(2, 2, 1, { seed: 1, mu: 11 / 3 });
 * naiveAlsEpoch(m, state, { lambda: 0.1, lambdaBias: 0.1 });
 * if (!state.userFactors.every(Number.isFinite)) throw new Error("finite");
 * ```
 */
export function naiveAlsEpoch(m: RatingMatrix, state: AlsState, options: NaiveAlsOptions): void {
  checkAlsPenalties("naiveAlsEpoch", options);
  checkState("naiveAlsEpoch", m, state);
  solveSide(m, state, "user", options);
  solveSide(m, state, "item", options);
}

/**
 * Root mean squared error of a model on a matrix, predictions clamped to the rating scale (as the
 * kernel's `scoreMatrix` does). Plain loops.
 *
 * @param state The model.
 * @param m The ratings to score (same dense ids).
 * @param options The rating scale (default 0.5–5).
 * @returns The RMSE (NaN for an empty matrix).
 *
 * @example
 * ```ts
 * import { naiveRmse } from "./naive_als.ts";
 * import { fromTriplets } from "../data/coo.ts";
 * const m = fromTriplets(1, 2, [0, 0], [0, 1], [5, 3], [0, 0]);
 * const s = { k: 1, mu: 4, userFactors: Float32Array.of(0), itemFactors: Float32Array.of(0, 0),
 *   userBias: Float32Array.of(0), itemBias: Float32Array.of(0, 0) };
 * if (naiveRmse(s, m) !== 1) throw new Error("|5 − 4| = |3 − 4| = 1");
 * ```
 */
export function naiveRmse(
  state: AlsState,
  m: RatingMatrix,
  options: { ratingMin?: number; ratingMax?: number } = {},
): number {
  const { ratingMin = 0.5, ratingMax = 5 } = options;
  const { k } = state;
  let sse = 0;
  for (let u = 0; u < m.nUsers; u++) {
    for (let e = m.userPtr[u]!; e < m.userPtr[u + 1]!; e++) {
      const i = m.userItems[e]!;
      let p = state.mu + state.userBias[u]! + state.itemBias[i]!;
      for (let f = 0; f < k; f++) {
        p += state.userFactors[u * k + f]! * state.itemFactors[i * k + f]!;
      }
      const clamped = Math.min(ratingMax, Math.max(ratingMin, p));
      sse += (m.userRatings[e]! - clamped) ** 2;
    }
  }
  return Math.sqrt(sse / m.nnz);
}

/** Options of {@linkcode naiveAlsFit}. */
export interface NaiveAlsFitOptions extends NaiveAlsOptions {
  /** Latent factors K. */
  k: number;
  /** Epochs to run. */
  epochs: number;
  /** Seed of the initial state (as `initAlsState`). */
  seed: number;
  /** Standard deviation of the initial factors (default 0.1, as `initAlsState`). */
  scale?: number;
}

/** What {@linkcode naiveAlsFit} returns. */
export interface NaiveAlsFit {
  /** The trained model. */
  state: AlsState;
  /** Training RMSE after each epoch. */
  trainRmse: number[];
  /** Wall-clock seconds of each epoch (the epoch only, not the RMSE). */
  epochSeconds: number[];
}

/**
 * Trains the reference ALS from `initAlsState(…, { seed, scale, mu: mean training rating })`,
 * the kernel's starting point, and records the training RMSE and the time of every epoch.
 *
 * @param train The training ratings.
 * @param options K, epochs, seed and the regularisation.
 * @returns The model, the RMSE per epoch and the seconds per epoch.
 *
 * @example
 * ```ts
 * import { naiveAlsFit } from "./naive_als.ts";
 * import { fromTriplets } from "../data/coo.ts";
 * const m = fromTriplets(2, 2, [0, 0, 1], [0, 1, 0], [4, 2, 5], [0, 0, 0]);
 * const fit = naiveAlsFit(m, { k: 2, epochs: 3, seed: 1, lambda: 0.1, lambdaBias: 0.1 });
 * if (fit.trainRmse.length !== 3) throw new Error("one RMSE per epoch");
 * ```
 */
export function naiveAlsFit(train: RatingMatrix, options: NaiveAlsFitOptions): NaiveAlsFit {
  checkAlsPenalties("naiveAlsFit", options);
  if (!Number.isInteger(options.epochs) || options.epochs < 0) {
    throw new RangeError(`naiveAlsFit: epochs must be a whole number ≥ 0, got ${options.epochs}`);
  }
  if (train.nnz === 0) throw new RangeError("naiveAlsFit: the training matrix has no ratings");
  let sum = 0;
  for (const r of train.userRatings) sum += r;
  const state = initAlsState(train.nUsers, train.nItems, options.k, {
    seed: options.seed,
    scale: options.scale,
    mu: Math.fround(sum / train.nnz),
  });
  const trainRmse: number[] = [];
  const epochSeconds: number[] = [];
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    const started = performance.now();
    naiveAlsEpoch(train, state, options);
    epochSeconds.push((performance.now() - started) / 1000);
    trainRmse.push(naiveRmse(state, train));
  }
  return { state, trainRmse, epochSeconds };
}
