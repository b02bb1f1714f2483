import { assert, assertEquals, assertRejectsIncluding } from "../../tests/_assert.ts";
import { fromTriplets } from "../data/coo.ts";
import { Bpr } from "./bpr.ts";
import { Ials } from "./ials.ts";
import { loadModel, MODEL_KINDS } from "./load_model.ts";
import { Popularity } from "./popularity.ts";
import { decodeModelFile, encodeModelFile } from "./_model_file.ts";

// Six users, five items: users 0–2 like items 0–2, users 3–5 items 2–4.
const users = [0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5];
const items = [0, 1, 1, 2, 0, 2, 2, 3, 3, 4, 2, 4];
const train = fromTriplets(6, 5, users, items, users.map(() => 1), users.map(() => 0));
const ids = {
  userIds: Uint32Array.from({ length: 6 }, (_, u) => 100 + u),
  itemIds: Uint32Array.from({ length: 5 }, (_, i) => 7 + 3 * i),
};

async function inTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("loadModel reads every implicit kind back as its class, with the same lists", async () => {
  const fitted = [
    Popularity.fit(train, ids),
    await Bpr.fit(train, { ...ids, k: 3, epochs: 4, threads: 1, seed: 2 }),
    await Ials.fit(train, { ...ids, k: 3, epochs: 3, lambda: 0.5, alpha: 4 }),
  ];
  await inTempDir(async (dir) => {
    for (const model of fitted) {
      const path = `${dir}/${model.kind}.rsm`;
      await model.save(path);
      const back = await loadModel(path);
      assertEquals(back.constructor, model.constructor);
      assertEquals(back.kind, model.kind);
      assert(MODEL_KINDS.includes(back.kind), `${back.kind} is listed in MODEL_KINDS`);
      if (!("itemFactors" in back)) throw new Error(`${model.kind} came back as a rating model`);
      assertEquals(back.k, model.k);
      assertEquals(back.itemFactors, model.itemFactors);
      assertEquals(back.itemBias, model.itemBias);
      assertEquals(back.userIds, ids.userIds);
      assertEquals(back.hyper, model.hyper);
      const all = [0, 1, 2, 3, 4, 5];
      const [a, b] = [
        await model.recommendBatch(all, { n: 2, exclude: train }),
        await back.recommendBatch(all, { n: 2, exclude: train }),
      ];
      assertEquals(b.items, a.items);
    }
  });
});

Deno.test("loadModel: a corrupt implicit file is refused naming the file and the array", async () => {
  await inTempDir(async (dir) => {
    const path = `${dir}/bpr.rsm`;
    await (await Bpr.fit(train, { ...ids, k: 2, epochs: 1, threads: 1 })).save(path);
    const file = decodeModelFile(await Deno.readFile(path), path);
    file.arrays.itemBias = new Float32Array(4); // one entry short
    await Deno.writeFile(path, encodeModelFile(file.metadata, file.arrays));
    await assertRejectsIncluding(() => loadModel(path), path, '"itemBias"', "Float32Array of 5");
  });
});
