/**
 * Time bucketing of rating timestamps (seconds since the epoch, UTC): counts and mean value per
 * calendar month, per year, per month of the year, per weekday and per hour of the day.
 *
 * All calendars are UTC. Dates come from the day number by Howard Hinnant's `civil_from_days`
 * algorithm, looked up through a per-day table, so 32 million timestamps take well under a second.
 *
 * @example
 * ```ts
 * import { byWeekday } from "./time.ts";
 * // 1970-01-01 was a Thursday; 86400 s later a Friday
 * const w = byWeekday(new Uint32Array([0, 86400]));
 * if (w.counts[3] !== 1 || w.counts[4] !== 1 || w.labels[3] !== "Thu") throw new Error("weekday");
 * ```
 *
 * @module
 */

/** Counts (and optionally means of a value) per time bucket. */
export interface TimeBuckets {
  /** One label per bucket, e.g. "1996-01", "1996", "Jan", "Mon", "00". */
  readonly labels: string[];
  /** Number of timestamps in each bucket. */
  readonly counts: Float64Array;
  /** Mean of `values` per bucket; NaN where a bucket is empty or no values were given. */
  readonly means: Float64Array;
}

/** Buckets along the calendar, with their start instants for a time axis. */
export interface CalendarBuckets extends TimeBuckets {
  /** Start of each bucket in milliseconds since the epoch (for `new Date(ms)`). */
  readonly startsMs: Float64Array;
}

/** A UTC calendar date and time of day. */
export interface UtcDate {
  /** Full year, e.g. 1996. */
  readonly year: number;
  /** Month 1–12. */
  readonly month: number;
  /** Day of the month 1–31. */
  readonly day: number;
  /** Weekday, 0 = Monday … 6 = Sunday (ISO order). */
  readonly weekday: number;
  /** Hour 0–23. */
  readonly hour: number;
}

const SECONDS_PER_DAY = 86400;
const MONTH_NAMES = [
  "Jan",
  "Feb",
  "Mar",
  "Apr",
  "May",
  "Jun",
  "Jul",
  "Aug",
  "Sep",
  "Oct",
  "Nov",
  "Dec",
];
const WEEKDAY_NAMES = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/** Year and month (1–12) of a day number (days since 1970-01-01), Hinnant's civil_from_days. */
function civilFromDays(days: number): [number, number, number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return [year, month, day];
}

/**
 * The UTC calendar date, weekday and hour of `seconds` since the epoch.
 *
 * @example
 * ```ts
 * import { utcDate } from "./time.ts";
 * const d = utcDate(951782400); // 2000-02-29T00:00:00Z, a Tuesday
 * if (d.year !== 2000 || d.month !== 2 || d.day !== 29 || d.weekday !== 1) throw new Error("leap day");
 * ```
 */
export function utcDate(seconds: number): UtcDate {
  const days = Math.floor(seconds / SECONDS_PER_DAY);
  const [year, month, day] = civilFromDays(days);
  const weekday = (((days + 3) % 7) + 7) % 7;
  const hour = Math.floor((seconds - days * SECONDS_PER_DAY) / 3600);
  return { year, month, day, weekday, hour };
}

function checkValues(
  times: ArrayLike<number>,
  values: ArrayLike<number> | undefined,
  caller: string,
) {
  if (values !== undefined && values.length !== times.length) {
    throw new Error(
      `${caller}: values has ${values.length} entries but times has ${times.length}`,
    );
  }
}

/** Counts and means into `n` buckets given a key per index. */
function accumulate(
  n: number,
  length: number,
  keyOf: (i: number) => number,
  values: ArrayLike<number> | undefined,
): { counts: Float64Array; means: Float64Array } {
  const counts = new Float64Array(n);
  const sums = new Float64Array(n);
  for (let i = 0; i < length; i++) {
    const k = keyOf(i);
    counts[k]!++;
    if (values !== undefined) sums[k]! += values[i]!;
  }
  const means = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    means[k] = values !== undefined && counts[k]! > 0 ? sums[k]! / counts[k]! : NaN;
  }
  return { counts, means };
}

function dayRange(times: ArrayLike<number>, caller: string): [number, number] {
  if (times.length === 0) throw new Error(`${caller}: no timestamps`);
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < times.length; i++) {
    const t = times[i]!;
    if (!Number.isFinite(t)) throw new Error(`${caller}: timestamp[${i}] is ${t}`);
    if (t < min) min = t;
    if (t > max) max = t;
  }
  return [Math.floor(min / SECONDS_PER_DAY), Math.floor(max / SECONDS_PER_DAY)];
}

/**
 * Counts and means per calendar bucket, every bucket from the first to the last present:
 * `ordinal` numbers the bucket of a day's year and month (consecutive buckets, consecutive
 * numbers), `bucket` gives an ordinal's label and start instant.
 */
function calendarBuckets(
  caller: string,
  times: ArrayLike<number>,
  values: ArrayLike<number> | undefined,
  ordinal: (year: number, month: number) => number,
  bucket: (ordinal: number) => { label: string; startMs: number },
): CalendarBuckets {
  checkValues(times, values, caller);
  const [dayMin, dayMax] = dayRange(times, caller);
  const [y0, m0] = civilFromDays(dayMin);
  const first = ordinal(y0, m0);
  const dayToBucket = new Uint32Array(dayMax - dayMin + 1);
  for (let d = dayMin; d <= dayMax; d++) {
    const [y, m] = civilFromDays(d);
    dayToBucket[d - dayMin] = ordinal(y, m) - first;
  }
  const n = dayToBucket[dayToBucket.length - 1]! + 1;
  const { counts, means } = accumulate(
    n,
    times.length,
    (i) => dayToBucket[Math.floor(times[i]! / SECONDS_PER_DAY) - dayMin]!,
    values,
  );
  const labels: string[] = [];
  const startsMs = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const b = bucket(first + k);
    labels.push(b.label);
    startsMs[k] = b.startMs;
  }
  return { labels, counts, means, startsMs };
}

/**
 * Ratings per calendar month (UTC), every month from the first to the last present, with the mean
 * of `values` (e.g. the ratings) per month.
 *
 * @example
 * ```ts
 * import { perMonth } from "./time.ts";
 * // 1996-01-31T23:59:59Z and 1996-03-01T00:00:00Z: February is present but empty
 * const m = perMonth(new Uint32Array([823132799, 825638400]), new Float32Array([4, 2]));
 * if (m.labels.join() !== "1996-01,1996-02,1996-03" || m.counts.join() !== "1,0,1") {
 *   throw new Error("months");
 * }
 * ```
 */
export function perMonth(times: ArrayLike<number>, values?: ArrayLike<number>): CalendarBuckets {
  return calendarBuckets(
    "perMonth",
    times,
    values,
    (year, month) => year * 12 + (month - 1),
    (o) => {
      const year = Math.floor(o / 12);
      const month = (o % 12) + 1;
      return {
        label: `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}`,
        startMs: Date.UTC(year, month - 1, 1),
      };
    },
  );
}

/**
 * Ratings per calendar year (UTC), every year from the first to the last present, with the mean
 * of `values` per year.
 *
 * @example
 * ```ts
 * import { perYear } from "./time.ts";
 * // 1999-12-31T23:59:59Z and 2000-01-01T00:00:00Z
 * const y = perYear(new Uint32Array([946684799, 946684800, 946684801]), new Float32Array([1, 3, 5]));
 * if (y.labels.join() !== "1999,2000" || y.means.join() !== "1,4") throw new Error("years");
 * ```
 */
export function perYear(times: ArrayLike<number>, values?: ArrayLike<number>): CalendarBuckets {
  return calendarBuckets("perYear", times, values, (year) => year, (year) => ({
    label: String(year),
    startMs: Date.UTC(year, 0, 1),
  }));
}

/**
 * Ratings by month of the year (UTC), 12 buckets "Jan" … "Dec", pooled over all years.
 *
 * @example
 * ```ts
 * import { byMonthOfYear } from "./time.ts";
 * const m = byMonthOfYear(new Uint32Array([0, 2678400])); // 1970-01-01 and 1970-02-01
 * if (m.counts[0] !== 1 || m.counts[1] !== 1) throw new Error("Jan and Feb");
 * ```
 */
export function byMonthOfYear(times: ArrayLike<number>, values?: ArrayLike<number>): TimeBuckets {
  checkValues(times, values, "byMonthOfYear");
  if (times.length === 0) {
    return {
      labels: [...MONTH_NAMES],
      counts: new Float64Array(12),
      means: new Float64Array(12).fill(NaN),
    };
  }
  const [dayMin, dayMax] = dayRange(times, "byMonthOfYear");
  const dayToMonth = new Uint8Array(dayMax - dayMin + 1);
  for (let d = dayMin; d <= dayMax; d++) dayToMonth[d - dayMin] = civilFromDays(d)[1] - 1;
  const { counts, means } = accumulate(
    12,
    times.length,
    (i) => dayToMonth[Math.floor(times[i]! / SECONDS_PER_DAY) - dayMin]!,
    values,
  );
  return { labels: [...MONTH_NAMES], counts, means };
}

/**
 * Ratings by weekday (UTC), 7 buckets "Mon" … "Sun".
 *
 * @example
 * ```ts
 * import { byWeekday } from "./time.ts";
 * const w = byWeekday(new Uint32Array([345600])); // 1970-01-05, a Monday
 * if (w.counts[0] !== 1) throw new Error("Monday");
 * ```
 */
export function byWeekday(times: ArrayLike<number>, values?: ArrayLike<number>): TimeBuckets {
  checkValues(times, values, "byWeekday");
  const { counts, means } = accumulate(
    7,
    times.length,
    (i) => (((Math.floor(times[i]! / SECONDS_PER_DAY) + 3) % 7) + 7) % 7,
    values,
  );
  return { labels: [...WEEKDAY_NAMES], counts, means };
}

/**
 * Ratings by hour of the day (UTC), 24 buckets "00" … "23".
 *
 * @example
 * ```ts
 * import { byHour } from "./time.ts";
 * const h = byHour(new Uint32Array([3600 * 5 + 59]), new Float32Array([3.5]));
 * if (h.counts[5] !== 1 || h.means[5] !== 3.5) throw new Error("05 h");
 * ```
 */
export function byHour(times: ArrayLike<number>, values?: ArrayLike<number>): TimeBuckets {
  checkValues(times, values, "byHour");
  const { counts, means } = accumulate(
    24,
    times.length,
    (i) => {
      const t = times[i]!;
      return Math.floor((t - Math.floor(t / SECONDS_PER_DAY) * SECONDS_PER_DAY) / 3600);
    },
    values,
  );
  const labels = Array.from({ length: 24 }, (_, h) => String(h).padStart(2, "0"));
  return { labels, counts, means };
}
