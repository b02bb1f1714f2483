/**
 * Implicit ALS (Hu, Koren & Volinsky 2008): the weighted factorisation of the 0/1 preference
 * matrix over ALL user–item pairs, each pair weighted by a confidence c_ui = 1 + α·r_ui (r_ui the
 * stored value: 1 for a positive, or a count), solved row by row in the Zig kernel
 * (kernels/ials.zig) with the YᵀY + Yᵀ(C_u − I)Y trick, by exact Cholesky or by a few
 * conjugate-gradient steps warm-started from the previous epoch (the default).
 *
 * @module
 */
import type { RatingMatrix } from "../data/types.ts";
import { ialsEpoch } from "../ffi/kernels.ts";
import { checkFactorCount } from "../ffi/params.ts";
import {
  fitFactorModel,
  type ImplicitFitOptions,
  implicitIds,
  type ImplicitKind,
  type ImplicitLoopOptions,
  ImplicitModel,
  loadImplicitParts,
} from "./implicit_model.ts";

/** Options of {@linkcode Ials.fit}. */
export interface IalsOptions extends ImplicitFitOptions, ImplicitLoopOptions {
  /** Latent factors K. Default 64. */
  k?: number;
  /** λ, the factor regularisation. Default 5. */
  lambda?: number;
  /** α in c = 1 + α·r. Default 10. */
  alpha?: number;
  /**
   * `"linear"` (default): c = 1 + α·r. `"log"`: c = 1 + α·log(1 + r/ε), which damps large counts
   * (with binary positives both are a constant confidence per positive).
   */
  confidence?: "linear" | "log";
  /** ε of the log confidence. Default 1. */
  epsilon?: number;
  /** `"cg"` (default, fast) or `"cholesky"` (exact, the reference). */
  solver?: "cg" | "cholesky";
  /** Conjugate-gradient steps per row and half-step. Default 3. */
  cgSteps?: number;
  /** Seed of the initial factors. Default 0. */
  seed?: number;
  /** Standard deviation of the initial factors. Default 0.01. */
  initScale?: number;
}

/**
 * iALS. `epochs` default 15.
 *
 * @example
 * ```ts
 * import { Ials } from "./ials.ts";
 * import { fromTriplets } from "../data/coo.ts";
 * // Users 0–1 watch items 0–1, users 2–3 items 2–3; user 0 has not seen item 1 yet.
 * const u = [0, 1, 1, 2, 2, 3, 3], i = [0, 0, 1, 2, 3, 2, 3];
 * const train = fromTriplets(4, 4, u, i, u.map(() => 1), u.map(() => 0));
 * const model = await Ials.fit(train, { k: 2, lambda: 0.1, alpha: 5, epochs: 10, seed: 1 });
 * const rec = await model.recommend(0, { n: 1, exclude: train });
 * if (rec.items[0] !== 1) throw new Error(`user 0 should get item 1, got ${rec.items}`);
 * ```
 */
export class Ials extends ImplicitModel {
  /** "ials". */
  readonly kind: ImplicitKind = "ials";

  /**
   * Fits iALS: seeded small factors, then one kernel epoch per step (users, then items), with
   * validation NDCG@10 and recall@20 per epoch when `validation` is given.
   *
   * @example
   * ```ts
   * import { Ials } from "./ials.ts";
   * import { fromTriplets } from "../data/coo.ts";
   * const train = fromTriplets(2, 3, [0, 1, 1], [0, 0, 1], [1, 1, 1], [0, 0, 0]);
   * const model = await Ials.fit(train, { k: 2, epochs: 3, solver: "cholesky" });
   * if (model.history.length !== 3 || model.k !== 2) throw new Error("3 epochs of k = 2");
   * ```
   */
  static async fit(train: RatingMatrix, options: IalsOptions = {}): Promise<Ials> {
    const ids = implicitIds("Ials.fit", train, options);
    const {
      k = 64,
      lambda = 5,
      alpha = 10,
      confidence = "linear",
      epsilon = 1,
      solver = "cg",
      cgSteps = 3,
      seed = 0,
      initScale = 0.01,
      epochs = 15,
      threads,
    } = options;
    checkFactorCount("Ials.fit", k);
    if (confidence !== "linear" && confidence !== "log") {
      throw new RangeError(`Ials.fit: confidence must be "linear" or "log", got ${confidence}`);
    }
    if (!(epsilon > 0) || !Number.isFinite(epsilon)) {
      throw new RangeError(`Ials.fit: epsilon must be a finite number > 0, got ${epsilon}`);
    }
    // The kernel computes c = 1 + α·value; the log confidence stores log(1 + r/ε) as the value.
    const matrix = confidence === "linear" ? train : logValues(train, epsilon);
    const label = `iALS k=${k} λ=${lambda} α=${alpha} ${solver}`;
    const { state, history } = await fitFactorModel(
      train,
      { label, k, seed, initScale, epochs, threads },
      async (arrays) => {
        await ialsEpoch(matrix, arrays, { lambda, alpha, solver, cgSteps, threads });
        return undefined;
      },
      options,
    );
    return new Ials({
      ...ids,
      k,
      userFactors: state.userFactors,
      itemFactors: state.itemFactors,
      itemBias: new Float32Array(train.nItems),
      hyper: {
        k,
        lambda,
        alpha,
        confidence,
        epsilon,
        solver,
        cgSteps,
        seed,
        initScale,
        epochs: history.length,
      },
      history,
    });
  }

  /**
   * Loads a model saved by `save`.
   *
   * @example
   * ```ts
   * import { Ials } from "./ials.ts";
   * import { fromTriplets } from "../data/coo.ts";
   * const train = fromTriplets(2, 2, [0, 1], [0, 1], [1, 1], [0, 0]);
   * const dir = await Deno.makeTempDir();
   * await (await Ials.fit(train, { k: 3, epochs: 2 })).save(`${dir}/i.rsm`);
   * const model = await Ials.load(`${dir}/i.rsm`);
   * await Deno.remove(dir, { recursive: true });
   * if (model.k !== 3 || model.history.length !== 2) throw new Error("k and history restored");
   * ```
   */
  static async load(path: string): Promise<Ials> {
    return new Ials(await loadImplicitParts(path, "ials"));
  }
}

/** A copy of `m` whose values are log(1 + r/ε) (both layouts). */
function logValues(m: RatingMatrix, epsilon: number): RatingMatrix {
  const f = (values: Float32Array) => values.map((r) => Math.log1p(r / epsilon));
  return { ...m, userRatings: f(m.userRatings), itemRatings: f(m.itemRatings) };
}
