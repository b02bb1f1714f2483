/**
 * Tag usage: how often each tag is applied and by how many distinct movies and users.
 *
 * @example
 * ```ts
 * import { tagStats } from "./tags.ts";
 * import type { Tags } from "../data/types.ts";
 * const tags: Tags = {
 *   userIds: new Uint32Array([1, 1, 2]),
 *   movieIds: new Uint32Array([10, 20, 10]),
 *   tags: ["funny", "Funny ", "dark"],
 *   times: new Uint32Array(3),
 * };
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
 * only the first entries.
 *
 * @example
 * ```ts
 * import { tagStats } from "./tags.ts";
 * const t = { userIds: new Uint32Array([1]), movieIds: new Uint32Array([5]), tags: ["A"], times: new Uint32Array(1) };
 * if (tagStats(t, { normalize: false })[0]!.tag !== "A") throw new Error("kept as is");
 * ```
 */
export function tagStats(
  tags: Tags,
  options: { normalize?: boolean; limit?: number } = {},
): TagStat[] {
  const n = tags.tags.length;
  if (tags.movieIds.length !== n || tags.userIds.length !== n) {
    throw new Error(
      `tagStats: ${n} tags but ${tags.movieIds.length} movieIds and ${tags.userIds.length} userIds`,
    );
  }
  const normalize = options.normalize ?? true;
  const byTag = new Map<string, { count: number; movies: Set<number>; users: Set<number> }>();
  for (let i = 0; i < n; i++) {
    const raw = tags.tags[i]!;
    const tag = normalize ? raw.trim().replace(/\s+/g, " ").toLowerCase() : raw;
    let entry = byTag.get(tag);
    if (entry === undefined) {
      entry = { count: 0, movies: new Set(), users: new Set() };
      byTag.set(tag, entry);
    }
    entry.count++;
    entry.movies.add(tags.movieIds[i]!);
    entry.users.add(tags.userIds[i]!);
  }
  const out: TagStat[] = [];
  for (const [tag, e] of byTag) {
    out.push({ tag, count: e.count, movies: e.movies.size, users: e.users.size });
  }
  out.sort((a, b) => b.count - a.count || (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0));
  return options.limit === undefined ? out : out.slice(0, Math.max(0, options.limit));
}
