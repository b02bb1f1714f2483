/**
 * Explicit-feedback matrix factorisation with biases, fitted by alternating least squares:
 * r̂_ui = μ + b_u + b_i + x_u·y_i. Each half-step solves every user's (then every item's)
 * regularised least-squares problem exactly, bias and factors together, in the Zig kernel
 * (SIMD Gram accumulation, Cholesky, threads over rows). The equations are in
 * lib/models/als_state.ts.
 *
 * @module
 */
import type { RatingMatrix } from "../data/types.ts";
import { alsCgEpoch, alsEpoch, KernelError, Status } from "../ffi/kernels.ts";
import { checkAlsPenalties, checkFactorCount } from "../ffi/params.ts";
import { commonParts, loadParts, RankingModel, trainMean } from "./explicit_model.ts";
import type { CommonFitOptions, ModelKind } from "./explicit_model.ts";
import { fitLoop } from "./_fit_loop.ts";
import type { LoopOptions } from "./_fit_loop.ts";
import { type AlsState, initAlsState } from "./als_state.ts";

/** Options of {@linkcode runAlsEpoch}. */
export interface AlsEpochOptions {
  /** λ_f, the factor regularisation. */
  lambda: number;
  /** λ_b, the bias regularisation. Default: `lambda`. */
  lambdaBias?: number;
  /** ALS-WR: multiply both λ by each row's rating count. Default true. */
  weighted?: boolean;
  /** Kernel threads; the result is identical for any count. */
  threads?: number;
  /**
   * Row solver: `"cholesky"` (default) solves every row exactly; `"cg"` takes `cgSteps`
   * conjugate-gradient steps from the current parameters (cheaper rows, approximate; see
   * kernels/als_cg.zig).
   */
  solver?: "cholesky" | "cg";
  /** CG steps per row with `solver: "cg"`. Default 3. */
  cgSteps?: number;
}

/**
 * One ALS epoch on `state` in place (every user, then every item), exactly as described in
 * lib/models/als_state.ts. This is the step {@linkcode Als.fit} repeats; it is exported so a
 * reference implementation can be compared with the kernel epoch by epoch.
 *
 * @param train The training ratings (dense ids matching the state's arrays).
 * @param state The parameters, updated in place.
 * @param options λ_f, λ_b, ALS-WR, threads.
 *
 * @example
 * ```ts
 * import { runAlsEpoch } from "./als.ts";
 * import { initAlsState } from "./als_state.ts";
 * import { fromTriplets } from "../data/coo.ts";
 * const train = fromTriplets(2, 2, [0, 0, 1], [0, 1, 0], [4, 2, 5], [0, 0, 0]);
 * const state = initAlsState(2, 2, 2, { seed: 1, mu: 11 / 3 });
 * await runAlsEpoch(train, state, { lambda: 0.1 });
 * if (!state.itemFactors.every(Number.isFinite)) throw new Error("finite");
 * ```
 */
export async function runAlsEpoch(
  train: RatingMatrix,
  state: AlsState,
  options: AlsEpochOptions,
): Promise<void> {
  const { lambda, lambdaBias = lambda, weighted = true, threads } = options;
  const { solver = "cholesky", cgSteps = 3 } = options;
  if (solver !== "cholesky" && solver !== "cg") {
    throw new RangeError(`runAlsEpoch: solver must be "cholesky" or "cg", got ${solver}`);
  }
  try {
    const kernelOptions = { lambda, lambdaBias, weighted, threads };
    if (solver === "cg") await alsCgEpoch(train, state, { ...kernelOptions, cgSteps });
    else await alsEpoch(train, state, kernelOptions);
  } catch (error) {
    if (error instanceof KernelError && error.status === Status.notFinite) {
      const side = error.info.side === 0 ? "user" : "item";
      throw new Error(
        `ALS epoch: the (k+1)×(k+1) system of ${side} ${error.info.row} is not positive definite ` +
          "or not finite; the parameters have diverged (check for non-finite initial values)",
        { cause: error },
      );
    }
    throw error;
  }
}

/** Options of {@linkcode Als.fit}. */
export interface AlsOptions extends CommonFitOptions, LoopOptions {
  /** Latent factors K. Default 32. */
  k?: number;
  /**
   * λ_f, the factor regularisation (per rating with ALS-WR). Default 0.1: with ALS-WR it was the
   * best of 0.05–0.2 (and better than unweighted λ_f 5–20 with λ_b 3–10) on ml-latest-small,
   * synthetic ML-100K and synthetic-1m at K = 32 and 64 (README, "Defaults"). With
   * `weighted: false` the default is 10 (per row, not per rating).
   */
  lambda?: number;
  /** λ_b, the bias regularisation. Default: `lambda` (3 with `weighted: false` and no `lambda`). */
  lambdaBias?: number;
  /** ALS-WR: λ·n_u for users and λ·n_i for items. Default true. */
  weighted?: boolean;
  /** Seed of the initial factors. Default 0. */
  seed?: number;
  /** Standard deviation of the initial factors. Default 0.1. */
  initScale?: number;
  /** Row solver: `"cholesky"` (default, exact) or `"cg"` (see {@linkcode AlsEpochOptions}). */
  solver?: "cholesky" | "cg";
  /** CG steps per row with `solver: "cg"`. Default 3. */
  cgSteps?: number;
}

/** A similar item and its cosine similarity. */
export interface SimilarItem {
  /** Dense item index. */
  item: number;
  /** Raw MovieLens movieId. */
  movieId: number;
  /** Cosine of the two item factor vectors, in [−1, 1]. */
  similarity: number;
}

/**
 * ALS with biases (`epochs` default 15).
 *
 * @example
 * ```ts
 * import { Als } from "./als.ts";
 * import { fromTriplets } from "../data/coo.ts";
 * const train = fromTriplets(3, 3, [0, 0, 1, 1, 2, 2], [0, 1, 1, 2, 0, 2], [5, 4, 2, 1, 4, 2], [
 *   0, 0, 0, 0, 0, 0,
 * ]);
 * const model = await Als.fit(train, { k: 2, lambda: 0.1, epochs: 5, seed: 1 });
 * // μ + b_u + b_i + x_u·y_i reproduces each training rating to within 0.25 stars (the global
 * // mean, 3, is 1 to 2 stars off on every one).
 * const fitted = model.predict([0, 0, 1, 1, 2, 2], [0, 1, 1, 2, 0, 2]);
 * const ratings = [5, 4, 2, 1, 4, 2];
 * if (!ratings.every((r, j) => Math.abs(fitted[j]! - r) < 0.25)) throw new Error(`${fitted}`);
 * ```
 */
export class Als extends RankingModel {
  /** "als". */
  readonly kind: ModelKind = "als";

  /** Latent factors K. */
  get k(): number {
    return this.state.k;
  }

  /** x_u rows, `nUsers × k`. */
  get userFactors(): Float32Array {
    return this.state.userFactors;
  }

  /** y_i rows, `nItems × k`. */
  get itemFactors(): Float32Array {
    return this.state.itemFactors;
  }

  /** b_u per dense user. */
  get userBias(): Float32Array {
    return this.state.userBias;
  }

  /** b_i per dense item. */
  get itemBias(): Float32Array {
    return this.state.itemBias;
  }

  /**
   * Fits the model: seeded initial factors ({@linkcode initAlsState}), then one kernel epoch per
   * step with train/validation RMSE, progress and optional early stopping.
   *
   * @param train The training ratings.
   * @param options K, λ, λ_b, ALS-WR, epochs, seed, validation/early stopping, ids, threads.
   * @returns The fitted model.
   *
   * @example
   * ```ts
   * import { Als } from "./als.ts";
   * import { fromTriplets } from "../data/coo.ts";
   * const train = fromTriplets(3, 3, [0, 0, 1, 1, 2, 2], [0, 1, 1, 2, 0, 2], [5, 4, 2, 1, 4, 2], [
   *   0, 0, 0, 0, 0, 0,
   * ]);
   * const test = fromTriplets(3, 3, [0, 1], [2, 0], [3, 4], [0, 0]); // held-out cells
   * const model = await Als.fit(train, { k: 2, lambda: 0.1, epochs: 4, validation: test });
   * // One history record per epoch, with the RMSE on train and on the validation ratings.
   * const last = model.history.at(-1);
   * if (model.history.length !== 4 || model.k !== 2) throw new Error("4 epochs of k = 2");
   * if (!(last!.trainRmse! < last!.validationRmse!)) throw new Error("train fits better");
   * ```
   */
  static async fit(train: RatingMatrix, options: AlsOptions = {}): Promise<Als> {
    const common = commonParts("Als.fit", train, options);
    // λ means a different thing with and without ALS-WR (per rating vs per row): a default for
    // one is far off for the other (unweighted λ 0.1 scores worse than the global mean).
    const weighted = options.weighted ?? true;
    const {
      k = 32,
      lambda = weighted ? 0.1 : 10,
      lambdaBias = options.lambda !== undefined || weighted ? lambda : 3,
      seed = 0,
      initScale = 0.1,
      threads,
      solver = "cholesky",
      cgSteps = 3,
    } = options;
    checkFactorCount("Als.fit", k);
    checkAlsPenalties("Als.fit", { lambda, lambdaBias });
    const state = initAlsState(train.nUsers, train.nItems, k, {
      seed,
      scale: initScale,
      mu: trainMean(train),
    });
    const history = await fitLoop(
      {
        state,
        epoch: () =>
          runAlsEpoch(train, state, { lambda, lambdaBias, weighted, threads, solver, cgSteps }),
        ratingScale: common.ratingScale,
        note: common.scaleNote,
        threads,
        label: `ALS k=${k} λ=${lambda}`,
      },
      train,
      options,
      15,
    );
    return new Als({
      ...common,
      state,
      hyper: {
        k,
        lambda,
        lambdaBias,
        weighted,
        seed,
        initScale,
        epochs: history.length,
        ...(solver === "cg" ? { solver, cgSteps } : {}),
      },
      history,
    });
  }

  /**
   * Loads a model saved by {@linkcode ExplicitModel.save}.
   *
   * @example
   * ```ts
   * import { Als } from "./als.ts";
   * import { fromTriplets } from "../data/coo.ts";
   * const train = fromTriplets(2, 2, [0, 0, 1], [0, 1, 0], [4, 2, 5], [0, 0, 0]);
   * const dir = await Deno.makeTempDir();
   * await (await Als.fit(train, { k: 3, epochs: 2 })).save(`${dir}/als.rsm`);
   * const model = await Als.load(`${dir}/als.rsm`);
   * await Deno.remove(dir, { recursive: true });
   * if (model.k !== 3 || model.history.length !== 2) throw new Error("k and history restored");
   * ```
   */
  static async load(path: string): Promise<Als> {
    return new Als(await loadParts(path, "als"));
  }

  /**
   * The `n` items whose factor vectors have the highest cosine similarity with `item`'s (the item
   * itself left out). `candidates` limits the search (e.g. to movies with enough ratings for
   * their vectors to mean something).
   *
   * @example
   * ```ts
   * import { Als } from "./als.ts";
   * import { fromTriplets } from "../data/coo.ts";
   * // Users 0 and 1 love movies 0 and 1 and hate movie 2; user 2 the reverse.
   * const train = fromTriplets(3, 3, [0, 0, 0, 1, 1, 1, 2, 2, 2], [0, 1, 2, 0, 1, 2, 0, 1, 2], [
   *   5, 5, 1, 5, 4, 1, 1, 1, 5,
   * ], new Array(9).fill(0));
   * const model = await Als.fit(train, { k: 2, lambda: 0.05, epochs: 10, seed: 1 });
   * const [nearest] = model.similarItems(0, { n: 1 });
   * if (nearest?.item !== 1) throw new Error(`movie 0 is most like movie 1, got ${nearest?.item}`);
   * ```
   */
  similarItems(
    item: number,
    options: { n?: number; candidates?: (item: number) => boolean } = {},
  ): SimilarItem[] {
    const { n = 10, candidates } = options;
    const { k, itemFactors } = this.state;
    if (!Number.isInteger(item) || item < 0 || item >= this.nItems) {
      throw new RangeError(`similarItems: item must be a dense index in 0..${this.nItems - 1}`);
    }
    const norm = (i: number) => {
      let s = 0;
      for (let f = 0; f < k; f++) s += itemFactors[i * k + f]! ** 2;
      return Math.sqrt(s);
    };
    const q = norm(item);
    const scored: { item: number; similarity: number }[] = [];
    for (let i = 0; i < this.nItems; i++) {
      if (i === item || (candidates && !candidates(i))) continue;
      let dot = 0;
      for (let f = 0; f < k; f++) dot += itemFactors[item * k + f]! * itemFactors[i * k + f]!;
      const d = q * norm(i);
      scored.push({ item: i, similarity: d > 0 ? dot / d : 0 });
    }
    scored.sort((a, b) => b.similarity - a.similarity || a.item - b.item);
    return scored.slice(0, n).map((s) => ({ ...s, movieId: this.itemIds[s.item]! }));
  }
}
