import { assertEquals } from "../../tests/_assert.ts";
import { liveBundle } from "./live_progress.ts";

Deno.test("liveBundle: status line, chart of the chosen values only, table of the last 12 steps", () => {
  const steps = Array.from({ length: 14 }, (_, i) => ({
    index: i + 1,
    message: `epoch ${i + 1}`,
    values: { "train RMSE": 1 / (i + 1), seconds: 0.5 },
  }));
  const b = liveBundle({
    label: "ALS",
    total: 20,
    steps,
    seconds: 7.25,
    chart: ["train RMSE", "absent"],
  });
  const html = b["text/html"];
  assertEquals(b["text/plain"].split("\n")[0], "ALS: 14/20 (7.3 s)");
  assertEquals(b["text/plain"].split("\n").length, 15);
  assertEquals(b["text/plain"].split("\n")[14], "14/20 epoch 14");
  assertEquals((html.match(/<svg/g) ?? []).length, 1);
  assertEquals(html.includes("absent"), false); // a name no step has is not drawn
  assertEquals((html.match(/<tr>/g) ?? []).length, 13); // header + the last 12 steps
  assertEquals(html.includes("0.0714"), true); // 1/14
  assertEquals(html.includes(">1.0000<"), false); // step 1 scrolled out of the table
});

Deno.test("liveBundle: steps without values show their status text; HTML is escaped", () => {
  const b = liveBundle({
    label: "a<b",
    total: 2,
    steps: [{ index: 1, message: "x < y", values: {} }],
    seconds: 0,
    chart: [],
    closing: "done",
  });
  assertEquals(b["text/html"].includes("a&lt;b: 1/2 (0.0 s) — done"), true);
  assertEquals(b["text/html"].includes("x &lt; y"), true);
  assertEquals(b["text/html"].includes("<svg"), false);
});
