/**
 * `./run fuzz [--seconds N] [--seed N]`: the longer fuzzing run. Half the time goes to the Zig
 * ratings parser (`zig build fuzz`, kernels/fuzz.zig), half to the saved-model reader
 * (tests/fuzz_model_file.ts); each prints inputs tried, seconds and failures. Exit 1 on a failure,
 * with the failing input kept for a test.
 *
 * @module
 */
import { fuzzModelFile } from "./fuzz_model_file.ts";

const USAGE = "usage: ./run fuzz [--seconds N] [--seed N]";

function option(name: string, fallback: number): number {
  const i = Deno.args.indexOf(name);
  if (i < 0) return fallback;
  const value = Number(Deno.args[i + 1]);
  if (!Number.isFinite(value) || value <= 0 || !/^\d+(\.\d+)?$/.test(Deno.args[i + 1] ?? "")) {
    console.error(
      `${name} expects a positive number, got ${Deno.args[i + 1] ?? "nothing"}\n${USAGE}`,
    );
    Deno.exit(2);
  }
  return value;
}

for (const arg of Deno.args) {
  if (arg.startsWith("--") && arg !== "--seconds" && arg !== "--seed") {
    console.error(`unknown option ${arg}\n${USAGE}`);
    Deno.exit(2);
  }
}
const seconds = option("--seconds", 60);
const seed = Math.floor(option("--seed", 1));
const root = new URL("..", import.meta.url).pathname;
const zig = await new Deno.Command("zig", {
  args: ["build", "fuzz", "--", "--seconds", String(seconds / 2), "--seed", String(seed)],
  cwd: root,
  stdout: "inherit",
  stderr: "inherit",
}).output();
if (!zig.success) Deno.exit(1);
const stats = await fuzzModelFile({ seed, seconds: seconds / 2 });
console.log(
  `fuzz model-file reader: ${stats.inputs} inputs in ${stats.seconds.toFixed(1)} s ` +
    `(${stats.accepted} accepted, ${stats.refused} refused with a clean error), 0 failures; ` +
    `seed ${seed}, seed files ${stats.seeds}`,
);
