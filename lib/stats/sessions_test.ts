import { matrixFrom } from "./_fixtures.ts";
import { assertClose, assertEquals, assertThrows } from "../../tests/_assert.ts";
import { firstDayShare } from "./sessions.ts";

const DAY = 86400;

Deno.test("firstDayShare counts ratings within 24 h of each user's first rating", () => {
  // user 0: 3 ratings on the first day, 1 a week later; user 1: both on day 0 (unordered in time);
  // user 2: no ratings; user 3: first rating, then one exactly 24 h later (outside the window)
  const m = matrixFrom(4, 5, [
    [0, 0, 4, 1000],
    [0, 1, 3, 1000 + DAY - 1],
    [0, 2, 5, 1000 + 3600],
    [0, 3, 2, 1000 + 7 * DAY],
    [1, 0, 4, 50_000 + 60],
    [1, 4, 4, 50_000],
    [3, 1, 1, 0],
    [3, 2, 2, DAY],
  ]);
  const f = firstDayShare(m);
  assertEquals(f.users, 3);
  assertClose(f.share, (3 + 2 + 1) / 8, 1e-15, "overall share");
  // per-user shares 0.75, 1, 0.5 → median 0.75
  assertClose(f.medianUserShare, 0.75, 1e-15, "median user share");
  assertClose(f.allInWindow, 1 / 3, 1e-15, "only user 1 rated everything on day one");
  assertEquals(f.seconds, DAY);
  const week = firstDayShare(m, { seconds: 8 * DAY });
  assertEquals([week.share, week.allInWindow], [1, 1]);
});

Deno.test("firstDayShare rejects bad windows and inconsistent matrices", () => {
  const m = matrixFrom(1, 1, [[0, 0, 3, 5]]);
  assertThrows(() => firstDayShare(m, { seconds: 0 }), "seconds must be a positive number");
  assertThrows(() => firstDayShare({ ...m, nUsers: 3 }), "expected nUsers + 1 = 4");
  assertThrows(() => firstDayShare(matrixFrom(2, 1, [])), "no user has a rating");
});
