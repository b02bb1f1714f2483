/**
 * Private test fixture: builds a small {@linkcode RatingMatrix} (CSR and CSC) from triples.
 *
 * @module
 */

import type { RatingMatrix } from "../data/types.ts";

/** One rating: user, item, rating, timestamp. */
export type Triple = readonly [user: number, item: number, rating: number, time?: number];

/** A RatingMatrix holding `triples` (no duplicates expected), sorted within rows and columns. */
export function matrixFrom(
  nUsers: number,
  nItems: number,
  triples: readonly Triple[],
): RatingMatrix {
  const nnz = triples.length;
  const byUser = [...triples].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const byItem = [...triples].sort((a, b) => a[1] - b[1] || a[0] - b[0]);
  const userPtr = new Uint32Array(nUsers + 1);
  const itemPtr = new Uint32Array(nItems + 1);
  for (const [u, i] of triples) {
    userPtr[u + 1]!++;
    itemPtr[i + 1]!++;
  }
  for (let u = 0; u < nUsers; u++) userPtr[u + 1]! += userPtr[u]!;
  for (let i = 0; i < nItems; i++) itemPtr[i + 1]! += itemPtr[i]!;
  return {
    nUsers,
    nItems,
    nnz,
    userPtr,
    userItems: Uint32Array.from(byUser, (t) => t[1]),
    userRatings: Float32Array.from(byUser, (t) => t[2]),
    userTimes: Uint32Array.from(byUser, (t) => t[3] ?? 0),
    itemPtr,
    itemUsers: Uint32Array.from(byItem, (t) => t[0]),
    itemRatings: Float32Array.from(byItem, (t) => t[2]),
    itemTimes: Uint32Array.from(byItem, (t) => t[3] ?? 0),
  };
}
