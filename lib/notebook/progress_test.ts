import { assert, assertEquals, assertThrows } from "../../tests/_assert.ts";
import { barLine, inJupyter, progress } from "./progress.ts";

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

Deno.test("progress: live mode shows once, then replaces the same output; redraws are throttled", async () => {
  const calls: { text: string; html: string; id: string; update: boolean }[] = [];
  const p = progress(4, {
    label: "fit",
    mode: "live",
    chart: ["rmse"],
    redrawMs: 60_000,
    display: (bundle, id, update) => {
      calls.push({ text: bundle["text/plain"], html: bundle["text/html"], id, update });
      return Promise.resolve();
    },
  });
  assertEquals(p.mode, "live");
  for (const rmse of [0.9, 0.8, 0.7]) await p.step(`rmse ${rmse}`, { rmse });
  await p.done("stopped early");
  await p.done("twice is harmless");
  // the first step draws; the next two fall inside redrawMs; done always draws
  assertEquals(calls.map((c) => c.update), [false, true]);
  assertEquals(new Set(calls.map((c) => c.id)).size, 1);
  assertEquals(calls[1]!.text.split("\n"), [
    "fit: 3/4 (" + calls[1]!.text.split("(")[1]!.split(")")[0] + ") — stopped early",
    "1/4 rmse 0.9",
    "2/4 rmse 0.8",
    "3/4 rmse 0.7",
  ]);
  assertEquals(calls[0]!.html.includes("<svg"), false); // one point is no chart yet
  assertEquals(calls[1]!.html.includes("<svg"), true);
  assertEquals(calls[1]!.html.includes("0.7000"), true);
});

Deno.test("progress: a failing live display is reported once, then the steps print as lines", async () => {
  const errors: string[] = [];
  const printed: string[] = [];
  const [error, log] = [console.error, console.log];
  console.error = (...args: unknown[]) => errors.push(args.join(" "));
  console.log = (...args: unknown[]) => printed.push(args.join(" "));
  let calls = 0;
  try {
    const p = progress(2, {
      label: "fit",
      mode: "live",
      redrawMs: 0,
      display: () => {
        calls++;
        return Promise.reject(new Error("front-end gone"));
      },
    });
    await p.step("a");
    await p.step("b");
    await p.done("stopped");
  } finally {
    [console.error, console.log] = [error, log];
  }
  assertEquals(calls, 1);
  assertEquals(errors.length, 1);
  assertEquals(errors[0]!.includes("front-end gone"), true);
  assertEquals(printed, ["fit 1/2 a", "fit 2/2 b", "fit stopped"]);
});

Deno.test("progress: live mode outside Jupyter without a sink prints lines", async () => {
  const printed: string[] = [];
  const original = console.log;
  console.log = (...args: unknown[]) => printed.push(args.join(" "));
  try {
    const p = progress(1, { label: "fit", mode: "live" });
    assertEquals(p.mode, "lines");
    await p.step("a");
  } finally {
    console.log = original;
  }
  assertEquals(printed, ["fit 1/1 a"]);
});

Deno.test("progress: bar mode redraws one line on stderr and ends it with a newline", async () => {
  const written: string[] = [];
  const stderr = Deno.stderr as unknown as { writeSync: (data: Uint8Array) => number };
  const original = stderr.writeSync;
  const decoder = new TextDecoder();
  stderr.writeSync = (data) => (written.push(decoder.decode(data)), data.length);
  try {
    const p = progress(4, { label: "fit", mode: "bar", width: 8 });
    await p.step("a");
    await p.step("b");
    await p.done("ok");
  } finally {
    stderr.writeSync = original;
  }
  assertEquals(written.length, 3);
  assertEquals(written[0]!.startsWith("\r\x1b[2Kfit ██░░░░░░ 1/4 a ("), true);
  assertEquals(written[1]!.startsWith("\r\x1b[2Kfit ████░░░░ 2/4 b ("), true);
  assertEquals(written[2], " ok\n");
});

Deno.test("progress: the bar fits terminals of 60, 80 and 120 columns and never wraps", async () => {
  const message = "train RMSE 0.6123  valid RMSE 0.8456 (best 0.8401 at epoch 11)  λ = 10, K = 64";
  for (const columns of [60, 80, 120]) {
    const written: string[] = [];
    const stderr = Deno.stderr as unknown as { writeSync: (data: Uint8Array) => number };
    const original = stderr.writeSync;
    const decoder = new TextDecoder();
    stderr.writeSync = (data) => (written.push(decoder.decode(data)), data.length);
    try {
      const p = progress(20, { label: "ALS K=64", mode: "bar", columns });
      for (let i = 0; i < 20; i++) await p.step(message);
      await p.done("done in 12.3 s; best epoch 11");
    } finally {
      stderr.writeSync = original;
    }
    let line = "";
    for (const chunk of written) {
      for (const ch of chunk.replaceAll("\r\x1b[2K", "\r")) {
        if (ch === "\r" || ch === "\n") line = "";
        else {
          line += ch;
          assert([...line].length <= columns - 1, `${columns} columns: "${line}"`);
        }
      }
    }
    const last = written[written.length - 2]!;
    if (columns === 120) assert(last.includes(message), `room for everything: ${last}`);
    else assert(last.includes("…") && last.includes("20/20"), `cut, counter kept: ${last}`);
  }
});

Deno.test("progress: barLine keeps the counter and time on a tiny terminal", () => {
  const parts = { label: "fit ", fraction: 1, counter: "3/3", seconds: "9.9", width: 24 };
  assertEquals(
    barLine({ ...parts, message: "", columns: 30 }),
    `fit ${"█".repeat(13)} 3/3 (9.9 s)`,
  );
  const tiny = barLine({ ...parts, message: "hello", columns: 20 });
  assert([...tiny].length <= 19, tiny);
  assert(tiny.startsWith("fit 3/3"), tiny);
});
