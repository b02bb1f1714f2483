/**
 * One row of an ALS half-step, written out: the (K+1)×(K+1) normal equations of a single user or
 * item, their Cholesky factor and their solution. The kernel solves millions of these per epoch;
 * this module builds them in plain TypeScript (f64 throughout): the one TypeScript statement of
 * the row update. A notebook shows one system and checks the kernel's answer against it, and the
 * reference epoch (lib/models/naive_als.ts) loops over every row of it.
 *
 * For item i with raters U_i (n = |U_i|), z_u = [x_u; 1] and r'_ui = r_ui − μ − b_u
 * (lib/models/als_state.ts; a user mirrors it with z_i = [y_i; 1] and r'_ui = r_ui − μ − b_i):
 *
 *   A = Σ_{u∈U_i} z_u z_uᵀ + diag(λ_f·w, …, λ_f·w, λ_b·w),   c = Σ_{u∈U_i} r'_ui z_u,
 *   A = L Lᵀ (Cholesky),  L g = c,  Lᵀ [y_i; b_i] = g,
 *
 * with w = n under ALS-WR (`weighted`) and w = 1 otherwise. With K = 0 (a bias-only state) the
 * system is 1×1 and the solution is the bias update b = Σ r' / (n + λ_b·w).
 *
 * @module
 */
import type { RatingMatrix } from "../data/types.ts";
import type { AlsState } from "./als_state.ts";
import { checkAlsPenalties } from "../ffi/params.ts";

/** Options of {@linkcode alsRowEquations} and {@linkcode alsRowSystem}. */
export interface AlsRowOptions {
  /** Which side the row belongs to. */
  side: "user" | "item";
  /** Dense index of the user or item. */
  row: number;
  /** λ_f, the factor penalty (> 0). */
  lambda: number;
  /** λ_b, the bias penalty (≥ 0). Default: `lambda`. */
  lambdaBias?: number;
  /** ALS-WR: multiply both λ by the row's rating count. Default true (as `Als.fit`). */
  weighted?: boolean;
}

/** The normal equations of one row, before they are solved: A θ = c. */
export interface AlsRowEquations {
  /** Number of ratings in the row, n. */
  n: number;
  /** K + 1, the size of the system. */
  size: number;
  /** A, `size × size`, row-major (symmetric). */
  a: Float64Array;
  /** The right-hand side c. */
  c: Float64Array;
}

/** The normal equations of one row and their solution. */
export interface AlsRowSystem extends AlsRowEquations {
  /** The Cholesky factor L of A (lower triangle, row-major; zeros above the diagonal). */
  cholesky: Float64Array;
  /** [x; b] = A⁻¹ c: the row's K factors, then its bias. */
  solution: Float64Array;
}

/**
 * The Cholesky factor of a symmetric positive definite matrix: the lower-triangular L with
 * A = L Lᵀ (only A's lower triangle is read).
 *
 * @param a The matrix, `size × size`, row-major.
 * @param size Its order.
 * @returns L, `size × size`, row-major, zeros above the diagonal; throws when A is not positive
 *   definite.
 *
 * @example
 * ```ts
 * import { choleskyFactor } from "./als_row.ts";
 * // [[4, 2], [2, 5]] = [[2, 0], [1, 2]] · [[2, 1], [0, 2]]
 * const l = choleskyFactor(Float64Array.of(4, 2, 2, 5), 2);
 * if (l.join() !== "2,0,1,2") throw new Error("L");
 * ```
 */
export function choleskyFactor(a: ArrayLike<number>, size: number): Float64Array {
  if (!Number.isInteger(size) || size < 1 || a.length !== size * size) {
    throw new RangeError(
      `choleskyFactor: expected a size × size matrix (size ≥ 1), got ${a.length} entries for size ${size}`,
    );
  }
  const l = new Float64Array(size * size);
  for (let j = 0; j < size; j++) {
    let d = a[j * size + j]!;
    for (let p = 0; p < j; p++) d -= l[j * size + p]! ** 2;
    if (!(d > 0) || !Number.isFinite(d)) {
      throw new Error(
        `choleskyFactor: the matrix is not positive definite (pivot ${j} is ${d})`,
      );
    }
    const ljj = Math.sqrt(d);
    l[j * size + j] = ljj;
    for (let i = j + 1; i < size; i++) {
      let s = a[i * size + j]!;
      for (let p = 0; p < j; p++) s -= l[i * size + p]! * l[j * size + p]!;
      l[i * size + j] = s / ljj;
    }
  }
  return l;
}

/**
 * Solves A x = c given A's Cholesky factor L: forward substitution L g = c, then back
 * substitution Lᵀ x = g.
 *
 * @param l The factor from {@linkcode choleskyFactor}.
 * @param c The right-hand side, `size` entries.
 * @returns x.
 *
 * @example
 * ```ts
 * import { choleskyFactor, choleskySolve } from "./als_row.ts";
 * const a = Float64Array.of(4, 2, 2, 5);
 * const x = choleskySolve(choleskyFactor(a, 2), Float64Array.of(6, 7)); // x = [1, 1]
 * if (Math.abs(x[0]! - 1) > 1e-12 || Math.abs(x[1]! - 1) > 1e-12) throw new Error("x");
 * ```
 */
export function choleskySolve(l: ArrayLike<number>, c: ArrayLike<number>): Float64Array {
  const size = c.length;
  if (size < 1 || l.length !== size * size) {
    throw new RangeError(
      `choleskySolve: L has ${l.length} entries, expected ${size}² for a right-hand side of ${size}`,
    );
  }
  const g = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    let s = c[i]!;
    for (let p = 0; p < i; p++) s -= l[i * size + p]! * g[p]!;
    g[i] = s / l[i * size + i]!;
  }
  const x = new Float64Array(size);
  for (let i = size - 1; i >= 0; i--) {
    let s = g[i]!;
    for (let p = i + 1; p < size; p++) s -= l[p * size + i]! * x[p]!;
    x[i] = s / l[i * size + i]!;
  }
  return x;
}

/**
 * Builds the normal equations A θ = c of one user or item given the other side's current
 * parameters in `state`, exactly as one ALS half-step does for that row (f64; both triangles of A
 * are filled). The one TypeScript statement of the row update: {@linkcode alsRowSystem} solves it
 * by Cholesky, the reference epoch (`naiveAlsEpoch`) by ml-matrix's LU, the Zig kernel by its own
 * Cholesky in SIMD.
 *
 * @param train The training ratings the model was fitted on.
 * @param state The model parameters (K ≥ 0).
 * @param options `side`, `row`, λ_f, λ_b and the ALS-WR weighting.
 * @returns n, K + 1, A and c. Throws for a row without ratings (a half-step sets such a row to
 *   zero without solving anything).
 *
 * @example
 * ```ts
 * import { alsRowEquations } from "./als_row.ts";
 * import { fromTriplets } from "../data/coo.ts";
 * // User 0 rated item 0 (y = 1) 5 stars and item 1 (y = 2) 3 stars; μ = 4, item biases 0.
 * const train = fromTriplets(1, 2, [0, 0], [0, 1], [5, 3], [0, 0]);
 * const state = {
 *   k: 1, mu: 4, userFactors: new Float32Array(1), itemFactors: Float32Array.of(1, 2),
 *   userBias: new Float32Array(1), itemBias: new Float32Array(2),
 * };
 * const eq = alsRowEquations(train, state, { side: "user", row: 0, lambda: 1, weighted: false });
 * // A = [[1 + 4 + λ, 1 + 2], [1 + 2, 2 + λ_b]], c = [1·1 + (−1)·2, 1 + (−1)]
 * if (eq.a.join() !== "6,3,3,3" || eq.c.join() !== "-1,0") throw new Error("A and c");
 * ```
 */
export function alsRowEquations(
  train: RatingMatrix,
  state: AlsState,
  options: AlsRowOptions,
): AlsRowEquations {
  return rowEquations("alsRowEquations", train, state, options);
}

function rowEquations(
  fn: string,
  train: RatingMatrix,
  state: AlsState,
  options: AlsRowOptions,
): AlsRowEquations {
  const { side, row, lambda, lambdaBias = lambda, weighted = true } = options;
  const { k } = state;
  if (!Number.isInteger(k) || k < 0) throw new RangeError(`${fn}: k must be ≥ 0, got ${k}`);
  if (
    state.userBias.length !== train.nUsers || state.itemBias.length !== train.nItems ||
    state.userFactors.length !== train.nUsers * k || state.itemFactors.length !== train.nItems * k
  ) {
    throw new RangeError(
      `${fn}: the state holds ${state.userBias.length} users and ${state.itemBias.length} items ` +
        `(k = ${k}), the matrix ${train.nUsers} users and ${train.nItems} items`,
    );
  }
  if (side !== "user" && side !== "item") {
    throw new RangeError(`${fn}: side must be "user" or "item", got ${side}`);
  }
  checkAlsPenalties(fn, { lambda, lambdaBias });
  const rows = side === "user" ? train.nUsers : train.nItems;
  if (!Number.isInteger(row) || row < 0 || row >= rows) {
    throw new RangeError(`${fn}: row must be a dense ${side} index in 0..${rows - 1}, got ${row}`);
  }
  const ptr = side === "user" ? train.userPtr : train.itemPtr;
  const index = side === "user" ? train.userItems : train.itemUsers;
  const ratings = side === "user" ? train.userRatings : train.itemRatings;
  const otherFactors = side === "user" ? state.itemFactors : state.userFactors;
  const otherBias = side === "user" ? state.itemBias : state.userBias;
  const start = ptr[row]!, end = ptr[row + 1]!;
  const n = end - start;
  if (n === 0) {
    throw new Error(`${fn}: ${side} ${row} has no training ratings; ALS sets its row to zero`);
  }
  const size = k + 1;
  const a = new Float64Array(size * size);
  const c = new Float64Array(size);
  const z = new Float64Array(size);
  z[k] = 1;
  for (let e = start; e < end; e++) {
    const j = index[e]!;
    for (let p = 0; p < k; p++) z[p] = otherFactors[j * k + p]!;
    const r = ratings[e]! - state.mu - otherBias[j]!;
    for (let p = 0; p < size; p++) {
      for (let q = 0; q < size; q++) a[p * size + q]! += z[p]! * z[q]!;
      c[p]! += r * z[p]!;
    }
  }
  const w = weighted ? n : 1;
  for (let p = 0; p < k; p++) a[p * size + p]! += lambda * w;
  a[k * size + k]! += lambdaBias * w;
  return { n, size, a, c };
}

/**
 * Builds and solves the normal equations of one user or item given the other side's current
 * parameters in `state`, exactly as one ALS half-step does for that row (in f64): the system of
 * {@linkcode alsRowEquations}, factorised by {@linkcode choleskyFactor} and solved by
 * {@linkcode choleskySolve}. After a full epoch the item side was solved last, so an item's
 * solution reproduces its stored y_i and b_i (up to the kernel's f32 storage).
 *
 * @param train The training ratings the model was fitted on.
 * @param state The model parameters (K ≥ 0).
 * @param options `side`, `row`, λ_f, λ_b and the ALS-WR weighting.
 * @returns A, c, the Cholesky factor and the solution [x; b]. Throws for a row without ratings
 *   (a half-step sets such a row to zero without solving anything).
 *
 * @example
 * ```ts
 * import { alsRowSystem } from "./als_row.ts";
 * import { fromTriplets } from "../data/coo.ts";
 * // Item 0 rated 5 and 3 by two users whose factors are 0: only the bias is left,
 * // b_0 = ((5 − 4) + (3 − 4)) / (2 + 1) = 0 with λ_b = 1 (unweighted).
 * const train = fromTriplets(2, 1, [0, 1], [0, 0], [5, 3], [0, 0]);
 * const state = {
 *   k: 1, mu: 4, userFactors: new Float32Array(2), itemFactors: new Float32Array(1),
 *   userBias: new Float32Array(2), itemBias: new Float32Array(1),
 * };
 * const s = alsRowSystem(train, state, { side: "item", row: 0, lambda: 1, weighted: false });
 * if (s.a[3] !== 3 || s.solution[1] !== 0) throw new Error("n + λ_b = 3, b = 0");
 * ```
 */
export function alsRowSystem(
  train: RatingMatrix,
  state: AlsState,
  options: AlsRowOptions,
): AlsRowSystem {
  const { n, size, a, c } = rowEquations("alsRowSystem", train, state, options);
  const cholesky = choleskyFactor(a, size);
  return { n, size, a, c, cholesky, solution: choleskySolve(cholesky, c) };
}
