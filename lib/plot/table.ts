/**
 * A small table display: HTML in Jupyter, aligned plain text in a terminal.
 *
 * @example
 * ```ts
 * import { table } from "./table.ts";
 * import { jupyterDisplay } from "./display.ts";
 * const t = table([{ genre: "Drama", movies: 4361 }, { genre: "Comedy", movies: 3756 }]);
 * if (!t.text.includes("4,361")) throw new Error("grouped digits");
 * if (!t[jupyterDisplay]()["text/html"].startsWith("<table")) throw new Error("html");
 * ```
 *
 * @module
 */

import { jupyterDisplay } from "./display.ts";

/** Options of {@linkcode table}. */
export interface TableOptions {
  /** Columns to show, in order (default: the keys of the first row, then any new ones). */
  readonly columns?: readonly string[];
  /** Decimals for non-integer numbers (default 3); tiny values use exponent notation. */
  readonly digits?: number;
  /** Caption above the table. */
  readonly caption?: string;
  /** Show at most this many rows (default 50); a last line says how many were left out. */
  readonly maxRows?: number;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(
    /"/g,
    "&quot;",
  );
}

function formatCell(value: unknown, digits: number): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "number") {
    if (Number.isNaN(value)) return "NaN";
    if (!Number.isFinite(value)) return value > 0 ? "∞" : "−∞";
    if (Number.isInteger(value)) return value.toLocaleString("en-US");
    const a = Math.abs(value);
    if (a !== 0 && (a < Math.pow(10, -digits) || a >= 1e15)) return value.toExponential(2);
    return value.toFixed(digits);
  }
  if (typeof value === "bigint") return value.toLocaleString("en-US");
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

/**
 * A rendered table (see {@linkcode table}).
 *
 * @example
 * ```ts
 * import { table } from "./table.ts";
 * const t = table([{ a: 1 }]);
 * if (String(t) !== t.text) throw new Error("toString is the text form");
 * ```
 */
export class Table {
  /** HTML `<table>`. */
  readonly html: string;
  /** Aligned plain text. */
  readonly text: string;

  /**
   * Builds both forms from formatted cells (use {@linkcode table}).
   *
   * @example
   * ```ts
   * import { Table } from "./table.ts";
   * const t = new Table(["x"], [["1"]], [true], "");
   * if (!t.html.includes("<td")) throw new Error("cells");
   * ```
   */
  constructor(
    columns: readonly string[],
    cells: readonly string[][],
    numeric: readonly boolean[],
    caption: string,
    note = "",
  ) {
    const widths = columns.map((c, j) => Math.max(c.length, ...cells.map((r) => r[j]!.length)));
    const pad = (
      s: string,
      j: number,
    ) => (numeric[j] ? s.padStart(widths[j]!) : s.padEnd(widths[j]!));
    const lines = [
      columns.map((c, j) => pad(c, j)).join("  "),
      widths.map((w) => "─".repeat(w)).join("  "),
      ...cells.map((r) => r.map((s, j) => pad(s, j)).join("  ")),
    ];
    if (caption !== "") lines.unshift(caption);
    if (note !== "") lines.push(note);
    this.text = lines.map((l) => l.trimEnd()).join("\n");
    const align = (
      j: number,
    ) => (numeric[j] ? ' style="text-align:right"' : ' style="text-align:left"');
    this.html = "<table>" +
      (caption === "" ? "" : `<caption>${escapeHtml(caption)}</caption>`) +
      `<thead><tr>${
        columns.map((c, j) => `<th${align(j)}>${escapeHtml(c)}</th>`).join("")
      }</tr></thead>` +
      `<tbody>${
        cells.map((r) =>
          `<tr>${r.map((s, j) => `<td${align(j)}>${escapeHtml(s)}</td>`).join("")}</tr>`
        ).join("")
      }</tbody>` +
      (note === ""
        ? ""
        : `<tfoot><tr><td colspan="${columns.length}">${escapeHtml(note)}</td></tr></tfoot>`) +
      "</table>";
  }

  /** The plain-text form. */
  toString(): string {
    return this.text;
  }

  /** Jupyter (Deno kernel) rich display: HTML with the text form as fallback. */
  [jupyterDisplay](): { "text/html": string; "text/plain": string } {
    return { "text/html": this.html, "text/plain": this.text };
  }

  /** How `console.log` shows the table in a terminal. */
  [Symbol.for("Deno.customInspect")](): string {
    return this.text;
  }
}

/**
 * Displays an array of records as a table: numbers right-aligned with grouped digits, decimals
 * to `digits` places.
 *
 * @example
 * ```ts
 * import { table } from "./table.ts";
 * const t = table([{ alpha: 2.51234, p: 1e-12 }], { caption: "Power-law fit" });
 * if (!t.text.includes("2.512") || !t.text.includes("1.00e-12")) throw new Error("formatted");
 * ```
 */
export function table(rows: readonly Record<string, unknown>[], options: TableOptions = {}): Table {
  const digits = options.digits ?? 3;
  if (!Number.isInteger(digits) || digits < 0 || digits > 15) {
    throw new Error(`table: digits must be an integer in 0..15, got ${digits}`);
  }
  let columns = options.columns;
  if (columns === undefined) {
    const seen = new Set<string>();
    for (const r of rows) for (const k of Object.keys(r)) seen.add(k);
    columns = [...seen];
  }
  const maxRows = options.maxRows ?? 50;
  const shown = rows.slice(0, maxRows);
  const cells = shown.map((r) => columns.map((c) => formatCell(r[c], digits)));
  const numeric = columns.map((c) =>
    shown.length > 0 &&
    shown.every((r) => r[c] === undefined || r[c] === null || typeof r[c] === "number")
  );
  const note = rows.length > shown.length ? `… ${rows.length - shown.length} more rows` : "";
  return new Table(columns, cells, numeric, options.caption ?? "", note);
}
