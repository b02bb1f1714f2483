/**
 * Loading one ratings file — not a whole folder — such as the test fold of a fixed-fold benchmark
 * (ML-100K's u1.test, a ratings.csv kept apart), optionally straight into a trained model's (or a
 * dataset's) id space so the model can score it.
 *
 * @module
 */
import { alignRatings } from "./id_maps.ts";
import { type ClassicRelease, loadClassicRatings } from "./load_classic.ts";
import { parseRatings } from "./load.ts";
import type { IdMaps, RatingMatrix } from "./types.ts";

/** The ratings-file formats {@linkcode loadRatings} reads. */
export type RatingsFileFormat = "csv" | ClassicRelease;

/** Options of {@linkcode loadRatings}. */
export interface LoadRatingsOptions {
  /**
   * The file's format: `"csv"` (ratings.csv: header `userId,movieId,rating,timestamp`, half stars
   * 0.5–5), `"ml-100k"` (u.data and its folds: tab-separated, no header, whole stars 1–5) or
   * `"ml-1m"` (ratings.dat: `::`-separated). Default: from the name (`.csv`, `.dat`), else from
   * the first line (a tab means ML-100K, `::` ML-1M, a comma CSV).
   */
  format?: RatingsFileFormat;
  /**
   * Build the matrix in these id maps (a trained model, a dataset, or `{ userIds, itemIds }`):
   * dense user u of the result is the model's dense user u. Users and movies the maps lack come
   * after the known ones; a model scores them with its fallback (μ + b_i, μ + b_u or μ) and
   * `evaluate` counts them (`unknownUserRatings`, `unknownItemRatings`). Default: the file's own
   * maps (ids in ascending order).
   */
  ids?: IdMaps;
  /** Kernel threads. */
  threads?: number;
}

/** The file's first line (up to 4 KiB, without the line end), or a clear error naming `path`. */
async function firstLine(path: string): Promise<string> {
  const stat = await Deno.stat(path).catch((error) => {
    throw new Error(`${path}: cannot open the ratings file (${error.message})`, { cause: error });
  });
  if (stat.isDirectory) {
    throw new Error(
      `${path} is a folder; loadRatings reads one ratings file (e.g. ${path}/ratings.csv or ` +
        `${path}/u1.test); load a whole MovieLens folder with loadMovieLens`,
    );
  }
  const file = await Deno.open(path);
  try {
    const head = new Uint8Array(4096);
    const n = await file.read(head) ?? 0;
    return (new TextDecoder().decode(head.subarray(0, n)).split("\n")[0] ?? "").replace(/\r$/, "");
  } finally {
    file.close();
  }
}

/** A first line that is data, not the ratings.csv header: four comma-separated numbers. */
const CSV_DATA_LINE = /^\s*\d+\s*,\s*\d+\s*,\s*[\d.]+\s*,\s*\d+\s*$/;

async function detectFormat(path: string, given?: RatingsFileFormat): Promise<RatingsFileFormat> {
  const first = await firstLine(path);
  const format = given ??
    (path.endsWith(".csv")
      ? "csv"
      : path.endsWith(".dat")
      ? "ml-1m"
      : first.includes("\t")
      ? "ml-100k"
      : first.includes("::")
      ? "ml-1m"
      : first.includes(",")
      ? "csv"
      : undefined);
  if (format === undefined) {
    throw new Error(
      `${path} line 1: cannot tell the format; expected ratings.csv (comma-separated with a ` +
        "header), u.data (tab-separated) or ratings.dat ('::'-separated), or pass options.format",
    );
  }
  if (format === "csv" && CSV_DATA_LINE.test(first.replace(/^\uFEFF/, ""))) {
    throw new Error(
      `${path} line 1: ratings.csv starts with the header userId,movieId,rating,timestamp; this ` +
        `file starts with data (${JSON.stringify(first)}): add the header line`,
    );
  }
  return format;
}

/**
 * Loads a single ratings file into a {@linkcode RatingMatrix} that knows its raw ids
 * (`matrix.ids`). With `ids` (e.g. a fitted model) the matrix is built in those id maps, ready for
 * `model.evaluate`; without, `model.evaluate` refuses it if its dense ids mean other movies than
 * the model's. Errors name the file, the line and what was expected.
 *
 * @param path A ratings.csv, u.data-format or ratings.dat-format file.
 * @param options Format, target id maps, threads.
 * @returns The ratings.
 *
 * @example
 * ```ts
 * import { loadRatings } from "./load_ratings.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/u1.base`, "1\t10\t5\t1\n1\t20\t3\t2\n2\t10\t4\t3\n");
 * await Deno.writeTextFile(`${dir}/u1.test`, "2\t20\t2\t4\n3\t10\t5\t5\n");
 * const train = await loadRatings(`${dir}/u1.base`);
 * const model = { userIds: train.ids!.userIds, itemIds: train.ids!.itemIds };
 * const test = await loadRatings(`${dir}/u1.test`, { ids: model });
 * await Deno.remove(dir, { recursive: true });
 * // userId 2 is the model's dense user 1 and movieId 20 its dense item 1; userId 3 is new: user 2.
 * if (test.nUsers !== 3 || test.userItems.join() !== "1,0" || test.ids?.userIds[2] !== 3) {
 *   throw new Error(`${test.ids?.userIds} ${test.userItems}`);
 * }
 * ```
 */
export async function loadRatings(
  path: string,
  options: LoadRatingsOptions = {},
): Promise<RatingMatrix> {
  const format = await detectFormat(path, options.format);
  const { threads } = options;
  let matrix: RatingMatrix;
  if (format === "csv") {
    matrix = (await parseRatings(path, { threads })).ratings;
  } else if (format === "ml-100k" || format === "ml-1m") {
    matrix = await loadClassicRatings(path, format, { threads });
  } else {
    throw new RangeError(
      `loadRatings: format must be "csv", "ml-100k" or "ml-1m", got ${JSON.stringify(format)}`,
    );
  }
  return options.ids === undefined ? matrix : alignRatings(matrix, options.ids);
}
