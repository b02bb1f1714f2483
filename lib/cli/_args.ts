/**
 * Private helper of the command-line tools in lib/cli: `--name value` options and `--flag`
 * switches, checked against the tool's list, with typed getters; a mistake is a `UsageError`,
 * which `runCli` prints with the usage line (exit code 2), apart from failures of the work itself
 * (exit code 1).
 *
 * @module
 */

/** A mistake on the command line: printed with the usage line, exit code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** The options a tool accepts: switches without a value and options with one. */
export interface ArgSpec {
  /** Switches, e.g. "--force". */
  readonly flags: readonly string[];
  /** Options followed by a value, e.g. "--out". */
  readonly values: readonly string[];
}

/** Plain decimal numbers only: no hexadecimal, no surrounding spaces ("1e-3" is allowed). */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Bounds for {@linkcode Args.number}. */
export interface NumberCheck {
  /** Whole numbers only. */
  readonly integer?: boolean;
  /** Smallest allowed value (inclusive). */
  readonly min?: number;
  /** Largest allowed value (inclusive). */
  readonly max?: number;
}

/**
 * Parsed command-line arguments.
 *
 * @example
 * ```ts
 * import { Args } from "./_args.ts";
 * const args = Args.parse(["--k", "64", "--quiet"], { flags: ["--quiet"], values: ["--k"] });
 * if (args.number("--k", { integer: true, min: 1 }) !== 64 || !args.has("--quiet")) {
 *   throw new Error("parsed");
 * }
 * ```
 */
export class Args {
  readonly #values: ReadonlyMap<string, string>;

  private constructor(values: ReadonlyMap<string, string>) {
    this.#values = values;
  }

  /**
   * Parses `argv` against `spec`; an unknown argument or an option without its value is a
   * `UsageError`. A repeated option keeps its last value.
   *
   * @example
   * ```ts
   * import { Args, UsageError } from "./_args.ts";
   * let error: unknown;
   * try {
   *   Args.parse(["--kk", "3"], { flags: [], values: ["--k"] });
   * } catch (e) {
   *   error = e;
   * }
   * if (!(error instanceof UsageError) || !error.message.includes("--kk")) throw new Error("refused");
   * ```
   */
  static parse(argv: readonly string[], spec: ArgSpec): Args {
    const values = new Map<string, string>();
    for (let i = 0; i < argv.length; i++) {
      const arg = argv[i]!;
      if (spec.flags.includes(arg)) {
        values.set(arg, "true");
      } else if (spec.values.includes(arg)) {
        const value = argv[++i];
        if (value === undefined) throw new UsageError(`${arg} needs a value`);
        if (spec.flags.includes(value) || spec.values.includes(value)) {
          throw new UsageError(`${arg} needs a value, got the option ${value}`);
        }
        values.set(arg, value);
      } else {
        throw new UsageError(`unknown argument ${arg}`);
      }
    }
    return new Args(values);
  }

  /**
   * Whether `name` was given (a switch, or an option with a value).
   *
   * @example
   * ```ts
   * import { Args } from "./_args.ts";
   * const args = Args.parse(["--force"], { flags: ["--force", "--quiet"], values: [] });
   * if (!args.has("--force") || args.has("--quiet")) throw new Error("switches");
   * ```
   */
  has(name: string): boolean {
    return this.#values.has(name);
  }

  /**
   * The value of option `name`, or undefined; one of `choices` when they are given.
   *
   * @example
   * ```ts
   * import { Args } from "./_args.ts";
   * const args = Args.parse(["--model", "als"], { flags: [], values: ["--model", "--out"] });
   * if (args.string("--model", ["als", "bias-als"]) !== "als") throw new Error("a choice");
   * if (args.string("--out") !== undefined) throw new Error("not given");
   * ```
   */
  string(name: string, choices?: readonly string[]): string | undefined {
    const value = this.#values.get(name);
    if (value !== undefined && choices && !choices.includes(value)) {
      throw new UsageError(`${name} is one of ${choices.join(", ")}, got "${value}"`);
    }
    return value;
  }

  /**
   * The value of option `name` as a finite number within `check`, or undefined when not given.
   *
   * @example
   * ```ts
   * import { Args, UsageError } from "./_args.ts";
   * const args = Args.parse(["--epochs", "2.5"], { flags: [], values: ["--epochs"] });
   * let error: unknown;
   * try {
   *   args.number("--epochs", { integer: true, min: 1 });
   * } catch (e) {
   *   error = e;
   * }
   * if (!(error instanceof UsageError)) throw new Error("2.5 epochs is refused");
   * ```
   */
  number(name: string, check: NumberCheck = {}): number | undefined {
    const text = this.#values.get(name);
    if (text === undefined) return undefined;
    const value = Number(text);
    const kind = check.integer ? "a whole number" : "a number";
    const bounds = check.min !== undefined && check.max !== undefined
      ? ` in ${check.min}..${check.max}`
      : check.min !== undefined
      ? ` ≥ ${check.min}`
      : check.max !== undefined
      ? ` ≤ ${check.max}`
      : "";
    const ok = DECIMAL.test(text) && Number.isFinite(value) &&
      (!check.integer || Number.isInteger(value)) &&
      (check.min === undefined || value >= check.min) &&
      (check.max === undefined || value <= check.max);
    if (!ok) throw new UsageError(`${name} expects ${kind}${bounds}, got "${text}"`);
    return value;
  }
}

/** An error's message followed by its causes' messages. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause === undefined ? error.message : `${error.message} (${describe(error.cause)})`;
}

/**
 * Runs a tool's `main`: `--help` or `-h` prints the usage line instead (exit code 0); a
 * `UsageError` prints `command: message` and the usage line and exits with code 2; any other error
 * prints `command: message (cause …)` and exits with code 1.
 *
 * @example
 * ```ts
 * import { runCli } from "./_args.ts";
 * let ran = false;
 * await runCli("demo.ts", "usage: demo.ts", () => Promise.resolve(void (ran = true)));
 * if (!ran) throw new Error("main ran");
 * ```
 */
export async function runCli(
  command: string,
  usage: string,
  main: () => Promise<void>,
): Promise<void> {
  if (Deno.args.includes("--help") || Deno.args.includes("-h")) {
    console.log(usage);
    return;
  }
  try {
    await main();
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`${command}: ${error.message}\n${usage}`);
      Deno.exit(2);
    }
    console.error(`${command}: ${describe(error)}`);
    Deno.exit(1);
  }
}
