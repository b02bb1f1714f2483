// Every fit, epoch, reference and search entry point checks its penalties with the one check of
// lib/ffi/params.ts: the same bad value gets the same message wherever it is passed, and the
// renamed option `lambdaFactors` is refused (naming `lambda`) instead of being ignored.
import { assert, assertEquals } from "../../tests/_assert.ts";
import { fromTriplets } from "../data/coo.ts";
import { alsCgEpoch, alsEpoch, foldInRecommend, genreAlsEpoch } from "../ffi/kernels.ts";
import type { AlsPenalties } from "../ffi/params.ts";
import { Als, runAlsEpoch } from "./als.ts";
import { alsRowEquations } from "./als_row.ts";
import { initAlsState } from "./als_state.ts";
import {
  agreementCheck,
  compareBaseline,
  timeKernelAls,
  timeNaiveAls,
} from "./baseline_comparison.ts";
import { foldIn, recommendPerson } from "./fold_in.ts";
import { GenreAls } from "./genre_als.ts";
import { collectiveReferenceEpoch, genreAlsReferenceEpoch } from "./genre_als_state.ts";
import { naiveAlsEpoch, naiveAlsFit } from "./naive_als.ts";
import { fitTrial, gridSearch } from "./tuning.ts";

/** The error `call` throws or rejects with (the test fails when it returns). */
async function refusal(call: () => unknown): Promise<Error> {
  try {
    await call();
  } catch (error) {
    assert(error instanceof Error, `not an Error: ${error}`);
    return error;
  }
  throw new Error("expected a refusal");
}

const train = fromTriplets(3, 3, [0, 0, 1, 1, 2], [0, 1, 1, 2, 0], [5, 4, 2, 1, 4], [
  0,
  0,
  0,
  0,
  0,
]);
const validation = fromTriplets(3, 3, [2], [2], [2], [0]);
const state = () => initAlsState(3, 3, 2, { seed: 1, mu: 3.2 });
const foldModel = () => ({ state: state(), hyper: { lambda: 1, weighted: false } });

/** Each explicit-ALS entry point with the penalties it is given, and the name it reports. */
const alsEntryPoints: [string, (p: AlsPenalties) => unknown][] = [
  ["Als.fit", (p) => Als.fit(train, { k: 2, epochs: 1, progress: false, ...p })],
  ["alsEpoch", (p) => runAlsEpoch(train, state(), p)],
  ["alsEpoch", (p) => alsEpoch(train, state(), p)],
  ["alsCgEpoch", (p) => alsCgEpoch(train, state(), { ...p, cgSteps: 2 })],
  ["naiveAlsEpoch", (p) => naiveAlsEpoch(train, state(), p)],
  ["naiveAlsFit", (p) => naiveAlsFit(train, { k: 2, epochs: 0, seed: 1, ...p })],
  ["alsRowEquations", (p) => alsRowEquations(train, state(), { side: "user", row: 0, ...p })],
  ["fitTrial", (p) => fitTrial(train, validation, { k: 2, maxEpochs: 1, ...p })],
  ["gridSearch", (p) => gridSearch(train, validation, { ks: [2], lambdas: [p.lambda], ...p })],
  ["foldIn", (p) => foldIn(foldModel(), [0], [5], p)],
  ["foldIn", (p) => recommendPerson(foldModel(), [0], [5], p)],
  ["foldInRecommend", (p) => foldInRecommend(state(), [0], [5], p)],
];

Deno.test("every explicit-ALS entry point refuses λ ≤ 0 and λ_b < 0 with one message", async () => {
  for (const [fn, call] of alsEntryPoints) {
    const lambda = await refusal(() => call({ lambda: 0, lambdaBias: 1 }));
    assert(lambda instanceof RangeError, `${fn}: ${lambda}`);
    assertEquals(lambda.message, `${fn}: lambda must be a finite number > 0, got 0`);
    const bias = await refusal(() => call({ lambda: 1, lambdaBias: -1 }));
    assertEquals(bias.message, `${fn}: lambdaBias must be a finite number ≥ 0, got -1`);
    const nan = await refusal(() => call({ lambda: NaN, lambdaBias: 1 }));
    assertEquals(nan.message, `${fn}: lambda must be a finite number > 0, got NaN`);
  }
});

Deno.test("the renamed option lambdaFactors is refused, naming lambda", async () => {
  const old = { lambdaFactors: 0.1, lambdaBias: 0.1 } as unknown as AlsPenalties;
  const timing = { k: 2, epochs: 1, ...old };
  const calls: [string, () => unknown][] = [
    ["alsEpoch", () => alsEpoch(train, state(), old)],
    ["alsCgEpoch", () => alsCgEpoch(train, state(), { ...old, cgSteps: 2 })],
    ["naiveAlsEpoch", () => naiveAlsEpoch(train, state(), old)],
    ["naiveAlsFit", () => naiveAlsFit(train, { k: 2, epochs: 1, seed: 1, ...old })],
    ["foldInRecommend", () => foldInRecommend(state(), [0], [5], old)],
    ["timeKernelAls", () => timeKernelAls(train, timing)],
    ["timeNaiveAls", () => timeNaiveAls(train, timing)],
    ["agreementCheck", () => agreementCheck(train, timing)],
    ["compareBaseline", () => compareBaseline(train, timing)],
  ];
  for (const [fn, call] of calls) {
    const error = await refusal(call);
    assert(error instanceof TypeError, `${fn}: ${error}`);
    assertEquals(
      error.message,
      `${fn}: the option lambdaFactors is now called lambda; pass lambda instead`,
    );
  }
});

Deno.test("every genre-ALS entry point refuses a bad τ, τ_b or λ_G with one message", async () => {
  const features = {
    spec: { groups: [], names: ["(intercept)"] },
    nItems: 3,
    nFeatures: 1,
    ptr: Uint32Array.of(0, 1, 2, 3),
    index: Uint32Array.of(0, 0, 0),
    values: Float32Array.of(1, 1, 1),
  };
  const genreState = () => ({
    ...state(),
    featureFactors: new Float32Array(2),
    featureBias: new Float32Array(1),
  });
  const good = { lambda: 1, lambdaBias: 1, tau: 1, tauBias: 1, lambdaFeatures: 1, weighted: false };
  const entryPoints: [string, (p: typeof good) => unknown][] = [
    [
      "GenreAls.fit",
      (p) => GenreAls.fit(train, { features, k: 2, epochs: 1, progress: false, ...p }),
    ],
    ["genreAlsEpoch", (p) => genreAlsEpoch(train, genreState(), features, p)],
    ["genreAlsReferenceEpoch", (p) => genreAlsReferenceEpoch(train, genreState(), features, p)],
    [
      "collectiveReferenceEpoch",
      (p) => collectiveReferenceEpoch(train, genreState(), features, p, 1),
    ],
  ];
  const bad: [Partial<typeof good>, string][] = [
    [{ tau: -1 }, "tau must be a finite number ≥ 0, got -1"],
    [{ tauBias: NaN }, "tauBias must be a finite number ≥ 0, got NaN"],
    [{ lambdaFeatures: 0 }, "lambdaFeatures must be a finite number > 0, got 0"],
    [{ lambda: Infinity }, "lambda must be a finite number > 0, got Infinity"],
  ];
  for (const [fn, call] of entryPoints) {
    for (const [change, message] of bad) {
      const error = await refusal(() => call({ ...good, ...change }));
      assertEquals(error.message, `${fn}: ${message}`);
    }
  }
});
