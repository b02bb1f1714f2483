import { loadMovieLens } from "../data/load.ts";
import { Als } from "./als.ts";
import { randomSplit, validationSplit } from "../data/split.ts";
const ds = await loadMovieLens("../shared/data/ml-latest-small", { sideFiles: false });
const { train, test } = randomSplit(ds.ratings, { seed: 42, testFraction: 0.1 });
const tv = validationSplit(train, { seed: 42 });
for (const k of [8, 16, 32, 64, 128]) for (const lambda of [0.02, 0.05, 0.1, 0.2]) {
  const t = performance.now();
  const m = await Als.fit(tv.train, { k, lambda, epochs: 12, validation: tv.validation, progress: false, threads: 2 });
  const h = m.history;
  const best = h.reduce((a, b) => (b.validationRmse! < a.validationRmse! ? b : a));
  console.log(k, lambda, ((performance.now() - t) / 1000).toFixed(2), (h.reduce((s, x) => s + x.seconds, 0) / h.length).toFixed(3), best.epoch, best.validationRmse!.toFixed(4), h.at(-1)!.validationRmse!.toFixed(4), h.at(-1)!.trainRmse!.toFixed(4));
}
