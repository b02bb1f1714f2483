import { assertMatrixConsistent } from "./_check.ts";
import { fromTriplets } from "./coo.ts";
import { compactMatrix, subsampleRatings } from "./subsample.ts";
import type { RatingMatrix } from "./types.ts";

function assert(cond: unknown, msg: string): asserts cond {
  if (!cond) throw new Error(msg);
}

/** A 40 × 30 matrix with about half the cells rated; rating and time encode (user, item). */
function grid(): RatingMatrix {
  const users: number[] = [], items: number[] = [], ratings: number[] = [], times: number[] = [];
  for (let u = 0; u < 40; u++) {
    for (let i = 0; i < 30; i++) {
      if ((u * 7 + i * 3) % 5 < 3) continue;
      users.push(u);
      items.push(i);
      ratings.push(((u + i) % 10) / 2 + 0.5);
      times.push(u * 1000 + i);
    }
  }
  return fromTriplets(40, 30, users, items, ratings, times);
}

/** (user, item) → [rating, time] keyed by the time (which encodes the pair). */
function entries(m: RatingMatrix): Map<number, number> {
  const out = new Map<number, number>();
  for (let u = 0; u < m.nUsers; u++) {
    for (let e = m.userPtr[u]!; e < m.userPtr[u + 1]!; e++) {
      out.set(m.userTimes[e]!, m.userRatings[e]!);
    }
  }
  return out;
}

Deno.test("subsampleRatings keeps exactly n ratings, each one of the input with its rating", () => {
  const m = grid();
  const all = entries(m);
  for (const compact of [true, false]) {
    const s = subsampleRatings(m, 100, { seed: 3, compact });
    assertMatrixConsistent(s);
    assert(s.nnz === 100, `nnz ${s.nnz}`);
    const got = entries(s);
    assert(got.size === 100, "distinct ratings");
    for (const [time, rating] of got) {
      assert(all.get(time) === rating, `rating of entry ${time} changed or invented`);
    }
  }
});

Deno.test("subsampleRatings is deterministic per seed and differs across seeds", () => {
  const m = grid();
  const a = [...entries(subsampleRatings(m, 150, { seed: 11 })).keys()].sort();
  const b = [...entries(subsampleRatings(m, 150, { seed: 11 })).keys()].sort();
  const c = [...entries(subsampleRatings(m, 150, { seed: 12 })).keys()].sort();
  assert(a.join() === b.join(), "same seed, same subset");
  assert(a.join() !== c.join(), "another seed, another subset");
});

Deno.test("subsampleRatings compacts ids in order and keeps (user, item) pairs", () => {
  const m = grid();
  const s = subsampleRatings(m, 20, { seed: 5 });
  const full = subsampleRatings(m, 20, { seed: 5, compact: false });
  assert(full.nUsers === 40 && full.nItems === 30, "compact: false keeps the shape");
  assert(s.nUsers < 40 && s.nItems < 30, "20 ratings cannot cover 40 users and 30 items");
  for (let u = 0; u < s.nUsers; u++) assert(s.userPtr[u + 1]! > s.userPtr[u]!, `user ${u} empty`);
  for (let i = 0; i < s.nItems; i++) assert(s.itemPtr[i + 1]! > s.itemPtr[i]!, `item ${i} empty`);
  // The time encodes the original pair: user = floor(t / 1000), item = t % 1000; the renumbering must
  // be monotone, so the order of original users and items is the order of new ones.
  const origUser = new Int32Array(s.nUsers).fill(-1);
  const origItem = new Int32Array(s.nItems).fill(-1);
  for (let u = 0; u < s.nUsers; u++) {
    for (let e = s.userPtr[u]!; e < s.userPtr[u + 1]!; e++) {
      const t = s.userTimes[e]!, i = s.userItems[e]!;
      const ou = Math.floor(t / 1000), oi = t % 1000;
      assert(origUser[u] === -1 || origUser[u] === ou, `user ${u} maps to two originals`);
      assert(origItem[i] === -1 || origItem[i] === oi, `item ${i} maps to two originals`);
      origUser[u] = ou;
      origItem[i] = oi;
    }
  }
  for (let u = 1; u < s.nUsers; u++) assert(origUser[u]! > origUser[u - 1]!, "users keep order");
  for (let i = 1; i < s.nItems; i++) assert(origItem[i]! > origItem[i - 1]!, "items keep order");
});

Deno.test("subsampleRatings draws uniformly: every user's share is near n / nnz", () => {
  const m = grid();
  const counts = new Float64Array(m.nUsers);
  const runs = 200;
  for (let seed = 0; seed < runs; seed++) {
    const s = subsampleRatings(m, Math.floor(m.nnz / 2), { seed, compact: false });
    for (let u = 0; u < m.nUsers; u++) counts[u]! += s.userPtr[u + 1]! - s.userPtr[u]!;
  }
  for (let u = 0; u < m.nUsers; u++) {
    const degree = m.userPtr[u + 1]! - m.userPtr[u]!;
    const share = counts[u]! / runs / degree;
    assert(Math.abs(share - 0.5) < 0.06, `user ${u} kept ${share.toFixed(3)} of its ratings`);
  }
});

Deno.test("subsampleRatings with n ≥ nnz keeps everything; n = 0 gives an empty matrix", () => {
  const m = grid();
  const all = subsampleRatings(m, 10 * m.nnz, { seed: 1 });
  assert(all.nnz === m.nnz && all.nUsers === m.nUsers && all.nItems === m.nItems, "all kept");
  const none = subsampleRatings(m, 0, { seed: 1 });
  assertMatrixConsistent(none);
  assert(none.nnz === 0 && none.nUsers === 0 && none.nItems === 0, "empty");
});

Deno.test("subsampleRatings rejects bad n and seed with a clear message", () => {
  const m = grid();
  for (const [n, seed, text] of [[-1, 1, "n must"], [1.5, 1, "n must"], [1, -2, "seed must"]]) {
    let message = "";
    try {
      subsampleRatings(m, n as number, { seed: seed as number });
    } catch (e) {
      message = (e as Error).message;
    }
    assert(message.includes(text as string), `expected "${text}", got "${message}"`);
  }
});

Deno.test("compactMatrix drops empty users and items", () => {
  const m = fromTriplets(4, 5, [1, 3, 3], [4, 0, 4], [1, 2, 3], [7, 8, 9]);
  const c = compactMatrix(m);
  assertMatrixConsistent(c);
  assert(c.nUsers === 2 && c.nItems === 2, `shape ${c.nUsers}×${c.nItems}`);
  assert(c.userItems.join() === "1,0,1", `items ${c.userItems.join()}`);
  assert(c.userTimes.join() === "7,8,9", `times ${c.userTimes.join()}`);
});

Deno.test("subsampleRatings by user keeps whole users and stops just past n", () => {
  const m = grid();
  const degree = (x: RatingMatrix, u: number) => x.userPtr[u + 1]! - x.userPtr[u]!;
  const s = subsampleRatings(m, 100, { seed: 4, by: "user", compact: false });
  assertMatrixConsistent(s);
  let maxDegree = 0;
  for (let u = 0; u < m.nUsers; u++) {
    const kept = degree(s, u);
    assert(kept === 0 || kept === degree(m, u), `user ${u} kept ${kept} of ${degree(m, u)}`);
    if (kept > 0) maxDegree = Math.max(maxDegree, kept);
  }
  assert(s.nnz >= 100 && s.nnz < 100 + maxDegree, `nnz ${s.nnz}`);
  const again = subsampleRatings(m, 100, { seed: 4, by: "user", compact: false });
  assert(again.userPtr.join() === s.userPtr.join(), "seeded");
  const other = subsampleRatings(m, 100, { seed: 5, by: "user", compact: false });
  assert(other.userPtr.join() !== s.userPtr.join(), "another seed, other users");
  const c = subsampleRatings(m, 100, { seed: 4, by: "user" });
  assert(c.nnz === s.nnz && c.nUsers < m.nUsers, "compacted to the kept users");
  let message = "";
  try {
    subsampleRatings(m, 1, { seed: 1, by: "item" as "user" });
  } catch (e) {
    message = (e as Error).message;
  }
  assert(message.includes('by must be "rating" or "user"'), message);
});
