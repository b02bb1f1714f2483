/**
 * Experiments, offline: a click model driven by held-out ratings, A/B tests with the user as the
 * unit, A/A tests, peeking and the mSPRT that makes looking safe, power and sample size, and
 * team-draft interleaving.
 *
 * @example
 * ```ts
 * import { usersPerArm } from "./mod.ts";
 * if (usersPerArm(0.5, 1, 1) !== 63) throw new Error("the textbook sample size");
 * ```
 *
 * @module
 */
export * from "./click_model.ts";
export * from "./ab_test.ts";
export * from "./sequential.ts";
export * from "./power.ts";
export * from "./offline.ts";
