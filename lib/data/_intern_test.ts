import { assertEquals } from "../../tests/_assert.ts";
import { ByteInterner } from "./_intern.ts";

Deno.test("ByteInterner: dense ids in order of first appearance, through growth and rehashing", () => {
  const encoder = new TextEncoder();
  const words = Array.from(
    { length: 30_000 },
    (_, i) => (i % 7 === 0 ? "" : `w${i}é`).repeat(i % 3),
  );
  const text = words.join("\n");
  const bytes = encoder.encode(text);
  const pool = new ByteInterner();
  const expected = new Map<string, number>();
  let at = 0;
  for (let round = 0; round < 2; round++) {
    at = 0;
    for (const word of words) {
      const length = encoder.encode(word).length;
      const id = pool.intern(bytes, at, at + length);
      if (!expected.has(word)) expected.set(word, expected.size);
      assertEquals(id, expected.get(word), `round ${round}, "${word}"`);
      at += length + 1;
    }
  }
  assertEquals(pool.size, expected.size);
  const { strings, remap } = pool.decode();
  assertEquals(strings, [...expected.keys()]);
  assertEquals(remap, undefined);
});

Deno.test("ByteInterner: strings holding U+0000 decode one by one", () => {
  const bytes = new TextEncoder().encode("a\0b|c|a\0b|\0");
  const pool = new ByteInterner();
  const ids = [pool.intern(bytes, 0, 3), pool.intern(bytes, 4, 5), pool.intern(bytes, 6, 9)];
  ids.push(pool.intern(bytes, 10, 11), pool.intern(bytes, 10, 10));
  assertEquals(ids, [0, 1, 0, 2, 3]);
  assertEquals(pool.decode().strings, ["a\0b", "c", "\0", ""]);
});

Deno.test("ByteInterner: malformed UTF-8 that decodes alike is merged", () => {
  const bytes = new Uint8Array([0xff, 0x61, 0xfe, 0x61, 0xef, 0xbf, 0xbd, 0x61, 0x62]);
  const pool = new ByteInterner();
  const ids = [pool.intern(bytes, 0, 2), pool.intern(bytes, 8, 9), pool.intern(bytes, 2, 4)];
  ids.push(pool.intern(bytes, 4, 8));
  assertEquals(ids, [0, 1, 2, 3]);
  const { strings, remap } = pool.decode();
  assertEquals(strings, ["\uFFFDa", "b"]);
  assertEquals(Array.from(remap ?? []), [0, 1, 0, 0]);
});
