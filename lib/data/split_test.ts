import { assert, assertJsonEquals as assertEquals } from "../../tests/_assert.ts";
import { assertMatrixConsistent } from "./_check.ts";
import { cscFromCsr, fromTriplets } from "./coo.ts";
import {
  coldItemSplit,
  filterMatrix,
  leaveLastFractionSplit,
  leaveLastNSplit,
  randomSplit,
  type Split,
  temporalSplit,
  validationSplit,
} from "./split.ts";
import type { RatingMatrix } from "./types.ts";
import { Rng } from "../stats/rng.ts";

const SMALL = new URL("../../../shared/data/ml-latest-small", import.meta.url).pathname;

function assertThrows(fn: () => unknown, ...parts: string[]): void {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  assert(err instanceof Error, `expected an Error containing ${JSON.stringify(parts)}`);
  for (const p of parts) assert(err.message.includes(p), `error "${err.message}" lacks "${p}"`);
}

/** ml-latest-small's ratings with dense ids (raw ids in ascending order), read without the loader. */
async function loadSmall(): Promise<RatingMatrix> {
  const lines = (await Deno.readTextFile(`${SMALL}/ratings.csv`)).split("\r\n");
  assertEquals(lines[0], "userId,movieId,rating,timestamp");
  const rows = lines.slice(1).filter((l) => l !== "").map((l) => l.split(",").map(Number));
  const dense = (col: number) => {
    const ids = [...new Set(rows.map((r) => r[col]!))].sort((a, b) => a - b);
    const map = new Map(ids.map((id, k) => [id, k]));
    return { n: ids.length, idx: rows.map((r) => map.get(r[col]!)!) };
  };
  const users = dense(0), items = dense(1);
  return fromTriplets(
    users.n,
    items.n,
    users.idx,
    items.idx,
    rows.map((r) => r[2]!),
    rows.map((r) => r[3]!),
  );
}

const small = await loadSmall();

/** A random matrix with few distinct timestamps, so ties are everywhere. */
function randomMatrix(seed: number, nUsers: number, nItems: number, density: number): RatingMatrix {
  const rng = new Rng(seed);
  const us: number[] = [], is: number[] = [], rs: number[] = [], ts: number[] = [];
  for (let u = 0; u < nUsers; u++) {
    for (let i = 0; i < nItems; i++) {
      if (rng.next() < density) {
        us.push(u);
        is.push(i);
        rs.push(0.5 * (1 + rng.int(10)));
        ts.push(1_000_000 + 65_536 * rng.int(3) + rng.int(5));
      }
    }
  }
  return fromTriplets(nUsers, nItems, us, is, rs, ts);
}

/** Entry index of (u, i) in CSR, or -1. */
function find(m: RatingMatrix, u: number, i: number): number {
  let lo = m.userPtr[u]!, hi = m.userPtr[u + 1]!;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (m.userItems[mid]! < i) lo = mid + 1;
    else hi = mid;
  }
  return lo < m.userPtr[u + 1]! && m.userItems[lo] === i ? lo : -1;
}

/** Both sides well formed, same shape, and every input rating on exactly one side, unchanged. */
function assertPartition(m: RatingMatrix, s: Split): void {
  for (const side of [s.train, s.test]) {
    assertMatrixConsistent(side);
    assertEquals([side.nUsers, side.nItems], [m.nUsers, m.nItems], "shape");
  }
  assertEquals(s.train.nnz + s.test.nnz, m.nnz, "train + test");
  for (let u = 0; u < m.nUsers; u++) {
    for (let e = m.userPtr[u]!; e < m.userPtr[u + 1]!; e++) {
      const i = m.userItems[e]!;
      const a = find(s.train, u, i), b = find(s.test, u, i);
      assert(
        (a >= 0) !== (b >= 0),
        `(user ${u}, item ${i}) on ${a >= 0 ? "both" : "neither"} side`,
      );
      const [side, k] = a >= 0 ? [s.train, a] : [s.test, b];
      assert(side.userRatings[k] === m.userRatings[e], `rating of (${u}, ${i}) changed`);
      assert(side.userTimes[k] === m.userTimes[e], `time of (${u}, ${i}) changed`);
    }
  }
}

/** (user, item) keys of a matrix's entries, in CSR order. */
function keys(m: RatingMatrix): number[] {
  const out: number[] = [];
  for (let u = 0; u < m.nUsers; u++) {
    for (let e = m.userPtr[u]!; e < m.userPtr[u + 1]!; e++) {
      out.push(u * m.nItems + m.userItems[e]!);
    }
  }
  return out;
}

function sameMatrix(a: RatingMatrix, b: RatingMatrix): boolean {
  const fields = [
    "userPtr",
    "userItems",
    "userRatings",
    "userTimes",
    "itemPtr",
    "itemUsers",
    "itemRatings",
    "itemTimes",
  ] as const;
  return a.nnz === b.nnz &&
    fields.every((f) => a[f].length === b[f].length && a[f].every((v, k) => v === b[f][k]));
}

Deno.test("fromTriplets: sorted rows and columns from unordered triplets", () => {
  const m = fromTriplets(3, 4, [2, 0, 1, 0, 2], [1, 3, 1, 0, 0], [1, 2, 3, 4, 5], [
    10,
    20,
    30,
    40,
    50,
  ]);
  assertMatrixConsistent(m);
  assertEquals([...m.userPtr], [0, 2, 3, 5]);
  assertEquals([...m.userItems], [0, 3, 1, 0, 1]);
  assertEquals([...m.userRatings], [4, 2, 3, 5, 1]);
  assertEquals([...m.userTimes], [40, 20, 30, 50, 10]);
  assertEquals([...m.itemPtr], [0, 2, 4, 4, 5]);
  assertEquals([...m.itemUsers], [0, 2, 1, 2, 0]);
  assertEquals([...m.itemRatings], [4, 5, 3, 1, 2]);
  assertEquals([...m.itemTimes], [40, 50, 30, 10, 20]);
  const empty = fromTriplets(2, 3, [], [], [], []);
  assertMatrixConsistent(empty);
  assertEquals([...empty.userPtr, ...empty.itemPtr], [0, 0, 0, 0, 0, 0, 0]);
});

Deno.test("fromTriplets: bad input names the index", () => {
  assertThrows(
    () => fromTriplets(2, 2, [0, 1, 0], [1, 0, 1], [1, 2, 3], [1, 2, 3]),
    "duplicate (user 0, item 1)",
    "indices 0 and 2",
  );
  assertThrows(() => fromTriplets(2, 2, [0, 2], [0, 0], [1, 1], [1, 1]), "users[1] = 2", "0..1");
  assertThrows(() => fromTriplets(2, 2, [0, 1], [0, -1], [1, 1], [1, 1]), "items[1] = -1");
  assertThrows(() => fromTriplets(2, 2, [0, 1], [0, 0.5], [1, 1], [1, 1]), "items[1] = 0.5");
  assertThrows(() => fromTriplets(2, 2, [0, 1], [0, 1], [1, NaN], [1, 1]), "ratings[1] = NaN");
  assertThrows(() => fromTriplets(2, 2, [0, 1], [0, 1], [1, 1], [1, -5]), "times[1] = -5");
  assertThrows(
    () => fromTriplets(2, 2, [0, 1], [0], [1, 1], [1, 1]),
    "items has length 1, expected 2",
  );
  assertThrows(() => fromTriplets(-1, 2, [], [], [], []), "nUsers");
});

Deno.test("assertMatrixConsistent: catches broken matrices", () => {
  const good = fromTriplets(2, 3, [0, 0, 1], [0, 2, 2], [1, 2, 3], [4, 5, 6]);
  assertMatrixConsistent(good);
  const broken = (patch: Partial<RatingMatrix>) => ({ ...good, ...patch });
  assertThrows(
    () => assertMatrixConsistent(broken({ userPtr: Uint32Array.of(0, 2, 2) })),
    "CSR ptr[2] = 2",
  );
  assertThrows(
    () => assertMatrixConsistent(broken({ userPtr: Uint32Array.of(0, 3, 2, 3) })),
    "CSR ptr has length 4",
  );
  assertThrows(
    () => assertMatrixConsistent(broken({ userItems: Uint32Array.of(2, 0, 2) })),
    "not strictly ascending",
  );
  assertThrows(
    () => assertMatrixConsistent(broken({ userItems: Uint32Array.of(0, 3, 2) })),
    "index 3",
  );
  assertThrows(
    () => assertMatrixConsistent(broken({ itemUsers: Uint32Array.of(0, 1, 0) })),
    "not strictly ascending",
  );
  assertThrows(
    () => assertMatrixConsistent(broken({ userItems: Uint32Array.of(0, 1, 2) })),
    "missing from CSR",
  );
  assertThrows(
    () => assertMatrixConsistent(broken({ itemRatings: Float32Array.of(1, 2, 9) })),
    "rating",
  );
  assertThrows(
    () =>
      assertMatrixConsistent(
        broken({ itemTimes: Float32Array.of(4, 5, 7) as unknown as Uint32Array }),
      ),
    "time",
  );
  assertThrows(
    () => assertMatrixConsistent(broken({ userTimes: Uint32Array.of(4, 5) })),
    "userTimes has length 2",
  );
});

Deno.test("cscFromCsr: rejects a pointer array that does not match nnz", () => {
  assertThrows(
    () =>
      cscFromCsr(
        1,
        2,
        Uint32Array.of(0, 3),
        Uint32Array.of(0, 1),
        new Float32Array(2),
        new Uint32Array(2),
      ),
    "userPtr",
  );
});

Deno.test("filterMatrix: keeps exactly the flagged entries", () => {
  const m = randomMatrix(1, 30, 40, 0.3);
  const rng = new Rng(5);
  const keep = new Uint8Array(m.nnz).map(() => (rng.next() < 0.4 ? 1 + rng.int(255) : 0));
  const f = filterMatrix(m, keep);
  assertMatrixConsistent(f);
  const us: number[] = [], is: number[] = [], rs: number[] = [], ts: number[] = [];
  for (let u = 0; u < m.nUsers; u++) {
    for (let e = m.userPtr[u]!; e < m.userPtr[u + 1]!; e++) {
      if (keep[e] === 0) continue;
      us.push(u), is.push(m.userItems[e]!), rs.push(m.userRatings[e]!), ts.push(m.userTimes[e]!);
    }
  }
  assert(sameMatrix(f, fromTriplets(m.nUsers, m.nItems, us, is, rs, ts)), "filter ≠ rebuilt");
  assertEquals(filterMatrix(m, new Uint8Array(m.nnz)).nnz, 0);
  assert(sameMatrix(filterMatrix(m, new Uint8Array(m.nnz).fill(1)), m), "keep all ≠ input");
  assertThrows(() => filterMatrix(m, new Uint8Array(3)), "keep has length 3", `nnz = ${m.nnz}`);
});

Deno.test("randomSplit: partition, fraction, seeds, order independence", () => {
  const s = randomSplit(small, { seed: 42 });
  assertPartition(small, s);
  const frac = s.test.nnz / small.nnz;
  assert(Math.abs(frac - 0.1) < 0.005, `test fraction ${frac}`);
  const s30 = randomSplit(small, { testFraction: 0.3, seed: 42 });
  assert(
    Math.abs(s30.test.nnz / small.nnz - 0.3) < 0.007,
    `test fraction ${s30.test.nnz / small.nnz}`,
  );

  assert(sameMatrix(randomSplit(small, { seed: 42 }).test, s.test), "same seed, different split");
  const other = randomSplit(small, { seed: 43 }).test;
  const testKeys = new Set(keys(s.test));
  const shared = keys(other).filter((k) => testKeys.has(k)).length;
  // Independent 10% draws share about 1% of ratings; identical draws would share 10%.
  assert(shared < 0.02 * small.nnz, `seeds 42 and 43 share ${shared} test ratings`);

  // A rating's side depends only on (seed, user, item): the sub-matrix of a split is the split of
  // the sub-matrix.
  const half = new Uint8Array(small.nnz).map((_, e) => e % 2);
  const sub = filterMatrix(small, half);
  const subTest = randomSplit(sub, { seed: 42 }).test;
  assertEquals(keys(subTest), keys(sub).filter((k) => testKeys.has(k)), "sub-matrix split");

  assertEquals(randomSplit(small, { testFraction: 0, seed: 1 }).test.nnz, 0);
  assertEquals(randomSplit(small, { testFraction: 1, seed: 1 }).train.nnz, 0);
  assertThrows(() => randomSplit(small, { testFraction: 1.5, seed: 1 }), "testFraction", "1.5");
  assertThrows(() => randomSplit(small, { seed: -1 }), "seed", "-1");
  assertThrows(() => randomSplit(small, { seed: 0.5 }), "seed");
});

Deno.test("validationSplit: randomSplit of train, fresh draw even with the test seed", () => {
  const { train } = randomSplit(small, { seed: 7 });
  const v = validationSplit(train, { seed: 7 });
  assertPartition(train, { train: v.train, test: v.validation });
  const frac = v.validation.nnz / train.nnz;
  assert(Math.abs(frac - 0.1) < 0.005, `validation fraction ${frac}`);
  const v2 = validationSplit(train, { seed: 7, validationFraction: 0.2 });
  assert(Math.abs(v2.validation.nnz / train.nnz - 0.2) < 0.007, "validation fraction 0.2");
  assert(sameMatrix(validationSplit(train, { seed: 7 }).validation, v.validation), "deterministic");
  assertThrows(
    () => validationSplit(train, { seed: 7, validationFraction: -0.1 }),
    "validationFraction",
  );
});

Deno.test("temporalSplit: oldest share trains, cut-off ties in CSR order", () => {
  for (const f of [0.8, 0.5, 0.999]) {
    const s = temporalSplit(small, { trainFraction: f });
    assertPartition(small, s);
    assertEquals(s.train.nnz, Math.round(f * small.nnz), `train count at ${f}`);
    const maxTrain = s.train.userTimes.reduce((a, b) => Math.max(a, b), 0);
    const minTest = s.test.userTimes.reduce((a, b) => Math.min(a, b), Infinity);
    assert(maxTrain <= minTest, `train time ${maxTrain} after test time ${minTest}`);
  }
  assertEquals(temporalSplit(small).train.nnz, Math.round(0.8 * small.nnz), "default 0.8");
  assertEquals(temporalSplit(small, { trainFraction: 0 }).train.nnz, 0);
  assertEquals(temporalSplit(small, { trainFraction: 1 }).test.nnz, 0);

  // Against a brute-force sort by (time, user, item), on data full of ties and across the
  // 16-bit boundary the radix select works in.
  for (let seed = 0; seed < 20; seed++) {
    const m = randomMatrix(seed, 12, 15, 0.5);
    const f = (seed % 10) / 10 + 0.05;
    const s = temporalSplit(m, { trainFraction: f });
    assertPartition(m, s);
    const all: [number, number, number][] = [];
    for (let u = 0; u < m.nUsers; u++) {
      for (let e = m.userPtr[u]!; e < m.userPtr[u + 1]!; e++) {
        all.push([m.userTimes[e]!, u, m.userItems[e]!]);
      }
    }
    all.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
    const nTrain = Math.round(f * m.nnz);
    const want = all.slice(nTrain).map(([, u, i]) => u * m.nItems + i).sort((a, b) => a - b);
    assertEquals(keys(s.test), want, `seed ${seed}`);
  }
  assertThrows(() => temporalSplit(small, { trainFraction: NaN }), "trainFraction");
});

Deno.test("leaveLastNSplit: each user's n newest, ties by item, small users train only", () => {
  for (const n of [1, 3, 20]) {
    const s = leaveLastNSplit(small, { n });
    assertPartition(small, s);
    let expectedTest = 0;
    for (let u = 0; u < small.nUsers; u++) {
      const len = small.userPtr[u + 1]! - small.userPtr[u]!;
      const testLen = s.test.userPtr[u + 1]! - s.test.userPtr[u]!;
      assertEquals(testLen, len > n ? n : 0, `user ${u} with ${len} ratings, n = ${n}`);
      expectedTest += len > n ? n : 0;
      // Every test rating is newer, by (time, item), than every train rating of the user.
      let newestTrain = -1;
      for (let e = s.train.userPtr[u]!; e < s.train.userPtr[u + 1]!; e++) {
        newestTrain = Math.max(
          newestTrain,
          s.train.userTimes[e]! * 2 ** 20 + s.train.userItems[e]!,
        );
      }
      for (let e = s.test.userPtr[u]!; e < s.test.userPtr[u + 1]!; e++) {
        const key = s.test.userTimes[e]! * 2 ** 20 + s.test.userItems[e]!;
        assert(key > newestTrain, `user ${u}: test rating older than a train rating`);
      }
    }
    assertEquals(s.test.nnz, expectedTest, `n = ${n}`);
  }
  assertEquals(leaveLastNSplit(small).test.nnz, small.nUsers, "default n = 1, every user has > 1");
  assertEquals(leaveLastNSplit(small, { n: 0 }).test.nnz, 0);

  // Ties: all at the same second, so the highest item indices are the newest.
  const m = fromTriplets(2, 5, [0, 0, 0, 0, 1, 1], [0, 1, 2, 4, 3, 1], [1, 1, 1, 1, 1, 1], [
    9,
    5,
    5,
    5,
    7,
    7,
  ]);
  const s = leaveLastNSplit(m, { n: 2 });
  assertEquals(keys(s.test), [0 * 5 + 0, 0 * 5 + 4], "user 0: item 0 (time 9) and item 4 (tie)");
  assertEquals(s.test.userPtr[2]! - s.test.userPtr[1]!, 0, "user 1 has only 2 ratings");

  // Against brute force on tie-heavy random matrices.
  for (let seed = 0; seed < 20; seed++) {
    const r = randomMatrix(100 + seed, 10, 30, 0.4);
    const n = 1 + (seed % 6);
    const got = leaveLastNSplit(r, { n });
    assertPartition(r, got);
    const want: number[] = [];
    for (let u = 0; u < r.nUsers; u++) {
      const row: [number, number][] = [];
      for (let e = r.userPtr[u]!; e < r.userPtr[u + 1]!; e++) {
        row.push([r.userTimes[e]!, r.userItems[e]!]);
      }
      if (row.length <= n) continue;
      row.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      want.push(...row.slice(row.length - n).map(([, i]) => u * r.nItems + i));
    }
    assertEquals(keys(got.test), want.sort((a, b) => a - b), `seed ${seed}`);
  }
  assertThrows(() => leaveLastNSplit(small, { n: 1.5 }), "n must be", "1.5");
});

Deno.test("leaveLastFractionSplit: each user's newest share, at least min, never all", () => {
  for (const [fraction, min] of [[0.2, 1], [0.5, 0], [0, 2]] as const) {
    for (let seed = 0; seed < 10; seed++) {
      const r = randomMatrix(200 + seed, 12, 30, 0.4);
      const got = leaveLastFractionSplit(r, { fraction, min });
      assertPartition(r, got);
      const want: number[] = [];
      for (let u = 0; u < r.nUsers; u++) {
        const row: [number, number][] = [];
        for (let e = r.userPtr[u]!; e < r.userPtr[u + 1]!; e++) {
          row.push([r.userTimes[e]!, r.userItems[e]!]);
        }
        // By hand: round(fraction × n), raised to min, lowered to n − 1.
        const held = Math.min(row.length - 1, Math.max(min, Math.round(fraction * row.length)));
        if (held <= 0) continue;
        row.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
        want.push(...row.slice(row.length - held).map(([, i]) => u * r.nItems + i));
        const kept = got.train.userPtr[u + 1]! - got.train.userPtr[u]!;
        assert(kept >= 1, `user ${u} kept a training rating`);
      }
      assertEquals(keys(got.test), want.sort((a, b) => a - b), `seed ${seed}`);
    }
  }
  // Ten ratings → two held out (20 %); three → one (round(0.6) = 1); one → none.
  const m = fromTriplets(
    3,
    10,
    [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 2],
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 0],
    new Array(14).fill(1),
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 30, 10, 20, 0],
  );
  const s = leaveLastFractionSplit(m);
  assertEquals(keys(s.test), [8, 9, 10 + 0]);
  assertThrows(() => leaveLastFractionSplit(m, { fraction: 1 }), "fraction must be", "[0, 1)");
  assertThrows(() => leaveLastFractionSplit(m, { min: -1 }), "min must be", "-1");
});

Deno.test("coldItemSplit: whole items held out, seeded", () => {
  const s = coldItemSplit(small, { seed: 11 });
  assertPartition(small, s);
  let rated = 0;
  for (let i = 0; i < small.nItems; i++) if (small.itemPtr[i + 1]! > small.itemPtr[i]!) rated++;
  assertEquals(s.coldItems.length, Math.round(0.1 * rated), "cold count");
  const cold = new Set(s.coldItems);
  for (let k = 1; k < s.coldItems.length; k++) {
    assert(s.coldItems[k - 1]! < s.coldItems[k]!, "ascending");
  }
  for (let i = 0; i < small.nItems; i++) {
    const all = small.itemPtr[i + 1]! - small.itemPtr[i]!;
    const inTrain = s.train.itemPtr[i + 1]! - s.train.itemPtr[i]!;
    const inTest = s.test.itemPtr[i + 1]! - s.test.itemPtr[i]!;
    if (cold.has(i)) {
      assert(all > 0, `cold item ${i} has no ratings`);
      assertEquals([inTrain, inTest], [0, all], `cold item ${i}`);
    } else assertEquals([inTrain, inTest], [all, 0], `warm item ${i}`);
  }
  assertEquals(
    [...coldItemSplit(small, { seed: 11 }).coldItems],
    [...s.coldItems],
    "deterministic",
  );
  const other = coldItemSplit(small, { seed: 12 }).coldItems;
  const overlap = [...other].filter((i) => cold.has(i)).length;
  assert(overlap < 0.3 * other.length, `seeds 11 and 12 share ${overlap} of ${other.length} items`);

  // Items nobody rated are never drawn.
  const sparse = fromTriplets(2, 6, [0, 1, 1], [1, 1, 4], [3, 4, 5], [1, 2, 3]);
  assertEquals([...coldItemSplit(sparse, { itemFraction: 1, seed: 0 }).coldItems], [1, 4]);
  assertEquals(coldItemSplit(sparse, { itemFraction: 0, seed: 0 }).test.nnz, 0);
  assertThrows(() => coldItemSplit(small, { itemFraction: 2, seed: 0 }), "itemFraction");
});
