/**
 * Tag usage: how often each tag is applied and by how many distinct movies and users.
 *
 * @example
 * ```ts
 * import { tagStats } from "./tags.ts";
 * import { tagsFromStrings } from "../data/side_files.ts";
 * const tags = tagsFromStrings({
 *   userIds: new Uint32Array([1, 1, 2]),
 *   movieIds: new Uint32Array([10, 20, 10]),
 *   tags: ["funny", "Funny ", "dark"],
 *   times: new Uint32Array(3),
 * });
 * const top = tagStats(tags)[0]!;
 * if (top.tag !== "funny" || top.count !== 2 || top.movies !== 2 || top.users !== 1) {
 *   throw new Error("tag stats");
 * }
 * ```
 *
 * @module
 */

import type { Tags } from "../data/types.ts";

/** Usage of one tag. */
export interface TagStat {
  /** The tag (normalised unless `normalize: false`). */
  readonly tag: string;
  /** Number of times it was applied. */
  readonly count: number;
  /** Number of distinct movies it was applied to. */
  readonly movies: number;
  /** Number of distinct users who applied it. */
  readonly users: number;
}

/**
 * Tag usage sorted by count (descending, ties by tag). By default tags are normalised (trimmed,
 * inner whitespace collapsed, lower-cased) so that "Funny " and "funny" are one tag. `limit` keeps
 * only the first entries. Each distinct tag text of `tags.tagVocab` is normalised once.
 *
 * @example
 * ```ts
 * import { tagStats } from "./tags.ts";
 * import { tagsFromStrings } from "../data/side_files.ts";
 * const t = tagsFromStrings({
 *   userIds: new Uint32Array([1]),
 *   movieIds: new Uint32Array([5]),
 *   tags: ["A"],
 *   times: new Uint32Array(1),
 * });
 * if (tagStats(t, { normalize: false })[0]!.tag !== "A") throw new Error("kept as is");
 * ```
 */
export function tagStats(
  tags: Tags,
  options: { normalize?: boolean; limit?: number } = {},
): TagStat[] {
  const n = tags.tagIndex.length;
  if (tags.movieIds.length !== n || tags.userIds.length !== n) {
    throw new Error(
      `tagStats: ${n} tags but ${tags.movieIds.length} movieIds and ${tags.userIds.length} userIds`,
    );
  }
  const normalize = options.normalize ?? true;
  // Vocabulary entry -> group (one group per normalised tag).
  const groupOf = new Uint32Array(tags.tagVocab.length);
  const groupIds = new Map<string, number>();
  const names: string[] = [];
  tags.tagVocab.forEach((raw, v) => {
    const tag = normalize ? raw.trim().replace(/\s+/g, " ").toLowerCase() : raw;
    let g = groupIds.get(tag);
    if (g === undefined) {
      g = names.length;
      names.push(tag);
      groupIds.set(tag, g);
    }
    groupOf[v] = g;
  });
  const counts = new Uint32Array(names.length);
  const movies = names.map(() => new Set<number>());
  const users = names.map(() => new Set<number>());
  for (let i = 0; i < n; i++) {
    const g = groupOf[tags.tagIndex[i]!];
    if (g === undefined) {
      throw new Error(
        `tagStats: row ${i} has tagIndex ${tags.tagIndex[i]}, expected < ${tags.tagVocab.length}`,
      );
    }
    counts[g]!++;
    movies[g]!.add(tags.movieIds[i]!);
    users[g]!.add(tags.userIds[i]!);
  }
  const out: TagStat[] = names.map((tag, g) => ({
    tag,
    count: counts[g]!,
    movies: movies[g]!.size,
    users: users[g]!.size,
  }));
  out.sort((a, b) => b.count - a.count || (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0));
  return options.limit === undefined ? out : out.slice(0, Math.max(0, options.limit));
}
