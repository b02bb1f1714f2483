/**
 * Fold-in for the implicit-feedback models: a person given as the movies they liked gets a factor
 * row without retraining, and a top-N from the same kernel as the explicit fast path.
 *
 * **iALS** (lib/models/ials.ts): the exact row solve of the user half-step with the item side Y
 * fixed (Hu, Koren & Volinsky 2008; implicit's `recalculate_user`):
 *
 *   (YᵀY + Yᵀ(C_u − I)Y + λI) x = Yᵀ C_u p,   c_j = 1 + α·v_j on the liked movies, p_j = 1,
 *
 * so only the liked movies add rank-1 terms (c_j − 1) y_j y_jᵀ to the K × K Gram YᵀY, and the
 * right-hand side is Σ_j c_j y_j. v_j is 1 per like (or a count), through the model's confidence
 * (`log`: v = log(1 + r/ε)). It is solved in TypeScript, in f64: YᵀY costs O(n_items K²) once per
 * model (kept in a WeakMap beside the item factors, about 0.3 s at 87k movies and K = 64) and each
 * person O(n K² + K³), a fraction of a millisecond — there is nothing for a kernel to win, and no
 * ABI to grow. A training user folded in from their own positives gets the row the Cholesky
 * solver last computed for them (to ~1e-4 when users were the side updated last).
 *
 * **BPR** (lib/models/bpr.ts) has no closed form: the person's x starts at 0 and takes `steps`
 * SGD steps on ln σ(x̂_i − x̂_j) − (λ/2)‖x‖² with the items (factors and biases) fixed — each step
 * draws a liked movie i uniformly, a negative j uniformly from all movies, verified not liked and
 * redrawn (up to 64 times, else the step is skipped), and moves x += η (σ(−(x̂_i − x̂_j)) (y_i −
 * y_j) − λ x). Default: 200 steps per liked movie (at most 50,000), η = the model's initial
 * learning rate, λ its factor λ, seed 0; the same seed gives the same x.
 *
 * **Genre ALS** needs nothing new: its user half-step is plain ALS with biases, so `foldIn` and
 * `recommendPerson` of lib/models/fold_in.ts fold a person into a `GenreAls` exactly.
 *
 * @module
 */
import { foldInRecommend } from "../ffi/kernels.ts";
import { checkLambda } from "../ffi/params.ts";
import { Rng } from "../stats/rng.ts";
import { choleskyFactor, choleskySolve } from "./als_row.ts";
import { hyperNumber } from "./fold_in.ts";
import type { TopNList } from "./top_n.ts";

/** What implicit fold-in reads of a model (an `Ials` or `Bpr`). */
export interface ImplicitFoldInModel {
  /** K. */
  readonly k: number;
  /** y_i rows, `nItems × k`. */
  readonly itemFactors: Float32Array;
  /** b_i (zero for iALS). */
  readonly itemBias: Float32Array;
  /** The hyper-parameters `fit` used (λ, α, confidence, ε; BPR's learningRate, lambda). */
  readonly hyper: Readonly<Record<string, number | boolean | string>>;
}

/** A folded-in implicit person: x and the liked movies. */
export interface ImplicitPerson {
  /** K. */
  readonly k: number;
  /** x, K factors. */
  readonly factors: Float64Array;
  /** The liked dense items, in the order given. */
  readonly items: Uint32Array;
}

function checkedLikes(
  fn: string,
  model: ImplicitFoldInModel,
  items: ArrayLike<number>,
): Uint32Array {
  const nItems = model.itemBias.length;
  if (model.k < 1 || model.itemFactors.length !== nItems * model.k) {
    throw new RangeError(
      `${fn}: the model needs k ≥ 1 and nItems × k item factors, got k = ${model.k}`,
    );
  }
  const seen = new Set<number>();
  const dense = new Uint32Array(items.length);
  for (let j = 0; j < items.length; j++) {
    const i = items[j]!;
    if (!Number.isInteger(i) || i < 0 || i >= nItems) {
      throw new RangeError(`${fn}: item ${i} is not a dense index in 0..${nItems - 1}`);
    }
    if (seen.has(i)) throw new RangeError(`${fn}: item ${i} is liked twice`);
    seen.add(i);
    dense[j] = i;
  }
  return dense;
}

const grams = new WeakMap<Float32Array, Float64Array>();

/** YᵀY (K × K, full, f64) of the item factors, computed once per factor array. */
function itemGram(itemFactors: Float32Array, k: number): Float64Array {
  const known = grams.get(itemFactors);
  if (known && known.length === k * k) return known;
  const g = new Float64Array(k * k);
  const y = new Float64Array(k);
  const n = itemFactors.length / k;
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < k; p++) y[p] = itemFactors[i * k + p]!;
    for (let p = 0; p < k; p++) {
      const yp = y[p]!;
      if (yp === 0) continue;
      const row = p * k;
      for (let q = p; q < k; q++) g[row + q]! += yp * y[q]!;
    }
  }
  for (let p = 0; p < k; p++) for (let q = p + 1; q < k; q++) g[q * k + p] = g[p * k + q]!;
  grams.set(itemFactors, g);
  return g;
}

/** Options of {@linkcode foldInIals}; each defaults to the model's own hyper-parameter. */
export interface IalsFoldInOptions {
  /** The stored value of each like (1 each by default; counts for count data). */
  values?: ArrayLike<number>;
  /** λ. Default `model.hyper.lambda`. */
  lambda?: number;
  /** α in c = 1 + α·v. Default `model.hyper.alpha`. */
  alpha?: number;
}

/**
 * Folds a person who liked `items` into a trained iALS model: the exact row solve (see the module
 * notes). No likes give x = 0, as iALS gives a user without interactions.
 *
 * @param model A fitted `Ials` (anything with `k`, `itemFactors`, `itemBias`, `hyper`).
 * @param items Dense items the person liked.
 * @param options Values of the likes and overrides of λ and α.
 * @returns x and the liked items.
 *
 * @example
 * ```ts
 * import { foldInIals, recommendImplicit } from "./fold_in_implicit.ts";
 * import { Ials } from "./ials.ts";
 * import { fromTriplets } from "../data/coo.ts";
 * // Users 0–1 watch items 0–1, users 2–3 items 2–3.
 * const u = [0, 0, 1, 1, 2, 2, 3, 3], i = [0, 1, 0, 1, 2, 3, 2, 3];
 * const train = fromTriplets(4, 4, u, i, u.map(() => 1), u.map(() => 0));
 * const model = await Ials.fit(train, { k: 2, lambda: 0.1, alpha: 5, epochs: 10, seed: 1 });
 * const person = foldInIals(model, [0]);
 * const top = recommendImplicit(model, person, { n: 1 });
 * if (top.items[0] !== 1) throw new Error(`a fan of item 0 gets item 1, got ${top.items}`);
 * ```
 */
export function foldInIals(
  model: ImplicitFoldInModel,
  items: ArrayLike<number>,
  options: IalsFoldInOptions = {},
): ImplicitPerson {
  const fn = "foldInIals";
  const dense = checkedLikes(fn, model, items);
  const { k, itemFactors } = model;
  const lambda = options.lambda ?? hyperNumber(model, "lambda");
  const alpha = options.alpha ?? hyperNumber(model, "alpha");
  checkLambda(fn, "lambda", lambda);
  checkLambda(fn, "alpha", alpha, { allowZero: true });
  const values = options.values;
  if (values && values.length !== dense.length) {
    throw new RangeError(`${fn}: ${dense.length} items but ${values.length} values`);
  }
  const logConfidence = model.hyper["confidence"] === "log";
  const epsilon = hyperNumber(model, "epsilon") ?? 1;
  if (dense.length === 0) return { k, factors: new Float64Array(k), items: dense };
  const a = Float64Array.from(itemGram(itemFactors, k));
  for (let p = 0; p < k; p++) a[p * k + p]! += lambda;
  const b = new Float64Array(k);
  for (let j = 0; j < dense.length; j++) {
    const raw = values ? values[j]! : 1;
    if (!(raw > 0) || !Number.isFinite(raw)) {
      throw new RangeError(`${fn}: the value of item ${dense[j]} is ${raw}; expected > 0`);
    }
    const v = logConfidence ? Math.log1p(raw / epsilon) : raw;
    const extra = alpha * v; // c − 1
    const o = dense[j]! * k;
    for (let p = 0; p < k; p++) {
      const yp = itemFactors[o + p]!;
      b[p]! += (1 + extra) * yp;
      const scaled = extra * yp;
      for (let q = 0; q < k; q++) a[p * k + q]! += scaled * itemFactors[o + q]!;
    }
  }
  const factors = choleskySolve(choleskyFactor(a, k), b);
  return { k, factors, items: dense };
}

/** Options of {@linkcode foldInBpr}; see the module notes for the defaults. */
export interface BprFoldInOptions {
  /** SGD steps. Default 200 per liked movie, at most 50,000. */
  steps?: number;
  /** η. Default `model.hyper.learningRate` (else 0.05). */
  learningRate?: number;
  /** λ on x. Default `model.hyper.lambda` (else 0.005). */
  lambda?: number;
  /** Seed of the sampling. Default 0. */
  seed?: number;
}

/**
 * Folds a person who liked `items` into a trained BPR model: `steps` seeded SGD steps on x with
 * the items fixed, negatives verified against the likes (see the module notes). No likes give
 * x = 0.
 *
 * @param model A fitted `Bpr`.
 * @param items Dense items the person liked.
 * @param options Steps, learning rate, λ and seed.
 * @returns x and the liked items.
 *
 * @example
 * ```ts
 * import { foldInBpr } from "./fold_in_implicit.ts";
 * const model = {
 *   k: 2, itemFactors: Float32Array.of(1, 0, 0.9, 0.1, -1, 0, 0, 1),
 *   itemBias: new Float32Array(4), hyper: { learningRate: 0.1, lambda: 0.01 },
 * };
 * const a = foldInBpr(model, [0], { seed: 3 }), b = foldInBpr(model, [0], { seed: 3 });
 * if (a.factors.join() !== b.factors.join()) throw new Error("the seed fixes x");
 * if (!(a.factors[0]! > 0)) throw new Error(`x leans toward item 0: ${a.factors}`);
 * ```
 */
export function foldInBpr(
  model: ImplicitFoldInModel,
  items: ArrayLike<number>,
  options: BprFoldInOptions = {},
): ImplicitPerson {
  const fn = "foldInBpr";
  const dense = checkedLikes(fn, model, items);
  const { k, itemFactors, itemBias } = model;
  const nItems = itemBias.length;
  const n = dense.length;
  const steps = options.steps ?? Math.min(50_000, 200 * n);
  const eta = options.learningRate ?? hyperNumber(model, "learningRate") ?? 0.05;
  const lambda = options.lambda ?? hyperNumber(model, "lambda") ?? 0.005;
  if (!Number.isInteger(steps) || steps < 0) {
    throw new RangeError(`${fn}: steps must be a whole number ≥ 0, got ${steps}`);
  }
  checkLambda(fn, "learningRate", eta);
  checkLambda(fn, "lambda", lambda, { allowZero: true });
  const x = new Float64Array(k);
  if (n === 0 || n === nItems) return { k, factors: x, items: dense };
  const liked = new Set(dense);
  const rng = new Rng(options.seed ?? 0);
  for (let s = 0; s < steps; s++) {
    const i = dense[rng.int(n)]!;
    let j = -1;
    for (let draw = 0; draw < 64 && j < 0; draw++) {
      const candidate = rng.int(nItems);
      if (!liked.has(candidate)) j = candidate;
    }
    if (j < 0) continue;
    const oi = i * k, oj = j * k;
    let difference = itemBias[i]! - itemBias[j]!;
    for (let f = 0; f < k; f++) difference += x[f]! * (itemFactors[oi + f]! - itemFactors[oj + f]!);
    const g = 1 / (1 + Math.exp(difference)); // σ(−difference)
    for (let f = 0; f < k; f++) {
      x[f] = x[f]! + eta * (g * (itemFactors[oi + f]! - itemFactors[oj + f]!) - lambda * x[f]!);
    }
  }
  return { k, factors: x, items: dense };
}

/** Options of {@linkcode recommendImplicit}. */
export interface ImplicitRecommendOptions {
  /** List length (1..65536). Default 10. */
  n?: number;
  /** 1 where a movie may be recommended; default every movie. */
  allowed?: Uint8Array;
  /** Leave the liked movies out. Default true. */
  excludeSeen?: boolean;
  /** Kernel threads over the items. */
  threads?: number;
}

/**
 * The folded-in person's top-N by s_i = b_i + x·y_i, in the fold-in kernel (scores of every
 * movie and the masked top-N in one call; ties to the lower index).
 *
 * @example
 * ```ts
 * import { recommendImplicit } from "./fold_in_implicit.ts";
 * const model = {
 *   k: 1, itemFactors: Float32Array.of(1, 2, -1), itemBias: new Float32Array(3), hyper: {},
 * };
 * const person = { k: 1, factors: Float64Array.of(1), items: Uint32Array.of(1) };
 * const top = recommendImplicit(model, person, { n: 2 });
 * if (top.items.join() !== "0,2") throw new Error(`${top.items}`); // item 1 is liked already
 * ```
 */
export function recommendImplicit(
  model: ImplicitFoldInModel,
  person: ImplicitPerson,
  options: ImplicitRecommendOptions = {},
): TopNList {
  const { k } = model;
  if (person.k !== k || person.factors.length !== k) {
    throw new RangeError(`recommendImplicit: the person has k = ${person.k}, the model ${k}`);
  }
  const n = options.n ?? 10;
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(`recommendImplicit: n must be a whole number ≥ 1, got ${n}`);
  }
  const row = new Float32Array(k + 1);
  row.set(person.factors);
  const top = foldInRecommend(
    { k, mu: 0, itemFactors: model.itemFactors, itemBias: model.itemBias },
    person.items,
    [],
    {
      row,
      n,
      allowed: options.allowed,
      excludeRated: options.excludeSeen !== false,
      threads: options.threads,
    },
  );
  return { items: top.items, scores: top.scores };
}
