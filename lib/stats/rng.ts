/**
 * A small seeded pseudo-random number generator shared by the whole library: xoshiro128**
 * (Blackman & Vigna, 2018) with its 128-bit state filled from the seed by four draws of
 * splitmix32 (golden-ratio increment `0x9e3779b9` followed by the MurmurHash3 32-bit finaliser).
 *
 * The same seed always gives the same stream, on every machine: the arithmetic is exact 32-bit
 * integer arithmetic (`Math.imul`, unsigned shifts). Not for cryptography.
 *
 * @example
 * ```ts
 * import { Rng } from "./rng.ts";
 * const rng = new Rng(42);
 * const u = rng.next(); // uniform in [0, 1)
 * const k = rng.int(10); // uniform integer in 0..9
 * if (!(u >= 0 && u < 1 && k >= 0 && k < 10)) throw new Error("out of range");
 * ```
 *
 * @module
 */

const TWO_POW_32 = 4294967296;

/** Advances a splitmix32 state by one step; returns the new state and its output. */
function splitmix32(state: number): [number, number] {
  const next = (state + 0x9e3779b9) >>> 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return [next, (z ^ (z >>> 16)) >>> 0];
}

/**
 * The xoshiro128** generator. Construct with an integer seed in `0 .. 2^32 - 1`.
 *
 * @example
 * ```ts
 * import { Rng } from "./rng.ts";
 * const a = new Rng(7), b = new Rng(7);
 * if (a.nextU32() !== b.nextU32()) throw new Error("same seed, same stream");
 * ```
 */
export class Rng {
  #s0: number;
  #s1: number;
  #s2: number;
  #s3: number;
  #spareNormal: number | undefined = undefined;

  /**
   * Seeds the generator. Throws when `seed` is not an integer in `0 .. 2^32 - 1`.
   *
   * @example
   * ```ts
   * import { Rng } from "./rng.ts";
   * const rng = new Rng(0);
   * rng.nextU32();
   * ```
   */
  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed >= TWO_POW_32) {
      throw new Error(`Rng: seed must be an integer in 0..2^32-1, got ${seed}`);
    }
    let state = seed >>> 0;
    const words: number[] = [];
    for (let i = 0; i < 4; i++) {
      const [next, out] = splitmix32(state);
      state = next;
      words.push(out);
    }
    [this.#s0, this.#s1, this.#s2, this.#s3] = words as [number, number, number, number];
    if ((this.#s0 | this.#s1 | this.#s2 | this.#s3) === 0) this.#s0 = 1; // all-zero state is a fixed point
  }

  /**
   * A generator started from an explicit 128-bit state (four 32-bit words, not all zero), as in the
   * reference C implementation. Useful to check the stream against published values.
   *
   * @example
   * ```ts
   * import { Rng } from "./rng.ts";
   * const rng = Rng.fromState(1, 2, 3, 4);
   * if (rng.nextU32() !== 11520) throw new Error("reference value");
   * ```
   */
  static fromState(s0: number, s1: number, s2: number, s3: number): Rng {
    const words = [s0, s1, s2, s3];
    for (const w of words) {
      if (!Number.isInteger(w) || w < 0 || w >= TWO_POW_32) {
        throw new Error(`Rng.fromState: each word must be an integer in 0..2^32-1, got ${w}`);
      }
    }
    if ((s0 | s1 | s2 | s3) === 0) throw new Error("Rng.fromState: the state must not be all zero");
    const rng = new Rng(0);
    rng.#s0 = s0 >>> 0;
    rng.#s1 = s1 >>> 0;
    rng.#s2 = s2 >>> 0;
    rng.#s3 = s3 >>> 0;
    return rng;
  }

  /**
   * The next raw 32-bit output, an integer in `0 .. 2^32 - 1`.
   *
   * @example
   * ```ts
   * import { Rng } from "./rng.ts";
   * const x = new Rng(1).nextU32();
   * if (!Number.isInteger(x)) throw new Error("integer");
   * ```
   */
  nextU32(): number {
    const s1 = this.#s1;
    const times5 = Math.imul(s1, 5);
    const result = Math.imul((times5 << 7) | (times5 >>> 25), 9) >>> 0;
    const t = s1 << 9;
    this.#s2 ^= this.#s0;
    this.#s3 ^= s1;
    this.#s1 = s1 ^ this.#s2;
    this.#s0 ^= this.#s3;
    this.#s2 ^= t;
    this.#s3 = (this.#s3 << 11) | (this.#s3 >>> 21);
    return result;
  }

  /**
   * A uniform float in `[0, 1)` with 53 random bits (two 32-bit outputs).
   *
   * @example
   * ```ts
   * import { Rng } from "./rng.ts";
   * const u = new Rng(3).next();
   * if (u < 0 || u >= 1) throw new Error("range");
   * ```
   */
  next(): number {
    const hi = this.nextU32() >>> 5; // 27 bits
    const lo = this.nextU32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /**
   * A uniform integer in `0 .. n - 1` without modulo bias (rejection sampling); `n` in `1 .. 2^32`.
   *
   * @example
   * ```ts
   * import { Rng } from "./rng.ts";
   * const die = new Rng(9).int(6) + 1;
   * if (die < 1 || die > 6) throw new Error("range");
   * ```
   */
  int(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > TWO_POW_32) {
      throw new Error(`Rng.int: n must be an integer in 1..2^32, got ${n}`);
    }
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    for (;;) {
      const x = this.nextU32();
      if (x < limit) return x % n;
    }
  }

  /**
   * A standard normal deviate (Box–Muller; the second value of each pair is kept for the next call).
   *
   * @example
   * ```ts
   * import { Rng } from "./rng.ts";
   * const z = new Rng(5).normal();
   * if (!Number.isFinite(z)) throw new Error("finite");
   * ```
   */
  normal(): number {
    const spare = this.#spareNormal;
    if (spare !== undefined) {
      this.#spareNormal = undefined;
      return spare;
    }
    const u1 = 1 - this.next(); // (0, 1]: log is finite
    const u2 = this.next();
    const r = Math.sqrt(-2 * Math.log(u1));
    this.#spareNormal = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  }
}

/**
 * Shuffles an array in place (Fisher–Yates) and returns it.
 *
 * @example
 * ```ts
 * import { Rng, shuffle } from "./rng.ts";
 * const a = shuffle(new Rng(1), [1, 2, 3, 4]);
 * if ([...a].sort().join() !== "1,2,3,4") throw new Error("a permutation");
 * ```
 */
export function shuffle<T extends { length: number; [i: number]: unknown }>(rng: Rng, array: T): T {
  for (let i = array.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const tmp = array[i];
    array[i] = array[j];
    array[j] = tmp;
  }
  return array;
}

/**
 * `k` distinct integers drawn uniformly from `0 .. n - 1`, in random order (partial Fisher–Yates;
 * O(n) memory).
 *
 * @example
 * ```ts
 * import { Rng, sampleIndices } from "./rng.ts";
 * const s = sampleIndices(new Rng(2), 100, 5);
 * if (new Set(s).size !== 5) throw new Error("distinct");
 * ```
 */
export function sampleIndices(rng: Rng, n: number, k: number): Uint32Array {
  if (!Number.isInteger(n) || n < 0 || n >= TWO_POW_32) {
    throw new Error(`sampleIndices: n must be an integer in 0..2^32-1, got ${n}`);
  }
  if (!Number.isInteger(k) || k < 0 || k > n) {
    throw new Error(`sampleIndices: k must be an integer in 0..n (n = ${n}), got ${k}`);
  }
  const pool = new Uint32Array(n);
  for (let i = 0; i < n; i++) pool[i] = i;
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(n - i);
    const tmp = pool[i]!;
    pool[i] = pool[j]!;
    pool[j] = tmp;
  }
  return pool.slice(0, k);
}
