/**
 * Checks the model-specific metadata of a saved model (its kind, k, μ, user and item counts, rating
 * scale, hyper-parameters and training history) before `loadParts` (lib/models/explicit_model.ts)
 * builds the model from it. The file format itself (magic, version, lengths, checksum, array list)
 * is checked by lib/models/_model_file.ts.
 *
 * @module
 */
import type { EpochRecord, ModelKind, ModelParts } from "./explicit_model.ts";
import { isRecord, metadataError } from "./_model_file.ts";
import type { ModelMetadata } from "./_model_file.ts";

/** The metadata fields of a saved model, with their types checked. */
export interface CheckedMetadata extends Pick<ModelParts, "ratingScale" | "hyper" | "history"> {
  /** Latent factors (0 for the bias-only models). */
  k: number;
  /** The global mean μ. */
  mu: number;
  /** Number of dense users. */
  nUsers: number;
  /** Number of dense items. */
  nItems: number;
}

/** The type of each hyper-parameter `fit` records, by model kind (other keys: any scalar). */
const HYPER_TYPES: Record<ModelKind, Record<string, "number" | "boolean" | "string">> = {
  "global-mean": {},
  "bias-als": { lambda: "number", weighted: "boolean", epochs: "number" },
  als: {
    k: "number",
    lambda: "number",
    lambdaBias: "number",
    weighted: "boolean",
    seed: "number",
    initScale: "number",
    epochs: "number",
  },
  "genre-als": {
    k: "number",
    lambda: "number",
    lambdaBias: "number",
    tau: "number",
    tauBias: "number",
    lambdaFeatures: "number",
    weighted: "boolean",
    seed: "number",
    initScale: "number",
    epochs: "number",
  },
};

const isWhole = (v: unknown, min: number, max: number): v is number =>
  typeof v === "number" && Number.isInteger(v) && v >= min && v <= max;

/** JSON has no NaN: `JSON.stringify` wrote a NaN RMSE as null, so null reads back as NaN. */
function optionalRmse(v: unknown): number | undefined | false {
  if (v === undefined) return undefined;
  if (v === null) return NaN;
  return typeof v === "number" ? v : false;
}

/** Checks `metadata.hyper` (absent means none): every value a scalar of its recorded type. */
function checkHyper(
  path: string,
  metadata: ModelMetadata,
  kind: ModelKind,
): Record<string, number | boolean | string> {
  const hyper = metadata.hyper ?? {};
  if (!isRecord(hyper)) {
    throw metadataError(path, "hyper", "an object of hyper-parameters", hyper);
  }
  const types = HYPER_TYPES[kind];
  for (const [name, value] of Object.entries(hyper)) {
    const expected = Object.hasOwn(types, name) ? types[name] : undefined;
    const allowed: string[] = expected ? [expected] : ["number", "boolean", "string"];
    if (!allowed.includes(typeof value)) {
      throw metadataError(
        path,
        `hyper.${name}`,
        `a ${expected ?? "number, boolean or string"}`,
        value,
      );
    }
  }
  return hyper as Record<string, number | boolean | string>;
}

/** Checks `metadata.history` (absent means empty) and rebuilds its epoch records. */
function checkHistory(path: string, metadata: ModelMetadata): EpochRecord[] {
  const stored = metadata.history ?? [];
  if (!Array.isArray(stored)) {
    throw metadataError(path, "history", "a list of epoch records", stored);
  }
  return stored.map((record: unknown, j): EpochRecord => {
    const train = isRecord(record) ? optionalRmse(record.trainRmse) : false;
    const validation = isRecord(record) ? optionalRmse(record.validationRmse) : false;
    if (
      !isRecord(record) || !isWhole(record.epoch, 1, Infinity) ||
      typeof record.seconds !== "number" || train === false || validation === false
    ) {
      throw metadataError(
        path,
        `history[${j}]`,
        "{ epoch: whole number ≥ 1, seconds: number, trainRmse?: number, validationRmse?: number }",
        record,
      );
    }
    return {
      epoch: record.epoch,
      seconds: record.seconds,
      ...(train === undefined ? {} : { trainRmse: train }),
      ...(validation === undefined ? {} : { validationRmse: validation }),
    };
  });
}

/**
 * Checks that `metadata` (read from the model file at `path`) describes a model of `kind` and
 * that its fields have the right types: k, μ, the user and item counts, the rating scale, the
 * hyper-parameters and the training history. Returns those fields, typed; throws an error naming
 * the file and the field on the first one that is wrong.
 *
 * @param path The model file, for error messages.
 * @param metadata The file's decoded metadata.
 * @param kind The model kind the caller wants to load.
 * @returns The checked fields.
 *
 * @example
 * ```ts
 * import { checkMetadata } from "./_model_metadata.ts";
 * const metadata = { model: "bias-als", k: 0, mu: 3.5, nUsers: 2, nItems: 3, ratingScale: [1, 5] };
 * const checked = checkMetadata("m.rsm", metadata, "bias-als");
 * if (checked.nItems !== 3 || checked.history.length !== 0) throw new Error("fields checked");
 * try {
 *   checkMetadata("m.rsm", { ...metadata, mu: "3.5" }, "bias-als");
 *   throw new Error("a string μ should be refused");
 * } catch (e) {
 *   if (!(e as Error).message.startsWith('m.rsm: corrupt model file: metadata field "mu"')) throw e;
 * }
 * ```
 */
export function checkMetadata(
  path: string,
  metadata: ModelMetadata,
  kind: ModelKind,
): CheckedMetadata {
  if (metadata.model !== kind) {
    throw new Error(`${path}: holds a "${metadata.model}" model, expected "${kind}"`);
  }
  const { k, mu, nUsers, nItems, ratingScale: scale } = metadata;
  const factored = kind === "als" || kind === "genre-als";
  const kRange = factored ? [1, 1024] : [0, 0];
  if (!isWhole(k, kRange[0]!, kRange[1]!)) {
    const expected = factored
      ? "a whole number in 1..1024 (the number of latent factors)"
      : `0 (a ${kind} model has no latent factors)`;
    throw metadataError(path, "k", expected, k);
  }
  if (typeof mu !== "number" || !Number.isFinite(mu)) {
    throw metadataError(path, "mu", "a finite number (the global mean)", mu);
  }
  if (!isWhole(nUsers, 0, 0xffff_ffff)) {
    throw metadataError(path, "nUsers", "a whole number ≥ 0", nUsers);
  }
  if (!isWhole(nItems, 0, 0xffff_ffff)) {
    throw metadataError(path, "nItems", "a whole number ≥ 0", nItems);
  }
  if (
    !Array.isArray(scale) || scale.length !== 2 || !scale.every(Number.isFinite) ||
    !(scale[0] <= scale[1])
  ) {
    throw metadataError(
      path,
      "ratingScale",
      "[min, max]: two finite numbers with min ≤ max",
      scale,
    );
  }
  const hyper = checkHyper(path, metadata, kind);
  const history = checkHistory(path, metadata);
  return { k, mu, nUsers, nItems, ratingScale: [scale[0], scale[1]], hyper, history };
}
