/**
 * The offline experiment of Practical 7 in one call: a temporal split (each user's newest ratings
 * are what they "do next", the older ones train), a popularity arm and an ALS arm fitted on train,
 * optionally more arms on the same split (e.g. BPR on the training positives, {@linkcode bprArm}),
 * top-n lists for every returning user (a rating on both sides of the cut), the click model of
 * `click_model.ts` on each arm, and per-user Recall@n and NDCG@n for the paired offline comparison.
 *
 * @module
 */
import type { Dataset, RatingMatrix } from "../data/types.ts";
import { leaveLastNSplit, temporalSplit } from "../data/split.ts";
import { implicitPositives } from "../data/implicit.ts";
import { Als } from "../models/als.ts";
import { Bpr } from "../models/bpr.ts";
import type { RankedLists } from "../metrics/ranking.ts";
import { clickProbabilities, ClickSampler, listRelevance, popularityLists } from "./click_model.ts";
import { pairedRelativeLift } from "./ab_test.ts";

const PAD = 0xffff_ffff;

/** One arm: its lists, the relevance and click sampler they induce, per-user recall. */
export interface OfflineArm {
  /** "popularity", "ALS", … */
  readonly name: string;
  /** Top-n lists of the population users. */
  readonly lists: RankedLists;
  /** Relevance of each listed item. */
  readonly relevance: Float64Array;
  /** Clicks per user. */
  readonly sampler: ClickSampler;
  /** Recall@n per user: held-out items rated ≥ 4 that the list found / all such (NaN if none). */
  readonly recall: Float64Array;
  /** NDCG@n per user with binary relevance (rating ≥ 4), NaN if the user has none. */
  readonly ndcg: Float64Array;
}

/** The result of {@linkcode offlineExperiment}. */
export interface OfflineExperiment {
  /** Train (older ratings). */
  readonly train: RatingMatrix;
  /** Test (newer ratings). */
  readonly test: RatingMatrix;
  /** The population: dense users with ratings on both sides of the cut. */
  readonly users: Uint32Array;
  /** The arms, popularity first. */
  readonly arms: OfflineArm[];
  /** The fitted ALS model of the second arm. */
  readonly als: Als;
}

/** The held-out future of an offline experiment and the users it can be measured on. */
export interface OfflineSplit {
  /** Train (older ratings). */
  readonly train: RatingMatrix;
  /** Test (newer ratings). */
  readonly test: RatingMatrix;
  /** The population: dense users with ratings on both sides of the cut, ascending. */
  readonly users: Uint32Array;
}

/** How {@linkcode offlineSplit} holds out the future. */
export interface SplitOptions {
  /**
   * How the future is held out: "per-user" (default) puts each user's `lastN` newest ratings in
   * test — every user is then "returning"; "global" cuts all ratings at one time, the oldest
   * `trainFraction` in train (in MovieLens most people rate in one burst, so few users straddle
   * a global cut).
   */
  split?: "per-user" | "global";
  /** Newest ratings per user held out by the "per-user" split. Default 10. */
  lastN?: number;
  /** Share of ratings (oldest) in train for the "global" split. Default 0.8. */
  trainFraction?: number;
}

/** Options of {@linkcode offlineExperiment}. */
export interface OfflineOptions extends SplitOptions {
  /**
   * A split made beforehand by {@linkcode offlineSplit} on the same ratings (so that extra arms
   * can be fitted on its train); the split options are then not used.
   */
  prepared?: OfflineSplit;
  /** List length. Default 10. */
  n?: number;
  /** ALS factors. Default 32. */
  k?: number;
  /** ALS λ (unweighted). Default 10. */
  lambda?: number;
  /** ALS bias λ. Default 3. */
  lambdaBias?: number;
  /** ALS epochs. Default 12. */
  epochs?: number;
  /** ALS seed. Default 42. */
  seed?: number;
  /** Click probability of an item the user never rated (unknown offline). Default 0. */
  background?: number;
  /**
   * More arms after popularity and ALS, each with top-n lists for the population users in
   * order — e.g. {@linkcode bprArm} on a `prepared` split.
   */
  extraArms?: readonly { name: string; lists: RankedLists }[];
}

/**
 * Holds out each user's future: `"per-user"` (default) puts every user's `lastN` newest ratings in
 * test, `"global"` cuts all ratings at one time; the population is the users left with ratings on
 * both sides. Throws when fewer than 20 users are.
 *
 * @param ratings All ratings (with times).
 * @param options `split`, `lastN` (10), `trainFraction` (0.8).
 * @returns Train, test and the population.
 *
 * @example
 * ```ts
 * import { offlineSplit } from "./offline.ts";
 * import { fromTriplets } from "../data/coo.ts";
 * // 30 users with 3 ratings each, at times 0, 1, 2: the newest one is held out.
 * const u = Array.from({ length: 90 }, (_, e) => Math.floor(e / 3));
 * const m = fromTriplets(30, 3, u, u.map((_, e) => e % 3), u.map(() => 4), u.map((_, e) => e % 3));
 * const s = offlineSplit(m, { lastN: 1 });
 * if (s.users.length !== 30 || s.test.nnz !== 30 || s.test.userItems[0] !== 2) throw new Error();
 * ```
 */
export function offlineSplit(ratings: RatingMatrix, options: SplitOptions = {}): OfflineSplit {
  const { train, test } = options.split === "global"
    ? temporalSplit(ratings, { trainFraction: options.trainFraction ?? 0.8 })
    : leaveLastNSplit(ratings, { n: options.lastN ?? 10 });
  const users: number[] = [];
  for (let u = 0; u < ratings.nUsers; u++) {
    if (train.userPtr[u + 1]! > train.userPtr[u]! && test.userPtr[u + 1]! > test.userPtr[u]!) {
      users.push(u);
    }
  }
  if (users.length < 20) {
    throw new Error(
      `offlineSplit: only ${users.length} users rate on both sides of the cut; need 20`,
    );
  }
  return { train, test, users: Uint32Array.from(users) };
}

function perUserQuality(lists: RankedLists, test: RatingMatrix, threshold = 4) {
  const { n } = lists;
  const recall = new Float64Array(lists.users.length);
  const ndcg = new Float64Array(lists.users.length);
  const relevant = new Uint8Array(test.nItems);
  for (let k = 0; k < lists.users.length; k++) {
    const u = lists.users[k]!;
    let total = 0;
    for (let e = test.userPtr[u]!; e < test.userPtr[u + 1]!; e++) {
      if (test.userRatings[e]! >= threshold) {
        relevant[test.userItems[e]!] = 1;
        total++;
      }
    }
    let hits = 0, dcg = 0, ideal = 0;
    for (let r = 0; r < n; r++) {
      const i = lists.items[k * n + r]!;
      if (i !== PAD && relevant[i] === 1) {
        hits++;
        dcg += 1 / Math.log2(r + 2);
      }
      if (r < total) ideal += 1 / Math.log2(r + 2);
    }
    recall[k] = total > 0 ? hits / total : NaN;
    ndcg[k] = total > 0 ? dcg / ideal : NaN;
    for (let e = test.userPtr[u]!; e < test.userPtr[u + 1]!; e++) relevant[test.userItems[e]!] = 0;
  }
  return { recall, ndcg };
}

/**
 * Builds the arms of the offline experiment (see the module doc).
 *
 * @example
 * ```ts
 * import { offlineExperiment } from "./offline.ts";
 * import { loadMovieLens } from "../data/load.ts";
 * const ds = await loadMovieLens("../shared/data/ml-latest-small", { cache: false, sideFiles: false });
 * const ex = await offlineExperiment(ds, { k: 8, epochs: 3 });
 * if (ex.arms.length !== 2 || ex.arms[1]!.lists.users.length !== ex.users.length) throw new Error();
 * ```
 */
export async function offlineExperiment(
  ds: Pick<Dataset, "ratings" | "userIds" | "itemIds">,
  options: OfflineOptions = {},
): Promise<OfflineExperiment> {
  const n = options.n ?? 10;
  const prepared = options.prepared ?? offlineSplit(ds.ratings, options);
  const { train, test, users: population } = prepared;
  if (
    train.nUsers !== ds.ratings.nUsers || train.nItems !== ds.ratings.nItems ||
    train.nnz + test.nnz !== ds.ratings.nnz
  ) {
    throw new RangeError(
      `offlineExperiment: the prepared split (${train.nUsers} × ${train.nItems}, ` +
        `${train.nnz} + ${test.nnz} ratings) is not a split of these ratings ` +
        `(${ds.ratings.nUsers} × ${ds.ratings.nItems}, ${ds.ratings.nnz})`,
    );
  }
  const als = await Als.fit(train, {
    userIds: ds.userIds,
    itemIds: ds.itemIds,
    k: options.k ?? 32,
    lambda: options.lambda ?? 10,
    lambdaBias: options.lambdaBias ?? 3,
    weighted: false,
    epochs: options.epochs ?? 12,
    seed: options.seed ?? 42,
    initScale: 0.1,
    solver: "cholesky",
    progress: false,
  });
  const alsLists = await als.recommendBatch(population, { n, exclude: train });
  const named: { name: string; lists: RankedLists }[] = [
    { name: "popularity", lists: popularityLists(train, population, { n }) },
    { name: "ALS", lists: { users: alsLists.users, n, items: alsLists.items } },
    ...(options.extraArms ?? []),
  ];
  const arms = named.map(({ name, lists }) => {
    if (
      lists.n !== n || lists.users.length !== population.length ||
      lists.users.some((u, k) => u !== population[k])
    ) {
      throw new RangeError(
        `offlineExperiment: arm ${name} must list ${n} items for each population user, in order`,
      );
    }
    const relevance = listRelevance(lists, test, { background: options.background });
    return {
      name,
      lists,
      relevance,
      sampler: new ClickSampler(clickProbabilities(relevance, n), n),
      ...perUserQuality(lists, test),
    };
  });
  return { train, test, users: population, arms, als };
}

/** Options of {@linkcode bprArm}. */
export interface BprArmOptions {
  /** List length. Default 10. */
  n?: number;
  /** A training rating ≥ `threshold` is a positive. Default 4. */
  threshold?: number;
  /** Latent factors K. Default 32. */
  k?: number;
  /** Initial SGD step sizes η₀ to choose from on validation. Default [0.05, 0.1]. */
  learningRates?: readonly number[];
  /** λ values to choose from on validation. Default [0.01, 0.05]. */
  lambdas?: readonly number[];
  /** η decay per epoch. Default 0.95. */
  decay?: number;
  /** Epochs. Default 30. */
  epochs?: number;
  /** Newest training ratings per user held out to choose η₀ and λ. Default 10. */
  validationLastN?: number;
  /** Seed of the factors and of the negative sampling. Default 42. */
  seed?: number;
  /**
   * Kernel threads. Default 1: with more the kernel runs Hogwild and the factors (so the lists)
   * vary slightly from run to run.
   */
  threads?: number;
}

/** One validation setting of {@linkcode bprArm} and its mean Recall@n. */
export interface BprSetting {
  /** η₀. */
  readonly learningRate: number;
  /** λ. */
  readonly lambda: number;
  /** Mean validation Recall@n (users with a validation positive). */
  readonly recall: number;
}

/** The result of {@linkcode bprArm}: an extra arm for {@linkcode offlineExperiment}. */
export interface BprArm {
  /** "BPR". */
  readonly name: string;
  /** Top-n lists of the split's population, training ratings excluded. */
  readonly lists: RankedLists;
  /** The model, refitted on all training positives with the chosen setting. */
  readonly model: Bpr;
  /** The chosen setting (best validation recall; the first on ties). */
  readonly chosen: BprSetting;
  /** Every setting tried, in grid order (learning rates outer). */
  readonly validation: readonly BprSetting[];
  /** Training positives the final model saw. */
  readonly positives: number;
}

/**
 * BPR (lib/models/bpr.ts) as an arm of the offline experiment: fitted on the **positives** (rating
 * ≥ `threshold`) of the split's train only. η₀ and λ are chosen without looking at the test: each
 * training user's `validationLastN` newest ratings are held out once more, every (η₀, λ) of the grid
 * is fitted on the positives of what remains and scored by Recall@n on the held-out positives, and
 * the best is refitted on all training positives. Lists exclude every training rating (a low rating
 * is still a movie the user has seen). One thread by default, so the arm is reproducible by seed.
 *
 * @param split From {@linkcode offlineSplit}; pass the same split as `prepared`.
 * @param options See {@linkcode BprArmOptions}.
 * @returns The arm, its model and the validation scores.
 *
 * @example
 * ```ts
 * import { bprArm, offlineExperiment, offlineSplit } from "./offline.ts";
 * import { loadMovieLens } from "../data/load.ts";
 * const ds = await loadMovieLens("../shared/data/ml-latest-small", { cache: false, sideFiles: false });
 * const split = offlineSplit(ds.ratings, { lastN: 10 });
 * const grid = { learningRates: [0.05], lambdas: [0.05], epochs: 3, k: 8 };
 * const bpr = await bprArm(split, grid);
 * const again = await bprArm(split, grid);
 * if (bpr.lists.items.join() !== again.lists.items.join()) throw new Error("1 thread: reproducible");
 * const ex = await offlineExperiment(ds, { prepared: split, k: 8, epochs: 3, extraArms: [bpr] });
 * if (ex.arms.map((a) => a.name).join() !== "popularity,ALS,BPR") throw new Error();
 * ```
 */
export async function bprArm(split: OfflineSplit, options: BprArmOptions = {}): Promise<BprArm> {
  const {
    n = 10,
    threshold = 4,
    k = 32,
    learningRates = [0.05, 0.1],
    lambdas = [0.01, 0.05],
    decay = 0.95,
    epochs = 30,
    validationLastN = 10,
    seed = 42,
    threads = 1,
  } = options;
  if (learningRates.length === 0 || lambdas.length === 0) {
    throw new RangeError("bprArm: learningRates and lambdas need at least one value each");
  }
  const fit = (positives: RatingMatrix, learningRate: number, lambda: number) =>
    Bpr.fit(positives, {
      k,
      learningRate,
      decay,
      lambda,
      lambdaBias: lambda,
      negatives: "uniform",
      verify: true,
      samplesPerPositive: 1,
      initScale: 0.1,
      epochs,
      seed,
      threads,
      progress: false,
    });
  const inner = offlineSplit(split.train, { lastN: validationLastN });
  const innerPositives = implicitPositives(inner.train, { threshold });
  const validation: BprSetting[] = [];
  for (const learningRate of learningRates) {
    for (const lambda of lambdas) {
      const model = await fit(innerPositives, learningRate, lambda);
      const top = await model.recommendBatch(inner.users, { n, exclude: inner.train, threads });
      const { recall } = perUserQuality({ users: top.users, n, items: top.items }, inner.test);
      let sum = 0, users = 0;
      for (const r of recall) {
        if (!Number.isNaN(r)) {
          sum += r;
          users++;
        }
      }
      validation.push({ learningRate, lambda, recall: users > 0 ? sum / users : 0 });
    }
  }
  const chosen = validation.reduce((best, s) => (s.recall > best.recall ? s : best));
  const positives = implicitPositives(split.train, { threshold });
  const model = await fit(positives, chosen.learningRate, chosen.lambda);
  const top = await model.recommendBatch(split.users, { n, exclude: split.train, threads });
  return {
    name: "BPR",
    lists: { users: top.users, n, items: top.items },
    model,
    chosen,
    validation,
    positives: positives.nnz,
  };
}

/** One activity segment's share and how each arm serves it. */
export interface SegmentServing {
  /** "cold start", "regular" or "power". */
  readonly segment: string;
  /** Population users in it. */
  readonly users: number;
  /** Their share of the population. */
  readonly share: number;
  /** Their positions in the population (`ex.users`), to index the arms' per-user metrics. */
  readonly members: Uint32Array;
  /**
   * ALS RMSE on their held-out ratings — the only rating model among the arms (popularity and BPR
   * rank items and predict no rating, so they have no RMSE).
   */
  readonly alsRmse: number;
  /** Mean NDCG@n per arm (users with a relevant held-out item). */
  readonly ndcg: Record<string, number>;
  /** Mean Recall@n per arm. */
  readonly recall: Record<string, number>;
}

/**
 * Splits the population by training activity — cold start (fewer than `cold` training ratings,
 * default 20), power users (the top `powerShare` by training ratings, default 10 %), regulars in
 * between — and reports each segment's share, the ALS RMSE on its held-out ratings and every arm's
 * NDCG and Recall.
 *
 * @example
 * ```ts
 * import { offlineExperiment, servingBySegment } from "./offline.ts";
 * import { loadMovieLens } from "../data/load.ts";
 * const ds = await loadMovieLens("../shared/data/ml-latest-small", { cache: false, sideFiles: false });
 * const rows = servingBySegment(await offlineExperiment(ds, { k: 8, epochs: 3 }));
 * if (rows.map((r) => r.segment).join() !== "cold start,regular,power") throw new Error();
 * ```
 */
export function servingBySegment(
  ex: OfflineExperiment,
  options: { cold?: number; powerShare?: number } = {},
): SegmentServing[] {
  const cold = options.cold ?? 20;
  const { train, test, users } = ex;
  const counts = Array.from(users, (u) => train.userPtr[u + 1]! - train.userPtr[u]!);
  const sorted = [...counts].sort((a, b) => a - b);
  const powerFrom = sorted[Math.floor((1 - (options.powerShare ?? 0.1)) * sorted.length)] ??
    Infinity;
  const label = counts.map((c) => (c < cold ? 0 : c >= powerFrom ? 2 : 1));
  const names = ["cold start", "regular", "power"];
  return names.map((segment, s) => {
    const members: number[] = [];
    label.forEach((l, k) => {
      if (l === s) members.push(k);
    });
    const us: number[] = [], is: number[] = [], rs: number[] = [];
    for (const k of members) {
      const u = users[k]!;
      for (let e = test.userPtr[u]!; e < test.userPtr[u + 1]!; e++) {
        us.push(u);
        is.push(test.userItems[e]!);
        rs.push(test.userRatings[e]!);
      }
    }
    const predicted = us.length > 0 ? ex.als.predict(us, is) : new Float32Array(0);
    const se = rs.reduce((acc, r, j) => acc + (r - predicted[j]!) ** 2, 0);
    const mean = (x: Float64Array) => {
      let sum = 0, m = 0;
      for (const k of members) {
        if (!Number.isNaN(x[k]!)) {
          sum += x[k]!;
          m++;
        }
      }
      return m > 0 ? sum / m : NaN;
    };
    return {
      segment,
      users: members.length,
      share: members.length / users.length,
      members: Uint32Array.from(members),
      alsRmse: rs.length > 0 ? Math.sqrt(se / rs.length) : NaN,
      ndcg: Object.fromEntries(ex.arms.map((a) => [a.name, mean(a.ndcg)])),
      recall: Object.fromEntries(ex.arms.map((a) => [a.name, mean(a.recall)])),
    };
  });
}

/** One row of {@linkcode segmentLifts}: arm `b` against arm `a` within one segment. */
export interface SegmentLift {
  /** The segment's name. */
  readonly segment: string;
  /** The arm compared. */
  readonly b: string;
  /** The arm it is compared with. */
  readonly a: string;
  /** "ndcg" or "recall". */
  readonly metric: "ndcg" | "recall";
  /** Users of the segment with a relevant held-out item. */
  readonly users: number;
  /** Relative difference of the segment means, mean_b / mean_a − 1, in percent. */
  readonly percent: number;
  /** Bootstrap CI over the segment's users, percent. */
  readonly ciPercent: readonly [number, number];
  /** Paired t-test p-value of the per-user differences. */
  readonly pValue: number;
}

/**
 * Paired comparisons of two arms within each activity segment ({@linkcode servingBySegment}):
 * per segment and pair (b, a), the relative difference of mean NDCG@n (or Recall@n) over the
 * segment's users who have a relevant held-out item, a bootstrap CI over those users and the
 * paired t-test ({@linkcode pairedRelativeLift}).
 *
 * @param ex The experiment.
 * @param segments Its segments.
 * @param pairs Arm names, `[b, a]` each.
 * @param options `metric` ("ndcg"), `seed` (1), `alpha` (0.05), `bootstrap` (2000).
 * @returns One row per segment × pair, segments outer; throws a RangeError on an unknown arm.
 *
 * @example
 * ```ts
 * import { offlineExperiment, segmentLifts, servingBySegment } from "./offline.ts";
 * import { loadMovieLens } from "../data/load.ts";
 * const ds = await loadMovieLens("../shared/data/ml-latest-small", { cache: false, sideFiles: false });
 * const ex = await offlineExperiment(ds, { k: 8, epochs: 3 });
 * const rows = segmentLifts(ex, servingBySegment(ex), [["ALS", "popularity"]], { bootstrap: 200 });
 * if (rows.length !== 3 || !rows.every((r) => r.ciPercent[0] <= r.percent)) throw new Error();
 * ```
 */
export function segmentLifts(
  ex: OfflineExperiment,
  segments: readonly SegmentServing[],
  pairs: readonly (readonly [string, string])[],
  options: { metric?: "ndcg" | "recall"; seed?: number; alpha?: number; bootstrap?: number } = {},
): SegmentLift[] {
  const metric = options.metric ?? "ndcg";
  const arm = (name: string) => {
    const found = ex.arms.find((a) => a.name === name);
    if (!found) {
      throw new RangeError(
        `segmentLifts: no arm "${name}" (arms: ${ex.arms.map((a) => a.name).join(", ")})`,
      );
    }
    return found[metric];
  };
  return segments.flatMap((s) =>
    pairs.map(([b, a]) => {
      const xb = arm(b), xa = arm(a);
      const keep = Array.from(s.members).filter((k) => !Number.isNaN(xa[k]!));
      const r = pairedRelativeLift(keep.map((k) => xb[k]!), keep.map((k) => xa[k]!), options);
      return { segment: s.segment, b, a, metric, ...r };
    })
  );
}
