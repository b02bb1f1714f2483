/**
 * The global-mean baseline: every rating is predicted as the mean training rating μ. It is the
 * yardstick every other model has to beat.
 *
 * @module
 */
import type { RatingMatrix } from "../data/types.ts";
import { commonParts, ExplicitModel, loadParts, trainMean } from "./explicit_model.ts";
import type { CommonFitOptions, ModelKind } from "./explicit_model.ts";
import { initAlsState } from "./als_state.ts";

/**
 * r̂ = μ for every (user, movie): the mean of the training ratings.
 *
 * @example
 * ```ts
 * import { GlobalMean } from "./global_mean.ts";
 * import { fromTriplets } from "../data/coo.ts";
 * const train = fromTriplets(2, 2, [0, 0, 1], [0, 1, 0], [4, 2, 3], [0, 0, 0]);
 * const model = await GlobalMean.fit(train);
 * if (model.mu !== 3 || model.predict([1], [1])[0] !== 3) throw new Error("mean of 4, 2, 3");
 * ```
 */
export class GlobalMean extends ExplicitModel {
  /** "global-mean". */
  readonly kind: ModelKind = "global-mean";

  /**
   * Fits μ = mean training rating (summed in f64).
   *
   * @param train The training ratings.
   * @param options Id mappings, rating scale.
   * @returns The fitted model.
   *
   * @example
   * ```ts
   * import { GlobalMean } from "./global_mean.ts";
   * import { fromTriplets } from "../data/coo.ts";
   * const train = fromTriplets(2, 2, [0, 0, 1], [0, 1, 0], [4, 2, 5], [0, 0, 0]);
   * // Raw MovieLens ids, as a loaded dataset provides them in `userIds` and `itemIds`.
   * const baseline = await GlobalMean.fit(train, {
   *   userIds: Uint32Array.of(10, 20),
   *   itemIds: Uint32Array.of(296, 318),
   * });
   * // The model keeps the mapping: userId 20 is dense user 1, movieId 318 dense item 1, and the
   * // dense index 1 is no raw userId.
   * if (baseline.userIndex(20) !== 1 || baseline.itemIndex(318) !== 1) throw new Error("mapping");
   * if (baseline.userIndex(1) !== -1) throw new Error("userId 1 was never seen");
   * // μ = 11/3 for a known pair and for userId 99, which the model has never seen.
   * const [known, unseen] = baseline.predictIds([20, 99], [318, 318]);
   * if (known !== Math.fround(11 / 3) || unseen !== known) throw new Error(`${known}, ${unseen}`);
   *
   * // Predictions are clamped to the rating scale.
   * const clamped = await GlobalMean.fit(train, { ratingScale: [1, 3.5] });
   * if (clamped.predict([0], [0])[0] !== 3.5) throw new Error("μ = 11/3, clamped to 3.5");
   * ```
   */
  static fit(train: RatingMatrix, options: CommonFitOptions = {}): Promise<GlobalMean> {
    const common = commonParts("GlobalMean.fit", train, options);
    return Promise.resolve(
      new GlobalMean({
        ...common,
        // K = 0 and zero biases: every prediction is μ.
        state: initAlsState(train.nUsers, train.nItems, 0, { seed: 0, mu: trainMean(train) }),
        hyper: {},
        history: [],
      }),
    );
  }

  /**
   * Loads a model saved by {@linkcode ExplicitModel.save}.
   *
   * @example
   * ```ts
   * import { GlobalMean } from "./global_mean.ts";
   * import { fromTriplets } from "../data/coo.ts";
   * const train = fromTriplets(2, 2, [0, 0, 1], [0, 1, 0], [4, 2, 5], [0, 0, 0]);
   * const dir = await Deno.makeTempDir();
   * await (await GlobalMean.fit(train)).save(`${dir}/global_mean.rsm`);
   * const baseline = await GlobalMean.load(`${dir}/global_mean.rsm`);
   * await Deno.remove(dir, { recursive: true });
   * if (Math.abs(baseline.mu - 11 / 3) > 1e-12) throw new Error("μ restored");
   * ```
   */
  static async load(path: string): Promise<GlobalMean> {
    return new GlobalMean(await loadParts(path, "global-mean"));
  }
}
