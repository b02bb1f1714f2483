/**
 * Private helper of the binary caches: writes byte chunks to a file atomically (a temp file
 * beside it, synced, then renamed over it), so a reader sees the old file or the new one and an
 * interrupted write leaves nothing that loads. The temp file is removed on failure.
 *
 * @module
 */
import { dirname } from "node:path";

async function writeFull(file: Deno.FsFile, bytes: Uint8Array): Promise<void> {
  let off = 0;
  while (off < bytes.length) off += await file.write(bytes.subarray(off));
}

/** Writes `chunks`, in order, to `path` through a temp file and a rename; creates the folder. */
export async function writeChunksAtomic(
  path: string,
  chunks: Iterable<Uint8Array>,
): Promise<void> {
  await Deno.mkdir(dirname(path), { recursive: true });
  // Unique per call, so two writers of the same path never share a temp file.
  const tmp = `${path}.tmp-${Deno.pid}-${crypto.randomUUID()}`;
  const file = await Deno.open(tmp, { write: true, create: true, truncate: true });
  try {
    for (const chunk of chunks) await writeFull(file, chunk);
    await file.syncData();
    file.close();
    await Deno.rename(tmp, path);
  } catch (error) {
    try {
      file.close();
    } catch { /* already closed */ }
    await Deno.remove(tmp).catch(() => {});
    throw error;
  }
}

/** The bytes of a typed array followed by zero padding to a multiple of 8. */
export function* padded8(array: ArrayBufferView): Iterable<Uint8Array> {
  yield new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  const padding = ((array.byteLength + 7) & ~7) - array.byteLength;
  if (padding > 0) yield new Uint8Array(padding);
}
