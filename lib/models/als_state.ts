/**
 * The state of an explicit-feedback ALS model and its seeded initial value: the contract that the
 * Zig kernel (kernels/als.zig, kernels/bias_als.zig) and any reference implementation share.
 *
 * ## Model
 *
 * r̂_ui = μ + b_u + b_i + x_u·y_i, with x_u, y_i ∈ ℝᴷ, minimising
 *
 *   Σ_(u,i) (r_ui − r̂_ui)² + λ_f (Σ_u w_u ‖x_u‖² + Σ_i w_i ‖y_i‖²) + λ_b (Σ_u w_u b_u² + Σ_i w_i b_i²)
 *
 * where w = n (the row's number of training ratings) with ALS-WR (`weighted: true`), else w = 1.
 * μ is fixed (the training mean) and never updated.
 *
 * ## One epoch
 *
 * 1. Every user u with rated items I_u (n_u = |I_u|) is solved exactly given the items. With
 *    z_i = [y_i; 1] (K + 1 entries) and r'_ui = r_ui − μ − b_i:
 *
 *      A = Σ_{i∈I_u} z_i z_iᵀ + diag(λ_f·w, …, λ_f·w, λ_b·w)      ((K+1) × (K+1))
 *      b = Σ_{i∈I_u} r'_ui z_i
 *      [x_u; b_u] = A⁻¹ b                                            (Cholesky)
 *
 *    A user with no ratings gets x_u = 0 and b_u = 0.
 * 2. Every item i is solved the same way given the *new* users (z_u = [x_u; 1],
 *    r'_ui = r_ui − μ − b_u, w = n_i).
 *
 * Bias-only ALS is the scalar case (K = 0): b_u = Σ_{i∈I_u} (r_ui − μ − b_i) / (n_u + λ_b·w), then
 * the mirror for items; rows without ratings get 0.
 *
 * ## Numerics of the kernel
 *
 * Storage is f32. The kernel computes r' in f32 and solves each row in one of two equivalent ways:
 * rows with many ratings through A itself (the products z zᵀ and r'·z summed in f32 within
 * chunks of max(16, ⌊8192 / K'⌋) ratings, K' = K rounded up to the SIMD width, each chunk added
 * into f64; A's bias row/column and b in f64; an f32 Cholesky factorisation refined once with the
 * f64 residual b − A x), short rows (n ≤ 2(K+1)/3, λ_b > 0) through the n × n dual system
 * (D + ZᵀZ)⁻¹Zᵀr' = D⁻¹Zᵀ(I + ZD⁻¹Zᵀ)⁻¹r' in f64, with D = diag(λ_f·w, …, λ_b·w) and Z the rows
 * z_iᵀ. The solution is rounded to f32. The bias-only model sums in f64. A reference
 * implementation in f64 agrees to about 1e-5 per epoch. Rows are independent, so results do not
 * depend on the thread count.
 *
 * ## Initial state ({@linkcode initAlsState})
 *
 * One {@linkcode Rng} seeded with `seed`; `scale · rng.normal()` for every entry of
 * `userFactors` (row-major, user 0 first), then every entry of `itemFactors`; biases 0; μ as
 * given (the training mean). Users and items without training ratings keep their random factors
 * until the first epoch sets them to zero.
 *
 * @module
 */
import { alignedFloat32Array, type AlsState } from "../ffi/kernels.ts";
import { Rng } from "../stats/rng.ts";

/**
 * The parameters of an ALS model (or of a bias-only model, with `k = 0`): the one model-parameter
 * type of the library, declared beside the kernels that read it (lib/ffi/kernels.ts) because
 * lib/ffi imports nothing above it.
 */
export type { AlsState };

/** Options of {@linkcode initAlsState}. */
export interface InitAlsStateOptions {
  /** Seed of the {@linkcode Rng}, an integer in 0..2³²−1. */
  seed: number;
  /** Standard deviation of the initial factors. Default 0.1. */
  scale?: number;
  /** Global mean μ, normally the mean training rating. */
  mu: number;
}

/**
 * The seeded initial state: factors ~ N(0, scale²) drawn from `new Rng(seed)` with
 * `scale * rng.normal()`, user factors first (row-major), then item factors; biases zero.
 *
 * @param nUsers Number of users (rows of the training matrix).
 * @param nItems Number of items.
 * @param k Latent factors per user and item (0 gives a bias-only state).
 * @param options `seed`, `scale` (default 0.1) and `mu`.
 * @returns A fresh state; the same arguments always give the same numbers.
 *
 * @example
 * ```ts
 * import { initAlsState } from "./als_state.ts";
 * const a = initAlsState(3, 4, 2, { seed: 1, mu: 3.5 });
 * const b = initAlsState(3, 4, 2, { seed: 1, mu: 3.5 });
 * if (a.userFactors.length !== 6 || a.itemFactors[7] !== b.itemFactors[7]) throw new Error("seeded");
 * ```
 */
export function initAlsState(
  nUsers: number,
  nItems: number,
  k: number,
  options: InitAlsStateOptions,
): AlsState {
  const { seed, scale = 0.1, mu } = options;
  for (const [name, value] of [["nUsers", nUsers], ["nItems", nItems], ["k", k]] as const) {
    if (!Number.isInteger(value) || value < 0 || value > 0xffff_ffff) {
      throw new RangeError(`initAlsState: ${name} must be a whole number ≥ 0, got ${value}`);
    }
  }
  if (!(scale >= 0) || !Number.isFinite(scale)) {
    throw new RangeError(`initAlsState: scale must be a finite number ≥ 0, got ${scale}`);
  }
  if (!Number.isFinite(mu)) throw new RangeError(`initAlsState: mu must be finite, got ${mu}`);
  const rng = new Rng(seed);
  // Every rating reads a factor row at a random address: rows start on cache lines (a row spans
  // as few lines as it can) and huge pages spare those reads TLB misses.
  const userFactors = alignedFloat32Array(nUsers * k);
  const itemFactors = alignedFloat32Array(nItems * k);
  for (let j = 0; j < userFactors.length; j++) userFactors[j] = scale * rng.normal();
  for (let j = 0; j < itemFactors.length; j++) itemFactors[j] = scale * rng.normal();
  return {
    k,
    mu,
    userFactors,
    itemFactors,
    userBias: new Float32Array(nUsers),
    itemBias: new Float32Array(nItems),
  };
}

/**
 * A deep copy of a state (for snapshots such as "best epoch so far").
 *
 * @example
 * ```ts
 * import { cloneAlsState, initAlsState } from "./als_state.ts";
 * const s = initAlsState(2, 2, 1, { seed: 3, mu: 3 });
 * const c = cloneAlsState(s);
 * c.userBias[0] = 1;
 * if (s.userBias[0] !== 0) throw new Error("a copy");
 * ```
 */
export function cloneAlsState(state: AlsState): AlsState {
  return {
    k: state.k,
    mu: state.mu,
    userFactors: alignedCopy(state.userFactors),
    itemFactors: alignedCopy(state.itemFactors),
    userBias: state.userBias.slice(),
    itemBias: state.itemBias.slice(),
  };
}

/**
 * Copies the parameters of `from` into `state` in place (same K and counts; μ is not copied), for
 * putting a snapshot back without allocating.
 *
 * @example
 * ```ts
 * import { cloneAlsState, copyAlsState, initAlsState } from "./als_state.ts";
 * const s = initAlsState(2, 2, 1, { seed: 3, mu: 3 });
 * const snapshot = cloneAlsState(s);
 * s.itemFactors[0] = 42;
 * copyAlsState(s, snapshot);
 * if (s.itemFactors[0] !== snapshot.itemFactors[0]) throw new Error("put back");
 * ```
 */
export function copyAlsState(state: AlsState, from: AlsState): void {
  state.userFactors.set(from.userFactors);
  state.itemFactors.set(from.itemFactors);
  state.userBias.set(from.userBias);
  state.itemBias.set(from.itemBias);
}

function alignedCopy(from: Float32Array): Float32Array {
  const copy = alignedFloat32Array(from.length);
  copy.set(from);
  return copy;
}
