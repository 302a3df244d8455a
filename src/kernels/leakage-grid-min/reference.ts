/** Plain-TS twin of 'leakage-grid-min' (spec.ts): odometer over the grid, objectiveAt per point. */
import { objectiveAt } from '../../kernels/leakage-objective/reference.js';
import { checkGridMinShape, type LeakageGridMinInput, type LeakageGridMinOutput } from './spec.js';

export function leakageGridMinReference(b: LeakageGridMinInput): LeakageGridMinOutput {
  const { n, problems } = checkGridMinShape(b);
  const G = b.grid;
  const step = 1 / (G - 1);
  const total = G ** n;
  const min = new Float64Array(problems);
  const arg = new Float64Array(problems * n);
  const gamma = new Float64Array(n);
  const k = new Int32Array(n);
  const marg = new Float64Array(b.dim * b.parties);
  for (let p = 0; p < problems; p++) {
    k.fill(0);
    let best = Infinity;
    let bestIdx = 0;
    for (let c = 0; c < total; c++) {
      for (let a = 0; a < n; a++) gamma[a] = k[a]! * step;
      const f = objectiveAt(b.dim, b.parties, b.coef, p * 2 * n, gamma, 0, b.objective, marg);
      if (f < best) {
        best = f;
        bestIdx = c;
      }
      for (let a = 0; a < n; a++) {
        if (++k[a]! < G) break;
        k[a] = 0;
      }
    }
    min[p] = best;
    let r = bestIdx;
    for (let a = 0; a < n; a++) {
      arg[p * n + a] = (r % G) * step;
      r = Math.floor(r / G);
    }
  }
  return { min, arg };
}
