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

Deno.test("ByteInterner: bytes that are not UTF-8 decode as Latin-1, never as U+FFFD", () => {
  // ÿa and þa in Latin-1, a real U+FFFD in UTF-8 (EF BF BD), and b.
  const bytes = new Uint8Array([0xff, 0x61, 0xfe, 0x61, 0xef, 0xbf, 0xbd, 0x61, 0x62]);
  const pool = new ByteInterner();
  const ids = [pool.intern(bytes, 0, 2), pool.intern(bytes, 8, 9), pool.intern(bytes, 2, 4)];
  ids.push(pool.intern(bytes, 4, 8));
  assertEquals(ids, [0, 1, 2, 3]);
  const { strings, remap } = pool.decode();
  assertEquals(strings, ["\u00ffa", "b", "\u00fea", "\uFFFDa"]);
  assertEquals(remap, undefined);
});

Deno.test("ByteInterner: a Latin-1 string equal to a UTF-8 one is merged into it", () => {
  const encoder = new TextEncoder();
  // "Café" in UTF-8, "x", "Café" in Latin-1 (E9), "y\0" (decoded one by one), "Café" again.
  const bytes = new Uint8Array([
    ...encoder.encode("Café|x|Caf"),
    0xe9,
    ...encoder.encode("|y\0"),
  ]);
  const pool = new ByteInterner();
  const ids = [pool.intern(bytes, 0, 5), pool.intern(bytes, 6, 7), pool.intern(bytes, 8, 12)];
  ids.push(pool.intern(bytes, 13, 15), pool.intern(bytes, 8, 12));
  assertEquals(ids, [0, 1, 2, 3, 2]);
  const { strings, remap } = pool.decode();
  assertEquals(strings, ["Café", "x", "y\0"]);
  assertEquals(Array.from(remap ?? []), [0, 1, 0, 2]);
});
