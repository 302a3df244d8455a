// W1 workload for the backend benchmarks: the batches the leakage model would form for [L] Fig. 1
// (d=2, N=2, visibilities 0.34:1:0.01 = 67 values x leakages 0.1, 0.2, 0.3, uniform model, aligned
// computational-basis setting): Eve's global search evaluates F on a G^4 grid over the gamma box
// for every problem. Coefficients from SPEC.md section 2 (same construction as test/backends/cases.ts).

/** [A_0..A_3, B_0..B_3] for d=2, N=2, aligned bases, uniform leakage. */
export function coefficientsD2N2(v, L) {
  const d = 2, N = 2, n = 4, D = d ** (N - 1);
  const phi = [0.5, 0, 0, 0.5]; // |phi+> in Z x Z
  const q = Math.min(1, ((1 + D) * (1 - v)) / D); // App. A
  const pv = phi.map((x) => v * x + (1 - v) / n); // Eqs. 6-7
  const psep = phi.map((x) => (x + 1 / d) / (1 + D)); // Eq. 9
  const pent = pv.map((x, a) => (q < 1 ? Math.max(0, (x - q * psep[a]) / (1 - q)) : 0));
  const K = (1 - q) * (1 - L); // Eq. 12 (uniform)
  return [...psep.map((x) => q * L * x), ...pent.map((x) => K * x)];
}

export const W1_VISIBILITIES = Array.from({ length: 67 }, (_, i) => Math.round((0.34 + 0.01 * i) * 100) / 100);
export const W1_LEAKAGES = [0.1, 0.2, 0.3];

/**
 * Build W1: `grid` points per gamma axis (grid^4 points per problem).
 * Returns { whole: one batch with every problem, perProblem: one batch per problem }.
 */
export function buildW1(grid = 9) {
  const problems = [];
  for (const L of W1_LEAKAGES) for (const v of W1_VISIBILITIES) problems.push({ v, L });
  const n = 4;
  const per = grid ** n;
  const axis = Array.from({ length: grid }, (_, i) => i / (grid - 1));
  const gridPts = new Float64Array(per * n);
  for (let c = 0; c < per; c++) {
    let r = c;
    for (let a = 0; a < n; a++) {
      gridPts[c * n + a] = axis[r % grid];
      r = Math.floor(r / grid);
    }
  }
  const coef = Float64Array.from(problems.flatMap((p) => coefficientsD2N2(p.v, p.L)));
  const gammas = new Float64Array(problems.length * per * n);
  const problemOf = new Uint32Array(problems.length * per);
  for (let p = 0; p < problems.length; p++) {
    gammas.set(gridPts, p * per * n);
    problemOf.fill(p, p * per, (p + 1) * per);
  }
  const whole = { dim: 2, parties: 2, coef, gammas, problemOf, objective: 'joint' };
  const perProblem = problems.map((_, p) => ({
    dim: 2, parties: 2, coef: coef.slice(p * 2 * n, (p + 1) * 2 * n), gammas: gridPts,
    problemOf: new Uint32Array(per), objective: 'joint',
  }));
  return { problems, grid, pointsPerProblem: per, whole, perProblem };
}
