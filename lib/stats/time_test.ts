import { assert, assertEquals, assertThrows } from "../../tests/_assert.ts";
import { Rng } from "./rng.ts";
import { byHour, byMonthOfYear, byWeekday, perMonth, perYear, utcDate } from "./time.ts";

// Hand-checked UTC instants:
//   823132799  1996-01-31T23:59:59Z  Wednesday
//   825638400  1996-03-01T00:00:00Z  Friday
//   946684799  1999-12-31T23:59:59Z  Friday
//   946684800  2000-01-01T00:00:00Z  Saturday
//   951782400  2000-02-29T00:00:00Z  Tuesday
//   1700000000 2023-11-14T22:13:20Z  Tuesday

Deno.test("utcDate on hand-computed instants", () => {
  assertEquals(utcDate(0), { year: 1970, month: 1, day: 1, weekday: 3, hour: 0 });
  assertEquals(utcDate(823132799), { year: 1996, month: 1, day: 31, weekday: 2, hour: 23 });
  assertEquals(utcDate(951782400), { year: 2000, month: 2, day: 29, weekday: 1, hour: 0 });
  assertEquals(utcDate(1700000000), { year: 2023, month: 11, day: 14, weekday: 1, hour: 22 });
});

Deno.test("utcDate agrees with Date for seeded random instants 1970–2106", () => {
  const rng = new Rng(12);
  for (let k = 0; k < 2000; k++) {
    const t = rng.nextU32();
    const d = new Date(t * 1000);
    const u = utcDate(t);
    assertEquals(
      [u.year, u.month, u.day, u.hour, u.weekday],
      [
        d.getUTCFullYear(),
        d.getUTCMonth() + 1,
        d.getUTCDate(),
        d.getUTCHours(),
        (d.getUTCDay() + 6) % 7,
      ],
      `t = ${t}`,
    );
  }
});

Deno.test("perMonth fills empty months and averages values", () => {
  const times = new Uint32Array([825638400, 823132799, 823132799 - 86400 * 40]); // Mar 96, Jan 96, Dec 95
  const m = perMonth(times, new Float32Array([2, 4, 5]));
  assertEquals(m.labels, ["1995-12", "1996-01", "1996-02", "1996-03"]);
  assertEquals(Array.from(m.counts), [1, 1, 0, 1]);
  assertEquals(Array.from(m.means).map(String), ["5", "4", "NaN", "2"]);
  assertEquals(m.startsMs[1], Date.UTC(1996, 0, 1));
  const noValues = perMonth(times);
  assert(noValues.means.every(Number.isNaN));
  assertThrows(() => perMonth(times, new Float32Array(2)), "values has 2 entries but times has 3");
  assertThrows(() => perMonth(new Uint32Array(0)), "no timestamps");
});

Deno.test("perYear splits at midnight of New Year, UTC", () => {
  const y = perYear(
    new Uint32Array([946684799, 946684800, 951782400]),
    new Float32Array([1, 3, 4]),
  );
  assertEquals(y.labels, ["1999", "2000"]);
  assertEquals(Array.from(y.counts), [1, 2]);
  assertEquals(Array.from(y.means), [1, 3.5]);
  assertEquals(y.startsMs[1], Date.UTC(2000, 0, 1));
});

Deno.test("byMonthOfYear, byWeekday and byHour on hand-computed instants", () => {
  const times = new Uint32Array([
    823132799,
    825638400,
    946684799,
    946684800,
    951782400,
    1700000000,
  ]);
  const ratings = new Float32Array([1, 2, 3, 4, 5, 4.5]);
  const months = byMonthOfYear(times, ratings);
  assertEquals(Array.from(months.counts), [2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1]);
  assertEquals(months.means[0], 2.5); // Jan: 1996-01-31 (1) and 2000-01-01 (4)
  const days = byWeekday(times, ratings);
  assertEquals(days.labels, ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]);
  assertEquals(Array.from(days.counts), [0, 2, 1, 0, 2, 1, 0]);
  assertEquals(days.means[1], 4.75); // Tuesdays: 5 and 4.5
  const hours = byHour(times, ratings);
  assertEquals(hours.counts[23], 2);
  assertEquals(hours.counts[0], 3);
  assertEquals(hours.counts[22], 1);
  assertEquals(hours.means[23], 2);
});
