/**
 * screenAndRefine(): screen Eve's objective on a grid ('leakage-grid-screen', e.g. WGSL f32 on
 * webgpu), then refine the best cells in f64 ('leakage-objective' on wasm or reference). The
 * kernels' contracts: src/kernels/leakage-grid-screen/spec.ts (with its proven cell modulus) and
 * src/kernels/leakage-objective/spec.ts.
 */
import { leakageObjectiveReference } from '../kernels/leakage-objective/reference.js';
import type { LeakageObjectiveBatch } from '../kernels/leakage-objective/spec.js';
import { InputError } from '../errors.js';
import type { Backend, BackendName } from '../backends/backend.js';
import { leakageGridScreenReference } from '../kernels/leakage-grid-screen/reference.js';
import {
  LEAKAGE_GRID_SCREEN,
  checkGridScreenShape,
  gridPoint,
  type LeakageGridScreenInput,
  type LeakageGridScreenOutput,
} from '../kernels/leakage-grid-screen/spec.js';

export interface ScreenAndRefineOptions {
  /** Backend that screens (e.g. webgpu). Missing, failing or lacking the kernel: reference screens. */
  screener?: Backend;
  /**
   * f64 backend that evaluates the refinement batches ('leakage-objective', e.g. wasm). Not f64,
   * lacking the kernel or throwing: reference refines (with a warning). Default: reference.
   */
  refiner?: Backend;
  /** Warning sink for fallbacks (default: one stderr line prefixed 'keyrate:'). */
  warn?: (line: string) => void;
  /** Stop refining when the pattern step falls below this (default 1e-10). */
  tol?: number;
}

export interface RefinedMinimum {
  /** f64 minimum of F per problem (min over the refined starts, each started at a best cell). */
  min: Float64Array;
  /** Minimising gamma per problem (problems * n). */
  arg: Float64Array;
  /** Screen output (best cells, spacing, modulus). */
  screen: LeakageGridScreenOutput;
  /** Who screened and who refined, and why a fallback happened. */
  screenedBy: BackendName;
  refinedBy: BackendName;
  fallback?: string;
  /** f64 objective evaluations spent in refinement. */
  refineEvaluations: number;
  tol: number;
}

/**
 * Screen the grid (on `screener` when it works, else on reference with a warning), then refine
 * each of the best K cells in f64 by a bound-constrained compass search (best-improvement over
 * the 2n moves +-h e_a, clamped to [0,1]; h starts at the grid spacing and halves to `tol`).
 * All active searches of all problems are evaluated as one 'leakage-objective' batch per
 * iteration, on `refiner` (f64) or reference. Never returns a screen-precision value.
 */
export async function screenAndRefine(input: LeakageGridScreenInput, opts: ScreenAndRefineOptions = {}): Promise<RefinedMinimum> {
  const { n, problems } = checkGridScreenShape(input);
  const warn = opts.warn ?? ((l: string) => process.stderr.write(`keyrate: ${l}\n`));
  const tol = opts.tol ?? 1e-10;
  if (!(tol > 0)) throw new InputError('tol', '> 0', tol);
  let screen: LeakageGridScreenOutput | undefined;
  let screenedBy: BackendName = 'reference';
  const notes: string[] = [];
  const s = opts.screener;
  if (s && s.name !== 'reference') {
    let why: string | undefined;
    if (!s.has(LEAKAGE_GRID_SCREEN)) why = `backend ${s.name} has no kernel ${LEAKAGE_GRID_SCREEN}`;
    else {
      try {
        screen = await s.run<LeakageGridScreenInput, LeakageGridScreenOutput>(LEAKAGE_GRID_SCREEN, input);
        screenedBy = s.name;
      } catch (e) {
        why = `backend ${s.name} failed on ${LEAKAGE_GRID_SCREEN} (${(e as Error).message.split('\n')[0]})`;
      }
    }
    if (why) {
      warn(`${why}; falling back to reference for this batch`);
      notes.push(why);
    }
  }
  screen ??= leakageGridScreenReference(input);

  // f64 evaluator: refiner backend if usable, else reference (switching for good on a throw)
  let refiner: Backend | undefined = opts.refiner && opts.refiner.name !== 'reference' ? opts.refiner : undefined;
  if (refiner && (refiner.precision !== 'f64' || !refiner.has('leakage-objective'))) {
    const why = `refiner ${refiner.name} is not an f64 backend with leakage-objective`;
    warn(`${why}; refining on reference`);
    notes.push(why);
    refiner = undefined;
  }
  let evals = 0;
  const evaluate = async (b: LeakageObjectiveBatch): Promise<Float64Array> => {
    evals += b.problemOf.length;
    if (refiner) {
      try {
        return await refiner.run<LeakageObjectiveBatch, Float64Array>('leakage-objective', b);
      } catch (e) {
        const why = `refiner ${refiner.name} failed on leakage-objective (${(e as Error).message.split('\n')[0]})`;
        warn(`${why}; refining on reference`);
        notes.push(why);
        refiner = undefined;
      }
    }
    return leakageObjectiveReference(b);
  };

  const K = input.topK;
  interface Search { p: number; x: Float64Array; fx: number; h: number }
  const searches: Search[] = [];
  for (let p = 0; p < problems; p++) {
    for (let k = 0; k < K; k++) {
      const c = screen.index[p * K + k]!;
      if (Number.isFinite(c)) searches.push({ p, x: gridPoint(c, input.grid, n), fx: NaN, h: screen.step });
    }
  }
  const batchOf = (pts: Float64Array, probs: Uint32Array): LeakageObjectiveBatch => ({
    dim: input.dim, parties: input.parties, coef: input.coef, gammas: pts, problemOf: probs, objective: input.objective,
  });
  {
    const pts = new Float64Array(searches.length * n);
    searches.forEach((t, i) => pts.set(t.x, i * n));
    const f0 = await evaluate(batchOf(pts, Uint32Array.from(searches, (t) => t.p)));
    searches.forEach((t, i) => (t.fx = f0[i]!));
  }
  for (let iter = 0; iter < 100000; iter++) {
    const active = searches.filter((t) => t.h >= tol);
    if (active.length === 0) break;
    const m = 2 * n;
    const pts = new Float64Array(active.length * m * n);
    const probs = new Uint32Array(active.length * m);
    active.forEach((t, i) => {
      for (let j = 0; j < m; j++) {
        const o = (i * m + j) * n;
        pts.set(t.x, o);
        const a = j >> 1;
        pts[o + a] = Math.min(1, Math.max(0, t.x[a]! + (j & 1 ? -t.h : t.h)));
        probs[i * m + j] = t.p;
      }
    });
    const f = await evaluate(batchOf(pts, probs));
    active.forEach((t, i) => {
      let best = -1;
      let fb = t.fx;
      for (let j = 0; j < m; j++) if (f[i * m + j]! < fb) (fb = f[i * m + j]!), (best = j);
      if (best >= 0) {
        t.x = pts.slice((i * m + best) * n, (i * m + best + 1) * n);
        t.fx = fb;
      } else t.h /= 2;
    });
  }
  const min = new Float64Array(problems).fill(Infinity);
  const arg = new Float64Array(problems * n);
  for (const t of searches) {
    if (t.fx < min[t.p]!) {
      min[t.p] = t.fx;
      arg.set(t.x, t.p * n);
    }
  }
  return {
    min, arg, screen, screenedBy, refinedBy: refiner ? refiner.name : 'reference',
    fallback: notes.length ? notes.join('; ') : undefined, refineEvaluations: evals, tol,
  };
}
