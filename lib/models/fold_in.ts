/**
 * Fold-in: factors and bias for a person the model was not trained on, from a handful of ratings,
 * without retraining (implicit's `recalculate_user`, cmfrec's `factors_warm`). With the item side
 * fixed, the person's row is the exact solution of the same (K+1)×(K+1) normal equations one ALS
 * user half-step solves (lib/models/als_state.ts, lib/models/als_row.ts):
 *
 *   z_j = [y_j; 1],  r'_j = r_j − μ − b_j
 *   A = Σ_j z_j z_jᵀ + diag(λ_f·w, …, λ_f·w, λ_b·w),  c = Σ_j r'_j z_j,  [x; b] = A⁻¹ c
 *
 * with w = n (the number of ratings) under ALS-WR and 1 otherwise; λ_f, λ_b and the weighting are
 * the model's own (`hyper`). For a bias-only model (K = 0) the system is 1×1: b = Σ r' / (n + λ·w).
 * A training user folded in from their own training ratings gets the row the kernel last solved
 * for them (exactly, when users were the side updated last), in f64 here against the kernel's f32.
 *
 * Everything is in f64; one call costs O(n·K² + K³) (about 0.1 ms at K = 64, n = 10).
 *
 * Two paths. {@linkcode foldIn} is the TypeScript solve, the reference the tests hold the kernel
 * to. {@linkcode recommendPerson} is the fast path: one call of the Zig kernel
 * (kernels/fold_in.zig, `foldInRecommend` in lib/ffi/kernels.ts) solves the same row, scores
 * every movie and returns the top-N under an allowed-items mask with the rated movies left out
 * (the filter is applied inside the top-N, never after cutting to N); the person it returns
 * explains its scores exactly like {@linkcode foldIn}'s. {@linkcode scorePerson} scores a known
 * row in the same kernel.
 *
 * @module
 */
import { foldInRecommend } from "../ffi/kernels.ts";
import { type AlsPenalties, checkAlsPenalties } from "../ffi/params.ts";
import type { AlsState } from "./als_state.ts";
import { choleskyFactor, choleskySolve } from "./als_row.ts";
import type { TopNList } from "./top_n.ts";

/** What fold-in needs of a model: its parameters and hyper-parameters (any ALS-family model). */
export interface FoldInModel {
  /** The trained parameters; only the item side, μ and K are read. */
  readonly state: AlsState;
  /** `lambda`, `lambdaBias`, `weighted` as `fit` used them. */
  readonly hyper: Readonly<Record<string, number | boolean | string>>;
}

/** Options of {@linkcode foldIn}; each defaults to the model's own hyper-parameter. */
export interface FoldInOptions {
  /** λ_f. Default `model.hyper.lambda`. */
  lambda?: number;
  /** λ_b. Default `model.hyper.lambdaBias`, else `model.hyper.lambda`. */
  lambdaBias?: number;
  /** ALS-WR weighting (λ·n). Default `model.hyper.weighted`, else true. */
  weighted?: boolean;
}

/** A folded-in person: the solution and what {@linkcode explain} needs to split a score. */
export interface Person {
  /** K. */
  readonly k: number;
  /** x, the person's K factors. */
  readonly factors: Float64Array;
  /** b_u, the person's bias. */
  readonly bias: number;
  /** The rated dense items, in the order given. */
  readonly items: Uint32Array;
  /** Their ratings. */
  readonly ratings: Float64Array;
  /** r'_j = r_j − μ − b_j per rated item. */
  readonly residuals: Float64Array;
  /** The Cholesky factor L of A ((K+1)², row-major; empty when the person rated nothing). */
  readonly cholesky: Float64Array;
}

/**
 * A numeric hyper-parameter a model was fitted with (`model.hyper[name]`), or undefined when the
 * model records none or a value of another type: the default of every fold-in option.
 *
 * @example
 * ```ts
 * import { hyperNumber } from "./fold_in.ts";
 * const model = { hyper: { lambda: 0.1, weighted: true } };
 * if (hyperNumber(model, "lambda") !== 0.1) throw new Error("λ recorded");
 * if (hyperNumber(model, "weighted") !== undefined) throw new Error("not a number");
 * ```
 */
export function hyperNumber(
  model: { readonly hyper: Readonly<Record<string, number | boolean | string>> },
  name: string,
): number | undefined {
  const v = model.hyper[name];
  return typeof v === "number" ? v : undefined;
}

/** The regularisation a model was fitted with (or the overrides), checked. */
export function foldInPenalties(
  model: FoldInModel,
  options: FoldInOptions = {},
): AlsPenalties & { weighted: boolean } {
  const lambda = options.lambda ?? hyperNumber(model, "lambda");
  const lambdaBias = options.lambdaBias ?? hyperNumber(model, "lambdaBias") ?? lambda;
  const w = model.hyper["weighted"];
  const weighted = options.weighted ?? (typeof w === "boolean" ? w : true);
  if (lambda === undefined) {
    throw new RangeError(
      "foldIn: lambda must be a finite number > 0, got undefined (the model's hyper has no " +
        "lambda and no option set it)",
    );
  }
  const penalties = { lambda, lambdaBias };
  checkAlsPenalties("foldIn", penalties);
  return { ...penalties, weighted };
}

/**
 * Folds a person into a trained model: the exact row solve with the item side fixed (see the
 * module notes). Items are dense indices; a repeated item or one outside the model, or a
 * non-finite rating, is refused with a `RangeError` naming it. A person with no ratings gets
 * x = 0 and b = 0, as ALS gives a user without ratings.
 *
 * @param model A fitted `Als` or `BiasAls` (anything with `state` and `hyper`).
 * @param items Dense item indices the person rated.
 * @param ratings Their ratings, same length.
 * @param options Overrides of λ_f, λ_b and the weighting.
 * @returns The person's factors and bias, and what {@linkcode explain} needs.
 *
 * @example
 * ```ts
 * import { foldIn } from "./fold_in.ts";
 * import { Als } from "./als.ts";
 * import { fromTriplets } from "../data/coo.ts";
 * const train = fromTriplets(3, 3, [0, 0, 1, 1, 2, 2], [0, 1, 1, 2, 0, 2], [5, 4, 2, 1, 4, 2], [
 *   0, 0, 0, 0, 0, 0,
 * ]);
 * const model = await Als.fit(train, { k: 2, lambda: 0.1, epochs: 5, seed: 1 });
 * // A new person who loved movie 0: their predicted rating of it is above μ.
 * const person = foldIn(model, [0], [5]);
 * let score = model.mu + person.bias + model.itemBias[0]!;
 * for (let f = 0; f < 2; f++) score += person.factors[f]! * model.itemFactors[f]!;
 * if (!(score > model.mu)) throw new Error(`${score}`);
 * ```
 */
export function foldIn(
  model: FoldInModel,
  items: ArrayLike<number>,
  ratings: ArrayLike<number>,
  options: FoldInOptions = {},
): Person {
  const { k } = model.state;
  const penalties = foldInPenalties(model, options);
  const input = checkedRatings("foldIn", model.state, items, ratings);
  if (input.items.length === 0) {
    return { k, factors: new Float64Array(k), bias: 0, ...input, cholesky: new Float64Array(0) };
  }
  const { a, c } = normalEquations(model.state, input, penalties);
  const cholesky = choleskyFactor(a, k + 1);
  const solution = choleskySolve(cholesky, c);
  return { k, factors: solution.slice(0, k), bias: solution[k]!, ...input, cholesky };
}

/** The person's items, ratings and residuals r' = r − μ − b_j, checked. */
function checkedRatings(
  fn: string,
  state: AlsState,
  items: ArrayLike<number>,
  ratings: ArrayLike<number>,
): { items: Uint32Array; ratings: Float64Array; residuals: Float64Array } {
  const { mu, itemBias } = state;
  const nItems = itemBias.length;
  if (items.length !== ratings.length) {
    throw new RangeError(`${fn}: ${items.length} items but ${ratings.length} ratings`);
  }
  const n = items.length;
  const seen = new Set<number>();
  const dense = new Uint32Array(n);
  const values = new Float64Array(n);
  const residuals = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const i = items[j]!, r = ratings[j]!;
    if (!Number.isInteger(i) || i < 0 || i >= nItems) {
      throw new RangeError(`${fn}: item ${i} is not a dense index in 0..${nItems - 1}`);
    }
    if (seen.has(i)) throw new RangeError(`${fn}: item ${i} is rated twice`);
    if (!Number.isFinite(r)) throw new RangeError(`${fn}: the rating of item ${i} is ${r}`);
    seen.add(i);
    dense[j] = i;
    values[j] = r;
    residuals[j] = r - mu - itemBias[i]!;
  }
  return { items: dense, ratings: values, residuals };
}

/** A = Σ z zᵀ + diag(λ_f·w, …, λ_b·w) ((K+1)², row-major, full) and c = Σ r' z. */
function normalEquations(
  state: AlsState,
  input: { items: Uint32Array; residuals: Float64Array },
  penalties: AlsPenalties & { weighted: boolean },
): { a: Float64Array; c: Float64Array } {
  const { k, itemFactors } = state;
  const { items, residuals } = input;
  const n = items.length;
  const size = k + 1;
  const a = new Float64Array(size * size);
  const c = new Float64Array(size);
  const z = new Float64Array(size);
  z[k] = 1;
  for (let j = 0; j < n; j++) {
    const i = items[j]!;
    for (let p = 0; p < k; p++) z[p] = itemFactors[i * k + p]!;
    const r = residuals[j]!;
    for (let p = 0; p < size; p++) {
      const zp = z[p]!;
      for (let q = 0; q <= p; q++) a[p * size + q]! += zp * z[q]!;
      c[p]! += r * zp;
    }
  }
  for (let p = 0; p < size; p++) {
    for (let q = p + 1; q < size; q++) a[p * size + q] = a[q * size + p]!;
  }
  const w = penalties.weighted ? n : 1;
  for (let p = 0; p < k; p++) a[p * size + p]! += penalties.lambda * w;
  a[k * size + k]! += penalties.lambdaBias * w;
  return { a, c };
}

/** Options of {@linkcode scorePerson}. */
export interface ScorePersonOptions {
  /** `false` runs the TypeScript loop (f64 sums), the reference of the kernel. Default true. */
  kernel?: boolean;
  /** Kernel threads over the items (default `RECSYS_THREADS` or all cores). */
  threads?: number;
}

/**
 * The person's unclamped predicted rating of every item, μ + b + b_i + x·y_i, into `out`: by
 * the Zig kernel (f32 SIMD dot products, the arithmetic of the top-N kernels), or with
 * `kernel: false` by the TypeScript loop (f64 sums, stored as f32). The two agree to about 1e-6
 * relative.
 *
 * @example
 * ```ts
 * import { foldIn, scorePerson } from "./fold_in.ts";
 * const state = {
 *   k: 1, mu: 3, userFactors: new Float32Array(0), itemFactors: Float32Array.of(1, -1),
 *   userBias: new Float32Array(0), itemBias: Float32Array.of(0, 0),
 * };
 * const person = foldIn({ state, hyper: { lambda: 1, weighted: false } }, [0], [5]);
 * const s = scorePerson(state, person);
 * if (!(s[0]! > 3 && s[1]! < s[0]!)) throw new Error(`${s}`);
 * const reference = scorePerson(state, person, undefined, { kernel: false });
 * if (Math.abs(reference[0]! - s[0]!) > 1e-6) throw new Error(`${reference} vs ${s}`);
 * ```
 */
export function scorePerson(
  state: AlsState,
  person: Pick<Person, "factors" | "bias">,
  out: Float32Array = new Float32Array(state.itemBias.length),
  options: ScorePersonOptions = {},
): Float32Array {
  const { k, mu, itemFactors, itemBias } = state;
  const x = person.factors;
  if (x.length !== k) throw new RangeError(`scorePerson: ${x.length} factors for k = ${k}`);
  if (out.length !== itemBias.length) {
    throw new RangeError(`scorePerson: out has ${out.length} entries, ${itemBias.length} items`);
  }
  if (options.kernel !== false) {
    const row = new Float32Array(k + 1);
    row.set(x);
    row[k] = person.bias;
    foldInRecommend(state, [], [], { row, n: 0, allScores: out, threads: options.threads });
    return out;
  }
  const base = mu + person.bias;
  for (let i = 0; i < itemBias.length; i++) {
    let s = base + itemBias[i]!;
    const o = i * k;
    for (let f = 0; f < k; f++) s += x[f]! * itemFactors[o + f]!;
    out[i] = s;
  }
  return out;
}

/** Options of {@linkcode recommendPerson}. */
export interface RecommendPersonOptions extends FoldInOptions {
  /** List length (1..65536). Default 10. */
  n?: number;
  /** 1 where a movie may be recommended (e.g. `filterMask` of lib/data/filters.ts). */
  allowed?: Uint8Array;
  /** Leave the rated movies out. Default true. */
  excludeSeen?: boolean;
  /** Kernel threads over the items (default `RECSYS_THREADS` or all cores). */
  threads?: number;
}

/** What {@linkcode recommendPerson} returns: the person and their top-N. */
export interface PersonRecommendation extends TopNList {
  /** The folded-in person (the kernel's row), ready for `explain`. */
  person: Person;
}

/**
 * The fast path: fold-in, scores of every movie and the top-N with filters in one Zig kernel
 * call (see the module notes). The person's row is the kernel's (f32; equal to
 * {@linkcode foldIn}'s to about 1e-6), and the returned {@linkcode Person} explains its scores
 * as {@linkcode foldIn}'s does (its Cholesky factor is computed, in f64, the first time
 * `explain` asks for it). Bad input is refused as {@linkcode foldIn} refuses it.
 *
 * @param model A fitted `Als`, `BiasAls` or `GenreAls` (anything with `state` and `hyper`).
 * @param items Dense item indices the person rated.
 * @param ratings Their ratings, same length.
 * @param options `n`, `allowed`, `excludeSeen`, `threads` and the penalty overrides.
 * @returns The person and the top-N (dense items best first, their unclamped scores).
 *
 * @example
 * ```ts
 * import { foldIn, recommendPerson } from "./fold_in.ts";
 * import { Als } from "./als.ts";
 * import { fromTriplets } from "../data/coo.ts";
 * const train = fromTriplets(3, 4, [0, 0, 1, 1, 2, 2], [0, 1, 1, 2, 0, 3], [5, 4, 2, 1, 4, 2], [
 *   0, 0, 0, 0, 0, 0,
 * ]);
 * const model = await Als.fit(train, { k: 2, lambda: 0.1, epochs: 5, seed: 1, progress: false });
 * const top = recommendPerson(model, [0], [5], { n: 2, allowed: Uint8Array.of(1, 1, 0, 1) });
 * if (top.items.length !== 2 || top.items.includes(0) || top.items.includes(2)) {
 *   throw new Error(`${top.items}`); // item 0 is rated, item 2 filtered out
 * }
 * const reference = foldIn(model, [0], [5]);
 * if (Math.abs(top.person.bias - reference.bias) > 1e-5) throw new Error("the same row");
 * ```
 */
export function recommendPerson(
  model: FoldInModel,
  items: ArrayLike<number>,
  ratings: ArrayLike<number>,
  options: RecommendPersonOptions = {},
): PersonRecommendation {
  const { state } = model;
  const { k } = state;
  const penalties = foldInPenalties(model, options);
  const input = checkedRatings("recommendPerson", state, items, ratings);
  const n = options.n ?? 10;
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(`recommendPerson: n must be a whole number ≥ 1, got ${n}`);
  }
  const top = foldInRecommend(state, input.items, input.ratings, {
    ...penalties,
    allowed: options.allowed,
    n,
    excludeRated: options.excludeSeen !== false,
    threads: options.threads,
  });
  let cholesky: Float64Array | undefined;
  const person: Person = {
    k,
    factors: Float64Array.from(top.row.subarray(0, k)),
    bias: top.row[k]!,
    ...input,
    get cholesky(): Float64Array {
      if (cholesky === undefined) {
        cholesky = input.items.length === 0
          ? new Float64Array(0)
          : choleskyFactor(normalEquations(state, input, penalties).a, k + 1);
      }
      return cholesky;
    },
  };
  return { person, items: top.items, scores: top.scores };
}
