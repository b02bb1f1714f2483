/**
 * The offline experiment of Practical 7 in one call: a temporal split (each user's newest ratings
 * are what they "do next", the older ones train), a popularity arm and an ALS arm fitted on train, top-n
 * lists for every returning user (a rating on both sides of the cut), the click model of
 * `click_model.ts` on each arm, and per-user Recall@n for the paired offline comparison.
 *
 * @module
 */
import type { Dataset, RatingMatrix } from "../data/types.ts";
import { leaveLastNSplit, temporalSplit } from "../data/split.ts";
import { Als } from "../models/als.ts";
import type { RankedLists } from "../metrics/ranking.ts";
import { clickProbabilities, ClickSampler, listRelevance, popularityLists } from "./click_model.ts";

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

/** Options of {@linkcode offlineExperiment}. */
export interface OfflineOptions {
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
  /** More arms, e.g. a BPR model's lists for the same users. */
  extraArms?: { name: string; lists: RankedLists }[];
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
  const { train, test } = options.split === "global"
    ? temporalSplit(ds.ratings, { trainFraction: options.trainFraction ?? 0.8 })
    : leaveLastNSplit(ds.ratings, { n: options.lastN ?? 10 });
  const users: number[] = [];
  for (let u = 0; u < ds.ratings.nUsers; u++) {
    if (train.userPtr[u + 1]! > train.userPtr[u]! && test.userPtr[u + 1]! > test.userPtr[u]!) {
      users.push(u);
    }
  }
  if (users.length < 20) {
    throw new Error(
      `offlineExperiment: only ${users.length} users rate on both sides of the cut; need 20`,
    );
  }
  const population = Uint32Array.from(users);
  const als = await Als.fit(train, {
    userIds: ds.userIds,
    itemIds: ds.itemIds,
    k: options.k ?? 32,
    lambda: options.lambda ?? 10,
    lambdaBias: options.lambdaBias ?? 3,
    weighted: false,
    epochs: options.epochs ?? 12,
    seed: options.seed ?? 42,
    progress: false,
  });
  const alsLists = await als.recommendBatch(population, { n, exclude: train });
  const named: { name: string; lists: RankedLists }[] = [
    { name: "popularity", lists: popularityLists(train, population, { n }) },
    { name: "ALS", lists: { users: alsLists.users, n, items: alsLists.items } },
    ...(options.extraArms ?? []),
  ];
  const arms = named.map(({ name, lists }) => {
    if (lists.n !== n || lists.users.length !== population.length) {
      throw new RangeError(
        `offlineExperiment: arm ${name} must list ${n} items for each population user`,
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

/** One activity segment's share and how each arm serves it. */
export interface SegmentServing {
  /** "cold start", "regular" or "power". */
  readonly segment: string;
  /** Population users in it. */
  readonly users: number;
  /** Their share of the population. */
  readonly share: number;
  /** ALS RMSE on their held-out ratings. */
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
      alsRmse: rs.length > 0 ? Math.sqrt(se / rs.length) : NaN,
      ndcg: Object.fromEntries(ex.arms.map((a) => [a.name, mean(a.ndcg)])),
      recall: Object.fromEntries(ex.arms.map((a) => [a.name, mean(a.recall)])),
    };
  });
}
