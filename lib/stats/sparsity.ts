/**
 * A seeded sample of the user × item matrix as a small dense block, rows and columns ordered by
 * degree (most active user first, most popular item first): the picture of sparsity in the EDA.
 *
 * @example
 * ```ts
 * import { denseBlock } from "./sparsity.ts";
 * import type { RatingMatrix } from "../data/types.ts";
 * // 2 users × 2 items; user 1 rated both items, user 0 only item 1
 * const m = {
 *   nUsers: 2, nItems: 2, nnz: 3,
 *   userPtr: new Uint32Array([0, 1, 3]), userItems: new Uint32Array([1, 0, 1]),
 *   userRatings: new Float32Array([4, 3, 5]),
 *   itemPtr: new Uint32Array([0, 1, 3]),
 * } as unknown as RatingMatrix;
 * const b = denseBlock(m, { rows: 2, cols: 2, seed: 1 });
 * if (b.users.join() !== "1,0" || b.items.join() !== "1,0") throw new Error("ordered by degree");
 * if (b.cells.join() !== "5,3,4,0") throw new Error("cells");
 * ```
 *
 * @module
 */

import type { RatingMatrix } from "../data/types.ts";
import { Rng, sampleIndices } from "./rng.ts";

/** A dense sample of the rating matrix. */
export interface DenseBlock {
  /** Number of rows (users). */
  readonly rows: number;
  /** Number of columns (items). */
  readonly cols: number;
  /** Dense user id of each row, by descending degree. */
  readonly users: Uint32Array;
  /** Dense item id of each column, by descending degree. */
  readonly items: Uint32Array;
  /** Row-major rows × cols ratings; 0 where the user did not rate the item. */
  readonly cells: Float32Array;
  /** Fraction of cells that hold a rating. */
  readonly density: number;
}

/** Options of {@linkcode denseBlock}. */
export interface DenseBlockOptions {
  /** Number of users (default 200, at most nUsers). */
  readonly rows?: number;
  /** Number of items (default 200, at most nItems). */
  readonly cols?: number;
  /** Seed of the sample (default 0). */
  readonly seed?: number;
  /** "random": uniform sample of users and of items (default); "top": the most active users and most popular items. */
  readonly pick?: "random" | "top";
}

function byDegreeDesc(ids: Uint32Array, ptr: Uint32Array): Uint32Array {
  return Uint32Array.from(ids).sort((a, b) =>
    (ptr[b + 1]! - ptr[b]!) - (ptr[a + 1]! - ptr[a]!) || a - b
  );
}

function topByDegree(n: number, k: number, ptr: Uint32Array): Uint32Array {
  const all = new Uint32Array(n);
  for (let i = 0; i < n; i++) all[i] = i;
  return byDegreeDesc(all, ptr).slice(0, k);
}

/**
 * Samples `rows` users and `cols` items (uniformly with `seed`, or the top ones by degree), orders
 * both by descending degree and returns the dense block of their ratings.
 *
 * @example
 * ```ts
 * import { denseBlock } from "./sparsity.ts";
 * import type { RatingMatrix } from "../data/types.ts";
 * const m = {
 *   nUsers: 1, nItems: 1, nnz: 1, userPtr: new Uint32Array([0, 1]), userItems: new Uint32Array([0]),
 *   userRatings: new Float32Array([2.5]), itemPtr: new Uint32Array([0, 1]),
 * } as unknown as RatingMatrix;
 * if (denseBlock(m, { pick: "top" }).density !== 1) throw new Error("full");
 * ```
 */
export function denseBlock(m: RatingMatrix, options: DenseBlockOptions = {}): DenseBlock {
  const rows = Math.min(options.rows ?? 200, m.nUsers);
  const cols = Math.min(options.cols ?? 200, m.nItems);
  if (!Number.isInteger(rows) || rows < 1 || !Number.isInteger(cols) || cols < 1) {
    throw new Error(`denseBlock: rows and cols must be positive integers, got ${rows} × ${cols}`);
  }
  const pick = options.pick ?? "random";
  let users: Uint32Array;
  let items: Uint32Array;
  if (pick === "top") {
    users = topByDegree(m.nUsers, rows, m.userPtr);
    items = topByDegree(m.nItems, cols, m.itemPtr);
  } else if (pick === "random") {
    const rng = new Rng(options.seed ?? 0);
    users = byDegreeDesc(sampleIndices(rng, m.nUsers, rows), m.userPtr);
    items = byDegreeDesc(sampleIndices(rng, m.nItems, cols), m.itemPtr);
  } else {
    throw new Error(`denseBlock: pick must be "random" or "top", got ${String(pick)}`);
  }
  const colOf = new Int32Array(m.nItems).fill(-1);
  for (let c = 0; c < cols; c++) colOf[items[c]!] = c;
  const cells = new Float32Array(rows * cols);
  let filled = 0;
  for (let r = 0; r < rows; r++) {
    const u = users[r]!;
    for (let k = m.userPtr[u]!; k < m.userPtr[u + 1]!; k++) {
      const c = colOf[m.userItems[k]!]!;
      if (c >= 0) {
        cells[r * cols + c] = m.userRatings[k]!;
        filled++;
      }
    }
  }
  return { rows, cols, users, items, cells, density: filled / (rows * cols) };
}
