/**
 * Private helper: write a file atomically — write a temporary file in the same directory, then
 * rename it over the target, so a reader sees the old file or the new one, never a partial one.
 *
 * @module
 */

import { basename, dirname, join } from "node:path";

/** Writes `data` to `path` through a temporary sibling and a rename; creates the directory. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const dir = dirname(path);
  Deno.mkdirSync(dir, { recursive: true });
  const suffix = `${Deno.pid}.${Date.now().toString(36)}.${Math.random().toString(36).slice(2, 8)}`;
  const tmp = join(dir, `.${basename(path)}.${suffix}.tmp`);
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
    throw new Error(`could not write ${path}: ${reason}`);
  }
}
