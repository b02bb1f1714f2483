import { assert, assertAlmostEquals } from "../../tests/_assert.ts";
import type { ItemFeatures } from "../data/item_features.ts";
import { Rng } from "../stats/rng.ts";
import { runAlsEpoch } from "./als.ts";
import { cloneAlsState, initAlsState } from "./als_state.ts";
import {
  collectiveReferenceEpoch,
  featurePrior,
  genreAlsReferenceEpoch,
  type GenreAlsState,
} from "./genre_als_state.ts";
import { planted } from "./_test_fixtures.ts";

/** The intercept plus 1–2 of `nFeatures − 1` others per item. */
export function randomFeatures(nItems: number, nFeatures: number, seed: number): ItemFeatures {
  const rng = new Rng(seed);
  const ptr = new Uint32Array(nItems + 1), index: number[] = [];
  for (let i = 0; i < nItems; i++) {
    const cols = new Set([0, 1 + Math.floor(rng.next() * (nFeatures - 1))]);
    if (rng.next() < 0.5) cols.add(1 + Math.floor(rng.next() * (nFeatures - 1)));
    index.push(...[...cols].sort((a, b) => a - b));
    ptr[i + 1] = index.length;
  }
  const names = Array.from({ length: nFeatures }, (_, g) => (g === 0 ? "(intercept)" : `f${g}`));
  return {
    spec: { groups: [], names },
    nItems,
    nFeatures,
    ptr,
    index: Uint32Array.from(index),
    values: new Float32Array(index.length).fill(1),
  };
}

function withPrior(s: ReturnType<typeof initAlsState>, nFeatures: number): GenreAlsState {
  return {
    ...s,
    featureFactors: new Float32Array(nFeatures * s.k),
    featureBias: new Float32Array(nFeatures),
  };
}

Deno.test("genre ALS reference: τ = τ_b = 0 is plain ALS (the kernel's epoch)", async () => {
  const p = planted({ nUsers: 30, nItems: 25, k: 2, observed: 0.5, seed: 3 });
  const f = randomFeatures(25, 6, 1);
  const params = {
    lambda: 0.5,
    lambdaBias: 0.3,
    tau: 0,
    tauBias: 0,
    lambdaFeatures: 1,
    weighted: false,
  };
  const als = initAlsState(30, 25, 3, { seed: 2, mu: 3 });
  const ref = withPrior(cloneAlsState(als), 6);
  for (let e = 0; e < 3; e++) {
    await runAlsEpoch(p.train, als, { lambda: 0.5, lambdaBias: 0.3, weighted: false });
    genreAlsReferenceEpoch(p.train, ref, f, params);
  }
  for (let j = 0; j < als.itemFactors.length; j++) {
    assertAlmostEquals(ref.itemFactors[j]!, als.itemFactors[j]!, 1e-4);
  }
  for (let j = 0; j < als.userBias.length; j++) {
    assertAlmostEquals(ref.userBias[j]!, als.userBias[j]!, 1e-4);
  }
  assert(ref.featureFactors.every((x) => x === 0) && ref.featureBias.every((x) => x === 0));
});

Deno.test("genre ALS reference: a large τ ties every item to its prior; unrated items equal it", () => {
  const p = planted({ nUsers: 30, nItems: 25, k: 2, observed: 0.5, seed: 4 });
  const f = randomFeatures(25, 6, 2);
  const s = withPrior(initAlsState(30, 25, 2, { seed: 1, mu: 3 }), 6);
  const params = {
    lambda: 0.5,
    lambdaBias: 0.3,
    tau: 1e6,
    tauBias: 1e6,
    lambdaFeatures: 1e-3,
    weighted: false,
  };
  for (let e = 0; e < 4; e++) genreAlsReferenceEpoch(p.train, s, f, params);
  const prior = featurePrior(f, 2, s.featureFactors, s.featureBias);
  for (let j = 0; j < s.itemFactors.length; j++) {
    assertAlmostEquals(s.itemFactors[j]!, prior.factors[j]!, 1e-3);
  }
});

Deno.test("collective reference: finite, and features reconstructed from factors improve", () => {
  const p = planted({ nUsers: 30, nItems: 25, k: 2, observed: 0.5, seed: 5 });
  const f = randomFeatures(25, 6, 3);
  const s = withPrior(initAlsState(30, 25, 2, { seed: 1, mu: 3 }), 6);
  s.featureFactors.set(Float32Array.from({ length: 12 }, (_, j) => 0.1 * Math.sin(j + 1)));
  const params = {
    lambda: 0.5,
    lambdaBias: 0.3,
    tau: 1,
    tauBias: 1,
    lambdaFeatures: 0.1,
    weighted: false,
  };
  const reconstruction = () => {
    let sse = 0;
    for (let i = 0; i < 25; i++) {
      const dense = new Float64Array(6);
      for (let e = f.ptr[i]!; e < f.ptr[i + 1]!; e++) dense[f.index[e]!] = 1;
      for (let g = 0; g < 6; g++) {
        let fit = 0;
        for (let q = 0; q < 2; q++) fit += s.featureFactors[g * 2 + q]! * s.itemFactors[i * 2 + q]!;
        sse += (dense[g]! - fit) ** 2;
      }
    }
    return sse;
  };
  collectiveReferenceEpoch(p.train, s, f, params, 10);
  const first = reconstruction();
  for (let e = 0; e < 5; e++) collectiveReferenceEpoch(p.train, s, f, params, 10);
  assert(s.itemFactors.every(Number.isFinite) && s.featureFactors.every(Number.isFinite));
  assert(reconstruction() <= first * 1.01, `reconstruction ${reconstruction()} vs ${first}`);
});
