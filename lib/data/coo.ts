/**
 * Building a {@linkcode RatingMatrix} from coordinate (COO) triplets, and the CSR → CSC transpose
 * that the splits reuse.
 *
 * `fromTriplets` is a counting sort over typed arrays in TypeScript (O(nnz + nUsers + nItems), no
 * per-rating objects), the reference the tests compare the Zig builder against; `cscFromCsr`
 * calls the Zig transpose, which the splits and subsampling use on millions of ratings.
 *
 * @module
 */

import { transposeLayout } from "../ffi/kernels.ts";
import type { RatingMatrix } from "./types.ts";

const U32_MAX = 0xffff_ffff;

function checkCount(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > U32_MAX) {
    throw new Error(`fromTriplets: ${name} must be a whole number in 0..${U32_MAX}, got ${value}`);
  }
}

/**
 * Build a {@linkcode RatingMatrix} (CSR by user and CSC by item) from triplets
 * `(users[k], items[k], ratings[k], times[k])`.
 *
 * Entries may come in any order. Rows come out with item indices ascending and columns with user
 * indices ascending. Throws an `Error` naming the offending index when an index is out of range, a
 * rating is not finite, a time is not a whole number in 0..2³²−1, the four arrays differ in length,
 * or the same (user, item) pair occurs twice.
 *
 * @param nUsers Number of users (rows); every `users[k]` must be below it.
 * @param nItems Number of items (columns); every `items[k]` must be below it.
 * @param users Dense user index of each rating.
 * @param items Dense item index of each rating.
 * @param ratings Rating values.
 * @param times Timestamps in seconds since the epoch.
 * @returns The matrix, with both layouts filled.
 *
 * @example
 * ```ts
 * import { fromTriplets } from "./coo.ts";
 * const m = fromTriplets(2, 3, [1, 0, 0], [0, 2, 1], [4, 3.5, 5], [30, 10, 20]);
 * if (m.nnz !== 3 || m.userItems[0] !== 1 || m.itemUsers[0] !== 1) throw new Error("unexpected");
 * ```
 */
export function fromTriplets(
  nUsers: number,
  nItems: number,
  users: ArrayLike<number>,
  items: ArrayLike<number>,
  ratings: ArrayLike<number>,
  times: ArrayLike<number>,
): RatingMatrix {
  checkTriplets(nUsers, nItems, users, items, ratings, times);
  const { userPtr, order } = userMajorOrder(nUsers, nItems, users, items);
  const rows = gatherRows(userPtr, order, items, ratings, times);
  return cscFromCsr(nUsers, nItems, userPtr, rows.items, rows.ratings, rows.times);
}

/** Refuses counts, lengths, indices, ratings or times {@linkcode fromTriplets} cannot take. */
function checkTriplets(
  nUsers: number,
  nItems: number,
  users: ArrayLike<number>,
  items: ArrayLike<number>,
  ratings: ArrayLike<number>,
  times: ArrayLike<number>,
): void {
  checkCount("nUsers", nUsers);
  checkCount("nItems", nItems);
  const nnz = users.length;
  for (const [name, arr] of [["items", items], ["ratings", ratings], ["times", times]] as const) {
    if (arr.length !== nnz) {
      throw new Error(
        `fromTriplets: ${name} has length ${arr.length}, expected ${nnz} (the length of users)`,
      );
    }
  }
  for (let k = 0; k < nnz; k++) {
    const u = users[k]!, i = items[k]!, r = ratings[k]!, t = times[k]!;
    if (!Number.isInteger(u) || u < 0 || u >= nUsers) {
      throw new Error(
        `fromTriplets: users[${k}] = ${u}, expected a whole number in 0..${nUsers - 1}`,
      );
    }
    if (!Number.isInteger(i) || i < 0 || i >= nItems) {
      throw new Error(
        `fromTriplets: items[${k}] = ${i}, expected a whole number in 0..${nItems - 1}`,
      );
    }
    if (!Number.isFinite(r)) {
      throw new Error(`fromTriplets: ratings[${k}] = ${r}, expected a finite number`);
    }
    if (!Number.isInteger(t) || t < 0 || t > U32_MAX) {
      throw new Error(`fromTriplets: times[${k}] = ${t}, expected a whole number in 0..${U32_MAX}`);
    }
  }
}

/**
 * The entries in CSR order (by user, items ascending within a user) by two stable counting sorts:
 * by item, then by user; and the CSR row pointers.
 */
function userMajorOrder(
  nUsers: number,
  nItems: number,
  users: ArrayLike<number>,
  items: ArrayLike<number>,
): { userPtr: Uint32Array; order: Uint32Array } {
  const nnz = users.length;
  // Pass 1: stable counting sort of entry indices by item.
  const byItem = new Uint32Array(nnz);
  const itemStart = new Uint32Array(nItems + 1);
  for (let k = 0; k < nnz; k++) itemStart[items[k]! + 1]!++;
  for (let i = 0; i < nItems; i++) itemStart[i + 1]! += itemStart[i]!;
  const itemCursor = itemStart.slice(0, nItems);
  for (let k = 0; k < nnz; k++) byItem[itemCursor[items[k]!]!++] = k;

  // Pass 2: stable counting sort by user; rows inherit ascending items from pass 1.
  const userPtr = new Uint32Array(nUsers + 1);
  for (let k = 0; k < nnz; k++) userPtr[users[k]! + 1]!++;
  for (let u = 0; u < nUsers; u++) userPtr[u + 1]! += userPtr[u]!;
  const userCursor = userPtr.slice(0, nUsers);
  const order = new Uint32Array(nnz);
  for (let j = 0; j < nnz; j++) {
    const k = byItem[j]!;
    order[userCursor[users[k]!]!++] = k;
  }
  return { userPtr, order };
}

/** The CSR arrays in `order`; a (user, item) pair seen twice is refused, naming both indices. */
function gatherRows(
  userPtr: Uint32Array,
  order: Uint32Array,
  items: ArrayLike<number>,
  ratings: ArrayLike<number>,
  times: ArrayLike<number>,
): { items: Uint32Array; ratings: Float32Array; times: Uint32Array } {
  const nnz = order.length;
  const userItems = new Uint32Array(nnz);
  const userRatings = new Float32Array(nnz);
  const userTimes = new Uint32Array(nnz);
  for (let u = 0; u + 1 < userPtr.length; u++) {
    const end = userPtr[u + 1]!;
    for (let e = userPtr[u]!; e < end; e++) {
      const k = order[e]!;
      userItems[e] = items[k]!;
      userRatings[e] = ratings[k]!;
      userTimes[e] = times[k]!;
      if (e > userPtr[u]! && userItems[e - 1] === userItems[e]) {
        const first = Math.min(order[e - 1]!, k), second = Math.max(order[e - 1]!, k);
        throw new Error(
          `fromTriplets: duplicate (user ${u}, item ${
            userItems[e]
          }) at indices ${first} and ${second}`,
        );
      }
    }
  }
  return { items: userItems, ratings: userRatings, times: userTimes };
}

/**
 * Complete a CSR matrix with its CSC twin, built in Zig (`transposeLayout`: the CSR is validated
 * in full, then a stable counting sort by item, so each column's user indices come out ascending).
 * The CSR arrays are used as given, not copied. A malformed CSR (an item index ≥ `nItems`, items
 * not ascending in a row, a non-finite rating) throws a `KernelError` naming the row and index.
 *
 * @param nUsers Number of rows; `userPtr.length` must be `nUsers + 1`.
 * @param nItems Number of columns.
 * @param userPtr CSR row pointers.
 * @param userItems CSR item index of each entry (each below `nItems`).
 * @param userRatings CSR rating of each entry.
 * @param userTimes CSR timestamp of each entry.
 * @returns The full matrix.
 *
 * @example
 * ```ts
 * import { cscFromCsr } from "./coo.ts";
 * const m = cscFromCsr(
 *   2, 2, Uint32Array.of(0, 1, 2), Uint32Array.of(1, 1), Float32Array.of(3, 4), Uint32Array.of(5, 6),
 * );
 * if (m.itemPtr[2] !== 2 || m.itemUsers[1] !== 1) throw new Error("unexpected");
 * ```
 */
export function cscFromCsr(
  nUsers: number,
  nItems: number,
  userPtr: Uint32Array,
  userItems: Uint32Array,
  userRatings: Float32Array,
  userTimes: Uint32Array,
): RatingMatrix {
  const nnz = userItems.length;
  if (userPtr.length !== nUsers + 1 || userPtr[nUsers] !== nnz) {
    throw new Error(
      `cscFromCsr: userPtr has length ${userPtr.length} and ends at ${userPtr[nUsers]}, ` +
        `expected length ${nUsers + 1} ending at nnz = ${nnz}`,
    );
  }
  if (userRatings.length !== nnz || userTimes.length !== nnz) {
    throw new Error(
      `cscFromCsr: userRatings/userTimes have lengths ${userRatings.length}/${userTimes.length}, ` +
        `expected ${nnz}`,
    );
  }
  const csc = transposeLayout(
    { ptr: userPtr, index: userItems, values: userRatings, times: userTimes },
    nItems,
  );
  const { ptr: itemPtr, index: itemUsers, values: itemRatings, times: itemTimes } = csc;
  return {
    nUsers,
    nItems,
    nnz,
    userPtr,
    userItems,
    userRatings,
    userTimes,
    itemPtr,
    itemUsers,
    itemRatings,
    itemTimes,
  };
}
