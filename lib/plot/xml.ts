/**
 * Escaping text for XML and HTML: what the figures, the tables and the live progress output use
 * for every title, label and value they write into markup.
 *
 * @example
 * ```ts
 * import { escapeXml } from "./xml.ts";
 * if (escapeXml(`<b>"R&D"</b>`) !== "&lt;b&gt;&quot;R&amp;D&quot;&lt;/b&gt;") throw new Error("escaped");
 * ```
 *
 * @module
 */

/**
 * Escapes text for XML content and attribute values (`&`, `<`, `>`, `"` and `'`).
 *
 * @example
 * ```ts
 * import { escapeXml } from "./xml.ts";
 * if (escapeXml("Tom's <Movie> & co") !== "Tom&apos;s &lt;Movie&gt; &amp; co") {
 *   throw new Error("all five characters escaped");
 * }
 * ```
 */
export function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;").replace(/'/g, "&apos;");
}
