/**
 * Box-constrained global search for max Lf/L (SPEC 3.4): seeded quasi-random screening of the whole
 * unit box, then Nelder-Mead from the best few points (and from warm starts). All objective calls go
 * through the batch evaluator.
 */
import { mulberry32 } from '../../util/prng.js';
export interface SearchOptions {
  /** screening samples over the whole box */
  samples?: number;
  /** number of Nelder-Mead starts (best screened points + warm starts) */
  starts?: number;
  /** Nelder-Mead iterations per start */
  maxIter?: number;
  /** convergence: simplex value spread below ftol */
  ftol?: number;
  seed?: number;
  /** warm starts in unit-box coordinates */
  warm?: number[][];
}

export interface SearchResult {
  u: number[];
  value: number;
  /** number of objective points evaluated */
  points: number;
  converged: boolean;
}


const clamp01 = (x: number): number => (x < 0 ? 0 : x > 1 ? 1 : x);

/**
 * Maximise f over [0,1]^dim. `f` evaluates a batch of points (array of unit vectors) and returns values
 * (NaN = infeasible, treated as -Infinity).
 */
export function maximizeBox(dim: number, f: (us: number[][]) => number[], opts: SearchOptions = {}): SearchResult {
  const samples = opts.samples ?? 64;
  const starts = opts.starts ?? 3;
  const maxIter = opts.maxIter ?? 200;
  const ftol = opts.ftol ?? 1e-9;
  const rnd = mulberry32(opts.seed ?? 12345);
  let points = 0;
  const evalMany = (us: number[][]): number[] => {
    points += us.length;
    return f(us).map((v) => (Number.isFinite(v) ? v : -Infinity));
  };
  // Latin-hypercube screening
  const perms = Array.from({ length: dim }, () => {
    const p = Array.from({ length: samples }, (_, i) => i);
    for (let i = samples - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [p[i], p[j]] = [p[j]!, p[i]!];
    }
    return p;
  });
  const screen = Array.from({ length: samples }, (_, i) => perms.map((p) => (p[i]! + rnd()) / samples));
  const vals = evalMany(screen);
  const order = vals.map((v, i) => [v, i] as const).sort((x, y) => y[0] - x[0]);
  const startPts: number[][] = [...(opts.warm ?? []).map((w) => w.map(clamp01))];
  for (const [, i] of order) {
    if (startPts.length >= starts + (opts.warm?.length ?? 0)) break;
    startPts.push(screen[i]!);
  }
  let best: SearchResult = { u: screen[order[0]![1]]!, value: order[0]![0], points: 0, converged: false };
  for (const s0 of startPts) {
    const r = nelderMead(s0, evalMany, maxIter, ftol);
    if (r.value > best.value || (r.value === best.value && r.converged)) best = { ...r, points: 0 };
  }
  return { ...best, points };
}

function nelderMead(
  x0: number[],
  evalMany: (us: number[][]) => number[],
  maxIter: number,
  ftol: number,
): { u: number[]; value: number; converged: boolean } {
  const dim = x0.length;
  const step = 0.08;
  const simplex: number[][] = [x0.slice()];
  for (let i = 0; i < dim; i++) {
    const x = x0.slice();
    x[i] = x[i]! + (x[i]! + step <= 1 ? step : -step);
    simplex.push(x);
  }
  // minimise -f
  let fv = evalMany(simplex).map((v) => -v);
  let converged = false;
  for (let it = 0; it < maxIter; it++) {
    const idx = fv.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]).map((p) => p[1]);
    const S = idx.map((i) => simplex[i]!);
    const F = idx.map((i) => fv[i]!);
    simplex.splice(0, simplex.length, ...S);
    fv = F;
    const spread = Math.abs(fv[dim]! - fv[0]!);
    let size = 0;
    for (let i = 1; i <= dim; i++) for (let j = 0; j < dim; j++) size = Math.max(size, Math.abs(simplex[i]![j]! - simplex[0]![j]!));
    if ((Number.isFinite(spread) && spread <= ftol * (1 + Math.abs(fv[0]!))) || size < 1e-7) {
      converged = Number.isFinite(fv[0]!);
      break;
    }
    const cen = new Array<number>(dim).fill(0);
    for (let i = 0; i < dim; i++) for (let j = 0; j < dim; j++) cen[j]! += simplex[i]![j]! / dim;
    const worst = simplex[dim]!;
    const at = (t: number): number[] => cen.map((c, j) => clamp01(c + t * (c - worst[j]!)));
    const xr = at(1);
    const [fr] = evalMany([xr]).map((v) => -v) as [number];
    if (fr < fv[0]!) {
      const xe = at(2);
      const [fe] = evalMany([xe]).map((v) => -v) as [number];
      if (fe < fr) {
        simplex[dim] = xe;
        fv[dim] = fe;
      } else {
        simplex[dim] = xr;
        fv[dim] = fr;
      }
    } else if (fr < fv[dim - 1]!) {
      simplex[dim] = xr;
      fv[dim] = fr;
    } else {
      const xc = fr < fv[dim]! ? at(0.5) : at(-0.5);
      const [fc] = evalMany([xc]).map((v) => -v) as [number];
      if (fc < Math.min(fr, fv[dim]!)) {
        simplex[dim] = xc;
        fv[dim] = fc;
      } else {
        // shrink toward the best
        const shr: number[][] = [];
        for (let i = 1; i <= dim; i++) shr.push(simplex[i]!.map((x, j) => simplex[0]![j]! + 0.5 * (x - simplex[0]![j]!)));
        const fs = evalMany(shr).map((v) => -v);
        for (let i = 1; i <= dim; i++) {
          simplex[i] = shr[i - 1]!;
          fv[i] = fs[i - 1]!;
        }
      }
    }
  }
  let bi = 0;
  for (let i = 1; i <= dim; i++) if (fv[i]! < fv[bi]!) bi = i;
  return { u: simplex[bi]!, value: -fv[bi]!, converged };
}
