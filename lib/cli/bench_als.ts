/**
 * ALS benchmark figures for `deno task bench` (called by lib/cli/bench.ts on the ML-32M-scale
 * synthetic dataset): seconds per epoch and arithmetic rate for K = 16, 32, 64, 128, a full
 * K = 15 fit of 15 epochs, predicting 1M pairs, and top-10 for every user at K = 64.
 *
 * @module
 */
import type { Dataset, RatingMatrix } from "../data/types.ts";
import { defaultThreads, kernelInfo } from "../ffi/kernels.ts";
import { Als, runAlsEpoch } from "../models/als.ts";
import { initAlsState } from "../models/als_state.ts";
import type { AlsState } from "../models/als_state.ts";
import { Rng } from "../stats/rng.ts";

/** Receives one benchmark figure (lib/cli/bench.ts prints it; the benchmark sections report through it). */
export type EmitFigure = (
  name: string,
  value: number,
  unit: string,
  params?: Record<string, number | string>,
) => void;

const LAMBDA = 0.05;

/**
 * Floating-point operations of one ALS epoch as the kernel computes it (kernels/als.zig): per row
 * with n ratings and P = K + 1 unknowns, either the primal system — Gram upper triangle and right
 * side n·(P(P+1) + 2P), Cholesky P³/3, two triangular solves 2P² (twice: one refinement step) and
 * the refinement residual 2P² — or, for short rows, the dual n × n system — K·n(n+1) for the
 * Gram, n³/3 + 2n² for the factorisation and solve, 2nP to map back. Multiply-adds count 2.
 *
 * @example
 * ```ts
 * import { alsEpochFlops } from "./bench_als.ts";
 * import { fromTriplets } from "../data/coo.ts";
 * const m = fromTriplets(2, 2, [0, 0, 1], [0, 1, 1], [4, 3, 5], [0, 0, 0]);
 * const [k8, k16] = [alsEpochFlops(m, 8, 8), alsEpochFlops(m, 16, 8)];
 * if (!(k8 > 0 && k16 > k8)) throw new Error("more factors, more work");
 * ```
 */
export function alsEpochFlops(m: RatingMatrix, k: number, simdLanes: number): number {
  const p = k + 1;
  const kp = Math.ceil(k / simdLanes) * simdLanes;
  const chunk = Math.max(16, Math.floor(8192 / kp));
  const row = (n: number): number => {
    if (n === 0) return 0;
    const dual = 3 * n <= 2 * p && n <= chunk && n <= k; // λ_b > 0 in the benchmark
    if (dual) return k * n * (n + 1) + (n * n * n) / 3 + 2 * n * n + 2 * n * p;
    return n * (p * (p + 1) + 2 * p) + (p * p * p) / 3 + 6 * p * p;
  };
  let flops = 0;
  for (const ptr of [m.userPtr, m.itemPtr]) {
    for (let r = 0; r + 1 < ptr.length; r++) flops += row(ptr[r + 1]! - ptr[r]!);
  }
  return flops;
}

async function timeEpochs(m: RatingMatrix, k: number, epochs: number): Promise<{
  seconds: number;
  state: AlsState;
}> {
  const state = initAlsState(m.nUsers, m.nItems, k, { seed: 1, mu: meanRating(m) });
  let total = 0;
  for (let e = 0; e < epochs; e++) {
    const started = performance.now();
    await runAlsEpoch(m, state, { lambda: LAMBDA });
    total += (performance.now() - started) / 1000;
  }
  return { seconds: total / epochs, state };
}

function meanRating(m: RatingMatrix): number {
  let s = 0;
  for (const r of m.userRatings) s += r;
  return s / m.nnz;
}

/**
 * Runs the ALS figures on `ds` and passes each to `emit`:
 * `als.epoch_seconds` and `als.gflops` (params k), `als.fit_k15_15_seconds`,
 * `predict.pairs_1m_seconds`, `recommend.top10_all_users_seconds`.
 *
 * @example
 * ```ts
 * import { benchAls } from "./bench_als.ts";
 * import { loadMovieLens } from "../data/load.ts";
 * import { generateSynthetic } from "../data/synthetic.ts";
 * const root = await Deno.makeTempDir(); // a tiny dataset: 5 users with 20 ratings each
 * await generateSynthetic(`${root}/tiny`, { users: 5, movies: 200, ratings: 100, quiet: true });
 * const ds = await loadMovieLens(`${root}/tiny`, { cache: false, sideFiles: false });
 * await Deno.remove(root, { recursive: true });
 * const figures = new Map<string, number>();
 * await benchAls(ds, (name, value, _unit, params) => figures.set(`${name} k=${params?.k}`, value));
 * if (figures.size !== 11) throw new Error("epoch seconds and GFLOP/s at 4 K's, then 3 more");
 * if (!(figures.get("als.gflops k=64")! > 0)) throw new Error("a positive rate");
 * ```
 */
export async function benchAls(ds: Dataset, emit: EmitFigure): Promise<void> {
  const m = ds.ratings;
  const lanes = kernelInfo().simdF32Lanes;
  const base = { ratings: m.nnz, threads: defaultThreads() };
  let k64: AlsState | undefined;
  for (const k of [16, 32, 64, 128]) {
    const { seconds, state } = await timeEpochs(m, k, 2);
    emit("als.epoch_seconds", seconds, "s", { ...base, k });
    emit("als.gflops", alsEpochFlops(m, k, lanes) / seconds / 1e9, "GFLOP/s", { ...base, k });
    if (k === 64) k64 = state;
  }

  const started = performance.now();
  const model = await Als.fit(m, {
    k: 15,
    lambda: LAMBDA,
    epochs: 15,
    seed: 1,
    trainRmse: false,
    progress: false,
  });
  emit("als.fit_k15_15_seconds", (performance.now() - started) / 1000, "s", {
    ...base,
    k: 15,
    epochs: 15,
  });

  const rng = new Rng(7);
  const count = 1_000_000;
  const users = new Uint32Array(count);
  const items = new Uint32Array(count);
  for (let j = 0; j < count; j++) {
    users[j] = rng.int(m.nUsers);
    items[j] = rng.int(m.nItems);
  }
  // The median of five calls (the first also warms the caches and the output allocation).
  const times: number[] = [];
  for (let rep = 0; rep < 5; rep++) {
    const predictStarted = performance.now();
    const predicted = model.predict(users, items);
    times.push((performance.now() - predictStarted) / 1000);
    if (predicted.some((r) => !Number.isFinite(r))) throw new Error("bench: a prediction is NaN");
  }
  times.sort((a, b) => a - b);
  emit("predict.pairs_1m_seconds", times[2]!, "s", { ...base, k: 15, pairs: count });

  const k64Model = new Als({
    state: k64!,
    userIds: ds.userIds,
    itemIds: ds.itemIds,
    ratingScale: [0.5, 5],
    hyper: { k: 64, lambda: LAMBDA },
    history: [],
  });
  const all = Uint32Array.from({ length: m.nUsers }, (_, u) => u);
  const topStarted = performance.now();
  const top = await k64Model.recommendBatch(all, { n: 10, exclude: m });
  emit("recommend.top10_all_users_seconds", (performance.now() - topStarted) / 1000, "s", {
    ...base,
    k: 64,
    users: m.nUsers,
  });
  if (top.items.length !== m.nUsers * 10) throw new Error("bench: wrong top-N size");
}
