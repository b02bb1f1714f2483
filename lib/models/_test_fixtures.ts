/**
 * Small rating matrices with a known structure, for the model tests.
 *
 * @module
 */
import { fromTriplets } from "../data/coo.ts";
import type { RatingMatrix } from "../data/types.ts";
import { Rng } from "../stats/rng.ts";

/** A planted model and the matrices drawn from it. */
export interface Planted {
  /** Observed ratings (a random share of all cells). */
  train: RatingMatrix;
  /** The held-out cells. */
  test: RatingMatrix;
  /** The exact value of every cell, row-major `nUsers × nItems`. */
  truth: Float64Array;
}

/**
 * r_ui = mu + b_u + b_i + x_u·y_i exactly (no noise, no rounding), with a share `observed` of the
 * cells in train and the rest in test.
 *
 * @example
 * ```ts
 * import { planted } from "./_test_fixtures.ts";
 * const p = planted({ nUsers: 10, nItems: 8, k: 2, observed: 0.5, seed: 1 });
 * if (p.train.nnz + p.test.nnz !== 80) throw new Error("every cell once");
 * ```
 */
export function planted(options: {
  nUsers: number;
  nItems: number;
  k: number;
  observed: number;
  seed: number;
  mu?: number;
}): Planted {
  const { nUsers, nItems, k, observed, seed, mu = 3 } = options;
  const rng = new Rng(seed);
  const x = Float64Array.from({ length: nUsers * k }, () => rng.normal() * 0.5);
  const y = Float64Array.from({ length: nItems * k }, () => rng.normal() * 0.5);
  const bu = Float64Array.from({ length: nUsers }, () => rng.normal() * 0.3);
  const bi = Float64Array.from({ length: nItems }, () => rng.normal() * 0.3);
  const truth = new Float64Array(nUsers * nItems);
  const cells: [number[], number[], number[], number[]][] = [[[], [], [], []], [[], [], [], []]];
  for (let u = 0; u < nUsers; u++) {
    for (let i = 0; i < nItems; i++) {
      let r = mu + bu[u]! + bi[i]!;
      for (let f = 0; f < k; f++) r += x[u * k + f]! * y[i * k + f]!;
      truth[u * nItems + i] = r;
      const side = cells[rng.next() < observed ? 0 : 1]!;
      side[0].push(u);
      side[1].push(i);
      side[2].push(r);
      side[3].push(0);
    }
  }
  const [tr, te] = cells as [[number[], number[], number[], number[]], [
    number[],
    number[],
    number[],
    number[],
  ]];
  return {
    train: fromTriplets(nUsers, nItems, tr[0], tr[1], tr[2], tr[3]),
    test: fromTriplets(nUsers, nItems, te[0], te[1], te[2], te[3]),
    truth,
  };
}

/**
 * A random sparse matrix of half-star ratings (each cell present with probability `density`).
 *
 * @example
 * ```ts
 * import { randomRatings } from "./_test_fixtures.ts";
 * const m = randomRatings(20, 30, 0.2, 4);
 * if (m.nUsers !== 20) throw new Error("shape");
 * ```
 */
export function randomRatings(
  nUsers: number,
  nItems: number,
  density: number,
  seed: number,
): RatingMatrix {
  const rng = new Rng(seed);
  const users: number[] = [], items: number[] = [], ratings: number[] = [], times: number[] = [];
  for (let u = 0; u < nUsers; u++) {
    for (let i = 0; i < nItems; i++) {
      if (rng.next() >= density) continue;
      users.push(u);
      items.push(i);
      ratings.push((1 + rng.int(10)) / 2);
      times.push(0);
    }
  }
  return fromTriplets(nUsers, nItems, users, items, ratings, times);
}

/**
 * The fewest rows a kernel's half-step gives one thread (`rows_per_thread_min` in
 * `kernels/<kernel>`), so that test sizes follow it: a side with fewer than `threads × grain` rows
 * runs on fewer threads. (The Zig tests check the real partition counts.)
 */
export async function rowsPerThread(kernel: string): Promise<number> {
  const source = await Deno.readTextFile(new URL(`../../kernels/${kernel}`, import.meta.url));
  const found = source.match(/^pub const rows_per_thread_min: u32 = (\d+);$/m);
  if (!found) throw new Error(`kernels/${kernel}: no "pub const rows_per_thread_min: u32 = N;"`);
  return Number(found[1]);
}

/** The first index where `a` and `b` differ in their bits (so -0 ≠ 0), or -1. */
export function firstBitDifference(a: Float32Array, b: Float32Array): number {
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  if (x.length !== y.length) return Math.min(x.length, y.length);
  return x.findIndex((v, j) => v !== y[j]);
}
