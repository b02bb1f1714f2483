import { assertEquals } from "../../tests/_assert.ts";
import { formatCount, formatPercent } from "./format.ts";

Deno.test("formatCount groups thousands and rounds", () => {
  assertEquals(formatCount(0), "0");
  assertEquals(formatCount(999), "999");
  assertEquals(formatCount(32000204), "32,000,204");
  assertEquals(formatCount(1499.5), "1,500");
  assertEquals(formatCount(-2500), "-2,500");
  assertEquals(formatCount(NaN), "NaN");
});

Deno.test("formatPercent keeps small shares visible", () => {
  assertEquals(formatPercent(0.123456), "12.3 %");
  assertEquals(formatPercent(0.123456, 2), "12.35 %");
  assertEquals(formatPercent(1), "100.0 %");
  assertEquals(formatPercent(0), "0.0 %");
  assertEquals(formatPercent(0.0004), "0.040 %");
  assertEquals(formatPercent(0.00002), "0.0020 %");
  assertEquals(formatPercent(0.0017, 3), "0.170 %");
  assertEquals(formatPercent(Infinity), "Infinity");
});
