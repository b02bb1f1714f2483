/**
 * The demographic vocabularies of the two GroupLens releases that describe their users: ML-100K
 * (u.user: age in years, gender, one of 21 occupation words, zip code) and ML-1M (users.dat: an
 * age bucket code, gender, an occupation code 0–20, zip code). Both are put on ML-1M's seven age
 * buckets so analyses read the same on either.
 *
 * @module
 */
import type { Users } from "./types.ts";

/** One of ML-1M's age buckets: its code in users.dat (the lower bound in years) and its name. */
export interface AgeBucket {
  /** The code users.dat writes (1, 18, 25, 35, 45, 50, 56), the bucket's lower bound in years. */
  readonly code: number;
  /** The README's name, such as "25-34". */
  readonly name: string;
}

/**
 * ML-1M's seven age buckets, in order (index = `Users.ageBuckets` value).
 *
 * @example
 * ```ts
 * import { AGE_BUCKETS } from "./users.ts";
 * if (AGE_BUCKETS.map((b) => b.code).join() !== "1,18,25,35,45,50,56") throw new Error("codes");
 * ```
 */
export const AGE_BUCKETS: readonly AgeBucket[] = Object.freeze([
  { code: 1, name: "Under 18" },
  { code: 18, name: "18-24" },
  { code: 25, name: "25-34" },
  { code: 35, name: "35-44" },
  { code: 45, name: "45-49" },
  { code: 50, name: "50-55" },
  { code: 56, name: "56+" },
]);

/**
 * ML-1M's occupation names by code 0–20, as its README lists them.
 *
 * @example
 * ```ts
 * import { ML1M_OCCUPATIONS } from "./users.ts";
 * if (ML1M_OCCUPATIONS[17] !== "technician/engineer") throw new Error("code 17");
 * ```
 */
export const ML1M_OCCUPATIONS: readonly string[] = Object.freeze([
  "other or not specified",
  "academic/educator",
  "artist",
  "clerical/admin",
  "college/grad student",
  "customer service",
  "doctor/health care",
  "executive/managerial",
  "farmer",
  "homemaker",
  "K-12 student",
  "lawyer",
  "programmer",
  "retired",
  "sales/marketing",
  "scientist",
  "self-employed",
  "technician/engineer",
  "tradesman/craftsman",
  "unemployed",
  "writer",
]);

/**
 * ML-100K's 21 occupations, in the order of its u.occupation file.
 *
 * @example
 * ```ts
 * import { ML100K_OCCUPATIONS } from "./users.ts";
 * if (ML100K_OCCUPATIONS.length !== 21 || ML100K_OCCUPATIONS[4] !== "engineer") throw new Error();
 * ```
 */
export const ML100K_OCCUPATIONS: readonly string[] = Object.freeze([
  "administrator",
  "artist",
  "doctor",
  "educator",
  "engineer",
  "entertainment",
  "executive",
  "healthcare",
  "homemaker",
  "lawyer",
  "librarian",
  "marketing",
  "none",
  "other",
  "programmer",
  "retired",
  "salesman",
  "scientist",
  "student",
  "technician",
  "writer",
]);

/** Gender names by `Users.genders` value. */
export const GENDERS: readonly string[] = Object.freeze(["F", "M"]);

/**
 * The ML-1M bucket index of an age in years (ML-100K's exact ages): under 18 → 0, 18–24 → 1,
 * 25–34 → 2, 35–44 → 3, 45–49 → 4, 50–55 → 5, 56 and over → 6.
 *
 * @param years Age in whole years.
 * @returns The index into {@linkcode AGE_BUCKETS}.
 *
 * @example
 * ```ts
 * import { ageBucketOf } from "./users.ts";
 * if (ageBucketOf(24) !== 1 || ageBucketOf(25) !== 2 || ageBucketOf(73) !== 6) throw new Error();
 * ```
 */
export function ageBucketOf(years: number): number {
  let bucket = 0;
  for (let b = 1; b < AGE_BUCKETS.length; b++) if (years >= AGE_BUCKETS[b]!.code) bucket = b;
  return bucket;
}

/** One user's demographics, by name: the row form of {@linkcode Users}. */
export interface UserRow {
  /** Raw userId. */
  userId: number;
  /** "F" or "M". */
  gender: string;
  /** Age in years, or the ML-1M bucket code. */
  age: number;
  /** The age bucket's name, such as "25-34". */
  ageBucket: string;
  /** Occupation name. */
  occupation: string;
  /** Zip code. */
  zip: string;
}

/**
 * One row of a {@linkcode Users} table by name (for printing and tests).
 *
 * @param users The table.
 * @param row Dense user index.
 * @returns The row with names instead of codes.
 *
 * @example
 * ```ts
 * import { userRow } from "./users.ts";
 * const users = {
 *   userIds: Uint32Array.of(7), genders: Uint8Array.of(1), ages: Uint8Array.of(24),
 *   ageBuckets: Uint8Array.of(1), occupations: Uint8Array.of(0), occupationNames: ["artist"],
 *   zips: ["85711"],
 * };
 * if (userRow(users, 0).ageBucket !== "18-24") throw new Error("bucket name");
 * ```
 */
export function userRow(users: Users, row: number): UserRow {
  if (!Number.isInteger(row) || row < 0 || row >= users.userIds.length) {
    throw new RangeError(`userRow: row ${row} outside 0..${users.userIds.length - 1}`);
  }
  return {
    userId: users.userIds[row]!,
    gender: GENDERS[users.genders[row]!] ?? "?",
    age: users.ages[row]!,
    ageBucket: AGE_BUCKETS[users.ageBuckets[row]!]?.name ?? "?",
    occupation: users.occupationNames[users.occupations[row]!] ?? "?",
    zip: users.zips[row]!,
  };
}
