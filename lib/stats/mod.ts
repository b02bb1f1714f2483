/**
 * Statistics on typed arrays for the exploratory data analysis: degrees, binning, distribution
 * fits (discrete power law, discrete log-normal, Vuong test), inequality (Lorenz, Gini), the
 * rating scale (star counts, half stars), correlation and binned means, time bucketing, first-day
 * sessions, genre and tag statistics, a sparsity sample, mean similarity within and across groups,
 * and the seeded RNG shared by the library.
 *
 * @example
 * ```ts
 * import { gini, Rng } from "./mod.ts";
 * const rng = new Rng(1);
 * const x = Array.from({ length: 100 }, () => rng.int(10));
 * if (!(gini(x) >= 0 && gini(x) < 1)) throw new Error("gini in [0, 1)");
 * ```
 *
 * @module
 */

export * from "./association.ts";
export * from "./degrees.ts";
export * from "./demographics.ts";
export * from "./genres.ts";
export * from "./histogram.ts";
export * from "./hypothesis.ts";
export * from "./inequality.ts";
export * from "./log_normal.ts";
export * from "./popularity.ts";
export * from "./power_law.ts";
export * from "./ratings.ts";
export * from "./segments.ts";
export * from "./similarity.ts";
export * from "./rng.ts";
export * from "./sessions.ts";
export * from "./sparsity.ts";
export * from "./special.ts";
export * from "./summary.ts";
export * from "./tags.ts";
export * from "./time.ts";
export * from "./time_effects.ts";
export * from "./vuong.ts";
