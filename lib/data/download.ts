/**
 * Download a MovieLens dataset from GroupLens into `data/raw/<name>/`, safely.
 *
 * The steps, each of which either completes or leaves nothing behind:
 *
 * 1. Find the checksum to verify against: an explicit `sha256` and/or `md5` option, else the MD5
 *    GroupLens publishes next to the zip (`<zip>.md5`). Without either the download still runs, but
 *    a note on stderr says that only the zip's own CRC-32s protect it, and prints the sha256 to pin.
 * 2. Stream the zip into a temporary file in the destination folder, hashing (MD5 and SHA-256) and
 *    showing a progress bar on stderr (bytes, %, MB/s) as the bytes arrive.
 * 3. Verify the checksum(s).
 * 4. Extract into a temporary folder beside the destination, streaming each member to disk and
 *    checking its CRC-32 (the 1 GB ratings.csv of ml-32m never sits in memory).
 * 5. Check that ratings.csv and movies.csv are there, then rename the folder into place (atomic on
 *    one file system).
 *
 * On any failure the temporary file and folder are removed and the `Error` says what failed: the
 * HTTP status, a checksum mismatch with both values, or what is wrong with the zip.
 *
 * @module
 */

import { pathExists, publishFolder } from "./atomic.ts";
import { createHash } from "node:crypto";
import { extractZip } from "./_unzip.ts";

/** The MovieLens datasets this module knows how to fetch and check. */
export type MovieLensName = "ml-latest-small" | "ml-32m" | "ml-100k" | "ml-1m";

/** The GroupLens folder the zips are served from. */
export const MOVIELENS_BASE_URL = "https://files.grouplens.org/datasets/movielens/";

const NAMES: readonly MovieLensName[] = ["ml-latest-small", "ml-32m", "ml-100k", "ml-1m"];
/**
 * The files a release's zip must hold; the first is the ratings file whose presence means "already
 * downloaded". ML-100K and ML-1M carry demographics (u.user, users.dat), in their own formats.
 */
const REQUIRED_FILES: Readonly<Record<MovieLensName, readonly string[]>> = {
  "ml-latest-small": ["ratings.csv", "movies.csv"],
  "ml-32m": ["ratings.csv", "movies.csv"],
  "ml-100k": ["u.data", "u.item", "u.user"],
  "ml-1m": ["ratings.dat", "movies.dat", "users.dat"],
};
const PROGRESS_INTERVAL_MS = 100;

/** A progress report while the zip downloads. */
export interface DownloadProgress {
  /** The dataset name. */
  readonly name: MovieLensName;
  /** Bytes received so far. */
  readonly receivedBytes: number;
  /** The server's Content-Length, when it sent one. */
  readonly totalBytes: number | undefined;
  /** Seconds since the download started. */
  readonly seconds: number;
  /** True for the last report, once every byte has arrived. */
  readonly done: boolean;
}

/** Options of {@linkcode downloadMovieLens}. */
export interface DownloadOptions {
  /**
   * Folder holding the zips. Default: the environment variable `RECSYS_MOVIELENS_URL` when set,
   * else {@linkcode MOVIELENS_BASE_URL}.
   */
  baseUrl?: string;
  /** Where `<name>/` goes. Default: the repository's `data/raw/`. */
  rawDir?: string;
  /** Download again and replace an existing `<rawDir>/<name>/`. Default false. */
  force?: boolean;
  /** No progress bar and no notes on stderr. Default false. */
  quiet?: boolean;
  /** Receives progress reports (about 10 a second, plus a final one) instead of the stderr bar. */
  onProgress?: (progress: DownloadProgress) => void;
  /** Expected SHA-256 of the zip, 64 hex digits. */
  sha256?: string;
  /** Expected MD5 of the zip, 32 hex digits; when given, `<zip>.md5` is not fetched. */
  md5?: string;
  /** Fetch the published `<zip>.md5` when no `md5` is given. Default true. */
  fetchMd5?: boolean;
  /** Refuse to download when no checksum is available. Default false. */
  requireChecksum?: boolean;
}

/** What {@linkcode downloadMovieLens} did. */
export interface DownloadResult {
  /** The dataset folder, `<rawDir>/<name>`. */
  readonly dir: string;
  /** False when the folder already existed and nothing was fetched. */
  readonly downloaded: boolean;
  /** The zip's URL (also when nothing was fetched). */
  readonly url: string;
  /** Size of the zip in bytes (0 when nothing was fetched). */
  readonly bytes: number;
  /** SHA-256 of the zip as downloaded (empty when nothing was fetched). */
  readonly sha256: string;
  /** MD5 of the zip as downloaded (empty when nothing was fetched). */
  readonly md5: string;
  /** The checksums the zip was verified against; empty when none was available. */
  readonly verifiedWith: ("sha256" | "md5")[];
}

function defaultRawDir(): string {
  return decodeURIComponent(new URL("../../data/raw", import.meta.url).pathname);
}

function envBaseUrl(): string | undefined {
  try {
    return Deno.env.get("RECSYS_MOVIELENS_URL") || undefined;
  } catch {
    return undefined; // no --allow-env: fall back to the default
  }
}

/**
 * The URL of a dataset's zip: `<base><name>.zip`, where `base` is `baseUrl`, else the environment
 * variable `RECSYS_MOVIELENS_URL`, else {@linkcode MOVIELENS_BASE_URL}.
 *
 * @param name The dataset.
 * @param baseUrl Folder URL overriding the default.
 * @returns The zip's URL.
 *
 * @example
 * ```ts
 * import { movieLensUrl } from "./download.ts";
 * const url = movieLensUrl("ml-32m", "http://127.0.0.1:8000/mirror");
 * if (url !== "http://127.0.0.1:8000/mirror/ml-32m.zip") throw new Error(url);
 * ```
 */
export function movieLensUrl(name: MovieLensName, baseUrl?: string): string {
  if (!NAMES.includes(name)) {
    throw new Error(`unknown MovieLens dataset "${name}", expected one of ${NAMES.join(", ")}`);
  }
  const base = baseUrl ?? envBaseUrl() ?? MOVIELENS_BASE_URL;
  return `${base.endsWith("/") ? base : `${base}/`}${name}.zip`;
}

async function removeIfPresent(path: string): Promise<void> {
  try {
    await Deno.remove(path, { recursive: true });
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
}

function checkHex(option: string, value: string, digits: number): string {
  if (!new RegExp(`^[0-9a-fA-F]{${digits}}$`).test(value)) {
    throw new Error(`downloadMovieLens: ${option} must be ${digits} hex digits, got "${value}"`);
  }
  return value.toLowerCase();
}

/** The MD5 published at `<url>.md5`, or why there is none. */
async function publishedMd5(url: string): Promise<{ md5?: string; why?: string }> {
  let res: Response;
  try {
    res = await fetch(`${url}.md5`);
  } catch (e) {
    return { why: `${url}.md5 could not be fetched (${e instanceof Error ? e.message : e})` };
  }
  if (!res.ok) {
    await res.body?.cancel();
    return { why: `${url}.md5 answered HTTP ${res.status}` };
  }
  const text = await res.text();
  const match = /(?:^|[^0-9a-fA-F])([0-9a-fA-F]{32})(?:[^0-9a-fA-F]|$)/.exec(text);
  if (match === null) {
    throw new Error(`${url}.md5: expected a 32-digit hex MD5, got "${text.slice(0, 80).trim()}"`);
  }
  return { md5: match[1]!.toLowerCase() };
}

/** A progress reporter drawing a bar on stderr (one line per 10 % when stderr is not a terminal). */
function stderrBar(): (p: DownloadProgress) => void {
  const tty = Deno.stderr.isTerminal();
  const encoder = new TextEncoder();
  let lastTenth = -1;
  return (p) => {
    const mb = p.receivedBytes / 1e6;
    const rate = p.seconds > 0 ? mb / p.seconds : 0;
    let line = `${p.name}.zip ${mb.toFixed(1)} MB ${rate.toFixed(1)} MB/s`;
    let tenth = p.done ? 10 : -1;
    if (p.totalBytes !== undefined && p.totalBytes > 0) {
      const f = Math.min(1, p.receivedBytes / p.totalBytes);
      const bar = "#".repeat(Math.round(24 * f)).padEnd(24, ".");
      line = `${p.name}.zip [${bar}] ${(100 * f).toFixed(1).padStart(5)}% ` +
        `${mb.toFixed(1)}/${(p.totalBytes / 1e6).toFixed(1)} MB ${rate.toFixed(1)} MB/s`;
      tenth = p.done ? 10 : Math.floor(10 * f);
    }
    if (tty) {
      Deno.stderr.writeSync(encoder.encode(`\r${line}\x1b[K${p.done ? "\n" : ""}`));
    } else if (tenth > lastTenth) {
      lastTenth = tenth;
      Deno.stderr.writeSync(encoder.encode(`${line}\n`));
    }
  };
}

function note(options: DownloadOptions, text: string): void {
  if (!options.quiet) Deno.stderr.writeSync(new TextEncoder().encode(`${text}\n`));
}

/** Stream `url` into `path`; returns size and both hashes. */
async function fetchToFile(
  name: MovieLensName,
  url: string,
  path: string,
  report: ((p: DownloadProgress) => void) | undefined,
): Promise<{ bytes: number; md5: string; sha256: string }> {
  let res: Response;
  try {
    res = await fetch(url);
  } catch (e) {
    throw new Error(`download of ${url} failed: ${e instanceof Error ? e.message : e}`, {
      cause: e,
    });
  }
  if (!res.ok || res.body === null) {
    await res.body?.cancel();
    throw new Error(`download of ${url} failed: HTTP ${res.status} ${res.statusText}`.trimEnd());
  }
  const length = res.headers.get("content-length");
  const encoded = res.headers.get("content-encoding");
  const total = length !== null && encoded === null ? Number(length) : undefined;
  const md5 = createHash("md5"), sha256 = createHash("sha256");
  const started = performance.now();
  let received = 0, lastReport = -Infinity;
  const file = await Deno.open(path, { write: true, truncate: true });
  try {
    for await (const chunk of res.body) {
      md5.update(chunk);
      sha256.update(chunk);
      for (let done = 0; done < chunk.length;) done += await file.write(chunk.subarray(done));
      received += chunk.length;
      const now = performance.now();
      if (report !== undefined && now - lastReport >= PROGRESS_INTERVAL_MS) {
        lastReport = now;
        report({
          name,
          receivedBytes: received,
          totalBytes: total,
          seconds: (now - started) / 1000,
          done: false,
        });
      }
    }
  } catch (e) {
    throw new Error(
      `download of ${url} failed after ${received} bytes: ${e instanceof Error ? e.message : e}`,
      { cause: e },
    );
  } finally {
    file.close();
  }
  if (total !== undefined && received !== total) {
    throw new Error(`download of ${url} truncated: got ${received} of ${total} bytes`);
  }
  report?.({
    name,
    receivedBytes: received,
    totalBytes: total,
    seconds: (performance.now() - started) / 1000,
    done: true,
  });
  return { bytes: received, md5: md5.digest("hex"), sha256: sha256.digest("hex") };
}

/** The extracted folder holding the dataset files: `<tmp>/<name>/`, `<tmp>/`, or a lone subfolder. */
async function datasetRoot(
  tmpDir: string,
  name: MovieLensName,
  members: string[],
): Promise<string> {
  const candidates = [`${tmpDir}/${name}`, tmpDir];
  const tops = new Set(members.map((m) => m.split("/")[0]!));
  if (tops.size === 1) candidates.push(`${tmpDir}/${[...tops][0]}`);
  for (const dir of candidates) {
    if (await pathExists(`${dir}/${REQUIRED_FILES[name][0]}`)) return dir;
  }
  return candidates[0]!;
}

/**
 * Download MovieLens `name` from GroupLens (or a mirror) into `<rawDir>/<name>/`, verifying a
 * checksum and extracting atomically; see the module documentation for the steps. When the folder
 * already holds ratings.csv, nothing is fetched (pass `force: true` to replace it).
 *
 * Checksums: an explicit `sha256` / `md5` option is checked; otherwise the MD5 that GroupLens
 * publishes as `<zip>.md5` is fetched and checked. No checksums are built in: when none is
 * available the download proceeds with a note on stderr (or fails with `requireChecksum: true`),
 * and the returned `sha256` can be pinned for next time.
 *
 * Needs `--allow-net`, `--allow-read` and `--allow-write` (and `--allow-env` to honour
 * `RECSYS_MOVIELENS_URL`).
 *
 * @param name `"ml-latest-small"` (1 MB zip), `"ml-32m"` (about 240 MB zip, 1 GB unpacked),
 *   `"ml-100k"` (5 MB, with u.user demographics) or `"ml-1m"` (6 MB, with users.dat).
 * @param options Mirror URL, destination, checksums, progress and quiet flags.
 * @returns Where the data is and how it was verified.
 *
 * @example
 * ```ts
 * import { downloadMovieLens } from "./download.ts";
 * import { strToU8, zipSync } from "../deps/fflate.ts";
 * const zip = zipSync({
 *   "ml-latest-small/ratings.csv": strToU8("userId,movieId,rating,timestamp\r\n1,1,4.0,964982703\r\n"),
 *   "ml-latest-small/movies.csv": strToU8("movieId,title,genres\r\n1,Toy Story (1995),Comedy\r\n"),
 * });
 * const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) =>
 *   req.url.endsWith(".zip") ? new Response(new Uint8Array(zip)) : new Response("no", { status: 404 }));
 * const rawDir = await Deno.makeTempDir();
 * const result = await downloadMovieLens("ml-latest-small", {
 *   baseUrl: `http://127.0.0.1:${server.addr.port}/`,
 *   rawDir,
 *   quiet: true,
 * });
 * if (!(await Deno.readTextFile(`${result.dir}/movies.csv`)).includes("Toy Story")) {
 *   throw new Error("unexpected");
 * }
 * await server.shutdown();
 * await Deno.remove(rawDir, { recursive: true });
 * ```
 */
export async function downloadMovieLens(
  name: MovieLensName,
  options: DownloadOptions = {},
): Promise<DownloadResult> {
  const url = movieLensUrl(name, options.baseUrl);
  const rawDir = (options.rawDir ?? defaultRawDir()).replace(/\/+$/, "");
  const target = `${rawDir}/${name}`;
  const present = await pathExists(target);
  const required = REQUIRED_FILES[name];
  if (present && !options.force) {
    if (await pathExists(`${target}/${required[0]}`)) {
      return {
        dir: target,
        downloaded: false,
        url,
        bytes: 0,
        sha256: "",
        md5: "",
        verifiedWith: [],
      };
    }
    throw new Error(`${target} exists but has no ${required[0]}; remove it or pass force: true`);
  }

  const expectSha256 = options.sha256 === undefined
    ? undefined
    : checkHex("sha256", options.sha256, 64);
  let expectMd5 = options.md5 === undefined ? undefined : checkHex("md5", options.md5, 32);
  let md5Source = "the md5 option";
  let missing = "no sha256 or md5 option given";
  if (expectMd5 === undefined && options.fetchMd5 !== false) {
    const published = await publishedMd5(url);
    expectMd5 = published.md5;
    md5Source = `${url}.md5`;
    if (published.why !== undefined) missing = `${missing}, and ${published.why}`;
  }
  if (expectMd5 === undefined && expectSha256 === undefined && options.requireChecksum) {
    throw new Error(`no checksum to verify ${url} against: ${missing}`);
  }

  await Deno.mkdir(rawDir, { recursive: true });
  const tmpZip = await Deno.makeTempFile({ dir: rawDir, prefix: `.${name}.`, suffix: ".zip.tmp" });
  let tmpDir: string | undefined;
  try {
    const report = options.onProgress ?? (options.quiet ? undefined : stderrBar());
    const got = await fetchToFile(name, url, tmpZip, report);
    const verifiedWith: ("sha256" | "md5")[] = [];
    if (expectSha256 !== undefined) {
      if (got.sha256 !== expectSha256) {
        throw new Error(
          `checksum mismatch for ${url}: expected sha256 ${expectSha256}, got ${got.sha256}`,
        );
      }
      verifiedWith.push("sha256");
    }
    if (expectMd5 !== undefined) {
      if (got.md5 !== expectMd5) {
        throw new Error(
          `checksum mismatch for ${url}: expected md5 ${expectMd5} (from ${md5Source}), ` +
            `got ${got.md5}`,
        );
      }
      verifiedWith.push("md5");
    }
    if (verifiedWith.length === 0) {
      note(
        options,
        `note: ${name}.zip not verified against a checksum (${missing}); only the zip's CRC-32s ` +
          `are checked. Its sha256 is ${got.sha256}: pass { sha256 } to pin it.`,
      );
    }

    tmpDir = await Deno.makeTempDir({ dir: rawDir, prefix: `.${name}.`, suffix: ".tmp" });
    let members: string[];
    try {
      members = await extractZip(tmpZip, tmpDir);
    } catch (e) {
      throw new Error(`corrupt zip ${url}: ${e instanceof Error ? e.message : e}`, { cause: e });
    }
    await Deno.remove(tmpZip);
    const root = await datasetRoot(tmpDir, name, members);
    const lacking: string[] = [];
    for (const f of required) if (!(await pathExists(`${root}/${f}`))) lacking.push(f);
    if (lacking.length > 0) {
      const listed = members.slice(0, 8).join(", ") + (members.length > 8 ? ", ..." : "");
      throw new Error(
        `${url}: the zip lacks ${lacking.join(" and ")} (members: ${listed || "none"})`,
      );
    }

    await publishFolder(root, target, { replace: present });
    return { dir: target, downloaded: true, url, ...got, verifiedWith };
  } finally {
    await removeIfPresent(tmpZip);
    if (tmpDir !== undefined) await removeIfPresent(tmpDir);
  }
}
