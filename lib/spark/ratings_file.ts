/**
 * Ratings as a file other tools read: Parquet (through the npm package `hyparquet-writer`) or
 * CSV, one row per rating with the raw MovieLens ids, in the matrix's CSR order (by user, then
 * movie). Columns, in order:
 *
 * | column | Parquet type | meaning |
 * | --- | --- | --- |
 * | `userId` | INT64 | raw MovieLens userId |
 * | `movieId` | INT64 | raw MovieLens movieId |
 * | `rating` | FLOAT | the rating (0.5–5 in half stars) |
 * | `timestamp` | INT64 | seconds since 1970-01-01 UTC |
 *
 * Ids are INT64 because MovieLens-format ids may go up to 2³²−1, past a signed 32-bit column.
 * Every file is written to a temp file beside it and renamed into place, so a reader never sees
 * half a file.
 *
 * @module
 */
import { checkIdMaps } from "../data/id_maps.ts";
import { parquetWriteBuffer } from "../deps/hyparquet.ts";
import { writeChunksAtomic } from "../data/atomic.ts";
import type { RatingMatrix } from "../data/types.ts";

/** File format of an export. */
export type RatingsFormat = "parquet" | "csv";

/** The columns every ratings file has, in order. */
export const RATINGS_COLUMNS = ["userId", "movieId", "rating", "timestamp"] as const;

/** Ratings per Parquet row group (about 10 MB of values; Spark reads one group per task). */
const ROW_GROUP = 1 << 20;

/** The raw-id columns of `m`, in CSR order. */
function columnsOf(
  m: RatingMatrix,
  userIds: Uint32Array,
  itemIds: Uint32Array,
): { users: BigInt64Array; items: BigInt64Array; ratings: Float32Array; times: BigInt64Array } {
  const users = new BigInt64Array(m.nnz);
  const items = new BigInt64Array(m.nnz);
  const times = new BigInt64Array(m.nnz);
  for (let u = 0; u < m.nUsers; u++) {
    const id = BigInt(userIds[u]!), end = m.userPtr[u + 1]!;
    for (let e = m.userPtr[u]!; e < end; e++) {
      users[e] = id;
      items[e] = BigInt(itemIds[m.userItems[e]!]!);
      times[e] = BigInt(m.userTimes[e]!);
    }
  }
  return { users, items, ratings: m.userRatings, times };
}

function* parquetChunks(m: RatingMatrix, userIds: Uint32Array, itemIds: Uint32Array) {
  const c = columnsOf(m, userIds, itemIds);
  const buffer = parquetWriteBuffer({
    columnData: [
      { name: "userId", data: c.users, type: "INT64", nullable: false },
      { name: "movieId", data: c.items, type: "INT64", nullable: false },
      { name: "rating", data: c.ratings, type: "FLOAT", nullable: false },
      { name: "timestamp", data: c.times, type: "INT64", nullable: false },
    ],
    rowGroupSize: ROW_GROUP,
  });
  yield new Uint8Array(buffer);
}

function* csvChunks(m: RatingMatrix, userIds: Uint32Array, itemIds: Uint32Array) {
  const encoder = new TextEncoder();
  yield encoder.encode(`${RATINGS_COLUMNS.join(",")}\n`);
  let lines: string[] = [];
  for (let u = 0; u < m.nUsers; u++) {
    const id = userIds[u]!, end = m.userPtr[u + 1]!;
    for (let e = m.userPtr[u]!; e < end; e++) {
      lines.push(`${id},${itemIds[m.userItems[e]!]},${m.userRatings[e]},${m.userTimes[e]}\n`);
      if (lines.length === 65_536) {
        yield encoder.encode(lines.join(""));
        lines = [];
      }
    }
  }
  if (lines.length > 0) yield encoder.encode(lines.join(""));
}

/**
 * Writes the ratings of `m` to `path` as Parquet or CSV (columns {@linkcode RATINGS_COLUMNS},
 * raw ids), atomically. Ratings are f32 values; half stars print exactly ("3.5").
 *
 * @param path The file to write (its folder is created).
 * @param m The ratings.
 * @param options The raw ids of the matrix's dense users and items, and the format.
 *
 * @example
 * ```ts
 * import { writeRatings } from "./ratings_file.ts";
 * import { fromTriplets } from "../data/coo.ts";
 * const m = fromTriplets(2, 2, [0, 1], [1, 0], [4.5, 3], [100, 200]);
 * const dir = await Deno.makeTempDir();
 * const ids = { userIds: Uint32Array.of(7, 9), itemIds: Uint32Array.of(10, 20) };
 * await writeRatings(`${dir}/r.csv`, m, { ...ids, format: "csv" });
 * const text = await Deno.readTextFile(`${dir}/r.csv`);
 * await Deno.remove(dir, { recursive: true });
 * if (text !== "userId,movieId,rating,timestamp\n7,20,4.5,100\n9,10,3,200\n") throw new Error(text);
 * ```
 */
export async function writeRatings(
  path: string,
  m: RatingMatrix,
  options: { userIds: Uint32Array; itemIds: Uint32Array; format: RatingsFormat },
): Promise<void> {
  const { userIds, itemIds, format } = options;
  if (userIds.length !== m.nUsers || itemIds.length !== m.nItems) {
    throw new Error(
      `writeRatings ${path}: ${userIds.length} userIds and ${itemIds.length} movieIds for a ` +
        `matrix of ${m.nUsers} users and ${m.nItems} movies; the ids belong to another dataset`,
    );
  }
  checkIdMaps(`writeRatings ${path}`, { userIds, itemIds }, m);
  const chunks = format === "parquet"
    ? parquetChunks(m, userIds, itemIds)
    : csvChunks(m, userIds, itemIds);
  await writeChunksAtomic(path, chunks);
}
