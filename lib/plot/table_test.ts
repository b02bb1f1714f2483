import { jupyterDisplay } from "./display.ts";
import { assert, assertEquals, assertThrows } from "../../tests/_assert.ts";
import { table } from "./table.ts";

Deno.test("table aligns text, groups digits and formats decimals", () => {
  const t = table([
    { genre: "Drama", movies: 4361, mean: 3.65625 },
    { genre: "Film-Noir", movies: 87, mean: 3.9 },
  ], { digits: 2, caption: "Genres" });
  assertEquals(t.text.split("\n"), [
    "Genres",
    "genre      movies  mean",
    "─────────  ──────  ────",
    "Drama       4,361  3.66",
    "Film-Noir      87  3.90",
  ]);
  assertEquals(String(t), t.text);
  assertEquals(Deno.inspect(t), t.text);
});

Deno.test("table HTML escapes content and right-aligns numbers", () => {
  const t = table([{ name: "<b>&", n: 1, missing: undefined }, { name: "x", n: NaN, extra: 1e-9 }]);
  const html = t[jupyterDisplay]()["text/html"];
  assert(html.startsWith("<table>") && html.endsWith("</table>"));
  assert(html.includes("&lt;b&gt;&amp;") && !html.includes("<b>"), "escaped");
  assert(html.includes('<th style="text-align:right">n</th>'), "numeric column right-aligned");
  assert(
    html.includes('<td style="text-align:right">1.00e-9</td>'),
    "tiny numbers in exponent form",
  );
  assertEquals(t[jupyterDisplay]()["text/plain"], t.text);
  assert(t.text.split("\n")[0]!.includes("extra"), "columns from all rows");
});

Deno.test("table keeps at most maxRows rows and says how many were left out", () => {
  const rows = Array.from({ length: 10 }, (_, i) => ({ i }));
  const t = table(rows, { maxRows: 3, columns: ["i"] });
  assertEquals(t.text.split("\n").length, 2 + 3 + 1);
  assert(t.text.endsWith("… 7 more rows"));
  assertThrows(() => table(rows, { digits: -1 }), "digits must be an integer");
});
