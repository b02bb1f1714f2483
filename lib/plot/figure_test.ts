import { jupyterDisplay } from "./display.ts";
import { join } from "node:path";
import { assert, assertEquals, assertThrows } from "../../tests/_assert.ts";
import { Figure } from "./figure.ts";
import { figuresDir, repoRoot } from "./paths.ts";

const svg =
  '<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"><rect width="20" height="10"/></svg>';
const fig = () => new Figure(svg, { title: "tiny", width: 20, height: 10 });

Deno.test("Figure displays in Jupyter as SVG and prints a summary in a terminal", () => {
  const f = fig();
  const bundle = f[jupyterDisplay]();
  assertEquals(bundle["image/svg+xml"], svg);
  assertEquals(bundle["text/plain"], `Figure "tiny" (20×10 SVG, ${svg.length} bytes)`);
  assertEquals(Deno.inspect(f), `Figure "tiny" (20×10 SVG, ${svg.length} bytes)`);
  assertThrows(() => new Figure("<div/>", { width: 1, height: 1 }), "must start with <svg");
});

Deno.test("save writes <dir>/<name>.svg by rename: new inode, no temporary files left", () => {
  const dir = Deno.makeTempDirSync();
  try {
    const target = join(dir, "nested", "deeper");
    const path = fig().save(target, "first");
    assertEquals(path, join(target, "first.svg"));
    assertEquals(Deno.readTextFileSync(path), svg);
    const inodeBefore = Deno.statSync(path).ino;
    // overwrite with a shorter document: the old file is replaced, not rewritten in place
    const short = new Figure('<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>', {
      width: 1,
      height: 1,
    });
    short.save(target, "first");
    assertEquals(Deno.readTextFileSync(path), short.svg);
    assert(Deno.statSync(path).ino !== inodeBefore, "a rename gives the file a new inode");
    assertEquals([...Deno.readDirSync(target)].map((e) => e.name), ["first.svg"]);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("a failed save leaves the old target and no temporary file behind", () => {
  const dir = Deno.makeTempDirSync();
  try {
    // the target name is taken by a non-empty directory: the rename must fail
    Deno.mkdirSync(join(dir, "busy.svg"));
    Deno.writeTextFileSync(join(dir, "busy.svg", "keep"), "x");
    assertThrows(() => fig().save(dir, "busy"), `could not write ${join(dir, "busy.svg")}`);
    assertEquals([...Deno.readDirSync(dir)].map((e) => e.name), ["busy.svg"]);
    assertEquals(Deno.readTextFileSync(join(dir, "busy.svg", "keep")), "x");
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("save rejects names with slashes or an extension", () => {
  assertThrows(() => fig().save("/tmp", "../escape"), "no slashes");
  assertThrows(() => fig().save("/tmp", "a.svg"), "without the .svg extension");
  assertThrows(() => fig().save("/tmp", ""), "no slashes");
});

Deno.test("savePng writes a PNG of width × scale pixels atomically", async () => {
  const dir = Deno.makeTempDirSync();
  try {
    const path = await fig().savePng(dir, "tiny", { scale: 3 });
    const png = Deno.readFileSync(path);
    assertEquals(Array.from(png.subarray(0, 8)), [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const view = new DataView(png.buffer);
    assertEquals([view.getUint32(16), view.getUint32(20)], [60, 30]);
    assertEquals([...Deno.readDirSync(dir)].map((e) => e.name), ["tiny.png"]);
    await fig().toPng({ scale: 0 }).then(
      () => {
        throw new Error("scale 0 accepted");
      },
      (e: Error) => assert(e.message.includes("scale must be in (0, 16]")),
    );
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("figuresDir is figures/<notebook> under the repository root, whatever the cwd", () => {
  const root = repoRoot();
  assert(Deno.statSync(join(root, "deno.json")).isFile, "repo root holds deno.json");
  const before = figuresDir("01_eda");
  const cwd = Deno.cwd();
  try {
    Deno.chdir(Deno.makeTempDirSync());
    assertEquals(figuresDir("01_eda"), before);
  } finally {
    Deno.chdir(cwd);
  }
  assertEquals(before, join(root, "figures", "01_eda"));
  assertThrows(() => figuresDir("../x"), "no slashes");
  assertThrows(() => figuresDir("a/b"), "no slashes");
});
