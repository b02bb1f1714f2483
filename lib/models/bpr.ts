/**
 * BPR-MF (Rendle et al. 2009) with an item bias: x̂_ui = b_i + x_u·y_i, fitted by SGD on
 * ln σ(x̂_ui − x̂_uj) over (user, positive, negative) triples in the Zig kernel (kernels/bpr.zig).
 * Negatives are drawn uniformly from all items (or by popularity) and, by default, verified
 * against the user's positives and redrawn — skipping that check lets a share of "negatives" be
 * items the user liked, which the model is then taught to rank low.
 *
 * Threads: with more than one thread the kernel runs Hogwild (lock-free updates of shared
 * factors), so results vary slightly from run to run; with `threads: 1` and a seed they are
 * exactly reproducible.
 *
 * @module
 */
import type { RatingMatrix } from "../data/types.ts";
import { bprEpoch } from "../ffi/kernels.ts";
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

/** Options of {@linkcode Bpr.fit}. */
export interface BprOptions extends ImplicitFitOptions, ImplicitLoopOptions {
  /** Latent factors K. Default 64. */
  k?: number;
  /** Initial SGD step size η₀. Default 0.05. */
  learningRate?: number;
  /** Schedule: epoch e (0-based) uses η₀ · decay^e. Default 0.95. */
  decay?: number;
  /** λ on the factors. Default 0.005. */
  lambda?: number;
  /** λ_b on the item bias. Default 0.005. */
  lambdaBias?: number;
  /** Negative sampling: `"uniform"` (default) or `"popularity"` (proportional to positives). */
  negatives?: "uniform" | "popularity";
  /** Redraw negatives that are among the user's positives. Default true. */
  verify?: boolean;
  /** Triples per epoch as a multiple of the positives. Default 1. */
  samplesPerPositive?: number;
  /** Seed of the initial factors and of the sampling. Default 0. */
  seed?: number;
  /** Standard deviation of the initial factors. Default 0.1. */
  initScale?: number;
}

/**
 * BPR-MF with item bias. `epochs` default 30.
 *
 * @example
 * ```ts
 * import { Bpr } from "./bpr.ts";
 * import { fromTriplets } from "../data/coo.ts";
 * // Users 0–2 watch items 0–1, users 3–5 items 2–3; user 0 has not seen item 1.
 * const u = [0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5], i = [0, 0, 1, 0, 1, 2, 3, 2, 3, 2, 3];
 * const train = fromTriplets(6, 4, u, i, u.map(() => 1), u.map(() => 0));
 * const model = await Bpr.fit(train, { k: 4, epochs: 200, learningRate: 0.1, threads: 1, seed: 3 });
 * const rec = await model.recommend(0, { n: 1, exclude: train });
 * if (rec.items[0] !== 1) throw new Error(`user 0 should get item 1, got ${rec.items}`);
 * ```
 */
export class Bpr extends ImplicitModel {
  /** "bpr". */
  readonly kind: ImplicitKind = "bpr";

  /**
   * Fits BPR: seeded factors, then one kernel epoch (one triple per positive by default) per
   * step, with the training AUC estimate and, given `validation`, NDCG@10 and recall@20.
   *
   * @example
   * ```ts
   * import { Bpr } from "./bpr.ts";
   * import { fromTriplets } from "../data/coo.ts";
   * const train = fromTriplets(2, 3, [0, 1, 1], [0, 0, 1], [1, 1, 1], [0, 0, 0]);
   * const a = await Bpr.fit(train, { k: 2, epochs: 3, threads: 1, seed: 5 });
   * const b = await Bpr.fit(train, { k: 2, epochs: 3, threads: 1, seed: 5 });
   * if (a.itemFactors.join() !== b.itemFactors.join()) throw new Error("1 thread + seed: same");
   * if (a.history[0]?.trainAuc === undefined) throw new Error("training AUC per epoch");
   * ```
   */
  static async fit(train: RatingMatrix, options: BprOptions = {}): Promise<Bpr> {
    const ids = implicitIds("Bpr.fit", train, options);
    const {
      k = 64,
      learningRate = 0.05,
      decay = 0.95,
      lambda = 0.005,
      lambdaBias = lambda,
      negatives = "uniform",
      verify = true,
      samplesPerPositive = 1,
      seed = 0,
      initScale = 0.1,
      epochs = 30,
      threads,
    } = options;
    checkFactorCount("Bpr.fit", k);
    if (!(decay > 0 && decay <= 1)) {
      throw new RangeError(`Bpr.fit: decay must be in (0, 1], got ${decay}`);
    }
    if (!(samplesPerPositive > 0) || !Number.isFinite(samplesPerPositive)) {
      throw new RangeError(`Bpr.fit: samplesPerPositive must be > 0, got ${samplesPerPositive}`);
    }
    const samples = Math.round(samplesPerPositive * train.nnz);
    const label = `BPR k=${k} η=${learningRate} λ=${lambda}`;
    const { state, history } = await fitFactorModel(
      train,
      { label, k, seed, initScale, epochs, threads },
      async (arrays, epoch) => {
        const r = await bprEpoch(train, arrays, {
          learningRate: learningRate * decay ** epoch,
          lambda,
          lambdaBias,
          negatives,
          verify,
          samples,
          seed,
          epoch,
          threads,
        });
        return r.correct / Math.max(1, r.samples - r.skipped);
      },
      options,
    );
    return new Bpr({
      ...ids,
      k,
      userFactors: state.userFactors,
      itemFactors: state.itemFactors,
      itemBias: state.itemBias,
      hyper: {
        k,
        learningRate,
        decay,
        lambda,
        lambdaBias,
        negatives,
        verify,
        samplesPerPositive,
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
   * import { Bpr } from "./bpr.ts";
   * import { fromTriplets } from "../data/coo.ts";
   * const train = fromTriplets(2, 2, [0, 1], [0, 1], [1, 1], [0, 0]);
   * const dir = await Deno.makeTempDir();
   * const model = await Bpr.fit(train, { k: 3, epochs: 2, threads: 1 });
   * await model.save(`${dir}/b.rsm`);
   * const back = await Bpr.load(`${dir}/b.rsm`);
   * await Deno.remove(dir, { recursive: true });
   * if (back.itemBias.join() !== model.itemBias.join()) throw new Error("item bias restored");
   * ```
   */
  static async load(path: string): Promise<Bpr> {
    return new Bpr(await loadImplicitParts(path, "bpr"));
  }
}
