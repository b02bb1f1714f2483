/**
 * Committed notebooks carry no noise: no outputs, no execution counts, the Deno kernelspec, and
 * every code cell imports from ../lib/mod.ts rather than defining helpers.
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
    for (const [i, cell] of code.entries()) {
      assertEquals(cell.outputs ?? [], [], `code cell ${i} has outputs`);
      assertEquals(cell.execution_count ?? null, null, `code cell ${i} has an execution count`);
      const source = Array.isArray(cell.source) ? cell.source.join("") : cell.source;
      assert(
        !/^\s*(export\s+)?(async\s+)?function\s/m.test(source),
        `code cell ${i} defines a function; helpers belong in lib/`,
      );
    }
    const imports = code.map((c) => (Array.isArray(c.source) ? c.source.join("") : c.source))
      .join("\n");
    assert(imports.includes('from "../lib/mod.ts"'), "imports the library from ../lib/mod.ts");
  });
}
