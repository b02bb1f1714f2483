/**
 * The popularity baseline of implicit feedback: every user gets the items with the most positives
 * in train (that they have not seen). It knows nothing about the user, and it is still the
 * yardstick most published recommenders fail to beat by much on MovieLens.
 *
 * @module
 */
import type { RatingMatrix } from "../data/types.ts";
import {
  type ImplicitFitOptions,
  implicitIds,
  ImplicitModel,
  loadImplicitParts,
} from "./implicit_model.ts";
import type { ImplicitKind } from "./implicit_model.ts";

/**
 * Most-popular items: b_i = the number of training interactions of item i, k = 0.
 *
 * @example
 * ```ts
 * import { Popularity } from "./popularity.ts";
 * import { fromTriplets } from "../data/coo.ts";
 * const train = fromTriplets(3, 3, [0, 1, 2, 2], [1, 1, 1, 0], [1, 1, 1, 1], [0, 0, 0, 0]);
 * const model = Popularity.fit(train);
 * if (model.itemBias.join() !== "1,3,0") throw new Error(`${model.itemBias}`);
 * const rec = await model.recommend(0, { n: 5, exclude: train }); // user 0 has seen item 1
 * if (rec.items.join() !== "0,2") throw new Error(`${rec.items}`);
 * ```
 */
export class Popularity extends ImplicitModel {
  /** "popularity". */
  readonly kind: ImplicitKind = "popularity";

  /**
   * Counts each item's training interactions (closed form, no epochs).
   *
   * @param train Training interactions (positives).
   * @param options Raw ids.
   * @returns The fitted model.
   *
   * @example
   * ```ts
   * import { Popularity } from "./popularity.ts";
   * import { fromTriplets } from "../data/coo.ts";
   * const model = Popularity.fit(fromTriplets(2, 2, [0, 1], [1, 1], [1, 1], [0, 0]));
   * if (model.k !== 0 || model.itemBias[1] !== 2) throw new Error("two positives of item 1");
   * ```
   */
  static fit(train: RatingMatrix, options: ImplicitFitOptions = {}): Popularity {
    const ids = implicitIds("Popularity.fit", train, options);
    const itemBias = new Float32Array(train.nItems);
    for (let i = 0; i < train.nItems; i++) itemBias[i] = train.itemPtr[i + 1]! - train.itemPtr[i]!;
    return new Popularity({
      ...ids,
      k: 0,
      userFactors: new Float32Array(0),
      itemFactors: new Float32Array(0),
      itemBias,
      hyper: {},
      history: [],
    });
  }

  /**
   * Loads a model saved by `save`.
   *
   * @example
   * ```ts
   * import { Popularity } from "./popularity.ts";
   * import { fromTriplets } from "../data/coo.ts";
   * const dir = await Deno.makeTempDir();
   * await Popularity.fit(fromTriplets(1, 3, [0], [2], [1], [0])).save(`${dir}/p.rsm`);
   * const model = await Popularity.load(`${dir}/p.rsm`);
   * await Deno.remove(dir, { recursive: true });
   * if (model.nItems !== 3 || model.itemBias[2] !== 1) throw new Error("read back");
   * ```
   */
  static async load(path: string): Promise<Popularity> {
    return new Popularity(await loadImplicitParts(path, "popularity"));
  }
}
