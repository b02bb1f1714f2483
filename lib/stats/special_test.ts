import { assertClose, assertThrows } from "../../tests/_assert.ts";
import {
  erfc,
  erfcContinuedFraction,
  hurwitzZeta,
  logErfc,
  logNormalSf,
  normalSf,
} from "./special.ts";
import { normalCdf } from "../deps/stdlib.ts";

// Reference values computed with mpmath (30 significant digits).
Deno.test("erfc matches reference values to ~1e-15 relative", () => {
  const table: [number, number][] = [
    [0, 1],
    [0.5, 0.47950012218695346],
    [1, 0.15729920705028513],
    [2.5, 0.00040695201744495894],
    [3, 2.2090496998585441e-5],
    [5, 1.5374597944280349e-12],
    [10, 2.0884875837625448e-45],
  ];
  for (const [x, expected] of table) {
    assertClose(erfc(x) / expected, 1, 2e-15, `erfc(${x})`);
  }
  assertClose(erfc(-1), 2 - 0.15729920705028513, 1e-15, "erfc(-1)");
});

Deno.test("logErfc stays finite and accurate where erfc underflows", () => {
  assertClose(logErfc(1), -1.8496055099332482, 1e-14, "log erfc(1)");
  assertClose(logErfc(3), -10.720363041981113, 1e-13, "log erfc(3)");
  assertClose(logErfc(27), -732.86888650789741, 1e-11, "log erfc(27)");
  assertClose(logErfc(30), -903.97411711064388, 1e-11, "log erfc(30)");
  assertClose(logNormalSf(40), logErfc(40 / Math.SQRT2) - Math.LN2, 1e-12, "log Q(40)");
});

Deno.test("normalSf gives the familiar normal tail probabilities", () => {
  assertClose(normalSf(0), 0.5, 1e-16, "Q(0)");
  assertClose(normalSf(1.959963984540054), 0.025, 1e-15, "Q(1.96)");
  assertClose(normalSf(-1), 1 - 0.15865525393145707, 1e-15, "Q(-1)");
});

Deno.test("hurwitzZeta matches reference values", () => {
  const table: [number, number, number][] = [
    [2, 1, Math.PI ** 2 / 6],
    [4, 1, Math.PI ** 4 / 90],
    [2.5, 1, 1.3414872572509172],
    [2.5, 5, 0.06931053204432188],
    [1.1, 1, 10.584448464950801],
    [1.5, 1, 2.6123753486854883],
    [3.7, 0.3, 86.476824769465902],
    [2.0, 100.5, 0.0099999166695831027],
    [1.01, 2, 99.577943338496784],
  ];
  for (const [s, q, expected] of table) {
    assertClose(hurwitzZeta(s, q) / expected, 1, 1e-13, `zeta(${s}, ${q})`);
  }
});

Deno.test("hurwitzZeta satisfies zeta(s, q) - zeta(s, q + 1) = q^-s, across the direct/asymptotic switch", () => {
  for (const s of [1.3, 2, 2.5, 4.2]) {
    for (const q of [0.7, 1, 5, 11, 11.5, 12, 12.5, 40, 1e4]) {
      const d = hurwitzZeta(s, q) - hurwitzZeta(s, q + 1);
      assertClose(d / Math.pow(q, -s), 1, 1e-9, `recurrence s=${s} q=${q}`);
    }
  }
});

Deno.test("hurwitzZeta rejects s <= 1 and q <= 0", () => {
  assertThrows(() => hurwitzZeta(1, 1), "s must be a finite number > 1");
  assertThrows(() => hurwitzZeta(2, 0), "q must be a finite number > 0");
  assertThrows(() => hurwitzZeta(NaN, 1), "s must be");
});

Deno.test("the stdlib erfc agrees with the hand-written continued fraction it replaced", () => {
  // Where both are defined (x >= 2.5, down to 1e-300), relative differences stay near 1e-15.
  let worst = 0;
  for (let x = 2.5; x <= 26; x += 0.125) {
    worst = Math.max(worst, Math.abs(erfc(x) / erfcContinuedFraction(x) - 1));
  }
  assertClose(worst, 0, 5e-15, "max relative difference");
  // And normalSf (built on it) agrees with stdlib's normal CDF, Q(z) = Φ(−z).
  for (const z of [-3, -1, 0, 0.5, 1.96, 4, 8, 20]) {
    assertClose(normalSf(z) / normalCdf(-z, 0, 1), 1, 1e-14, `Q(${z})`);
  }
});
