import { assert, assertEquals, assertRejects, assertThrows } from "../../tests/_assert.ts";
import { fromTriplets } from "../data/coo.ts";
import { implicitPositives } from "../data/implicit.ts";
import { leaveLastFractionSplit } from "../data/split.ts";
import type { RatingMatrix } from "../data/types.ts";
import { bprEpoch, ialsEpoch } from "../ffi/kernels.ts";
import { rankingMetrics } from "../metrics/ranking.ts";
import { Rng } from "../stats/rng.ts";
import { Bpr } from "./bpr.ts";
import { Ials } from "./ials.ts";
import { Popularity } from "./popularity.ts";
import { writeModelFile } from "./_model_file.ts";

/**
 * Two taste groups over 120 items: users in group g watch mostly items of group g (items i with
 * i % 2 === g), more popular ones more often; every positive has value 1 and a time.
 */
function clustered(nUsers: number, nItems: number, seed: number): RatingMatrix {
  const rng = new Rng(seed);
  const users: number[] = [], items: number[] = [], times: number[] = [];
  for (let u = 0; u < nUsers; u++) {
    const group = u % 2;
    for (let i = 0; i < nItems; i++) {
      const inGroup = i % 2 === group;
      const p = (inGroup ? 0.5 : 0.03) * (1 - i / (2 * nItems));
      if (rng.next() < p) {
        users.push(u);
        items.push(i);
        times.push(Math.floor(rng.next() * 1000));
      }
    }
  }
  return fromTriplets(nUsers, nItems, users, items, users.map(() => 1), times);
}

const data = clustered(200, 120, 7);
const { train, test } = leaveLastFractionSplit(data);

async function ndcgAt10(model: Popularity | Ials | Bpr): Promise<number> {
  const users = Array.from({ length: test.nUsers }, (_, u) => u);
  const batch = await model.recommendBatch(users, { n: 10, exclude: train });
  return rankingMetrics(batch, test, { threshold: 0 }).ndcg;
}

Deno.test("Popularity: counts, recommendations skip seen items, save/load round trip", async () => {
  const model = Popularity.fit(train);
  for (let i = 0; i < train.nItems; i++) {
    assertEquals(model.itemBias[i], train.itemPtr[i + 1]! - train.itemPtr[i]!);
  }
  const rec = await model.recommend(3, { n: 20, exclude: train });
  const seen = new Set(train.userItems.subarray(train.userPtr[3]!, train.userPtr[4]!));
  assert(rec.items.every((i) => !seen.has(i)), "no seen item");
  for (let j = 1; j < rec.scores.length; j++) assert(rec.scores[j - 1]! >= rec.scores[j]!);
  const dir = await Deno.makeTempDir();
  try {
    await model.save(`${dir}/p.rsm`);
    const back = await Popularity.load(`${dir}/p.rsm`);
    assertEquals(Array.from(back.itemBias), Array.from(model.itemBias));
    await assertRejects(() => Ials.load(`${dir}/p.rsm`), Error, 'holds a "popularity" model');
    // A file whose arrays do not match its metadata is refused, naming the array.
    await writeModelFile(`${dir}/bad.rsm`, { model: "ials", k: 2, nUsers: 1, nItems: 1 }, {
      userIds: Uint32Array.of(1),
      itemIds: Uint32Array.of(1),
      itemBias: new Float32Array(1),
      userFactors: new Float32Array(1),
      itemFactors: new Float32Array(2),
    });
    await assertRejects(() => Ials.load(`${dir}/bad.rsm`), Error, 'array "userFactors"');
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("implicit models refuse explicit values that are not positive", () => {
  const m = fromTriplets(1, 2, [0, 0], [0, 1], [1, 0], [0, 0]);
  assertThrows(() => Popularity.fit(m), RangeError, "positive finite values");
  const positives = implicitPositives(fromTriplets(1, 2, [0, 0], [0, 1], [5, 2], [0, 0]));
  assertEquals(Popularity.fit(positives).itemBias.join(), "1,0");
});

Deno.test("iALS: CG close to Cholesky, same numbers for any thread count, beats popularity", async () => {
  const options = { k: 8, lambda: 1, alpha: 5, epochs: 8, seed: 2 } as const;
  const exact = await Ials.fit(train, { ...options, solver: "cholesky", threads: 1 });
  const exact2 = await Ials.fit(train, { ...options, solver: "cholesky", threads: 3 });
  assertEquals(exact.itemFactors.join(), exact2.itemFactors.join(), "thread count");
  const cg = await Ials.fit(train, { ...options, solver: "cg", cgSteps: 3 });
  const [pop, ndcgExact, ndcgCg] = await Promise.all(
    [Popularity.fit(train), exact, cg].map(ndcgAt10),
  );
  assert(ndcgExact! > pop! + 0.05, `iALS ${ndcgExact} vs popularity ${pop}`);
  assert(Math.abs(ndcgCg! - ndcgExact!) < 0.03, `CG ${ndcgCg} vs Cholesky ${ndcgExact}`);
  const dir = await Deno.makeTempDir();
  try {
    await cg.save(`${dir}/i.rsm`);
    const back = await Ials.load(`${dir}/i.rsm`);
    assertEquals(back.scoreUser(5).join(), cg.scoreUser(5).join());
    assertEquals(back.hyper.solver, "cg");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("iALS: validation NDCG per epoch, log confidence, bad options named", async () => {
  const model = await Ials.fit(train, { k: 4, epochs: 3, validation: test, confidence: "log" });
  assertEquals(model.history.length, 3);
  assert(model.history.every((r) => r.validationNdcg! > 0 && r.validationRecall! > 0));
  await assertRejects(() => Ials.fit(train, { k: 0 }), RangeError, "k must be");
  await assertRejects(() => Ials.fit(train, { lambda: 0, epochs: 1 }), RangeError, "lambda");
  await assertRejects(() => Ials.fit(train, { cgSteps: 0, epochs: 1 }), RangeError, "cgSteps");
  const state = {
    k: 2,
    mu: 0,
    userFactors: new Float32Array(2),
    itemFactors: new Float32Array(2),
    userBias: new Float32Array(1),
    itemBias: new Float32Array(1),
  };
  await assertRejects(
    () => ialsEpoch(train, state, { lambda: 1, alpha: 1, solver: "cg" }),
    RangeError,
    "the model has 1 users",
  );
});

Deno.test("BPR: reproducible with one thread, training AUC rises, beats popularity", async () => {
  const options = { k: 8, epochs: 40, learningRate: 0.1, lambda: 0.01, seed: 4 } as const;
  const a = await Bpr.fit(train, { ...options, threads: 1 });
  const b = await Bpr.fit(train, { ...options, threads: 1 });
  assertEquals(a.itemFactors.join(), b.itemFactors.join());
  assertEquals(a.itemBias.join(), b.itemBias.join());
  const aucs = a.history.map((r) => r.trainAuc!);
  assert(aucs[0]! < aucs.at(-1)! && aucs.at(-1)! > 0.8, `training AUC ${aucs[0]} → ${aucs.at(-1)}`);
  const hogwild = await Bpr.fit(train, { ...options, threads: 2 });
  const [pop, one, two] = await Promise.all([Popularity.fit(train), a, hogwild].map(ndcgAt10));
  assert(one! > pop! + 0.05 && two! > pop! + 0.05, `BPR ${one}/${two} vs popularity ${pop}`);
  const dir = await Deno.makeTempDir();
  try {
    await a.save(`${dir}/b.rsm`);
    const back = await Bpr.load(`${dir}/b.rsm`);
    assertEquals(back.scoreUser(1).join(), a.scoreUser(1).join());
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("bprEpoch: counts, skipped users with every item, options checked", async () => {
  // User 0 has both items: no negative exists, every triple of user 0 is skipped.
  const m = fromTriplets(1, 2, [0, 0], [0, 1], [1, 1], [0, 0]);
  const model = {
    k: 2,
    mu: 0,
    userFactors: new Float32Array(2).fill(0.1),
    itemFactors: new Float32Array(4).fill(0.1),
    userBias: new Float32Array(1),
    itemBias: new Float32Array(2),
  };
  const r = await bprEpoch(m, model, {
    learningRate: 0.1,
    lambda: 0,
    lambdaBias: 0,
    seed: 1,
    epoch: 0,
    samples: 50,
    threads: 1,
  });
  assertEquals(r, { samples: 50, correct: 0, skipped: 50 });
  const unverified = await bprEpoch(m, model, {
    learningRate: 0.1,
    lambda: 0,
    lambdaBias: 0,
    seed: 1,
    epoch: 0,
    samples: 50,
    verify: false,
    threads: 1,
  });
  assertEquals(unverified.skipped, 0, "without the check any item is taken");
  await assertRejects(
    () => bprEpoch(m, model, { learningRate: 0, lambda: 0, lambdaBias: 0, seed: 1, epoch: 0 }),
    RangeError,
    "learningRate",
  );
});

Deno.test("explicit ALS with CG rows: close to the exact solver's RMSE, same for any thread count", async () => {
  const { planted } = await import("./_test_fixtures.ts");
  const { Als } = await import("./als.ts");
  const p = planted({ nUsers: 150, nItems: 90, k: 3, observed: 0.3, seed: 6 });
  const options = { k: 8, lambda: 0.5, lambdaBias: 0.5, weighted: false, epochs: 12, seed: 1 };
  const exact = await Als.fit(p.train, options);
  const cg1 = await Als.fit(p.train, { ...options, solver: "cg", cgSteps: 3, threads: 1 });
  const cg3 = await Als.fit(p.train, { ...options, solver: "cg", cgSteps: 3, threads: 3 });
  assertEquals(cg1.itemFactors.join(), cg3.itemFactors.join());
  const [e, c] = [await exact.evaluate(p.test), await cg1.evaluate(p.test)];
  assert(Math.abs(c.rmse - e.rmse) < 0.02 * e.rmse, `CG ${c.rmse} vs exact ${e.rmse}`);
  assertEquals(cg1.hyper.solver, "cg");
  await assertRejects(
    // deno-lint-ignore no-explicit-any
    () => Als.fit(p.train, { ...options, solver: "lu" as any }),
    RangeError,
    "solver must be",
  );
});
