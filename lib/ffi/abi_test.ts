// Ties the TypeScript side of the kernel boundary to the Zig declarations it mirrors: the status
// codes and texts (kernels/status.zig), the extern structs (kernels/abi.zig), every export's
// parameter and result types (kernels/root.zig) and the ABI version. Any drift fails here.
import { assertEquals } from "../../tests/_assert.ts";
import { ABI_VERSION, symbols } from "./_symbols.ts";
import {
  COORDINATES_VIEW_FIELDS,
  ERROR_RECORD_FIELDS,
  ID_COLUMN_VIEW_FIELDS,
  LAYOUT_VIEW_FIELDS,
  MAPPING_VIEW_FIELDS,
  MODEL_VIEW_FIELDS,
  RATING_COLUMNS_VIEW_FIELDS,
  ROWS_VIEW_FIELDS,
  SYNTH_MODEL_VIEW_FIELDS,
} from "./_abi.ts";
import { Status, STATUS_TEXT } from "./_status.ts";

const kernels = new URL("../../kernels/", import.meta.url);
const read = (name: string) => Deno.readTextFileSync(new URL(name, kernels));

const camel = (snake: string) => snake.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

Deno.test("status codes and texts match kernels/status.zig", () => {
  const zig = read("status.zig");
  const body = zig.match(/pub const Status = enum\(i32\) \{([^}]*)\}/)![1]!;
  const codes = Object.fromEntries(
    [...body.matchAll(/(\w+) = (\d+),/g)].map((m) => [camel(m[1]!), Number(m[2])]),
  );
  assertEquals(Status, codes);
  const texts = Object.fromEntries(
    [...zig.matchAll(/\.(\w+) => "([^"]*)",/g)].map((m) => [codes[camel(m[1]!)]!, m[2]!]),
  );
  assertEquals({ ...STATUS_TEXT }, texts);
});

function structFields(zig: string, name: string): [string, string][] {
  const body = zig.match(
    new RegExp(`pub const ${name} = extern struct \\{([\\s\\S]*?)\\n\\};`),
  )![1]!;
  return [...body.matchAll(/^ {4}(\w+): ([^,=]+?)(?: = [^,]+)?,$/gm)].map((m) => [m[1]!, m[2]!]);
}

const kindOf = (zigType: string) =>
  zigType.startsWith("[*]") || zigType.startsWith("?") ? "pointer" : zigType;

Deno.test("views and error record match kernels/abi.zig", () => {
  const zig = read("abi.zig");
  assertEquals(
    structFields(zig, "RowsView").map(([n, t]) => [n, kindOf(t)]),
    ROWS_VIEW_FIELDS.map(([n, k]) => [n, k]),
  );
  assertEquals(
    structFields(zig, "ModelView").map(([n, t]) => [n, kindOf(t)]),
    MODEL_VIEW_FIELDS.map(([n, k]) => [n, k]),
  );
  assertEquals(
    structFields(zig, "LayoutView").map(([n, t]) => [n, kindOf(t)]),
    LAYOUT_VIEW_FIELDS.map(([n, k]) => [n, k]),
  );
  assertEquals(
    structFields(zig, "CoordinatesView").map(([n, t]) => [n, kindOf(t)]),
    COORDINATES_VIEW_FIELDS.map(([n, k]) => [n, k]),
  );
  const views = [
    ["MappingView", MAPPING_VIEW_FIELDS],
    ["RatingColumnsView", RATING_COLUMNS_VIEW_FIELDS],
    ["IdColumnView", ID_COLUMN_VIEW_FIELDS],
  ] as const;
  for (const [name, fields] of views) {
    assertEquals(
      structFields(zig, name).map(([n, t]) => [n, kindOf(t)]),
      fields.map(([n, k]) => [n, k]),
      name,
    );
  }
  assertEquals(
    structFields(zig, "SynthModelView").map(([n, t]) => [n, kindOf(t)]),
    SYNTH_MODEL_VIEW_FIELDS.map(([n, k]) => [n, k]),
  );
  const record = structFields(zig, "ErrorRecord");
  assertEquals(record.map(([n]) => n), [...ERROR_RECORD_FIELDS]);
  assertEquals(new Set(record.map(([, t]) => t)), new Set(["u64"]));
});

/** The FFI type a Zig parameter or result type crosses as. */
function ffiType(zigType: string): string {
  if (zigType.startsWith("?*") || zigType.startsWith("?[*]")) return "buffer";
  return zigType;
}

Deno.test("the symbol table matches every export of kernels/root.zig", () => {
  const zig = read("root.zig");
  const exports = [...zig.matchAll(/export fn (\w+)\(([^)]*)\) (\w+) \{/g)].map((m) => ({
    name: m[1]!,
    parameters: m[2]!.split(",").map((p) => p.trim()).filter((p) => p.length > 0)
      .map((p) => ffiType(p.slice(p.indexOf(":") + 1).trim())),
    result: m[3]!,
  }));
  const table = symbols as Record<string, { parameters: readonly string[]; result: string }>;
  assertEquals(exports.map((e) => e.name).sort(), Object.keys(table).sort());
  for (const e of exports) {
    assertEquals(
      { name: e.name, parameters: [...table[e.name]!.parameters], result: table[e.name]!.result },
      e,
    );
  }
  assertEquals(Number(zig.match(/pub const abi_version: u32 = (\d+);/)![1]), ABI_VERSION);
});
