import { assert, assertEquals, assertRejects } from "../../tests/_assert.ts";
import { Als } from "./als.ts";
import { BiasAls } from "./bias_als.ts";
import { GlobalMean } from "./global_mean.ts";
import { crc32, decodeModelFile, encodeModelFile, MODEL_FORMAT_VERSION } from "./_model_file.ts";
import { randomRatings } from "./_test_fixtures.ts";

const m = randomRatings(25, 30, 0.3, 6);
const userIds = Uint32Array.from({ length: 25 }, (_, u) => 1000 + u * 3);
const itemIds = Uint32Array.from({ length: 30 }, (_, i) => 7 + i * 11);

async function withTempFile(fn: (path: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    await fn(`${dir}/model.rsm`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("CRC-32 check value", () => {
  assertEquals(crc32(new TextEncoder().encode("123456789")), 0xcbf43926);
  assertEquals(crc32(new Uint8Array(0)), 0);
});

Deno.test("save/load round trip: parameters, ids, hyper-parameters, history, predictions", async () => {
  const model = await Als.fit(m, { k: 5, lambda: 0.07, epochs: 3, seed: 4, userIds, itemIds });
  await withTempFile(async (path) => {
    await model.save(path);
    const back = await Als.load(path);
    assertEquals(back.state, model.state);
    assertEquals(back.userIds, userIds);
    assertEquals(back.itemIds, itemIds);
    assertEquals(back.hyper, model.hyper);
    assertEquals(back.history, model.history);
    assertEquals(back.ratingScale, model.ratingScale);
    assertEquals(back.predictIds([1003, 9], [18, 40]), model.predictIds([1003, 9], [18, 40]));
    const a = await model.recommend(2, { exclude: m });
    const b = await back.recommend(2, { exclude: m });
    assertEquals(b.movieIds, a.movieIds);
  });
  for (const fitted of [await BiasAls.fit(m, { epochs: 2 }), await GlobalMean.fit(m)]) {
    await withTempFile(async (path) => {
      await fitted.save(path);
      const back = fitted instanceof BiasAls
        ? await BiasAls.load(path)
        : await GlobalMean.load(path);
      assertEquals(back.state, fitted.state);
      assertEquals(back.kind, fitted.kind);
    });
  }
});

Deno.test("a corrupt, truncated, foreign or other-version file is a clear error", async () => {
  const model = await Als.fit(m, { k: 3, epochs: 1 });
  await withTempFile(async (path) => {
    await model.save(path);
    const good = await Deno.readFile(path);

    const flipped = good.slice();
    flipped[flipped.length - 5]! ^= 0x40; // inside the item factors
    await Deno.writeFile(path, flipped);
    await assertRejects(() => Als.load(path), Error, "checksum mismatch");

    await Deno.writeFile(path, good.subarray(0, good.length - 8));
    await assertRejects(() => Als.load(path), Error, "the header says");

    const other = good.slice();
    new DataView(other.buffer).setUint32(8, MODEL_FORMAT_VERSION + 1, true);
    await Deno.writeFile(path, other);
    await assertRejects(() => Als.load(path), Error, `format version ${MODEL_FORMAT_VERSION + 1}`);

    await Deno.writeFile(path, new TextEncoder().encode("userId,movieId,rating,timestamp\n"));
    await assertRejects(() => Als.load(path), Error, "not a recsys model file");

    await Deno.writeFile(path, good);
    await assertRejects(
      () => BiasAls.load(path),
      Error,
      'holds a "als" model, expected "bias-als"',
    );
    await assertRejects(() => Als.load(`${path}.missing`), Error, "cannot read the model file");
  });
});

Deno.test("the decoder checks array lengths against the metadata", () => {
  const bytes = encodeModelFile({ model: "demo" }, {
    a: Float32Array.of(1, 2, 3),
    b: Uint32Array.of(9),
  });
  const file = decodeModelFile(bytes, "demo.rsm");
  assertEquals(file.arrays.a, Float32Array.of(1, 2, 3));
  assertEquals(file.arrays.b, Uint32Array.of(9));
  assert(file.arrays.a instanceof Float32Array && file.arrays.b instanceof Uint32Array);
});
