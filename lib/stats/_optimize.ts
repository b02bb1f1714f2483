/**
 * Private numerical optimisers for the distribution fits: golden-section search for a unimodal
 * function of one variable and Nelder–Mead for a few variables. Both are bounded loops.
 *
 * @module
 */

const INV_PHI = (Math.sqrt(5) - 1) / 2;

/**
 * Maximises a unimodal `f` on `[lo, hi]` by golden-section search until the bracket is narrower than
 * `tol`. Returns the arg max. Non-finite values of `f` count as −∞.
 */
export function maximizeGolden(
  f: (x: number) => number,
  lo: number,
  hi: number,
  tol = 1e-9,
): number {
  const value = (x: number) => {
    const v = f(x);
    return Number.isFinite(v) ? v : -Infinity;
  };
  let a = lo;
  let b = hi;
  let c = b - INV_PHI * (b - a);
  let d = a + INV_PHI * (b - a);
  let fc = value(c);
  let fd = value(d);
  for (let iter = 0; iter < 200 && b - a > tol; iter++) {
    if (fc >= fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - INV_PHI * (b - a);
      fc = value(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + INV_PHI * (b - a);
      fd = value(d);
    }
  }
  return (a + b) / 2;
}

/**
 * Minimises `f` from `x0` by the Nelder–Mead simplex (standard coefficients 1, 2, 0.5, 0.5), with
 * initial steps `step`. Stops when the simplex values differ by less than `tol` (absolute) or
 * after `maxIter` iterations. Non-finite values count as +∞.
 */
export function minimizeNelderMead(
  f: (x: number[]) => number,
  x0: readonly number[],
  step: readonly number[],
  tol = 1e-10,
  maxIter = 2000,
): { x: number[]; value: number } {
  const dim = x0.length;
  const value = (x: number[]) => {
    const v = f(x);
    return Number.isFinite(v) ? v : Infinity;
  };
  const simplex: { x: number[]; v: number }[] = [{ x: [...x0], v: value([...x0]) }];
  for (let i = 0; i < dim; i++) {
    const x = [...x0];
    x[i] = x[i]! + step[i]!;
    simplex.push({ x, v: value(x) });
  }
  const along = (from: number[], to: number[], t: number) =>
    from.map((fi, i) => fi + t * (to[i]! - fi));
  for (let iter = 0; iter < maxIter; iter++) {
    simplex.sort((p, q) => p.v - q.v);
    const best = simplex[0]!;
    const worst = simplex[dim]!;
    if (Math.abs(worst.v - best.v) <= tol) break;
    const centroid = new Array<number>(dim).fill(0);
    for (let i = 0; i < dim; i++) {
      for (let j = 0; j < dim; j++) centroid[j] = centroid[j]! + simplex[i]!.x[j]! / dim;
    }
    const reflected = along(centroid, worst.x, -1);
    const vr = value(reflected);
    if (vr < best.v) {
      const expanded = along(centroid, worst.x, -2);
      const ve = value(expanded);
      simplex[dim] = ve < vr ? { x: expanded, v: ve } : { x: reflected, v: vr };
      continue;
    }
    if (vr < simplex[dim - 1]!.v) {
      simplex[dim] = { x: reflected, v: vr };
      continue;
    }
    const contracted = vr < worst.v
      ? along(centroid, reflected, 0.5)
      : along(centroid, worst.x, 0.5);
    const vc = value(contracted);
    if (vc < Math.min(vr, worst.v)) {
      simplex[dim] = { x: contracted, v: vc };
      continue;
    }
    for (let i = 1; i <= dim; i++) {
      const x = along(best.x, simplex[i]!.x, 0.5);
      simplex[i] = { x, v: value(x) };
    }
  }
  simplex.sort((p, q) => p.v - q.v);
  return { x: simplex[0]!.x, value: simplex[0]!.v };
}
