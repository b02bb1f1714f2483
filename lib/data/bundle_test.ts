import { assert, assertEquals, assertRejects, assertThrows } from "../../tests/_assert.ts";
import {
  BUNDLE_ALIGN,
  BUNDLE_FORMAT_VERSION,
  BundleError,
  decodeBundle,
  encodeBundleBytes,
  readBundle,
  resealBundle,
  writeBundle,
} from "./bundle.ts";
import { crc32 } from "node:zlib";

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "bundle_test_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const address = (a: ArrayBufferView) =>
  Number(BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(a as BufferSource))));

const sample = () => ({
  bytes: Uint8Array.of(1, 2, 3),
  halves: Uint16Array.of(65535, 0, 7),
  ids: Uint32Array.of(4294967295, 1),
  signed: Int32Array.of(-5, 5),
  floats: Float32Array.of(0.5, -1e30, Math.fround(Math.PI)),
  doubles: Float64Array.of(Math.PI, -0),
  empty: new Float32Array(0),
  big: Float32Array.from({ length: 5000 }, (_, j) => j * 0.25),
});

Deno.test("bundle: every dtype round-trips, as 64-byte-aligned views of one buffer", async () => {
  await withDir(async (dir) => {
    const arrays = sample();
    const meta = { note: "ünï", nested: { list: [1, null, "x"] } };
    await writeBundle(`${dir}/b.bin`, "demo", meta, arrays);
    const back = await readBundle(`${dir}/b.bin`, { kind: "demo" });
    assertEquals(back.kind, "demo");
    assertEquals(back.meta, meta);
    assertEquals(Object.keys(back.arrays), Object.keys(arrays));
    const buffers = new Set<ArrayBufferLike>();
    for (const [name, array] of Object.entries(arrays)) {
      const got = back.arrays[name]!;
      assertEquals(got.constructor, array.constructor, name);
      assertEquals(Array.from(got), Array.from(array), name);
      if (got.length > 0) assertEquals(address(got) % BUNDLE_ALIGN, 0, `${name} aligned in memory`);
      buffers.add(got.buffer);
    }
    assertEquals(buffers.size, 1, "views of one buffer, not copies");
    const bytes = await Deno.readFile(`${dir}/b.bin`);
    assertEquals(bytes.length % BUNDLE_ALIGN, 0);
    for (const entry of back.entries) assertEquals(entry.offset % BUNDLE_ALIGN, 0, entry.name);
    // The bytes in memory and the bytes written agree with the sync decoder.
    assertEquals(decodeBundle(bytes, "b.bin").meta, meta);
  });
});

Deno.test("bundle: the prefix holds magic, version, lengths and two CRC-32s", () => {
  const bytes = encodeBundleBytes("demo", { a: 1 }, { x: Uint32Array.of(9) });
  const view = new DataView(bytes.buffer);
  assertEquals(new TextDecoder().decode(bytes.subarray(0, 8)), "RSBUNDLE");
  assertEquals(view.getUint32(8, true), BUNDLE_FORMAT_VERSION);
  const headerLength = view.getUint32(12, true);
  assertEquals(Number(view.getBigUint64(16, true)), bytes.length);
  const header = bytes.subarray(32, 32 + headerLength);
  assertEquals(view.getUint32(24, true), crc32(header));
  const parsed = JSON.parse(new TextDecoder().decode(header));
  assertEquals(parsed, {
    kind: "demo",
    meta: { a: 1 },
    arrays: [{ name: "x", dtype: "u32", length: 1, offset: 128 }],
  });
  assertEquals(view.getUint32(28, true), crc32(bytes.subarray(128)));
  assertEquals(bytes.length, 192);
  // A misaligned copy of the bytes still decodes (the arrays are then copied).
  const shifted = new Uint8Array(bytes.length + 1).subarray(1);
  shifted.set(bytes);
  assertEquals(decodeBundle(shifted, "s.bin").arrays.x, Uint32Array.of(9));
});

Deno.test("bundle: every kind of damage is a BundleError naming the file and the check", async () => {
  await withDir(async (dir) => {
    const path = `${dir}/d.bin`;
    const good = encodeBundleBytes("demo", { k: 1 }, sample());
    const cases: [string, Uint8Array, BundleError["reason"], string][] = [
      ["empty", new Uint8Array(0), "foreign", "not a recsys bundle (expected the 8-byte magic"],
      ["csv", new TextEncoder().encode("userId,movieId\n"), "foreign", 'magic "RSBUNDLE"'],
      ["prefix only", good.subarray(0, 20), "corrupt", "shorter than the 32-byte prefix"],
      ["truncated", good.subarray(0, good.length - 1), "corrupt", "the prefix says"],
      ["appended", Uint8Array.from([...good, 0]), "corrupt", "(truncated or appended to)"],
    ];
    const version = good.slice();
    new DataView(version.buffer).setUint32(8, 2, true);
    cases.push(["version", version, "version", "bundle format version 2, but this code reads"]);
    const header = good.slice();
    header[40]! ^= 4;
    cases.push(["header byte", header, "corrupt", "header checksum mismatch"]);
    const array = good.slice();
    array[array.length - 100]! ^= 4;
    cases.push(["array byte", array, "corrupt", "checksum mismatch in the arrays"]);
    const padding = good.slice();
    padding[padding.length - 1]! ^= 4; // the zero padding after the last array counts too
    cases.push(["padding byte", padding, "corrupt", "checksum mismatch in the arrays"]);
    const long = good.slice();
    new DataView(long.buffer).setUint32(12, good.length, true);
    cases.push(["header length", long, "corrupt", "runs past the end of the file"]);
    for (const [what, bytes, reason, text] of cases) {
      await Deno.writeFile(path, bytes);
      for (
        const attempt of [
          () => readBundle(path),
          () => Promise.resolve().then(() => decodeBundle(bytes, path)),
        ]
      ) {
        const error = await assertRejects(attempt, BundleError);
        assertEquals(error.reason, reason, what);
        assert(error.message.startsWith(`${path}: `), `${what}: ${error.message}`);
        assert(error.message.includes(text), `${what}: ${error.message}`);
      }
    }
    await Deno.writeFile(path, good);
    const kind = await assertRejects(() => readBundle(path, { kind: "model" }), BundleError);
    assertEquals(kind.reason, "kind");
    assertEquals(kind.message, `${path}: holds a "demo" bundle, expected a bundle (kind "model")`);
    const missing = await assertRejects(() => readBundle(`${dir}/none.bin`), BundleError);
    assertEquals(missing.reason, "unreadable");
    assertEquals(missing.message, `${dir}/none.bin: cannot read the bundle`);
    const folder = await assertRejects(() => readBundle(dir, { label: "cache" }), BundleError);
    assertEquals(folder.message, `${dir}: cannot read the cache`);
  });
});

Deno.test("bundle: an older container's magic is reported for the layer to name", () => {
  for (const magic of ["RSCACHE1", "RSSIDE01", "RSMODEL\0"]) {
    const bytes = new Uint8Array(64);
    bytes.set(new TextEncoder().encode(magic));
    const error = assertThrows(() => decodeBundle(bytes, "old.bin"), BundleError);
    assertEquals([error.reason, error.magic], ["foreign", magic]);
  }
});

Deno.test("bundle: a resealed header is judged by the table checks", () => {
  const good = encodeBundleBytes("demo", {}, { a: new Uint8Array(100), b: Uint8Array.of(2) });
  const edit = (from: string, to: string) => {
    const bytes = good.slice();
    const length = new DataView(bytes.buffer).getUint32(12, true);
    const json = new TextDecoder().decode(bytes.subarray(32, 32 + length));
    assert(json.includes(from), `${from} in ${json}`);
    const edited = new TextEncoder().encode(json.replace(from, to).padEnd(length));
    assertEquals(edited.length, length, "the edit keeps the header's length");
    bytes.set(edited, 32);
    resealBundle(bytes);
    return () => decodeBundle(bytes, "t.bin");
  };
  assertEquals(edit('"a"', '"a"')().arrays.b, Uint8Array.of(2), "control: the edit is harmless");
  const cases: [string, string, string][] = [
    ['"name":"b"', '"name":"a"', 'array "a" is listed twice'],
    [
      '"length":100,"offset":192',
      '"length":100,"offset":128',
      'array "a" starts at byte 128, expected 192',
    ],
    ['"length":100', '"length":9e9', "does not fit the file"],
    ['"dtype":"u8"', '"dtype":"i8"', 'header field "arrays[0]" should be'],
    ['"kind":"demo"', '"kind":12345', 'header field "kind" should be a string'],
    ['"meta":{}', '"meta":[]', 'header field "meta" should be a JSON object'],
    ['"arrays":[', '"arrays":{', "is not valid JSON"],
  ];
  for (const [from, to, text] of cases) {
    const error = assertThrows(edit(from, to), BundleError, text);
    assertEquals(error.reason, "corrupt", text);
  }
  // One array fewer in the table: the file has bytes the table does not account for.
  const dropped = good.slice();
  const length = new DataView(dropped.buffer).getUint32(12, true);
  const json = JSON.parse(new TextDecoder().decode(dropped.subarray(32, 32 + length)));
  json.arrays.pop();
  dropped.set(new TextEncoder().encode(JSON.stringify(json).padEnd(length)), 32);
  resealBundle(dropped);
  assertThrows(
    () => decodeBundle(dropped, "t.bin"),
    BundleError,
    "the arrays the header lists end",
  );
});

Deno.test("bundle: a large file is summed chunk by chunk as it is read", async () => {
  await withDir(async (dir) => {
    // 3 × 8 MiB + a bit: more than one read chunk, a chunk boundary inside an array.
    const big = new Uint32Array(((24 << 20) + 4096) / 4).map((_, j) => Math.imul(j, 2654435761));
    await writeBundle(`${dir}/big.bin`, "big", {}, { small: Uint8Array.of(7), big });
    const back = await readBundle(`${dir}/big.bin`);
    assertEquals(back.arrays.big?.length, big.length);
    assert((back.arrays.big as Uint32Array).every((v, j) => v === big[j]), "same values");
    // A flipped bit in the last chunk is found.
    const file = await Deno.open(`${dir}/big.bin`, { read: true, write: true });
    await file.seek(-70, Deno.SeekMode.End);
    await file.write(Uint8Array.of(0xaa));
    file.close();
    await assertRejects(() => readBundle(`${dir}/big.bin`), BundleError, "checksum mismatch");
  });
});

Deno.test("bundle: what the writer refuses", () => {
  assertThrows(
    () => encodeBundleBytes("x", {}, { a: new BigInt64Array(1) as unknown as Uint8Array }),
    TypeError,
    "cannot store a [object BigInt64Array]",
  );
  assertThrows(
    () => encodeBundleBytes("x", { text: "y".repeat((1 << 26) + 1) }, {}),
    RangeError,
    "the header would be",
  );
});
