/**
 * The one way this library writes files and folders that others read: a temp sibling, then a
 * rename, so a reader sees the old file (folder) or the new one, never a partial one, and a failed
 * or interrupted write leaves the target as it was and no temp file behind.
 *
 * @module
 */
import { basename, dirname, join } from "node:path";

/** A unique temp path beside `path` (so the rename stays on one file system). */
function tempSibling(path: string): string {
  return join(dirname(path), `.${basename(path)}.${Deno.pid}.${crypto.randomUUID()}.tmp`);
}

async function writeFull(file: Deno.FsFile, bytes: Uint8Array): Promise<void> {
  let off = 0;
  while (off < bytes.length) off += await file.write(bytes.subarray(off));
}

/**
 * Writes `chunks`, in order, to `path` through a synced temp file and a rename; creates the
 * folder.
 *
 * @example
 * ```ts
 * import { writeChunksAtomic } from "./atomic.ts";
 * const dir = await Deno.makeTempDir();
 * await writeChunksAtomic(`${dir}/a/b.bin`, [Uint8Array.of(1, 2), Uint8Array.of(3)]);
 * const back = await Deno.readFile(`${dir}/a/b.bin`);
 * await Deno.remove(dir, { recursive: true });
 * if (back.join() !== "1,2,3") throw new Error(`${back}`);
 * ```
 */
export async function writeChunksAtomic(
  path: string,
  chunks: Iterable<Uint8Array>,
): Promise<void> {
  await Deno.mkdir(dirname(path), { recursive: true });
  const tmp = tempSibling(path);
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

/**
 * The synchronous form for small files (figures): text or bytes through a temp sibling and a
 * rename; creates the folder. Errors name the path.
 *
 * @example
 * ```ts
 * import { writeFileAtomicSync } from "./atomic.ts";
 * const dir = Deno.makeTempDirSync();
 * writeFileAtomicSync(`${dir}/f.svg`, "<svg/>");
 * const text = Deno.readTextFileSync(`${dir}/f.svg`);
 * Deno.removeSync(dir, { recursive: true });
 * if (text !== "<svg/>") throw new Error(text);
 * ```
 */
export function writeFileAtomicSync(path: string, data: string | Uint8Array): void {
  Deno.mkdirSync(dirname(path), { recursive: true });
  const tmp = tempSibling(path);
  try {
    if (typeof data === "string") Deno.writeTextFileSync(tmp, data);
    else Deno.writeFileSync(tmp, data);
    Deno.renameSync(tmp, path);
  } catch (e) {
    try {
      Deno.removeSync(tmp);
    } catch {
      // the temporary file was never created or is already gone
    }
    const reason = e instanceof Error ? e.message : String(e);
    throw new Error(`could not write ${path}: ${reason}`, { cause: e });
  }
}

/**
 * Whether anything (a file, a folder, a link, even a dangling one) stands at `path`; errors other
 * than "not found" (a permission denied) are rethrown.
 *
 * @example
 * ```ts
 * import { pathExists } from "./atomic.ts";
 * const dir = await Deno.makeTempDir();
 * const before = await pathExists(`${dir}/x`);
 * await Deno.writeTextFile(`${dir}/x`, "");
 * const after = await pathExists(`${dir}/x`);
 * await Deno.remove(dir, { recursive: true });
 * if (before || !after) throw new Error(`${before} ${after}`);
 * ```
 */
export async function pathExists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/**
 * Moves a finished temp folder to `target` by a rename. An existing `target` is replaced only when
 * `replace` is true (moved aside first, put back if the rename fails, removed after); otherwise
 * it is an error that names it.
 *
 * @example
 * ```ts
 * import { publishFolder } from "./atomic.ts";
 * const parent = await Deno.makeTempDir();
 * const temporary = await Deno.makeTempDir({ dir: parent });
 * await Deno.writeTextFile(`${temporary}/README.txt`, "hi");
 * await publishFolder(temporary, `${parent}/set`, { replace: false });
 * const text = await Deno.readTextFile(`${parent}/set/README.txt`);
 * await Deno.remove(parent, { recursive: true });
 * if (text !== "hi") throw new Error(text);
 * ```
 */
export async function publishFolder(
  temporary: string,
  target: string,
  options: { replace: boolean },
): Promise<void> {
  if (!await pathExists(target)) {
    await Deno.rename(temporary, target);
    return;
  }
  if (!options.replace) {
    throw new Error(`${target}: already exists; not replaced`);
  }
  const old = `${temporary}.old`;
  await Deno.rename(target, old);
  try {
    await Deno.rename(temporary, target);
  } catch (error) {
    await Deno.rename(old, target);
    throw new Error(`could not move ${temporary} to ${target}: ${error}`, { cause: error });
  }
  await Deno.remove(old, { recursive: true });
}
