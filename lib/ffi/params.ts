/**
 * The one check of the model parameters every fit, epoch and tuning entry point takes, so the same
 * bad value is refused with the same message wherever it is passed: the kernel wrappers
 * (lib/ffi/kernels.ts), the models' `fit`s and fold-in, the plain TypeScript references
 * (lib/models/naive_als.ts, als_row.ts, genre_als_state.ts) and the searches (tuning.ts). It
 * lives in lib/ffi, the lowest layer, because the kernel wrappers check their arguments too and
 * lib/ffi imports nothing above it; it makes no kernel call.
 *
 * @example
 * ```ts
 * import { checkAlsPenalties, checkLambda } from "./params.ts";
 * checkLambda("Als.fit", "lambda", 0.1);
 * checkLambda("Als.fit", "lambdaBias", 0, { allowZero: true });
 * checkAlsPenalties("Als.fit", { lambda: 0.1, lambdaBias: 0 });
 * let message = "";
 * try { checkLambda("Als.fit", "lambda", 0); } catch (e) { message = (e as Error).message; }
 * if (message !== "Als.fit: lambda must be a finite number > 0, got 0") throw new Error(message);
 * ```
 *
 * @module
 */

/**
 * Refuses a number of latent factors K that is not a whole number in 1..1024 (the kernels'
 * bound), with a `RangeError` `"<fn>: <name> must be a whole number in 1..1024, got <value>"`.
 *
 * @param fn The entry point, as the message should name it (`"Als.fit"`, `"Bpr.fit"`).
 * @param k The value passed.
 * @param name The parameter as the message spells it. Default `"k"`.
 *
 * @example
 * ```ts
 * import { checkFactorCount } from "./params.ts";
 * checkFactorCount("Als.fit", 64);
 * let message = "";
 * try { checkFactorCount("Als.fit", 0); } catch (e) { message = (e as Error).message; }
 * if (message !== "Als.fit: k must be a whole number in 1..1024, got 0") throw new Error(message);
 * ```
 */
export function checkFactorCount(fn: string, k: number, name = "k"): void {
  if (!Number.isInteger(k) || k < 1 || k > 1024) {
    throw new RangeError(`${fn}: ${name} must be a whole number in 1..1024, got ${k}`);
  }
}

/** Options of {@linkcode checkLambda}. */
export interface CheckLambdaOptions {
  /** Accept 0 (a penalty that may be switched off, e.g. λ_b). Default false: λ must be > 0. */
  allowZero?: boolean;
}

/**
 * Refuses a regularisation weight (or another positive rate: α, a learning rate) that is not a
 * finite number > 0 (≥ 0 with `allowZero`), with a `RangeError` naming the function and the
 * parameter: `"<fn>: <name> must be a finite number > 0, got <value>"`. `undefined` and `NaN` are
 * refused too, so an option read from a file or a model's metadata can be checked as it is.
 *
 * @param fn The entry point, as the message should name it (`"Als.fit"`, `"alsEpoch"`).
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

/** Option names that were renamed, old → new: passing the old one is refused, never ignored. */
const RENAMED_OPTIONS: readonly (readonly [old: string, now: string])[] = [
  ["lambdaFactors", "lambda"],
];

/**
 * Refuses an options object that carries a renamed option (`lambdaFactors`, now `lambda`) with a
 * `TypeError` naming the new name, so code written for the old name fails loudly instead of
 * running with a default. {@linkcode checkAlsPenalties} calls it; entry points that fill a
 * default before checking call it on the options they were given.
 *
 * @param fn The entry point, as the message should name it.
 * @param options The options object as the caller passed it.
 *
 * @example
 * ```ts
 * import { refuseRenamedOptions } from "./params.ts";
 * refuseRenamedOptions("alsEpoch", { lambda: 0.1 });
 * let message = "";
 * try { refuseRenamedOptions("alsEpoch", { lambdaFactors: 0.1 }); } catch (e) { message = (e as Error).message; }
 * if (!message.includes("lambdaFactors is now called lambda")) throw new Error(message);
 * ```
 */
export function refuseRenamedOptions(fn: string, options: object): void {
  for (const [old, now] of RENAMED_OPTIONS) {
    if (old in options) {
      throw new TypeError(`${fn}: the option ${old} is now called ${now}; pass ${now} instead`);
    }
  }
}

/** The penalties of one ALS row solve: λ_f on the K factors, λ_b on the bias. */
export interface AlsPenalties {
  /** λ_f, the factor penalty (> 0). */
  lambda: number;
  /** λ_b, the bias penalty (≥ 0). */
  lambdaBias: number;
}

/**
 * Checks the penalties of explicit ALS (λ_f > 0, λ_b ≥ 0) and refuses renamed options: the one
 * check of `Als.fit`, `alsEpoch`, `alsCgEpoch`, the references, fold-in and the searches.
 *
 * @param fn The entry point, as the message should name it.
 * @param penalties `lambda` and `lambdaBias` (an options object may be passed as it is).
 *
 * @example
 * ```ts
 * import { checkAlsPenalties } from "./params.ts";
 * checkAlsPenalties("alsEpoch", { lambda: 10, lambdaBias: 0 });
 * let message = "";
 * try { checkAlsPenalties("alsEpoch", { lambda: 10, lambdaBias: -1 }); } catch (e) { message = (e as Error).message; }
 * if (message !== "alsEpoch: lambdaBias must be a finite number ≥ 0, got -1") throw new Error(message);
 * ```
 */
export function checkAlsPenalties(
  fn: string,
  penalties: { lambda?: number; lambdaBias?: number },
): asserts penalties is AlsPenalties {
  refuseRenamedOptions(fn, penalties);
  checkLambda(fn, "lambda", penalties.lambda);
  checkLambda(fn, "lambdaBias", penalties.lambdaBias, { allowZero: true });
}

/** The penalties of genre ALS: those of ALS, the pull toward the feature prior and its ridge. */
export interface GenreAlsPenalties extends AlsPenalties {
  /** τ, the pull of each item's factors toward Gᵀ f_i (≥ 0; 0 is plain ALS). */
  tau: number;
  /** τ_b, the pull of each item's bias toward wᵀ f_i (≥ 0). */
  tauBias: number;
  /** λ_G, the ridge penalty of G and w (> 0). */
  lambdaFeatures: number;
}

/**
 * Checks the penalties of genre ALS: {@linkcode checkAlsPenalties}, then τ ≥ 0, τ_b ≥ 0 and
 * λ_G > 0. The one check of `GenreAls.fit`, `genreAlsEpoch` and the reference epochs.
 *
 * @param fn The entry point, as the message should name it.
 * @param penalties The five penalties.
 *
 * @example
 * ```ts
 * import { checkGenreAlsPenalties } from "./params.ts";
 * const p = { lambda: 2, lambdaBias: 3, tau: 50, tauBias: 30, lambdaFeatures: 1 };
 * checkGenreAlsPenalties("GenreAls.fit", p);
 * let message = "";
 * try { checkGenreAlsPenalties("GenreAls.fit", { ...p, tau: -1 }); } catch (e) { message = (e as Error).message; }
 * if (message !== "GenreAls.fit: tau must be a finite number ≥ 0, got -1") throw new Error(message);
 * ```
 */
export function checkGenreAlsPenalties(
  fn: string,
  penalties: {
    lambda?: number;
    lambdaBias?: number;
    tau?: number;
    tauBias?: number;
    lambdaFeatures?: number;
  },
): asserts penalties is GenreAlsPenalties {
  const { tau, tauBias, lambdaFeatures } = penalties;
  checkAlsPenalties(fn, penalties);
  checkLambda(fn, "lambdaFeatures", lambdaFeatures);
  checkLambda(fn, "tau", tau, { allowZero: true });
  checkLambda(fn, "tauBias", tauBias, { allowZero: true });
}
