import { assertEquals, assertThrows } from "../../tests/_assert.ts";
import { inJupyter, progress } from "./progress.ts";

Deno.test("progress: outside Jupyter, lines mode prints one line per step", () => {
  assertEquals(inJupyter(), false);
  const printed: string[] = [];
  const original = console.log;
  console.log = (...args: unknown[]) => printed.push(args.join(" "));
  try {
    const p = progress(3, { label: "fit", mode: "lines" });
    p.step("a");
    p.step("b");
    p.done("finished");
    p.done("twice is harmless");
  } finally {
    console.log = original;
  }
  assertEquals(printed, ["fit 1/3 a", "fit 2/3 b", "fit finished"]);
});

Deno.test("progress: silent mode prints nothing; a bad total is an error", () => {
  const printed: string[] = [];
  const original = console.log;
  console.log = (...args: unknown[]) => printed.push(args.join(" "));
  try {
    const p = progress(2, { mode: "silent" });
    p.step("x");
    p.done("y");
  } finally {
    console.log = original;
  }
  assertEquals(printed, []);
  assertThrows(() => progress(-1), RangeError, "total");
});
