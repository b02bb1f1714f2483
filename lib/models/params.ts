/**
 * Checks of model parameters shared by every fit, epoch and tuning entry point, so the same bad
 * value is refused with the same message wherever it is passed. No FFI: the plain TypeScript
 * references (lib/models/naive_als.ts, lib/models/als_row.ts) use it as well as the kernel
 * wrappers.
 *
 * @example
 * ```ts
 * import { checkLambda } from "./params.ts";
 * checkLambda("Als.fit", "lambda", 0.1);
 * checkLambda("Als.fit", "lambdaBias", 0, { allowZero: true });
 * let message = "";
 * try { checkLambda("Als.fit", "lambda", 0); } catch (e) { message = (e as Error).message; }
 * if (message !== "Als.fit: lambda must be a finite number > 0, got 0") throw new Error(message);
 * ```
 *
 * @module
 */

/** Options of {@linkcode checkLambda}. */
export interface CheckLambdaOptions {
  /** Accept 0 (a penalty that may be switched off, e.g. λ_b). Default false: λ must be > 0. */
  allowZero?: boolean;
}

/**
 * Refuses a regularisation weight that is not a finite number > 0 (≥ 0 with `allowZero`), with a
 * `RangeError` naming the function and the parameter: `"<fn>: <name> must be a finite number > 0,
 * got <value>"`. `undefined` and `NaN` are refused too, so an option read from a file or a model's
 * metadata can be checked as it is.
 *
 * @param fn The entry point, as the message should name it (`"Als.fit"`, `"naiveAlsEpoch"`).
 * @param name The parameter (`"lambda"`, `"lambdaBias"`).
 * @param value The value passed.
 * @param options `allowZero`.
 *
 * @example
 * ```ts
 * import { checkLambda } from "./params.ts";
 * const refused = (value: number | undefined, allowZero = false) => {
 *   try {
 *     checkLambda("fit", "lambda", value, { allowZero });
 *     return false;
 *   } catch (e) {
 *     return e instanceof RangeError;
 *   }
 * };
 * if (refused(0.05) || refused(0, true)) throw new Error("valid values pass");
 * if (!refused(0) || !refused(-1, true) || !refused(NaN, true)) throw new Error("refused");
 * if (!refused(Infinity, true) || !refused(undefined, true)) throw new Error("refused");
 * ```
 */
export function checkLambda(
  fn: string,
  name: string,
  value: number | undefined,
  options: CheckLambdaOptions = {},
): asserts value is number {
  const { allowZero = false } = options;
  const ok = typeof value === "number" && Number.isFinite(value) &&
    (allowZero ? value >= 0 : value > 0);
  if (!ok) {
    throw new RangeError(
      `${fn}: ${name} must be a finite number ${allowZero ? "≥ 0" : "> 0"}, got ${value}`,
    );
  }
}
