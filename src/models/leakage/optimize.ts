/**
 * Eve's minimisation min_gamma F_x(gamma) over the box [0,1]^(d^N) ([L] App. B Eqs. 25-29) and
 * the honest parties' maximisation over settings x. F is not convex in gamma (SPEC.md 2), so:
 *   1. global screen: the full coarse grid {0, 1/(G-1), ..., 1}^n of every problem, plus extra
 *      starts (the paper's Eq. 16 attack), in ONE batch (with a screening backend: its best cells;
 *      above the grid cap pseudo-random points, ranked at screening precision where there is a
 *      screening backend and the best of them redone in f64);
 *   2. the `starts` best distinct screen points of each problem are refined by projected
 *      gradient descent (analytic gradient, see below) with a batched multi-step line search:
 *      every iteration evaluates, for every active start of every problem, 4 trial step lengths
 *      in one batch.
 * All objective values go through the injectable `evaluate` (kernel contract of
 * src/kernels/leakage-objective/spec.ts). The gradient is computed here from the same w_a:
 *   dF/dgamma_a = A_a [log2 w_a - sum_i log2 m_i(a_i) + (N-1) log2 P]      ('joint', F = P I)
 *   dI/dgamma_a = A_a [that - I] / P                                        ('conditional')
 * (the 1/ln 2 terms cancel: 1 - N + (N-1) = 0).
 *
 * Convergence (EveMin.status): 'optimum' when (a) the best start stopped on its tolerance (step <
 * stepTol or a zero projected gradient), not on maxIter, (b) at least two starts from distinct
 * initial points end within valueTol of the minimum, and (c) no NaN value or gradient was met for
 * the problem; otherwise 'not-converged'. NaN objective values (a bug or a broken backend, see
 * the kernel spec) never win a comparison and are counted in `nanEvents`; a problem whose every
 * value is NaN throws.
 */
import { SCREEN_MAX_OUTCOMES, type LeakageObjectiveBatch, type Objective } from '../../kernels/leakage-objective/spec.js';
import { MAX_TOP_K, gridDigits, type LeakageGridScreenInput, type LeakageGridScreenOutput } from '../../kernels/leakage-grid-screen/spec.js';
import { mulberry32 } from '../../util/prng.js';

export type Evaluate = (batch: LeakageObjectiveBatch) => Float64Array | Promise<Float64Array>;

/**
 * An optional screening stage for step 1 ('leakage-grid-screen', e.g. WGSL f32 on webgpu): the
 * best `topK` cells of the full grid per problem; undefined = screen in f64 through `evaluate`.
 * The screened cells (and the extra starts) are re-evaluated in f64 before anything is chosen.
 */
export type Screen = (input: LeakageGridScreenInput) => Promise<LeakageGridScreenOutput | undefined>;

/**
 * An optional screening stage for the pseudo-random screen (grid^n > maxScreen): 'leakage-objective'
 * on a screening backend (e.g. WGSL f32 on webgpu, d^N <= SCREEN_MAX_OUTCOMES); undefined = f64
 * through `evaluate`. Its values only rank: the best SCREEN_RECHECK_PER_START x starts points of
 * each problem are re-evaluated in f64 and the starts are chosen from those f64 values.
 */
export type ScreenPoints = (batch: LeakageObjectiveBatch) => Promise<Float64Array | undefined>;

/** Points per problem of a screening-precision random screen re-evaluated in f64 (per start: 16). */
export const SCREEN_RECHECK_PER_START = 16;

/**
 * Indices of the k smallest values (NaN last; ties by index: the first k of a stable sort) without
 * sorting every index: the k-th smallest value by a typed-array sort, then the indices at or below it.
 */
export function smallest(v: Float64Array, k: number): number[] {
  const key = (x: number): number => (Number.isNaN(x) ? Infinity : x);
  if (k <= 0 || v.length === 0) return [];
  const thr = Float64Array.from(v, key).sort()[Math.min(k, v.length) - 1]!;
  const low: number[] = [];
  for (let i = 0; i < v.length; i++) if (key(v[i]!) <= thr) low.push(i);
  return low.sort((x, y) => key(v[x]!) - key(v[y]!) || x - y).slice(0, k);
}

export interface EveOptions {
  /** Grid points per gamma coordinate in the screen (default: 6 for n <= 4, 3 for n <= 9, 2 above). */
  grid?: number;
  /** Refined starts per problem (default 4). */
  starts?: number;
  /** Projected-gradient iterations per start (default 400). */
  maxIter?: number;
  /** Stop when the step length falls below this (default 1e-12, in gamma units). */
  stepTol?: number;
  /** Starts within this of the minimum (absolute, bits) count as agreeing (default 1e-9). */
  valueTol?: number;
  /** Largest screen per problem (default 2^18): when grid^n exceeds it, the screen is `maxScreen`
   *  deterministic pseudo-random points instead (half vertices of [0,1]^n, half uniform; all-0 and all-1 included). */
  maxScreen?: number;
}


export type EveStatus = 'optimum' | 'not-converged';

export interface EveConvergence {
  /** refined starts from distinct initial points */
  starts: number;
  /** of those, how many ended within valueTol of the minimum */
  agreeing: number;
  /** the best start stopped on its tolerance (false: on maxIter) */
  stopped: boolean;
  /** NaN objective values and NaN gradients met for this problem */
  nanEvents: number;
  valueTol: number;
}

export interface EveMin {
  /** min_gamma F found */
  value: number;
  gamma: Float64Array;
  /** see the criterion at the top of this file */
  status: EveStatus;
  convergence: EveConvergence;
  /** with a screening stage: the f64 value of the best screened grid cell and the proven cell
   *  modulus M (src/kernels/leakage-grid-screen/spec.ts): min over the box >= gridBest - M
   *  ('joint'; NaN modulus for 'conditional'), as long as the screen ranked the grid minimum among its cells */
  screen?: { gridBest: number; modulus: number };
}

export function defaultGrid(n: number): number {
  return n <= 4 ? 6 : n <= 9 ? 3 : 2;
}

/** Gradient of F (or I) with respect to gamma at one point; `out` length n. */
export function objectiveGradient(
  dim: number,
  parties: number,
  A: ArrayLike<number>,
  B: ArrayLike<number>,
  gamma: ArrayLike<number>,
  objective: Objective,
  out: Float64Array,
): void {
  const n = A.length;
  const marg = new Float64Array(dim * parties);
  const w = new Float64Array(n);
  let P = 0;
  for (let a = 0; a < n; a++) {
    w[a] = gamma[a]! * A[a]! + B[a]!;
    P += w[a]!;
    let rest = a;
    for (let i = parties - 1; i >= 0; i--) {
      const k = rest % dim;
      rest = (rest - k) / dim;
      marg[i * dim + k] += w[a]!;
    }
  }
  const lg = (x: number) => Math.log2(Math.max(x, 1e-300));
  const lP = lg(P);
  let F = 0;
  for (let a = 0; a < n; a++) {
    let g = lg(w[a]!) + (parties - 1) * lP;
    let rest = a;
    for (let i = parties - 1; i >= 0; i--) {
      const k = rest % dim;
      rest = (rest - k) / dim;
      g -= lg(marg[i * dim + k]!);
    }
    out[a] = g;
    F += w[a]! * g; // Euler: F is 1-homogeneous in w, so F = sum_a w_a dF/dw_a
  }
  for (let a = 0; a < n; a++) {
    out[a] = objective === 'joint' ? A[a]! * out[a]! : P > 0 ? (A[a]! * (out[a]! - F / P)) / P : 0;
  }
}

interface Problem {
  coef: Float64Array; // A (n) then B (n)
  extraStarts: Float64Array[];
}

/**
 * Minimise F over gamma for several problems at once (same d, N, objective). Returns one EveMin
 * per problem and the number of objective evaluations.
 */
export async function eveMinMany(
  dim: number,
  parties: number,
  problems: Problem[],
  objective: Objective,
  evaluate: Evaluate,
  opts: EveOptions = {},
  screenStage?: Screen,
  screenPoints?: ScreenPoints,
): Promise<{ mins: EveMin[]; evaluations: number; screen?: LeakageGridScreenOutput; screenedPoints?: number }> {
  const n = dim ** parties;
  const G = opts.grid ?? defaultGrid(n);
  const nStarts = opts.starts ?? 4;
  const maxIter = opts.maxIter ?? 400;
  const stepTol = opts.stepTol ?? 1e-12;
  const valueTol = opts.valueTol ?? 1e-9;
  const P = problems.length;
  const nan = new Array<number>(P).fill(0);
  const coef = new Float64Array(P * 2 * n);
  problems.forEach((p, i) => coef.set(p.coef, i * 2 * n));
  let evaluations = 0;
  const run = async (gammas: Float64Array, problemOf: Uint32Array): Promise<Float64Array> => {
    evaluations += problemOf.length;
    const out = await evaluate({ dim, parties, coef, gammas, problemOf, objective });
    for (let i = 0; i < out.length; i++) if (Number.isNaN(out[i]!)) nan[problemOf[i]!]++;
    return out;
  };

  // 1. screen: G^n grid (or maxScreen pseudo-random points when G^n is too big) + extra starts,
  //    all problems in one batch
  const maxScreen = opts.maxScreen ?? 2 ** 18;
  const fullGrid = G ** n <= maxScreen;
  // a screening backend keeps only the best cells of the full grid (n <= 9, K <= 8 per problem)
  const screened = fullGrid && n <= 9 && G >= 2 && nStarts <= MAX_TOP_K && nStarts <= G ** n && screenStage
    ? await screenStage({ dim, parties, coef, grid: G, topK: nStarts, objective })
    : undefined;
  const rand = mulberry32(12345);
  const screen = new Float64Array(fullGrid ? 0 : maxScreen * n);
  if (!fullGrid) {
    for (let g = 0; g < maxScreen; g++) {
      for (let a = 0; a < n; a++) {
        const r = rand();
        screen[g * n + a] = g === 0 ? 0 : g === 1 ? 1 : g % 2 === 0 ? (r < 0.5 ? 0 : 1) : r;
      }
    }
  }
  // the random screen on a screening backend: its best points per problem (by screen value, NaN
  // last) are the ones evaluated in f64 below
  const recheck = Math.min(maxScreen, SCREEN_RECHECK_PER_START * nStarts);
  let rows: Uint32Array[] | undefined;
  let screenedPoints: number | undefined;
  if (!fullGrid && screenPoints && n <= SCREEN_MAX_OUTCOMES && recheck < maxScreen) {
    const sg = new Float64Array(P * maxScreen * n);
    const sp = new Uint32Array(P * maxScreen);
    for (let p = 0; p < P; p++) {
      sg.set(screen, p * maxScreen * n);
      sp.fill(p, p * maxScreen, (p + 1) * maxScreen);
    }
    const sv = await screenPoints({ dim, parties, coef, gammas: sg, problemOf: sp, objective });
    if (sv) {
      screenedPoints = P * maxScreen;
      rows = problems.map((_, p) => {
        return Uint32Array.from(smallest(sv.subarray(p * maxScreen, (p + 1) * maxScreen), recheck));
      });
    }
  }
  const gridPts = screened ? nStarts : fullGrid ? G ** n : rows ? recheck : maxScreen;
  const counts = problems.map((p) => gridPts + p.extraStarts.length);
  const total = counts.reduce((s, c) => s + c, 0);
  const gammas = new Float64Array(total * n);
  const problemOf = new Uint32Array(total);
  let idx = 0;
  for (let p = 0; p < P; p++) {
    for (let g = 0; g < gridPts; g++, idx++) {
      problemOf[idx] = p;
      if (screened) {
        // the cell's grid point, k / (G - 1) per axis as in the f64 screen below
        const k = gridDigits(screened.index[p * nStarts + g]!, G, n);
        for (let a = 0; a < n; a++) gammas[idx * n + a] = k[a]! / (G - 1);
        continue;
      }
      if (!fullGrid) {
        const r = rows ? rows[p]![g]! : g;
        gammas.set(screen.subarray(r * n, (r + 1) * n), idx * n);
        continue;
      }
      let rest = g;
      for (let a = 0; a < n; a++) {
        const k = rest % G;
        rest = (rest - k) / G;
        gammas[idx * n + a] = G === 1 ? 0 : k / (G - 1);
      }
      problemOf[idx] = p;
    }
    for (const s of problems[p]!.extraStarts) {
      gammas.set(s, idx * n);
      problemOf[idx++] = p;
    }
  }
  const vals = await run(gammas, problemOf);

  // choose starts: best nStarts grid/extra points per problem (+ every extra start)
  // (NaN values sort last)
  interface Start { p: number; g: Float64Array; g0: string; f: number; step: number; done: boolean; stopped: boolean }
  const startsAll: Start[] = [];
  idx = 0;
  for (let p = 0; p < P; p++) {
    const c = counts[p]!;
    const chosen = new Set(smallest(vals.subarray(idx, idx + c), nStarts).map((i) => idx + i));
    for (let e = 0; e < problems[p]!.extraStarts.length; e++) chosen.add(idx + gridPts + e);
    for (const i of chosen) {
      const g = gammas.slice(i * n, (i + 1) * n);
      startsAll.push({ p, g, g0: g.join(), f: vals[i]!, step: 0.5, done: false, stopped: false });
    }
    idx += c;
  }

  // 2. projected gradient with batched line search
  const mults = [2, 1, 0.25, 1 / 16];
  const grad = new Float64Array(n);
  for (let it = 0; it < maxIter; it++) {
    const active = startsAll.filter((s) => !s.done);
    if (active.length === 0) break;
    const dirs: Float64Array[] = [];
    for (const s of active) {
      const base = s.p * 2 * n;
      objectiveGradient(dim, parties, coef.subarray(base, base + n), coef.subarray(base + n, base + 2 * n), s.g, objective, grad);
      const d = new Float64Array(n);
      let mx = 0;
      if (grad.some(Number.isNaN)) nan[s.p]++;
      for (let a = 0; a < n; a++) {
        let v = -grad[a]!;
        if ((s.g[a]! <= 0 && v < 0) || (s.g[a]! >= 1 && v > 0) || !Number.isFinite(v)) v = 0;
        d[a] = v;
        mx = Math.max(mx, Math.abs(v));
      }
      if (mx > 0) for (let a = 0; a < n; a++) d[a] = d[a]! / mx;
      dirs.push(d);
      if (mx === 0) s.done = s.stopped = true; // zero projected gradient: a stationary point
    }
    const live = active.map((s, i) => ({ s, d: dirs[i]! })).filter((x) => !x.s.done);
    if (live.length === 0) break;
    const m = mults.length;
    const tg = new Float64Array(live.length * m * n);
    const tp = new Uint32Array(live.length * m);
    live.forEach(({ s, d }, i) => {
      for (let k = 0; k < m; k++) {
        const o = (i * m + k) * n;
        const h = s.step * mults[k]!;
        for (let a = 0; a < n; a++) tg[o + a] = Math.min(1, Math.max(0, s.g[a]! + h * d[a]!));
        tp[i * m + k] = s.p;
      }
    });
    const tv = await run(tg, tp);
    live.forEach(({ s }, i) => {
      let best = -1;
      let bf = s.f;
      for (let k = 0; k < m; k++) {
        if (tv[i * m + k]! < bf) {
          bf = tv[i * m + k]!;
          best = k;
        }
      }
      if (best >= 0) {
        s.g = tg.slice((i * m + best) * n, (i * m + best + 1) * n);
        s.f = bf;
        s.step = Math.min(1, s.step * mults[best]!);
      } else {
        s.step /= 64;
      }
      if (s.step < stepTol) s.done = s.stopped = true;
    });
  }

  const best: { value: number; gamma: Float64Array; start?: Start }[] = problems.map(() => ({ value: Infinity, gamma: new Float64Array(n) }));
  // grid points can beat refined starts only if refinement was skipped; include them
  idx = 0;
  for (let p = 0; p < P; p++) {
    for (let i = 0; i < counts[p]!; i++, idx++) {
      if (vals[idx]! < best[p]!.value) best[p] = { value: vals[idx]!, gamma: gammas.slice(idx * n, (idx + 1) * n) };
    }
  }
  for (const s of startsAll) if (s.f <= best[s.p]!.value && (s.f < best[s.p]!.value || !best[s.p]!.start)) best[s.p] = { value: s.f, gamma: s.g, start: s };
  const mins: EveMin[] = best.map((b, p) => {
    if (b.value === Infinity) throw new Error(`leakage objective: every value of problem ${p} is NaN or +Infinity (${nan[p]} NaN): a bug or a broken backend`);
    const mine = startsAll.filter((s) => s.p === p);
    const starts = new Set(mine.map((s) => s.g0)).size;
    const agreeing = new Set(mine.filter((s) => Math.abs(s.f - b.value) <= valueTol).map((s) => s.g0)).size;
    const stopped = b.start !== undefined && mine.some((s) => s.f === b.value && s.stopped); // a best start (ties: any)
    const convergence: EveConvergence = { starts, agreeing, stopped, nanEvents: nan[p]!, valueTol };
    const status: EveStatus = stopped && agreeing >= 2 && nan[p] === 0 ? 'optimum' : 'not-converged';
    if (!screened) return { value: b.value, gamma: b.gamma, status, convergence };
    let gridBest = Infinity;
    const o = counts.slice(0, p).reduce((x, c) => x + c, 0);
    for (let g = 0; g < gridPts; g++) if (vals[o + g]! < gridBest) gridBest = vals[o + g]!;
    return { value: b.value, gamma: b.gamma, status, convergence, screen: { gridBest, modulus: screened.modulus[p]! } };
  });
  return { mins, evaluations, ...(screened ? { screen: screened } : {}), ...(screenedPoints ? { screenedPoints } : {}) };
}
