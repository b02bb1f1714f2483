/**
 * Committed notebooks carry no noise: no outputs, no execution counts, the Deno kernelspec, and
 * every code cell imports from ../lib/mod.ts rather than defining helpers: no `function`
 * declarations and no named function values (`const f = (x) => …`, `const f = x => …`,
 * `const f = function …`), at any indentation. Callbacks passed inline to a call
 * (`xs.map((x) => …)`) are not helpers and pass.
 *
 * (deno fmt is not run on notebooks: deno 2.9.6's `fmt --check` reports .ipynb files as unformatted
 * that `deno fmt` leaves byte-for-byte unchanged.)
 */
import { assert, assertEquals } from "./_assert.ts";

const DIR = new URL("../notebooks/", import.meta.url);

interface Cell {
  cell_type: string;
  source: string[] | string;
  outputs?: unknown[];
  execution_count?: number | null;
}

/** Index just past the bracket that closes the one at `open` (strings skipped), or -1. */
function closingBracket(source: string, open: number): number {
  const pairs: Record<string, string> = { "(": ")", "<": ">" };
  const close = pairs[source[open]!]!;
  let depth = 0;
  for (let j = open; j < source.length; j++) {
    const ch = source[j]!;
    if (ch === '"' || ch === "'" || ch === "`") {
      const end = source.indexOf(ch, j + 1);
      if (end < 0) return -1;
      j = end;
    } else if (ch === source[open]) {
      depth++;
    } else if (ch === close && --depth === 0) {
      return j + 1;
    }
  }
  return -1;
}

/**
 * Names of the function values a cell binds to a name: `const|let|var name = ` followed by
 * `function`, `x =>`, `(…) =>` or `(…): T =>` (optionally `async`, optionally `<T>`).
 */
function namedFunctionValues(source: string): string[] {
  const found: string[] = [];
  // The name, an optional type annotation (which may itself hold `=>`), then a lone `=`.
  const binding =
    /^[ \t]*(?:export\s+)?(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::(?:=>|[^=\n])*)?=(?![>=])\s*/gm;
  for (const match of source.matchAll(binding)) {
    const name = match[1]!;
    let at = match.index! + match[0].length;
    const async = /^async\s+/.exec(source.slice(at));
    if (async) at += async[0].length;
    const rest = source.slice(at);
    if (/^function\b/.test(rest) || /^[A-Za-z_$][\w$]*\s*=>/.test(rest)) {
      found.push(name);
      continue;
    }
    if (rest.startsWith("<")) {
      const end = closingBracket(source, at);
      if (end < 0) continue;
      at = end;
      while (/\s/.test(source[at] ?? "")) at++;
    }
    if (source[at] !== "(") continue;
    const end = closingBracket(source, at);
    if (end < 0) continue;
    // `(…) =>`, or `(…): ReturnType =>` (a type without `=`, `;` or a line break before `=>`).
    if (/^\s*(?::[^=;\n]*)?=>/.test(source.slice(end))) found.push(name);
  }
  return found;
}

/** Every helper a code cell defines: function declarations and named function values. */
function cellHelpers(source: string): string[] {
  const declared = [
    ...source.matchAll(/^[ \t]*(?:export\s+)?(?:async\s+)?function\s*\*?\s*([A-Za-z_$][\w$]*)/gm),
  ].map((m) => m[1]!);
  return [...declared, ...namedFunctionValues(source)];
}

Deno.test("the helper check catches named functions and passes inline callbacks", () => {
  const helpers = [
    ["function f(x: number) {\n  return x;\n}", "f"],
    ["  async function load() {}", "load"],
    ["const perRow = (c: typeof naiveCost) => `${c.secondsPerRow}`;", "perRow"],
    ["const point = (r: (typeof runs)[number], seconds: number) => ({\n  seconds,\n});", "point"],
    ['const star = (on: boolean) => (on ? " ★" : "");', "star"],
    ["  const fmt = (g: { genre: string; mean: number }) => `${g.genre}`;", "fmt"],
    ["const normOf = (k: number, lambda: number) =>\n  runs.find((r) => r.k === k)!.x;", "normOf"],
    ["let twice = x => 2 * x;", "twice"],
    ["const go = async () => await run();", "go"],
    ["const id = <T>(x: T): T => x;", "id"],
    ["const sum = (xs: number[]): number => xs.length;", "sum"],
    ["const old = function (x) { return x; };", "old"],
    ["const label: (n: number) => string = (n) => String(n);", "label"],
  ] as const;
  for (const [source, name] of helpers) {
    assertEquals(cellHelpers(source), [name], source);
  }
  const fine = [
    "const ys = xs.map((x) => x * 2);",
    "const total = (a + b) * 2;",
    "const table = (await load()).rows;",
    "const ends = [0, 1].map((axis) => {\n  return axis;\n});",
    "table(rows.map((r) => ({ k: r.k })));",
    "const best = runs.reduce((a, b) => (b.rmse < a.rmse ? b : a));",
    "const label = `(${a}) => b`;",
    "const pick = (t: Trial) > limit;",
    "const { train, test } = randomSplit(ds.ratings, { seed: 42 });",
    "const f = frame.at(-1)!; // () => later",
  ];
  for (const source of fine) assertEquals(cellHelpers(source), [], source);
});

const names = [...Deno.readDirSync(DIR)].map((e) => e.name).filter((n) => n.endsWith(".ipynb"))
  .sort();

Deno.test("there are notebooks", () => {
  assert(names.length >= 1, "no notebooks found");
});

for (const name of names) {
  Deno.test(`${name}: committed without outputs, counts or helper definitions`, async () => {
    const nb = JSON.parse(await Deno.readTextFile(new URL(name, DIR)));
    assertEquals(nb.metadata.kernelspec.name, "deno");
    const cells = nb.cells as Cell[];
    assert(cells[0]?.cell_type === "markdown", "the first cell is a markdown heading");
    const code = cells.filter((c) => c.cell_type === "code");
    assert(code.length > 0, "has code cells");
    const helpers: string[] = [];
    for (const [i, cell] of code.entries()) {
      assertEquals(cell.outputs ?? [], [], `code cell ${i} has outputs`);
      assertEquals(cell.execution_count ?? null, null, `code cell ${i} has an execution count`);
      const source = Array.isArray(cell.source) ? cell.source.join("") : cell.source;
      const defined = cellHelpers(source);
      if (defined.length > 0) {
        helpers.push(
          `cell ${cells.indexOf(cell)} (code cell ${i}) defines ${
            defined.map((h) => `\`${h}\``).join(", ")
          }`,
        );
      }
    }
    assert(
      helpers.length === 0,
      `${name}: helpers belong in lib/, not in cells: ${helpers.join("; ")}`,
    );
    const imports = code.map((c) => (Array.isArray(c.source) ? c.source.join("") : c.source))
      .join("\n");
    assert(imports.includes('from "../lib/mod.ts"'), "imports the library from ../lib/mod.ts");
  });
}
