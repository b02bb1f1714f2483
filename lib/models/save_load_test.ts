import {
  assert,
  assertEquals,
  assertRejects,
  assertRejectsIncluding,
  assertThrows,
} from "../../tests/_assert.ts";
import { Als } from "./als.ts";
import { BiasAls } from "./bias_als.ts";
import { GlobalMean } from "./global_mean.ts";
import {
  decodeModelFile,
  encodeModelFile,
  MODEL_FORMAT_VERSION,
  type ModelFile,
} from "./_model_file.ts";
import { BUNDLE_FORMAT_VERSION, encodeBundleBytes, resealBundle } from "../data/bundle.ts";
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

/**
 * Re-encodes the model file at `path` after `edit` changed its metadata (`formatVersion` too) or
 * arrays: the result is a valid bundle, so only the checks of the model file and of `load` can
 * refuse it.
 */
async function rewrite(path: string, edit: (file: ModelFile) => void): Promise<void> {
  const file = decodeModelFile(await Deno.readFile(path), path);
  edit(file);
  await Deno.writeFile(path, encodeBundleBytes("model", file.metadata, file.arrays));
}

/**
 * A copy of model-file `bytes` whose header JSON text was replaced by `edit(json)` (padded with
 * spaces to the same byte length), resealed (length and checksums recomputed): bytes 12..16 hold
 * the header length and the JSON starts at byte 32 (see the layout in lib/data/bundle.ts).
 */
function withJson(bytes: Uint8Array, edit: (json: string) => string): Uint8Array {
  const out = bytes.slice();
  const length = new DataView(out.buffer).getUint32(12, true);
  const json = edit(new TextDecoder().decode(out.subarray(32, 32 + length)));
  const encoded = new TextEncoder().encode(json.padEnd(length));
  assert(encoded.length === length, "the edited header must keep its byte length");
  out.set(encoded, 32);
  resealBundle(out);
  return out;
}

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

Deno.test("save creates the folder, leaves no temp file, and a failed save keeps the old file", async () => {
  const model = await GlobalMean.fit(m);
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/models/v1/mean.rsm`;
    await model.save(path);
    assertEquals([...Deno.readDirSync(`${dir}/models/v1`)].map((e) => e.name), ["mean.rsm"]);
    const before = await Deno.readFile(path);
    // A folder where the file should go: the rename fails, the temp file is cleaned up.
    await Deno.mkdir(`${dir}/models/v1/busy.rsm`);
    await assertRejects(() => model.save(`${dir}/models/v1/busy.rsm`));
    const names = [...Deno.readDirSync(`${dir}/models/v1`)].map((e) => e.name).sort();
    assertEquals(names, ["busy.rsm", "mean.rsm"]);
    assertEquals(await Deno.readFile(path), before);
    // Two saves of the same path at once: each has its own temp file; the result loads.
    await Promise.all([model.save(path), model.save(path)]);
    assertEquals((await GlobalMean.load(path)).mu, model.mu);
    // A bare file name saves in the working folder and creates nothing else.
    const cwd = Deno.cwd();
    await Deno.mkdir(`${dir}/here`);
    Deno.chdir(`${dir}/here`);
    try {
      await model.save("mean.rsm");
    } finally {
      Deno.chdir(cwd);
    }
    assertEquals([...Deno.readDirSync(`${dir}/here`)].map((e) => e.name), ["mean.rsm"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
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
    await assertRejectsIncluding(
      () => Als.load(path),
      `${path}: corrupt model file: the prefix says ${good.length} bytes, the file has`,
    );

    const other = good.slice();
    new DataView(other.buffer).setUint32(8, BUNDLE_FORMAT_VERSION + 1, true);
    await Deno.writeFile(path, other);
    await assertRejectsIncluding(
      () => Als.load(path),
      `${path}: model file in bundle format version ${BUNDLE_FORMAT_VERSION + 1}, but this code`,
    );
    await Deno.writeFile(path, good);
    await rewrite(path, (file) => void (file.metadata.formatVersion = MODEL_FORMAT_VERSION + 1));
    await assertRejectsIncluding(
      () => Als.load(path),
      `${path}: model file format version ${MODEL_FORMAT_VERSION + 1}, but this code reads`,
      "re-fit the model",
    );

    await Deno.writeFile(path, new TextEncoder().encode("userId,movieId,rating,timestamp\n"));
    await assertRejects(() => Als.load(path), Error, "not a recsys model file");

    // A file of model file format 1 (before the bundle format): magic, version 1, lengths, CRC.
    const old = new Uint8Array(64);
    old.set(new TextEncoder().encode("RSMODEL\0"), 0);
    new DataView(old.buffer).setUint32(8, 1, true);
    await Deno.writeFile(path, old);
    await assertRejectsIncluding(
      () => Als.load(path),
      `${path}: written by an older version of this library (model file format 1`,
      "re-fit the model",
    );

    // Another bundle (a ratings cache, say) is no model file.
    await Deno.writeFile(path, encodeBundleBytes("ratings-cache", {}, {}));
    await assertRejectsIncluding(
      () => Als.load(path),
      `${path}: holds a "ratings-cache" bundle, expected a model file`,
    );

    await Deno.writeFile(path, good);
    await assertRejects(
      () => BiasAls.load(path),
      Error,
      'holds a "als" model, expected "bias-als"',
    );
    await assertRejects(() => Als.load(`${path}.missing`), Error, "cannot read the model file");
  });
});

Deno.test("the decoder checks the array table against the file", () => {
  const a = Float32Array.from({ length: 20 }, (_, j) => j / 4); // 80 bytes: two 64-byte blocks
  const bytes = encodeModelFile({ model: "demo" }, { a, b: Uint32Array.of(9) });
  const file = decodeModelFile(bytes, "demo.rsm");
  assertEquals(file.arrays.a, a);
  assertEquals(file.arrays.b, Uint32Array.of(9));
  assert(file.arrays.a instanceof Float32Array && file.arrays.b instanceof Uint32Array);
  // The JSON edit itself is harmless: an unchanged copy decodes.
  assertEquals(decodeModelFile(withJson(bytes, (json) => json), "demo.rsm").arrays, file.arrays);

  const longer = withJson(bytes, (json) => json.replace('"length":20', '"length":99'));
  assertThrows(
    () => decodeModelFile(longer, "demo.rsm"),
    Error,
    'demo.rsm: corrupt model file: array "a" (99 × f32) does not fit the file',
  );
  // b's offset one alignment step later (same number of digits: the header keeps its length).
  const moved = withJson(
    bytes,
    (json) =>
      json.replace(/("name":"b"[^}]*"offset":)(\d+)/, (_, key, n) => key + (Number(n) + 64)),
  );
  assertThrows(() => decodeModelFile(moved, "demo.rsm"), Error, 'array "b" starts at byte');
  const twice = withJson(bytes, (json) => json.replace('"name":"b"', '"name":"a"'));
  assertThrows(() => decodeModelFile(twice, "demo.rsm"), Error, 'array "a" is listed twice');
  const badType = withJson(bytes, (json) => json.replace('"dtype":"u32"', '"dtype":"i64"'));
  assertThrows(
    () => decodeModelFile(badType, "demo.rsm"),
    Error,
    'demo.rsm: corrupt model file: header field "arrays[1]" should be { name: string, dtype: "u8"',
  );
  // A valid bundle dtype that no model stores.
  const signed = withJson(bytes, (json) => json.replace('"dtype":"u32"', '"dtype":"i32"'));
  assertThrows(
    () => decodeModelFile(signed, "demo.rsm"),
    Error,
    'demo.rsm: corrupt model file: array "b" is a Int32Array; a model file holds f32 and u32',
  );
  // A changed array byte, not resealed, is a checksum mismatch.
  const flipped = bytes.slice();
  flipped[flipped.length - 64]! ^= 1; // b[0]
  assertThrows(
    () => decodeModelFile(flipped, "demo.rsm"),
    Error,
    "demo.rsm: corrupt model file: checksum mismatch in the arrays",
  );
  const header = bytes.slice();
  header[40]! ^= 1;
  assertThrows(() => decodeModelFile(header, "demo.rsm"), Error, "header checksum mismatch");
});

Deno.test("metadata that is not JSON, or not a JSON object, is refused", async () => {
  const model = await Als.fit(m, { k: 3, epochs: 1 });
  await withTempFile(async (path) => {
    await model.save(path);
    const good = await Deno.readFile(path);
    await Deno.writeFile(path, withJson(good, (json) => json)); // control: the edit is harmless
    await Als.load(path);

    await Deno.writeFile(path, withJson(good, (json) => json.slice(0, -1))); // no closing brace
    await assertRejectsIncluding(
      () => Als.load(path),
      `${path}: corrupt model file: the header is not valid JSON`,
    );
    for (const [json, shown] of [["null", "null"], ["[1, 2]", "[1,2]"], ['"als"', '"als"']]) {
      await Deno.writeFile(path, withJson(good, () => json!));
      await assertRejectsIncluding(
        () => Als.load(path),
        `${path}: corrupt model file: the header should be a JSON object, got ${shown}`,
      );
    }
    // The metadata (the header's "meta") must be an object too.
    const arrays = decodeModelFile(good, path).arrays;
    for (const [meta, shown] of [[null, "null"], [[1], "[1]"]] as const) {
      await Deno.writeFile(
        path,
        encodeBundleBytes("model", meta as unknown as Record<string, unknown>, arrays),
      );
      await assertRejectsIncluding(
        () => Als.load(path),
        `${path}: corrupt model file: header field "meta" should be a JSON object, got ${shown}`,
      );
    }
  });
});

Deno.test("a ratingScale that is not [min, max] with finite min ≤ max is refused", async () => {
  const model = await BiasAls.fit(m, { epochs: 1 });
  await withTempFile(async (path) => {
    const expected = "should be [min, max]: two finite numbers with min ≤ max, got";
    for (
      const [scale, shown] of [
        [[5, 1], "[5,1]"],
        [[1], "[1]"],
        [[0.5, "5"], '[0.5,"5"]'],
        [[0.5, null], "[0.5,null]"], // what JSON makes of [0.5, NaN] or [0.5, Infinity]
        ["0.5..5", '"0.5..5"'],
        [undefined, "nothing (missing)"],
      ] as const
    ) {
      await model.save(path);
      await rewrite(path, (file) => {
        file.metadata.ratingScale = scale;
      });
      await assertRejectsIncluding(
        () => BiasAls.load(path),
        `${path}: corrupt model file: metadata field "ratingScale" ${expected} ${shown}`,
      );
    }
    await model.save(path);
    await rewrite(path, (file) => {
      file.metadata.ratingScale = [1, 3];
    });
    assertEquals((await BiasAls.load(path)).ratingScale, [1, 3]);
  });
});

Deno.test("k must be a whole number ≥ 1 for ALS and 0 for bias-only models", async () => {
  const als = await Als.fit(m, { k: 3, epochs: 1 });
  await withTempFile(async (path) => {
    // k = 0.4 with factor arrays of 25·0.4 = 10 and 30·0.4 = 12 entries: the array lengths agree
    // with it, so only the check of k itself can refuse the file.
    await als.save(path);
    await rewrite(path, (file) => {
      file.metadata.k = 0.4;
      file.arrays.userFactors = new Float32Array(10);
      file.arrays.itemFactors = new Float32Array(12);
    });
    await assertRejectsIncluding(
      () => Als.load(path),
      `${path}: corrupt model file: metadata field "k" should be a whole number in 1..1024`,
      "got 0.4",
    );
    // "3" · 25 is 75 in JavaScript, so a string k would pass the length checks too.
    for (const [k, shown] of [["3", '"3"'], [0, "0"], [undefined, "nothing (missing)"]] as const) {
      await als.save(path);
      await rewrite(path, (file) => {
        file.metadata.k = k;
        if (k === 0) file.arrays.userFactors = file.arrays.itemFactors = new Float32Array(0);
      });
      await assertRejectsIncluding(
        () => Als.load(path),
        `${path}: corrupt model file: metadata field "k" should be a whole number in 1..1024`,
        `got ${shown}`,
      );
    }
  });
  const bias = await BiasAls.fit(m, { epochs: 1 });
  await withTempFile(async (path) => {
    await bias.save(path);
    await rewrite(path, (file) => {
      file.metadata.k = 1; // with one factor per user and item, which bias-als never has
      file.arrays.userFactors = new Float32Array(25);
      file.arrays.itemFactors = new Float32Array(30);
    });
    await assertRejectsIncluding(
      () => BiasAls.load(path),
      `${path}: corrupt model file: metadata field "k" should be 0 (a bias-als model has no latent`,
      "got 1",
    );
  });
});

Deno.test("mu, counts, hyper-parameters and history of the wrong type are refused", async () => {
  const model = await Als.fit(m, { k: 2, epochs: 2 });
  const cases: [string, (file: ModelFile) => void, string][] = [
    ["mu", (f) => f.metadata.mu = "3.5", 'should be a finite number (the global mean), got "3.5"'],
    ["nUsers", (f) => f.metadata.nUsers = 25.5, "should be a whole number ≥ 0, got 25.5"],
    ["nItems", (f) => f.metadata.nItems = -30, "should be a whole number ≥ 0, got -30"],
    ["hyper", (f) => f.metadata.hyper = [0.05], "should be an object of hyper-parameters"],
    ["hyper.lambda", (f) => hyperOf(f).lambda = "0.05", 'should be a number, got "0.05"'],
    ["hyper.weighted", (f) => hyperOf(f).weighted = 1, "should be a boolean, got 1"],
    ["hyper.note", (f) => hyperOf(f).note = { a: 1 }, "should be a number, boolean or string"],
    [
      "history",
      (f) => f.metadata.history = "2 epochs",
      'should be a list of epoch records, got "2',
    ],
    ["history[1]", (f) => historyOf(f)[1]!.epoch = "2", "should be { epoch: whole number ≥ 1"],
    [
      "history[0]",
      (f) => historyOf(f)[0]!.trainRmse = "0.9",
      "should be { epoch: whole number ≥ 1, seconds: number, trainRmse?: number",
    ],
  ];
  await withTempFile(async (path) => {
    for (const [field, edit, expected] of cases) {
      await model.save(path);
      await rewrite(path, edit);
      await assertRejectsIncluding(
        () => Als.load(path),
        `${path}: corrupt model file: metadata field "${field}" ${expected}`,
      );
    }
    // JSON writes a NaN RMSE (e.g. of an empty validation matrix) as null; it reads back as NaN.
    await model.save(path);
    await rewrite(path, (f) => historyOf(f)[0]!.trainRmse = null);
    const back = await Als.load(path);
    assert(Number.isNaN(back.history[0]!.trainRmse));
    assertEquals(back.history[1], model.history[1]);
  });
});

function hyperOf(file: ModelFile): Record<string, unknown> {
  return file.metadata.hyper as Record<string, unknown>;
}

function historyOf(file: ModelFile): Record<string, unknown>[] {
  return file.metadata.history as Record<string, unknown>[];
}

Deno.test("an array whose length or type does not match the metadata is refused", async () => {
  const model = await Als.fit(m, { k: 3, epochs: 1, userIds, itemIds });
  await withTempFile(async (path) => {
    const cases: [(file: ModelFile) => void, string][] = [
      [
        (f) => f.arrays.userBias = f.arrays.userBias!.subarray(0, 24),
        'array "userBias" should be Float32Array of 25 entries (metadata nUsers 25, nItems 30, ' +
        "k 3), found Float32Array of 24",
      ],
      [
        (f) => f.arrays.itemFactors = new Float32Array(30 * 4),
        'array "itemFactors" should be Float32Array of 90 entries',
      ],
      [
        (f) => f.arrays.userIds = Float32Array.from(f.arrays.userIds!),
        'array "userIds" should be Uint32Array of 25 entries (metadata nUsers 25, nItems 30, k 3), ' +
        "found Float32Array of 25",
      ],
      [(f) => delete f.arrays.itemIds, 'array "itemIds" should be Uint32Array of 30 entries'],
      [(f) => f.metadata.nItems = 31, 'array "itemIds" should be Uint32Array of 31 entries'],
    ];
    for (const [edit, expected] of cases) {
      await model.save(path);
      await rewrite(path, edit);
      await assertRejectsIncluding(
        () => Als.load(path),
        `${path}: corrupt model file: ${expected}`,
      );
    }
  });
});

Deno.test("a non-finite parameter or a repeated id is refused (found by fuzzing)", async () => {
  const model = await Als.fit(m, { k: 3, epochs: 1, userIds, itemIds });
  await withTempFile(async (path) => {
    const cases: [(file: ModelFile) => void, string][] = [
      [
        (f) => (f.arrays.itemFactors as Float32Array)[7] = NaN,
        'array "itemFactors" holds NaN at index 7; expected finite numbers',
      ],
      [
        (f) => (f.arrays.itemBias as Float32Array)[3] = -Infinity,
        'array "itemBias" holds -Infinity at index 3',
      ],
      [
        (f) => (f.arrays.userIds as Uint32Array)[5] = userIds[2]!,
        `array "userIds" lists id ${
          userIds[2]
        } twice (at indices 2 and 5); expected each raw id once`,
      ],
    ];
    for (const [edit, expected] of cases) {
      await model.save(path);
      await rewrite(path, edit);
      await assertRejectsIncluding(
        () => Als.load(path),
        `${path}: corrupt model file: ${expected}`,
      );
    }
  });
});

Deno.test("loadModel returns the kind the file holds and refuses an unknown kind", async () => {
  const { loadModel } = await import("./load_model.ts");
  const fitted = [
    await GlobalMean.fit(m),
    await BiasAls.fit(m, { epochs: 2 }),
    await Als.fit(m, { k: 3, epochs: 2, userIds, itemIds }),
  ];
  for (const model of fitted) {
    await withTempFile(async (path) => {
      await model.save(path);
      const back = await loadModel(path);
      assertEquals(back.constructor, model.constructor);
      assert("state" in back, `${back.kind} is a rating model`);
      assertEquals(back.state, model.state);
    });
  }
  await withTempFile(async (path) => {
    await fitted[0]!.save(path);
    await rewrite(path, (file) => void (file.metadata.model = "svd++"));
    await assertRejectsIncluding(() => loadModel(path), path, '"svd++"', '"als"', '"ials"');
  });
});

Deno.test("an implicit model's non-finite parameter or repeated id is refused (found by fuzzing)", async () => {
  const { Ials } = await import("./ials.ts");
  const { Popularity } = await import("./popularity.ts");
  const ials = await Ials.fit(m, { k: 2, epochs: 1, userIds, itemIds });
  await withTempFile(async (path) => {
    await ials.save(path);
    await rewrite(path, (f) => (f.arrays.itemFactors as Float32Array)[2] = Infinity);
    await assertRejectsIncluding(
      () => Ials.load(path),
      `${path}: corrupt model file: array "itemFactors" holds Infinity at index 2`,
    );
    await Popularity.fit(m, { userIds, itemIds }).save(path);
    await rewrite(path, (f) => (f.arrays.itemIds as Uint32Array)[9] = itemIds[0]!);
    await assertRejectsIncluding(
      () => Popularity.load(path),
      `${path}: corrupt model file: array "itemIds" lists id ${
        itemIds[0]
      } twice (at indices 0 and 9)`,
    );
  });
});
