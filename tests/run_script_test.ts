/**
 * `./run` itself: help and unknown commands, and concurrent runs on a fresh copy. The copy gets
 * fake `npm` and `python3` first on its PATH (they "install" by linking the already-installed Deno
 * and this repository's .venv Python, and log each install), so the test takes seconds, yet runs
 * the script's real install logic: stamps, the install lock, temp names and renames.
 */
import { assert, assertEquals } from "./_assert.ts";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const REAL_PYTHON = `${ROOT}/.venv/bin/python`;

interface Copy {
  dir: string;
  log: string;
  env: Record<string, string>;
}

/** A fresh folder holding only a copy of ./run, and a PATH whose npm and python3 are fakes. */
async function freshCopy(): Promise<Copy> {
  const dir = await Deno.makeTempDir({ prefix: "run_script_test_" });
  await Deno.copyFile(`${ROOT}/run`, `${dir}/run`);
  await Deno.chmod(`${dir}/run`, 0o755);
  const fake = `${dir}/fake-bin`;
  const log = `${dir}/installs.log`;
  await Deno.mkdir(fake);
  const script = (path: string, body: string) =>
    Deno.writeTextFile(path, `#!/usr/bin/env bash\nset -eu\n${body}\n`, { mode: 0o755 });
  // npm install --prefix P … deno@V: a Deno binary where the npm package puts it.
  await script(
    `${fake}/npm`,
    `prefix=""; while [[ $# -gt 0 ]]; do [[ "$1" == --prefix ]] && prefix="$2"; shift; done
echo npm >>"${log}"; sleep 0.3
mkdir -p "$prefix/node_modules/deno"; ln -sf "${Deno.execPath()}" "$prefix/node_modules/deno/deno"`,
  );
  // python3 -m venv DIR: a venv whose python runs the real one, and whose pip installs nothing.
  await script(
    `${fake}/python3`,
    `if [[ "$1 $2" == "-m venv" ]]; then
  echo venv >>"${log}"; sleep 0.3; mkdir -p "$3/bin"
  printf '%s\\n' '#!/usr/bin/env bash' \\
    'if [[ "$1 $2" == "-m pip" ]]; then echo pip >>"${log}"; sleep 0.3; exit 0; fi' \\
    'exec "${REAL_PYTHON}" "$@"' >"$3/bin/python"
  chmod +x "$3/bin/python"; exit 0
fi
exec "${REAL_PYTHON}" "$@"`,
  );
  const env = { PATH: `${fake}:/usr/local/bin:/usr/bin:/bin`, HOME: Deno.env.get("HOME") ?? dir };
  return { dir, log, env };
}

async function runScript(copy: Copy, args: string[]) {
  const out = await new Deno.Command("bash", {
    args: [`${copy.dir}/run`, ...args],
    env: copy.env,
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}

async function installs(copy: Copy): Promise<string[]> {
  const text = await Deno.readTextFile(copy.log).catch(() => "");
  return text.split("\n").filter((line) => line !== "").sort();
}

/** Starts `n` runs of `./run env` at once; every one must succeed. */
async function parallelEnv(copy: Copy, n: number): Promise<void> {
  const results = await Promise.all(Array.from({ length: n }, () => runScript(copy, ["env"])));
  for (const [i, r] of results.entries()) {
    assertEquals(r.code, 0, `run ${i + 1} of ${n} failed:\n${r.stderr}`);
    assert(r.stdout.startsWith("export DENO_DIR="), r.stdout);
  }
}

async function checkInstalled(copy: Copy): Promise<void> {
  const spec = JSON.parse(
    await Deno.readTextFile(`${copy.dir}/.venv/share/jupyter/kernels/deno/kernel.json`),
  );
  assertEquals(spec.argv[0], `${copy.dir}/.tools/bin/deno`);
  for (const folder of [".venv/share/jupyter/kernels/deno", ".tools/bin"]) {
    const names = [...Deno.readDirSync(`${copy.dir}/${folder}`)].map((e) => e.name).sort();
    const expected = folder === ".tools/bin" ? ["deno", "zig"] : ["kernel.json"];
    assertEquals(names, expected, `${folder} holds no temp files`);
  }
}

for (const n of [2, 4]) {
  Deno.test(`./run: ${n} runs started at once on a fresh copy install once and all succeed`, async () => {
    const copy = await freshCopy();
    try {
      await parallelEnv(copy, n);
      assertEquals(await installs(copy), ["npm", "pip", "venv"], "one install of each");
      await checkInstalled(copy);
      // Installed: rounds of parallel runs rewrite nothing and never collide.
      for (let round = 0; round < 4; round++) await parallelEnv(copy, n);
      assertEquals(await installs(copy), ["npm", "pip", "venv"], "nothing installed again");
      await checkInstalled(copy);
    } finally {
      await Deno.remove(copy.dir, { recursive: true });
    }
  });
}

Deno.test("./run --help lists every command and exits 0; an unknown command exits 2", async () => {
  const copy = await freshCopy();
  try {
    for (const flag of ["--help", "-h", "help"]) {
      const help = await runScript(copy, [flag]);
      assertEquals(help.code, 0, help.stderr);
      for (
        const command of [
          "main",
          "test",
          "bench",
          "fit",
          "recommend",
          "download",
          "serve",
          "lab",
          "export",
          "spark",
          "test-spark",
        ]
      ) {
        assert(
          new RegExp(`^  ${command}\\b`, "m").test(help.stdout),
          `${command} in:\n${help.stdout}`,
        );
      }
      assert(!help.stdout.includes("set -euo"), "no script source in the help");
    }
    const bad = await runScript(copy, ["mian"]);
    assertEquals(bad.code, 2);
    assert(bad.stderr.startsWith("./run: unknown command 'mian'"), bad.stderr);
    assertEquals(await installs(copy), [], "help and mistakes install nothing");
  } finally {
    await Deno.remove(copy.dir, { recursive: true });
  }
});
