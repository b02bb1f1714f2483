/**
 * A structural check of a {@linkcode RatingMatrix}, for tests: both layouts well formed and holding
 * the same (user, item, rating, time) triplets.
 *
 * @module
 */

import type { RatingMatrix } from "./types.ts";

function fail(what: string): never {
  throw new Error(`inconsistent RatingMatrix: ${what}`);
}

function checkCompressed(
  layout: string,
  nOuter: number,
  nInner: number,
  nnz: number,
  ptr: Uint32Array,
  idx: Uint32Array,
): void {
  if (ptr.length !== nOuter + 1) {
    fail(`${layout} ptr has length ${ptr.length}, expected ${nOuter + 1}`);
  }
  if (idx.length !== nnz) {
    fail(`${layout} index array has length ${idx.length}, expected nnz = ${nnz}`);
  }
  if (ptr[0] !== 0) fail(`${layout} ptr[0] = ${ptr[0]}, expected 0`);
  if (ptr[nOuter] !== nnz) fail(`${layout} ptr[${nOuter}] = ${ptr[nOuter]}, expected nnz = ${nnz}`);
  for (let o = 0; o < nOuter; o++) {
    const start = ptr[o]!, end = ptr[o + 1]!;
    if (end < start) fail(`${layout} ptr decreases at ${o}: ${start} then ${end}`);
    for (let e = start; e < end; e++) {
      const v = idx[e]!;
      if (v >= nInner) {
        fail(`${layout} entry ${e} (of ${o}) has index ${v}, expected below ${nInner}`);
      }
      if (e > start && idx[e - 1]! >= v) {
        fail(
          `${layout} indices of ${o} not strictly ascending at entry ${e}: ${idx[e - 1]} then ${v}`,
        );
      }
    }
  }
}

/**
 * Throw an `Error` saying what is wrong unless `m` is a well-formed rating matrix: pointer arrays of
 * the right length, starting at 0, ending at `nnz` and never decreasing; indices in range and strictly
 * ascending within each row (CSR) and column (CSC); value arrays of length `nnz`; and CSR and CSC
 * holding exactly the same (user, item, rating, time) triplets.
 *
 * @param m The matrix to check.
 *
 * @example
 * ```ts
 * import { assertMatrixConsistent } from "./_check.ts";
 * import { fromTriplets } from "./coo.ts";
 * assertMatrixConsistent(fromTriplets(2, 2, [0, 1], [1, 0], [4, 5], [1, 2]));
 * ```
 */
export function assertMatrixConsistent(m: RatingMatrix): void {
  const { nUsers, nItems, nnz } = m;
  if (!Number.isInteger(nnz) || nnz < 0) fail(`nnz = ${nnz}`);
  checkCompressed("CSR", nUsers, nItems, nnz, m.userPtr, m.userItems);
  checkCompressed("CSC", nItems, nUsers, nnz, m.itemPtr, m.itemUsers);
  for (
    const [name, len] of [
      ["userRatings", m.userRatings.length],
      ["userTimes", m.userTimes.length],
      ["itemRatings", m.itemRatings.length],
      ["itemTimes", m.itemTimes.length],
    ] as const
  ) {
    if (len !== nnz) fail(`${name} has length ${len}, expected nnz = ${nnz}`);
  }
  // Each CSC entry must find its twin in the CSR row. Entries are unique within rows and columns,
  // and both layouts hold nnz entries, so matching every CSC entry proves the triplet sets equal.
  for (let i = 0; i < nItems; i++) {
    const end = m.itemPtr[i + 1]!;
    for (let c = m.itemPtr[i]!; c < end; c++) {
      const u = m.itemUsers[c]!;
      let lo = m.userPtr[u]!, hi = m.userPtr[u + 1]!;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (m.userItems[mid]! < i) lo = mid + 1;
        else hi = mid;
      }
      if (lo >= m.userPtr[u + 1]! || m.userItems[lo] !== i) {
        fail(`CSC entry ${c} (user ${u}, item ${i}) is missing from CSR`);
      }
      if (!Object.is(m.userRatings[lo], m.itemRatings[c])) {
        fail(
          `(user ${u}, item ${i}) has rating ${m.userRatings[lo]} in CSR, ${
            m.itemRatings[c]
          } in CSC`,
        );
      }
      if (m.userTimes[lo] !== m.itemTimes[c]) {
        fail(`(user ${u}, item ${i}) has time ${m.userTimes[lo]} in CSR, ${m.itemTimes[c]} in CSC`);
      }
    }
  }
}
