import { assert, assertEquals } from "../../tests/_assert.ts";
import { readCache, writeCache } from "./_cache.ts";
import type { CachedRatings, CacheSource } from "./_cache.ts";
import { decodeBundle, encodeBundleBytes, resealBundle } from "./bundle.ts";
import { fromTriplets } from "./coo.ts";

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "cache_test_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function content(): CachedRatings {
  const ratings = fromTriplets(3, 4, [0, 0, 1, 2, 2], [0, 3, 1, 2, 3], [4, 2.5, 5, 1, 0.5], [
    10,
    11,
    12,
    13,
    14,
  ]);
  return { ratings, userIds: Uint32Array.of(7, 8, 9), itemIds: Uint32Array.of(1, 2, 30, 40) };
}

const source: CacheSource = { path: "/data/x/ratings.csv", size: 1234, mtimeMs: 5678 };

Deno.test("ratings cache: round trip, as aligned views; a changed source is a miss", async () => {
  await withDir(async (dir) => {
    const path = `${dir}/r.bin`;
    const c = content();
    await writeCache(path, source, c);
    const back = await readCache(path, source);
    assert(back !== undefined, "hit");
    assertEquals(back.userIds, c.userIds);
    assertEquals(back.itemIds, c.itemIds);
    assertEquals(back.ratings, c.ratings);
    const address = BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(back.ratings.itemUsers)));
    assertEquals(address % 64n, 0n, "arrays start on a cache line");
    for (
      const other of [{ ...source, size: 1 }, { ...source, mtimeMs: 1 }, { ...source, path: "/y" }]
    ) {
      assertEquals(await readCache(path, other), undefined, JSON.stringify(other));
    }
  });
});

Deno.test("ratings cache: damaged, inconsistent or older caches are misses; only the older gets a note", async () => {
  await withDir(async (dir) => {
    const path = `${dir}/r.bin`;
    await writeCache(path, source, content());
    const good = await Deno.readFile(path);
    const bundle = decodeBundle(good, path);
    const misses: [string, Uint8Array][] = [
      ["truncated", good.subarray(0, good.length - 64)],
      ["flipped", good.map((b, j) => j === good.length - 70 ? b ^ 1 : b)],
    ];
    // A consistent bundle whose arrays disagree with its counts (nnz one less).
    const arrays = { ...bundle.arrays, userItems: bundle.arrays.userItems!.subarray(0, 4) };
    misses.push(["short array", encodeBundleBytes("ratings-cache", bundle.meta, arrays)]);
    misses.push([
      "other layout version",
      encodeBundleBytes("ratings-cache", { ...bundle.meta, version: 1 }, bundle.arrays),
    ]);
    misses.push([
      "Float32 ids",
      encodeBundleBytes("ratings-cache", bundle.meta, {
        ...bundle.arrays,
        userIds: Float32Array.of(7, 8, 9),
      }),
    ]);
    misses.push(["a side cache", encodeBundleBytes("tags-cache", bundle.meta, bundle.arrays)]);
    const sealed = good.slice();
    sealed.set(
      new TextEncoder().encode("9"),
      32 + new TextDecoder().decode(good.subarray(32, 300)).indexOf('"nnz":') + 6,
    );
    resealBundle(sealed);
    misses.push(["nnz edited", sealed]);
    const old = new Uint8Array(256);
    old.set(new TextEncoder().encode("RSCACHE1"));
    misses.push(["ratings cache format 1", old]);
    const notes: string[] = [];
    for (const [what, bytes] of misses) {
      await Deno.writeFile(path, bytes);
      const note = (text: string) => notes.push(`${what}: ${text}`);
      assertEquals(await readCache(path, source, { note }), undefined, what);
    }
    assertEquals(notes, [
      `ratings cache format 1: note: ${path} is a ratings cache format 1, written by an older ` +
      "version; rebuilding it",
    ]);
    assertEquals(await readCache(`${dir}/none.bin`, source), undefined, "missing");
  });
});
