import { assert, assertAlmostEquals, assertThrows } from "../../tests/_assert.ts";
import { fromTriplets } from "../data/coo.ts";
import type { RatingMatrix } from "../data/types.ts";
import { alsRowEquations, alsRowSystem, choleskyFactor, choleskySolve } from "./als_row.ts";
import { type AlsState, initAlsState } from "./als_state.ts";
import { naiveAlsEpoch } from "./naive_als.ts";

/** 5 users × 4 items, 14 ratings, every user and item rated at least twice. */
function fixture(): RatingMatrix {
  const users = [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 4, 4, 4];
  const items = [0, 1, 2, 0, 2, 3, 1, 2, 3, 0, 3, 1, 2, 3];
  const ratings = [5, 4, 1, 4, 2, 1, 3, 5, 4, 5, 1.5, 2, 4.5, 3.5];
  return fromTriplets(5, 4, users, items, ratings, users.map(() => 0));
}

function mean(m: RatingMatrix): number {
  let s = 0;
  for (const r of m.userRatings) s += r;
  return s / m.nnz;
}

Deno.test("choleskyFactor: L Lᵀ = A for a 3×3 SPD matrix; L is lower triangular", () => {
  const a = Float64Array.of(4, 12, -16, 12, 37, -43, -16, -43, 98);
  const l = choleskyFactor(a, 3);
  // The textbook example: L = [[2, 0, 0], [6, 1, 0], [-8, 5, 3]].
  const expected = [2, 0, 0, 6, 1, 0, -8, 5, 3];
  for (let j = 0; j < 9; j++) assertAlmostEquals(l[j]!, expected[j]!, 1e-12);
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      let s = 0;
      for (let p = 0; p < 3; p++) s += l[i * 3 + p]! * l[j * 3 + p]!;
      assertAlmostEquals(s, a[i * 3 + j]!, 1e-12);
    }
  }
});

Deno.test("choleskyFactor rejects matrices that are not positive definite or badly sized", () => {
  assertThrows(
    () => choleskyFactor(Float64Array.of(1, 2, 2, 1), 2),
    Error,
    "not positive definite",
  );
  assertThrows(() => choleskyFactor(Float64Array.of(0), 1), Error, "not positive definite");
  assertThrows(() => choleskyFactor(Float64Array.of(1, 0, 0), 2), Error, "size × size");
});

Deno.test("choleskySolve solves A x = c", () => {
  const a = Float64Array.of(4, 12, -16, 12, 37, -43, -16, -43, 98);
  const x = Float64Array.of(1, -2, 0.5);
  const c = new Float64Array(3);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) c[i]! += a[i * 3 + j]! * x[j]!;
  const solved = choleskySolve(choleskyFactor(a, 3), c);
  for (let j = 0; j < 3; j++) assertAlmostEquals(solved[j]!, x[j]!, 1e-10);
  assertThrows(() => choleskySolve(Float64Array.of(1, 0, 0, 1), Float64Array.of(1)), Error, "²");
});

Deno.test("alsRowSystem: with K = 0 the solution is the bias update Σ r' / (n + λ_b·w)", () => {
  const m = fixture();
  const state: AlsState = {
    k: 0,
    mu: mean(m),
    userFactors: new Float32Array(0),
    itemFactors: new Float32Array(0),
    userBias: Float32Array.of(0.3, -0.2, 0.1, 0, -0.4),
    itemBias: Float32Array.of(0.5, -0.1, 0.2, -0.3),
  };
  for (const weighted of [false, true]) {
    for (let u = 0; u < m.nUsers; u++) {
      let s = 0;
      for (let e = m.userPtr[u]!; e < m.userPtr[u + 1]!; e++) {
        s += m.userRatings[e]! - state.mu - state.itemBias[m.userItems[e]!]!;
      }
      const n = m.userPtr[u + 1]! - m.userPtr[u]!;
      const sys = alsRowSystem(m, state, {
        side: "user",
        row: u,
        lambda: 1,
        lambdaBias: 2,
        weighted,
      });
      assert(sys.size === 1 && sys.n === n, "a 1×1 system");
      assertAlmostEquals(sys.solution[0]!, s / (n + 2 * (weighted ? n : 1)), 1e-12);
    }
  }
});

Deno.test("alsRowSystem: A is symmetric with n + λ_b·w in the bias corner and Σ z = Σ factors", () => {
  const m = fixture();
  const state = initAlsState(m.nUsers, m.nItems, 3, { seed: 5, mu: mean(m), scale: 0.5 });
  const sys = alsRowSystem(m, state, { side: "item", row: 3, lambda: 0.1, lambdaBias: 0.2 });
  const { size, a, n } = sys;
  assert(size === 4 && n === 4, "item 3 has 4 raters, K + 1 = 4");
  for (let p = 0; p < size; p++) {
    for (let q = 0; q < size; q++) assert(a[p * size + q] === a[q * size + p], "symmetric");
  }
  assertAlmostEquals(a[size * size - 1]!, n + 0.2 * n, 1e-12);
  for (let p = 0; p < 3; p++) {
    let s = 0;
    for (let e = m.itemPtr[3]!; e < m.itemPtr[4]!; e++) {
      s += state.userFactors[m.itemUsers[e]! * 3 + p]!;
    }
    assertAlmostEquals(a[p * size + 3]!, s, 1e-6);
  }
  // A · solution = c
  for (let p = 0; p < size; p++) {
    let s = 0;
    for (let q = 0; q < size; q++) s += a[p * size + q]! * sys.solution[q]!;
    assertAlmostEquals(s, sys.c[p]!, 1e-9);
  }
});

Deno.test("alsRowEquations: A and c in block form, [Σ y yᵀ + λ_f·w I, Σ y; Σ yᵀ, n + λ_b·w]", () => {
  const m = fixture();
  const k = 3;
  const state = initAlsState(m.nUsers, m.nItems, k, { seed: 11, mu: mean(m), scale: 0.4 });
  for (const weighted of [false, true]) {
    for (let u = 0; u < m.nUsers; u++) {
      const eq = alsRowEquations(m, state, {
        side: "user",
        row: u,
        lambda: 0.3,
        lambdaBias: 0.7,
        weighted,
      });
      const start = m.userPtr[u]!, end = m.userPtr[u + 1]!;
      const n = end - start, w = weighted ? n : 1;
      assert(eq.n === n && eq.size === k + 1, `user ${u}: n and size`);
      // The blocks, summed separately from the definitions.
      const yy = new Float64Array(k * k), ySum = new Float64Array(k), ry = new Float64Array(k);
      let rSum = 0;
      for (let e = start; e < end; e++) {
        const i = m.userItems[e]!;
        const r = m.userRatings[e]! - state.mu - state.itemBias[i]!;
        rSum += r;
        for (let p = 0; p < k; p++) {
          const yp = state.itemFactors[i * k + p]!;
          ySum[p]! += yp;
          ry[p]! += r * yp;
          for (let q = 0; q < k; q++) yy[p * k + q]! += yp * state.itemFactors[i * k + q]!;
        }
      }
      const size = k + 1;
      for (let p = 0; p < k; p++) {
        for (let q = 0; q < k; q++) {
          const expected = yy[p * k + q]! + (p === q ? 0.3 * w : 0);
          assertAlmostEquals(eq.a[p * size + q]!, expected, 1e-12);
        }
        assertAlmostEquals(eq.a[p * size + k]!, ySum[p]!, 1e-12);
        assertAlmostEquals(eq.a[k * size + p]!, ySum[p]!, 1e-12);
        assertAlmostEquals(eq.c[p]!, ry[p]!, 1e-12);
      }
      assertAlmostEquals(eq.a[k * size + k]!, n + 0.7 * w, 1e-12);
      assertAlmostEquals(eq.c[k]!, rSum, 1e-12);
      // alsRowSystem solves exactly these equations.
      const sys = alsRowSystem(m, state, {
        side: "user",
        row: u,
        lambda: 0.3,
        lambdaBias: 0.7,
        weighted,
      });
      assert(sys.a.join() === eq.a.join() && sys.c.join() === eq.c.join(), "the same system");
    }
  }
});

Deno.test("alsRowEquations and alsRowSystem name themselves in their errors", () => {
  const m = fixture();
  const state = initAlsState(m.nUsers, m.nItems, 2, { seed: 1, mu: 3 });
  const bad = { side: "user", row: 0, lambda: Number.NaN } as const;
  assertThrows(() => alsRowEquations(m, state, bad), RangeError, "alsRowEquations: lambda");
  assertThrows(() => alsRowSystem(m, state, bad), RangeError, "alsRowSystem: lambda");
});

Deno.test("alsRowSystem reproduces the item rows of an epoch (the last half-step)", () => {
  const m = fixture();
  const k = 2;
  for (const weighted of [false, true]) {
    const state = initAlsState(m.nUsers, m.nItems, k, { seed: 9, mu: mean(m) });
    const options = { lambda: 0.3, lambdaBias: 0.7, weighted };
    for (let epoch = 0; epoch < 3; epoch++) naiveAlsEpoch(m, state, options);
    for (let i = 0; i < m.nItems; i++) {
      const sys = alsRowSystem(m, state, {
        side: "item",
        row: i,
        lambda: 0.3,
        lambdaBias: 0.7,
        weighted,
      });
      for (let p = 0; p < k; p++) {
        assertAlmostEquals(sys.solution[p]!, state.itemFactors[i * k + p]!, 1e-6);
      }
      assertAlmostEquals(sys.solution[k]!, state.itemBias[i]!, 1e-6);
    }
    // The user rows were solved against the previous items, so they need not match: one user
    // row re-solved now differs from the stored one after only three epochs.
    let moved = 0;
    for (let u = 0; u < m.nUsers; u++) {
      const sys = alsRowSystem(m, state, {
        side: "user",
        row: u,
        lambda: 0.3,
        lambdaBias: 0.7,
        weighted,
      });
      moved = Math.max(moved, Math.abs(sys.solution[k]! - state.userBias[u]!));
    }
    assert(moved > 1e-7, "users are one half-step behind");
  }
});

Deno.test("alsRowSystem checks its arguments", () => {
  const m = fixture();
  const state = initAlsState(m.nUsers, m.nItems, 2, { seed: 1, mu: 3 });
  assertThrows(() => alsRowSystem(m, state, { side: "item", row: 4, lambda: 1 }), Error, "0..3");
  assertThrows(() => alsRowSystem(m, state, { side: "user", row: -1, lambda: 1 }), Error, "0..4");
  assertThrows(() => alsRowSystem(m, state, { side: "user", row: 0, lambda: 0 }), Error, "lambda");
  assertThrows(
    () => alsRowSystem(m, state, { side: "user", row: 0, lambda: 1, lambdaBias: -1 }),
    Error,
    "lambdaBias",
  );
  const wrong = initAlsState(m.nUsers + 1, m.nItems, 2, { seed: 1, mu: 3 });
  assertThrows(
    () => alsRowSystem(m, wrong, { side: "user", row: 0, lambda: 1 }),
    Error,
    "the matrix",
  );
  const empty = fromTriplets(2, 2, [0], [0], [4], [0]);
  const small = initAlsState(2, 2, 1, { seed: 1, mu: 4 });
  assertThrows(
    () => alsRowSystem(empty, small, { side: "item", row: 1, lambda: 1 }),
    Error,
    "no training ratings",
  );
});
