/**
 * Number formatting for notebook prose printed from cells: counts with thousands separators,
 * percentages and fixed decimals, so every printed sentence reads the same way.
 *
 * @example
 * ```ts
 * import { formatCount, formatPercent } from "./format.ts";
 * if (`${formatCount(100836)} ratings, ${formatPercent(0.017)}` !== "100,836 ratings, 1.7 %") {
 *   throw new Error("format");
 * }
 * ```
 *
 * @module
 */

/**
 * A count with thousands separators ("32,000,204"); non-integers are rounded first.
 *
 * @example
 * ```ts
 * import { formatCount } from "./format.ts";
 * if (formatCount(1234.4) !== "1,234") throw new Error("rounded and grouped");
 * ```
 */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  return Math.round(n).toLocaleString("en-US");
}

/**
 * A fraction as a percentage with `digits` decimals (default 1): 0.1234 → "12.3 %". Fractions too
 * small for the decimals shown keep two significant digits (0.00002 → "0.0020 %"), so a small
 * share never prints as "0.0 %".
 *
 * @example
 * ```ts
 * import { formatPercent } from "./format.ts";
 * if (formatPercent(0.5) !== "50.0 %" || formatPercent(0.00002) !== "0.0020 %") throw new Error("%");
 * ```
 */
export function formatPercent(fraction: number, digits = 1): string {
  if (!Number.isFinite(fraction)) return String(fraction);
  const percent = fraction * 100;
  const shown = Math.abs(percent) >= Math.pow(10, -digits) || percent === 0
    ? percent.toFixed(digits)
    : percent.toPrecision(2);
  return `${shown} %`;
}

/**
 * A duration per unit in microseconds with `digits` decimals (default 1): the cost of one rating
 * or one row in a cost model. `formatMicroseconds(2.5e-7, { per: "rating", digits: 3 })` →
 * "0.250 µs/rating".
 *
 * @param seconds Seconds per unit.
 * @param options `per` (the unit, default none: just "µs") and `digits`.
 * @returns The formatted duration.
 *
 * @example
 * ```ts
 * import { formatMicroseconds } from "./format.ts";
 * if (formatMicroseconds(2.5e-7, { per: "rating", digits: 3 }) !== "0.250 µs/rating") {
 *   throw new Error("per rating");
 * }
 * if (formatMicroseconds(1.23e-5) !== "12.3 µs") throw new Error("no unit");
 * ```
 */
export function formatMicroseconds(
  seconds: number,
  options: { per?: string; digits?: number } = {},
): string {
  const { per, digits = 1 } = options;
  const shown = Number.isFinite(seconds) ? (seconds * 1e6).toFixed(digits) : String(seconds);
  return `${shown} µs${per === undefined ? "" : `/${per}`}`;
}

/**
 * Labelled values as one line, "Horror (-0.120), Thriller (-0.080)": the ends of an embedding
 * axis from `axisGenreMeans`, in the order given.
 *
 * @param values `{ genre, mean }` rows.
 * @param digits Decimals of each mean (default 3).
 * @returns The joined list ("" for none).
 *
 * @example
 * ```ts
 * import { formatGenreMeans } from "./format.ts";
 * const line = formatGenreMeans([{ genre: "Horror", mean: -0.12 }, { genre: "War", mean: 0.5 }]);
 * if (line !== "Horror (-0.120), War (0.500)") throw new Error(line);
 * ```
 */
export function formatGenreMeans(
  values: readonly { genre: string; mean: number }[],
  digits = 3,
): string {
  return values.map((v) => `${v.genre} (${v.mean.toFixed(digits)})`).join(", ");
}
