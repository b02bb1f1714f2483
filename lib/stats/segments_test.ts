import { assert, assertEquals } from "../../tests/_assert.ts";
import { loadMovieLens } from "../data/load.ts";
import { generateSyntheticClassic } from "../data/synthetic_classic.ts";
import type { Dataset } from "../data/types.ts";
import { AGE_BUCKETS, GENDERS } from "../data/users.ts";
import { benjaminiHochberg } from "./hypothesis.ts";
import { demographicReport } from "./demographics.ts";
import {
  genreIndependence,
  genreLifts,
  ratingLevelBySegment,
  userGenreCounts,
  userMeanRatings,
} from "./segments.ts";
import { peakHourTest, utcHour, utcWeekday, weekendEffect } from "./time_effects.ts";

/** The synthetic ML-100K (default seed, full size) with its planted effects, made once. */
let cached:
  | Promise<{ ds: Dataset; planted: { occupation: number; ageBucket: number } }>
  | undefined;
function synthetic() {
  cached ??= (async () => {
    const root = await Deno.makeTempDir({ prefix: "segments_test_" });
    const out = await generateSyntheticClassic(`${root}/ml-100k`, "ml-100k");
    const ds = await loadMovieLens(out.dir);
    await Deno.remove(root, { recursive: true });
    return { ds, planted: out.planted };
  })();
  return cached;
}

Deno.test("utcHour and utcWeekday: known instants", () => {
  assertEquals(utcWeekday(0), 3, "1970-01-01 was a Thursday");
  assertEquals(utcWeekday(1_704_499_200), 5, "2024-01-06 was a Saturday");
  assertEquals(utcHour(1_704_499_200 + 20 * 3600 + 59 * 60), 20);
});

Deno.test("planted synthetic ML-100K: the engineers' Sci-Fi lift is found, null cells stay under q", async () => {
  const { ds, planted } = await synthetic();
  const users = ds.users!;
  const table = userGenreCounts(ds);
  const sciFi = table.genreNames.indexOf("Sci-Fi");
  const families = [
    { name: "gender", groups: users.genders, n: GENDERS.length },
    { name: "age", groups: users.ageBuckets, n: AGE_BUCKETS.length },
    { name: "occupation", groups: users.occupations, n: users.occupationNames.length },
  ];
  const rows = families.flatMap((f) =>
    genreLifts(table, f.groups, f.n).map((r) => ({ ...r, family: f.name }))
  );
  const bh = benjaminiHochberg(rows.map((r) => r.pValue), 0.05);
  const found = rows.findIndex((r) =>
    r.family === "occupation" && r.group === planted.occupation && r.genre === sciFi
  );
  assert(found >= 0 && bh.rejected[found]!, "the planted cell is a discovery");
  const hit = rows[found]!;
  // Planted per pick: lift 2 in expectation for a light user; heavy users exhaust the popular
  // Sci-Fi movies, so the realised lift over all tags is somewhat lower (see synthetic_classic.ts).
  assert(hit.lift > 1.6 && hit.lift < 2.2, `lift ${hit.lift} near the planted 2`);
  assert(hit.ci[0] > 1.5 && hit.ci[1] < 2.4, `CI ${hit.ci}`);
  // Nulls by construction: every gender and age cell, every other occupation's non-Sci-Fi cell.
  const isNull = (r: (typeof rows)[number]) =>
    r.family !== "occupation" || (r.group !== planted.occupation && r.genre !== sciFi);
  const nulls = rows.map((r, k) => [r, k] as const).filter(([r]) => isNull(r));
  const falseDiscoveries = nulls.filter(([, k]) => bh.rejected[k]).length;
  assert(nulls.length > 300, `${nulls.length} null cells`);
  assert(falseDiscoveries <= 0.05 * nulls.length, `${falseDiscoveries} of ${nulls.length} nulls`);

  const occupation = genreIndependence(table, users.occupations, users.occupationNames.length, {
    permutations: 199,
    seed: 3,
  });
  assert(occupation.pValue <= 0.01, `occupation × genre p = ${occupation.pValue}`);
  assert(occupation.pValueNaive < 1e-6, `classical p = ${occupation.pValueNaive}`);
});

Deno.test("planted synthetic ML-100K: ages 35-44 rate higher; gender and occupation levels are null", async () => {
  const { ds, planted } = await synthetic();
  const users = ds.users!;
  const means = userMeanRatings(ds.ratings);
  const age = ratingLevelBySegment(means, users.ageBuckets, AGE_BUCKETS.length);
  assert(age.kruskal.pValue < 1e-4, `Kruskal–Wallis p = ${age.kruskal.pValue}`);
  const top = age.segments.reduce((a, b) => (b.estimate > a.estimate ? b : a));
  assertEquals(top.group, planted.ageBucket);
  assert(top.pValue < 1e-4 && top.estimate > 0.15 && top.estimate < 0.4, `${top.estimate}`);
  const gender = ratingLevelBySegment(means, users.genders, 2);
  const occupation = ratingLevelBySegment(means, users.occupations, users.occupationNames.length);
  assert(gender.kruskal.pValue > 0.001, `gender p = ${gender.kruskal.pValue}`);
  assert(occupation.kruskal.pValue > 0.001, `occupation p = ${occupation.kruskal.pValue}`);
});

Deno.test("planted synthetic ML-100K: the 20:00 UTC peak is tested; no weekend effect", async () => {
  const { ds } = await synthetic();
  const peak = peakHourTest(ds.ratings, { replicates: 300, seed: 5 });
  assertEquals(peak.peakHour, 20);
  assert(peak.pValue < 0.05 && peak.ci[0] > 0, `p = ${peak.pValue}, CI ${peak.ci}`);
  const weekend = weekendEffect(ds.ratings);
  assert(weekend.users > 100, `${weekend.users} users with both`);
  assert(weekend.pValue > 0.001 && Math.abs(weekend.estimate) < 0.1, `${JSON.stringify(weekend)}`);
  // Most users rate on one or two days, so this share has about 943 users' worth of precision.
  assert(Math.abs(weekend.weekendShare - 2 / 7) < 0.06, `weekend share ${weekend.weekendShare}`);
});

Deno.test("genreIndependence: random labels are rejected about α of the time", async () => {
  const { ds } = await synthetic();
  const table = userGenreCounts(ds);
  let rejected = 0;
  const trials = 20;
  for (let s = 0; s < trials; s++) {
    const labels = Uint8Array.from(
      { length: table.users },
      (_, u) => ((u * 2_654_435_761 + s * 97) >>> 7) % 4,
    );
    const r = genreIndependence(table, labels, 4, { permutations: 99, seed: s + 1 });
    if (r.pValue <= 0.05) rejected++;
  }
  assert(rejected <= 4, `${rejected} of ${trials} null labelings rejected at 0.05`);
});

Deno.test("demographicReport on planted synthetic ML-100K: the two planted effects are claimed", async () => {
  const { ds, planted } = await synthetic();
  const report = demographicReport(ds, { permutations: 199, seed: 2 });
  const engineer = ds.users!.occupationNames[planted.occupation]!;
  assert(
    report.sentences.some((s) => s.startsWith(`occupation "${engineer}" over-weight Sci-Fi`)),
    report.sentences.join("\n"),
  );
  assert(report.sentences.some((s) => s.startsWith(`age "35-44" rate higher`)), "age effect");
  assert(!report.sentences.some((s) => s.startsWith("gender")), "gender carries nothing");
  const occupation = report.families.find((f) => f.name === "occupation")!;
  assert(occupation.independenceQ <= 0.05, `occupation q = ${occupation.independenceQ}`);
});
