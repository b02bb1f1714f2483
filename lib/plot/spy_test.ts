import { assert, assertEquals, assertThrows } from "../../tests/_assert.ts";
import { markGroup, texts, wellFormed } from "./_svg_check.ts";
import { spy } from "./spy.ts";

Deno.test("spy: one path segment per run of equal cells", async () => {
  // row 0: [5 5 0 3], row 1: [0 0 0 0], row 2: [1 0 1 1]
  const cells = [5, 5, 0, 3, 0, 0, 0, 0, 1, 0, 1, 1];
  const root = await wellFormed(spy({ rows: 3, cols: 4, cells }));
  const paths = Array.from(markGroup(root, "cells").querySelectorAll("path"));
  assertEquals(paths.length, 1); // a single colour
  assertEquals((paths[0]!.getAttribute("d") ?? "").split("M").length - 1, 4); // runs: 5 5 | 3 | 1 | 1 1
  assert(texts(root).some((s) => s.includes("6 of 12 cells rated (50.00 %)")));
  const byValue = await wellFormed(spy({ rows: 3, cols: 4, cells }, { byValue: true }));
  assertEquals(markGroup(byValue, "cells").querySelectorAll("path").length, 3); // 5, 3, 1
  assertThrows(() => spy({ rows: 2, cols: 2, cells: [1] }), "1 cells for 2 × 2");
});
