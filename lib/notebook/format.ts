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
