/**
 * Degrees (number of ratings per user or per item) from the compressed row/column pointers of a
 * {@linkcode RatingMatrix}.
 *
 * @example
 * ```ts
 * import { degrees } from "./degrees.ts";
 * if (degrees(new Uint32Array([0, 2, 2, 5])).join() !== "2,0,3") throw new Error("degrees");
 * ```
 *
 * @module
 */

import type { RatingMatrix } from "../data/types.ts";

/**
 * `ptr[i + 1] − ptr[i]` for each of the `ptr.length − 1` rows. Throws when the pointers decrease.
 *
 * @example
 * ```ts
 * import { degrees } from "./degrees.ts";
 * const d = degrees(new Uint32Array([0, 3, 4]));
 * if (d[0] !== 3 || d[1] !== 1) throw new Error("degrees");
 * ```
 */
export function degrees(ptr: Uint32Array): Uint32Array {
  if (ptr.length < 1) throw new Error("degrees: a pointer array has at least one entry (0)");
  const out = new Uint32Array(ptr.length - 1);
  for (let i = 0; i < out.length; i++) {
    const d = ptr[i + 1]! - ptr[i]!;
    if (d < 0) {
      throw new Error(
        `degrees: pointers must not decrease; ptr[${i + 1}] = ${ptr[i + 1]} < ${ptr[i]}`,
      );
    }
    out[i] = d;
  }
  return out;
}

/**
 * Number of ratings of each user (from the CSR pointers), length `nUsers`.
 *
 * @example
 * ```ts
 * import { userDegrees } from "./degrees.ts";
 * import type { RatingMatrix } from "../data/types.ts";
 * const m = { nUsers: 2, userPtr: new Uint32Array([0, 1, 3]) } as unknown as RatingMatrix;
 * if (userDegrees(m).join() !== "1,2") throw new Error("degrees");
 * ```
 */
export function userDegrees(m: RatingMatrix): Uint32Array {
  if (m.userPtr.length !== m.nUsers + 1) {
    throw new Error(`userDegrees: userPtr has ${m.userPtr.length} entries, expected nUsers + 1`);
  }
  return degrees(m.userPtr);
}

/**
 * Number of ratings of each item (from the CSC pointers), length `nItems`.
 *
 * @example
 * ```ts
 * import { itemDegrees } from "./degrees.ts";
 * import type { RatingMatrix } from "../data/types.ts";
 * const m = { nItems: 2, itemPtr: new Uint32Array([0, 2, 3]) } as unknown as RatingMatrix;
 * if (itemDegrees(m).join() !== "2,1") throw new Error("degrees");
 * ```
 */
export function itemDegrees(m: RatingMatrix): Uint32Array {
  if (m.itemPtr.length !== m.nItems + 1) {
    throw new Error(`itemDegrees: itemPtr has ${m.itemPtr.length} entries, expected nItems + 1`);
  }
  return degrees(m.itemPtr);
}
