/**
 * The bias-only model r̂ = μ + b_u + b_i, fitted by alternating least squares: each half-step
 * sets every user bias to its exact regularised optimum given the item biases,
 *
 *   b_u = Σ_{i∈I_u} (r_ui − μ − b_i) / (n_u + λ·w_u),
 *
 * and then every item bias the same way (w = n with `weighted`, else 1). The λ in the
 * denominator shrinks the bias of a user or movie with few ratings toward 0: a movie rated once at
 * 5 stars does not get the full +1.5.
 *
 * @module
 */
import { checkLambda } from "../ffi/params.ts";
import type { RatingMatrix } from "../data/types.ts";
import { biasAlsEpoch } from "../ffi/kernels.ts";
import { commonParts, loadParts, RankingModel, trainMean } from "./explicit_model.ts";
import type { CommonFitOptions, ModelKind } from "./explicit_model.ts";
import { fitLoop } from "./_fit_loop.ts";
import type { LoopOptions } from "./_fit_loop.ts";
import { initAlsState } from "./als_state.ts";

/** Options of {@linkcode BiasAls.fit}. */
export interface BiasAlsOptions extends CommonFitOptions, LoopOptions {
  /**
   * λ, the shrinkage of the biases (in "pseudo-ratings at the mean"). Default 5: the best or
   * within 0.002 RMSE of the best of 1, 3, 5, 10, 25 on ml-latest-small, synthetic ML-100K and
   * synthetic-1m (README, "Defaults").
   */
  lambda?: number;
  /** Multiply λ by each row's rating count (ALS-WR). Default false. */
  weighted?: boolean;
}

/**
 * Bias-only ALS (`epochs` default 20: the RMSE has settled to 1e-4 by then on the measured
 * datasets; each epoch is two passes over the ratings).
 *
 * @example
 * ```ts
 * import { BiasAls } from "./bias_als.ts";
 * import { fromTriplets } from "../data/coo.ts";
 * // Item 0 is liked by both users, item 1 disliked.
 * const train = fromTriplets(2, 2, [0, 0, 1, 1], [0, 1, 0, 1], [5, 2, 4, 1], [0, 0, 0, 0]);
 * const model = await BiasAls.fit(train, { lambda: 1, epochs: 5 });
 * if (!(model.itemBias[0]! > 0 && model.itemBias[1]! < 0)) throw new Error("liked vs disliked");
 * ```
 */
export class BiasAls extends RankingModel {
  /** "bias-als". */
  readonly kind: ModelKind = "bias-als";

  /** b_u per dense user. */
  get userBias(): Float32Array {
    return this.state.userBias;
  }

  /** b_i per dense item. */
  get itemBias(): Float32Array {
    return this.state.itemBias;
  }

  /**
   * Fits the biases, one kernel epoch per step (users then items), reporting RMSE per epoch.
   *
   * @param train The training ratings.
   * @param options λ, epochs, validation/early stopping, id mappings, rating scale, threads.
   * @returns The fitted model (`history` holds the per-epoch RMSE).
   *
   * @example
   * ```ts
   * import { BiasAls } from "./bias_als.ts";
   * import { fromTriplets } from "../data/coo.ts";
   * const train = fromTriplets(2, 2, [0, 0, 1], [0, 1, 0], [4, 2, 5], [0, 0, 0]);
   * const test = fromTriplets(2, 2, [1], [1], [3], [0]);
   * // A large λ shrinks the biases toward 0: every prediction stays near μ.
   * const strong = await BiasAls.fit(train, { lambda: 1000, epochs: 3, validation: test });
   * const weak = await BiasAls.fit(train, { lambda: 0.1, epochs: 3, validation: test });
   * if (!(Math.abs(strong.itemBias[1]!) < Math.abs(weak.itemBias[1]!))) throw new Error("shrunk");
   * if (strong.history.at(-1)?.validationRmse === undefined) throw new Error("RMSE per epoch");
   * ```
   */
  static async fit(train: RatingMatrix, options: BiasAlsOptions = {}): Promise<BiasAls> {
    const common = commonParts("BiasAls.fit", train, options);
    const weighted = options.weighted ?? false;
    // Per row count with ALS-WR: 5 would shrink every bias to nearly 0 (RMSE 0.986 against 0.866).
    const { lambda = weighted ? 0.2 : 5, threads } = options;
    checkLambda("BiasAls.fit", "lambda", lambda, { allowZero: true });
    // K = 0: no factors, zero biases (the seed draws nothing).
    const state = initAlsState(train.nUsers, train.nItems, 0, { seed: 0, mu: trainMean(train) });
    const history = await fitLoop(
      {
        state,
        epoch: () => biasAlsEpoch(train, state, { lambda, weighted, threads }),
        ratingScale: common.ratingScale,
        note: common.scaleNote,
        threads,
        label: `bias ALS λ=${lambda}`,
      },
      train,
      options,
      20,
    );
    return new BiasAls({
      ...common,
      state,
      hyper: { lambda, weighted, epochs: history.length },
      history,
    });
  }

  /**
   * Loads a model saved by {@linkcode ExplicitModel.save}.
   *
   * @example
   * ```ts
   * import { BiasAls } from "./bias_als.ts";
   * import { fromTriplets } from "../data/coo.ts";
   * const train = fromTriplets(2, 2, [0, 0, 1], [0, 1, 0], [4, 2, 5], [0, 0, 0]);
   * const fitted = await BiasAls.fit(train, { lambda: 2 });
   * const dir = await Deno.makeTempDir();
   * await fitted.save(`${dir}/bias.rsm`);
   * const model = await BiasAls.load(`${dir}/bias.rsm`);
   * await Deno.remove(dir, { recursive: true });
   * if (model.itemBias[0] !== fitted.itemBias[0] || model.hyper.lambda !== 2) {
   *   throw new Error("biases and hyper-parameters restored");
   * }
   * ```
   */
  static async load(path: string): Promise<BiasAls> {
    return new BiasAls(await loadParts(path, "bias-als"));
  }
}
