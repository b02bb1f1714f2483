/**
 * Streaming zip extraction to disk: the central directory is read from the end of the archive, then
 * each entry's compressed bytes are read in 1 MiB chunks, inflated by fflate's streaming `Inflate`
 * and written chunk by chunk, so a 1 GB member never sits in memory whole. Each member's CRC-32
 * and size are checked against the central directory.
 *
 * Supports stored (method 0) and deflated (method 8) members of single-disk, non-zip64,
 * unencrypted archives, which covers the GroupLens MovieLens zips. Anything else throws an `Error`
 * saying what was found.
 *
 * @module
 */

import { Inflate } from "../deps/fflate.ts";

const CHUNK_BYTES = 1 << 20;
const EOCD_SIGNATURE = 0x0605_4b50;
const CENTRAL_SIGNATURE = 0x0201_4b50;
const LOCAL_SIGNATURE = 0x0403_4b50;
const EOCD_BYTES = 22;
const MAX_COMMENT_BYTES = 0xffff;

/** One member of the central directory. */
interface Entry {
  name: string;
  method: number;
  flags: number;
  crc32: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

/** Slicing-by-8 tables: row 0 is the byte-wise CRC-32 table, row k advances k more zero bytes. */
const CRC_TABLES = (() => {
  const t = new Uint32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb8_8320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  for (let row = 1; row < 8; row++) {
    for (let n = 0; n < 256; n++) {
      const prev = t[(row - 1) * 256 + n]!;
      t[row * 256 + n] = (prev >>> 8) ^ t[prev & 0xff]!;
    }
  }
  return t;
})();

/**
 * Continue a CRC-32 (the zip/PNG polynomial) over `data`; start from 0. Eight bytes per step
 * (slicing-by-8), then byte by byte for the tail.
 *
 * @example
 * ```ts
 * import { crc32 } from "./_unzip.ts";
 * const c = crc32(0, new TextEncoder().encode("123456789"));
 * if (c !== 0xcbf43926) throw new Error("check value");
 * ```
 */
export function crc32(crc: number, data: Uint8Array): number {
  const t = CRC_TABLES;
  let c = ~crc >>> 0;
  const n = data.length, n8 = n - (n % 8);
  let k = 0;
  for (; k < n8; k += 8) {
    const one = c ^ (data[k]! | (data[k + 1]! << 8) | (data[k + 2]! << 16) | (data[k + 3]! << 24));
    const two = data[k + 4]! | (data[k + 5]! << 8) | (data[k + 6]! << 16) | (data[k + 7]! << 24);
    c = t[1792 + (one & 0xff)]! ^ t[1536 + ((one >>> 8) & 0xff)]! ^
      t[1280 + ((one >>> 16) & 0xff)]! ^ t[1024 + (one >>> 24)]! ^
      t[768 + (two & 0xff)]! ^ t[512 + ((two >>> 8) & 0xff)]! ^
      t[256 + ((two >>> 16) & 0xff)]! ^ t[two >>> 24]!;
  }
  for (; k < n; k++) c = t[(c ^ data[k]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

async function readAt(file: Deno.FsFile, position: number, length: number): Promise<Uint8Array> {
  const buf = new Uint8Array(length);
  await file.seek(position, Deno.SeekMode.Start);
  let got = 0;
  while (got < length) {
    const n = await file.read(buf.subarray(got));
    if (n === null) throw new Error(`unexpected end of file at byte ${position + got}`);
    got += n;
  }
  return buf;
}

function writeAllSync(file: Deno.FsFile, data: Uint8Array): void {
  let done = 0;
  while (done < data.length) done += file.writeSync(data.subarray(done));
}

function checkName(name: string): void {
  const parts = name.replace(/\/$/, "").split("/");
  if (
    name === "" || name.startsWith("/") || name.includes("\\") || name.includes("\0") ||
    /^[a-zA-Z]:/.test(name) || parts.some((p) => p === "" || p === "." || p === "..")
  ) {
    throw new Error(`unsafe or invalid member name "${name}"`);
  }
}

/** The members, and the byte offset of the central directory (where member data must end). */
async function readCentralDirectory(
  file: Deno.FsFile,
  fileBytes: number,
): Promise<{ entries: Entry[]; cdOffset: number }> {
  if (fileBytes < EOCD_BYTES) throw new Error(`${fileBytes} bytes is too short for a zip archive`);
  const tailBytes = Math.min(fileBytes, EOCD_BYTES + MAX_COMMENT_BYTES);
  const tail = await readAt(file, fileBytes - tailBytes, tailBytes);
  const tv = new DataView(tail.buffer);
  let at = -1;
  for (let p = tailBytes - EOCD_BYTES; p >= 0; p--) {
    if (tv.getUint32(p, true) === EOCD_SIGNATURE) {
      at = p;
      break;
    }
  }
  if (at < 0) {
    throw new Error("no end-of-central-directory record (not a zip archive, or truncated)");
  }
  const disk = tv.getUint16(at + 4, true), cdDisk = tv.getUint16(at + 6, true);
  const count = tv.getUint16(at + 10, true);
  const cdBytes = tv.getUint32(at + 12, true), cdOffset = tv.getUint32(at + 16, true);
  if (disk !== 0 || cdDisk !== 0) throw new Error("multi-disk zip archives are not supported");
  if (count === 0xffff || cdBytes === 0xffff_ffff || cdOffset === 0xffff_ffff) {
    throw new Error("zip64 archives are not supported");
  }
  const eocdOffset = fileBytes - tailBytes + at;
  if (cdOffset + cdBytes > eocdOffset) {
    throw new Error(
      `central directory (${cdBytes} bytes at ${cdOffset}) overlaps the end record at ${eocdOffset}`,
    );
  }
  const cd = await readAt(file, cdOffset, cdBytes);
  const v = new DataView(cd.buffer);
  const decoder = new TextDecoder("utf-8", { fatal: false });
  const entries: Entry[] = [];
  let p = 0;
  for (let k = 0; k < count; k++) {
    if (p + 46 > cdBytes || v.getUint32(p, true) !== CENTRAL_SIGNATURE) {
      throw new Error(`central directory entry ${k} is malformed`);
    }
    const nameBytes = v.getUint16(p + 28, true);
    const extraBytes = v.getUint16(p + 30, true);
    const commentBytes = v.getUint16(p + 32, true);
    if (p + 46 + nameBytes > cdBytes) throw new Error(`central directory entry ${k} is truncated`);
    const entry: Entry = {
      name: decoder.decode(cd.subarray(p + 46, p + 46 + nameBytes)),
      flags: v.getUint16(p + 8, true),
      method: v.getUint16(p + 10, true),
      crc32: v.getUint32(p + 16, true),
      compressedSize: v.getUint32(p + 20, true),
      size: v.getUint32(p + 24, true),
      localOffset: v.getUint32(p + 42, true),
    };
    if (entry.compressedSize === 0xffff_ffff || entry.size === 0xffff_ffff) {
      throw new Error(`member "${entry.name}" needs zip64, which is not supported`);
    }
    entries.push(entry);
    p += 46 + nameBytes + extraBytes + commentBytes;
  }
  return { entries, cdOffset };
}

/** Inflate (or copy) one member into `outPath`, checking size and CRC-32. */
async function extractEntry(
  zip: Deno.FsFile,
  entry: Entry,
  dataEnd: number,
  outPath: string,
): Promise<void> {
  const local = await readAt(zip, entry.localOffset, 30);
  const lv = new DataView(local.buffer);
  if (lv.getUint32(0, true) !== LOCAL_SIGNATURE) {
    throw new Error(`member "${entry.name}": no local header at byte ${entry.localOffset}`);
  }
  const start = entry.localOffset + 30 + lv.getUint16(26, true) + lv.getUint16(28, true);
  if (start + entry.compressedSize > dataEnd) {
    throw new Error(`member "${entry.name}": data runs past the central directory`);
  }
  const out = await Deno.open(outPath, { write: true, createNew: true });
  try {
    let crc = 0, written = 0;
    const sink = (data: Uint8Array) => {
      crc = crc32(crc, data);
      written += data.length;
      if (written > entry.size) {
        throw new Error(`member "${entry.name}" inflates past its stated ${entry.size} bytes`);
      }
      writeAllSync(out, data);
    };
    const inflate = entry.method === 8 ? new Inflate((data) => sink(data)) : undefined;
    let remaining = entry.compressedSize;
    let position = start;
    if (remaining === 0 && inflate !== undefined) inflate.push(new Uint8Array(0), true);
    while (remaining > 0) {
      const n = Math.min(CHUNK_BYTES, remaining);
      const chunk = await readAt(zip, position, n);
      position += n;
      remaining -= n;
      try {
        if (inflate !== undefined) inflate.push(chunk, remaining === 0);
        else sink(chunk);
      } catch (e) {
        // fflate's own errors carry a numeric code; ours (size, disk) pass through unchanged.
        if (!(e instanceof Error && "code" in e)) throw e;
        throw new Error(`member "${entry.name}": bad deflate data (${e.message})`, { cause: e });
      }
    }
    if (written !== entry.size) {
      throw new Error(`member "${entry.name}": ${written} bytes, expected ${entry.size}`);
    }
    if (crc !== entry.crc32) {
      throw new Error(
        `member "${entry.name}": CRC-32 ${hex8(crc)}, expected ${hex8(entry.crc32)}`,
      );
    }
  } finally {
    out.close();
  }
}

function hex8(x: number): string {
  return x.toString(16).padStart(8, "0");
}

/**
 * Extract every member of the zip at `zipPath` below the existing, empty folder `outDir`. Throws an
 * `Error` saying what is wrong for a damaged or unsupported archive, an unsafe member name (absolute,
 * or with a `..` segment), a CRC-32 or size mismatch. Files already written stay behind; the caller
 * extracts into a temporary folder and removes it on failure.
 *
 * @param zipPath The archive.
 * @param outDir The destination folder.
 * @returns The member file paths written, relative to `outDir` (folders excluded).
 *
 * @example
 * ```ts
 * import { extractZip } from "./_unzip.ts";
 * import { zipSync } from "../deps/fflate.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeFile(`${dir}/a.zip`, zipSync({ "x/hello.txt": new TextEncoder().encode("hi") }));
 * await Deno.mkdir(`${dir}/out`);
 * const files = await extractZip(`${dir}/a.zip`, `${dir}/out`);
 * if (files[0] !== "x/hello.txt" || (await Deno.readTextFile(`${dir}/out/x/hello.txt`)) !== "hi") {
 *   throw new Error("unexpected");
 * }
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function extractZip(zipPath: string, outDir: string): Promise<string[]> {
  const zip = await Deno.open(zipPath, { read: true });
  try {
    const { size: fileBytes } = await zip.stat();
    const { entries, cdOffset } = await readCentralDirectory(zip, fileBytes);
    const written: string[] = [];
    for (const entry of entries) {
      checkName(entry.name);
      if (entry.flags & 1) throw new Error(`member "${entry.name}" is encrypted`);
      const path = `${outDir}/${entry.name}`;
      if (entry.name.endsWith("/")) {
        await Deno.mkdir(path, { recursive: true });
        continue;
      }
      if (entry.method !== 0 && entry.method !== 8) {
        throw new Error(`member "${entry.name}" uses compression method ${entry.method}`);
      }
      await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
      await extractEntry(zip, entry, cdOffset, path);
      written.push(entry.name);
    }
    return written;
  } finally {
    zip.close();
  }
}
