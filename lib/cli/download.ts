/**
 * `./run deno task download [ml-latest-small|ml-32m|ml-100k|ml-1m] [--force]`: fetches a GroupLens MovieLens zip
 * into data/raw/<name>/ with a progress bar and a checksum check (see lib/data/download.ts).
 * `RECSYS_MOVIELENS_URL` points it at a mirror.
 *
 * @module
 */
import { downloadMovieLens, type MovieLensName } from "../data/download.ts";

const name = (Deno.args.find((a) => !a.startsWith("--")) ?? "ml-latest-small") as MovieLensName;
if (!["ml-latest-small", "ml-32m", "ml-100k", "ml-1m"].includes(name)) {
  console.error(`unknown dataset "${name}": expected ml-latest-small, ml-32m, ml-100k or ml-1m`);
  Deno.exit(2);
}
try {
  const result = await downloadMovieLens(name, { force: Deno.args.includes("--force") });
  console.log(
    result.downloaded
      ? `downloaded ${result.url} (${(result.bytes / 1e6).toFixed(1)} MB, verified with ` +
        `${result.verifiedWith.join(" + ") || "no checksum"}) into ${result.dir}`
      : `${result.dir} is already there (use --force to fetch it again)`,
  );
} catch (error) {
  console.error(`download failed: ${error instanceof Error ? error.message : error}`);
  Deno.exit(1);
}
