/**
 * Box-constrained global search for max Lf/L (SPEC 3.4) over the unit box, with an honest status.
 *
 * Starts: warm starts (neighbouring sweep points), then the best points of a seeded Latin-hypercube
 * screen, and, where the caller names them, physics-informed variants of the best screened point
 * (`variants`, e.g. on-off keying |gamma0|^2 = 0) and the best points of the best `familyStarts`
 * physics-informed families (`families`, evaluated in one batch). From each start a local search (`local`):
 *  - 'lbfgs' (default): projected quasi-Newton (L-BFGS-B-like: L-BFGS two-loop direction on the
 *    free coordinates, projection onto the box, Armijo backtracking) with central finite-difference
 *    gradients (one-sided at a bound), all 2 dim points of a gradient in one batch;
 *  - 'nelder-mead': the simplex method (cheap 3-dim phase encoding), then the gradient method
 *    from its point as a polish.
 * First-order optimality test (KKT, docs/amplified.md "Optimisation"): with g = grad f in box units
 * and tau = gtol max(|f|, 1e-4) (default gtol 1e-4: a step of 1 % of the box along any coordinate
 * gains < 1e-6 relative to first order), every coordinate i satisfies |g_i| <= tau if 0 < u_i < 1, g_i <= tau
 * at u_i = 0 and g_i >= -tau at u_i = 1 (no feasible ascent direction).
 * Status of the result (`status`, SPEC 3.4):
 *  - 'no-key': no start found f > 0 (the best value found is still reported);
 *  - 'at-bound': the best point sits on an edge of the search box that is not a physical limit
 *    (`physical` lists those) with the gradient pointing out of the box: the box cuts the optimum;
 *  - 'optimum': the best point passes the KKT test and at least two starts from different initial
 *    points end within `agree` (relative) of its value (when only one did, one confirmation start
 *    is run from the best point displaced by 5 % of the box in a seeded random direction);
 *  - 'not-converged': anything else. `converged` is exactly status === 'optimum';
 *  - 'above' (only with `above`): a value above `above` was found (screen, family or local search,
 *    in that order; the starts then run one after the other and stop there): a lower bound of the
 *    maximum, no optimum claimed.
 * NaN objective values are infeasible points (never a best point) and are counted (`nanEvents`).
 * With `stall`, a gradient search whose value gained less than stall max(|f|, 1e-4) over its last
 * 10 iterations stops ('stall' stop: it creeps along a flat valley; its value still competes).
 * A gradient search still without a key (f <= 0) after 25 iterations stops ('no-key' stop): in a
 * region without key Lf/L creeps towards 0 from below as p_check -> 0 and would take every
 * iteration of the budget at the costliest points (large rE).
 */
import { mulberry32 } from '../../util/prng.js';

export type OptimumStatus = 'optimum' | 'not-converged' | 'at-bound' | 'no-key' | 'above';

export interface SearchOptions {
  /** screening samples over the whole box */
  samples?: number;
  /** number of local searches from screened points (beside warm starts and variants) */
  starts?: number;
  /** local-search iterations per start */
  maxIter?: number;
  /** stop a start when its value improves by less than ftol (relative) twice in a row */
  ftol?: number;
  /** KKT tolerance (relative to max(|f|, 1e-4)) */
  gtol?: number;
  /** relative agreement of two starts that confirms an optimum */
  agree?: number;
  seed?: number;
  /** warm starts in unit-box coordinates */
  warm?: number[][];
  /** starts from the best points of the best physics-informed families (BoxExtra.families; default 3) */
  familyStarts?: number;
  /** finite differences of the local searches' gradients: 'forward' (dim points; central once the
   *  KKT test holds on them) or 'central' (2 dim points) throughout */
  differences?: 'forward' | 'central';
  /** starts closer than this in every box coordinate are one start (default 1e-9: only copies) */
  sameStart?: number;
  /** local search method */
  local?: 'lbfgs' | 'nelder-mead';
  /** stop a gradient search whose value gained less than this (relative) over its last
   *  STALL_WINDOW iterations ('stall' stop; 0: never) */
  stall?: number;
  /** stop once a value exceeds this: the caller needs only a lower bound of the maximum above it
   *  (the worst case over Eve's position: a position above the running minimum is not the worst
   *  case); status 'above', the value is a lower bound of the maximum */
  above?: number;
}

export interface StartResult {
  u0: number[];
  u: number[];
  value: number;
  iterations: number;
  stopped: 'gradient' | 'ftol' | 'stall' | 'maxIter' | 'linesearch' | 'simplex' | 'no-key' | 'above';
  kkt: boolean;
}

export interface SearchResult {
  u: number[];
  value: number;
  /** number of objective points evaluated */
  points: number;
  status: OptimumStatus;
  /** status === 'optimum' */
  converged: boolean;
  /** box-unit gradient at the best point */
  gradient: number[];
  /** starts whose value agrees with the best within `agree` */
  agreeing: number;
  starts: StartResult[];
  nanEvents: number;
}

/** Which box edges are physical limits (not search-box cuts), per coordinate. */
export interface BoxLimits {
  lower: boolean[];
  upper: boolean[];
}

const clamp01 = (x: number): number => (x < 0 ? 0 : x > 1 ? 1 : x);
const FD_STEP = 1e-5;
/** Iterations over which SearchOptions.stall measures a gradient search's gain. */
const STALL_WINDOW = 10;
/** Iterations after which a local search that has found no key (f <= 0) stops. */
const NO_KEY_ITERATIONS = 25;

/**
 * Maximise f over [0,1]^dim. `f` evaluates a batch of points (array of unit vectors) and returns
 * values (NaN = infeasible). `variants(best)` adds physics-informed starts derived from the best
 * screened point; `physical` marks the box edges that are physical limits.
 */
/** The seeded Latin-hypercube screen of maximizeBox: the first draws of `rnd` (seeded with `seed`). */
export function latinHypercube(dim: number, samples: number, rnd: () => number): number[][] {
  const perms = Array.from({ length: dim }, () => {
    const p = Array.from({ length: samples }, (_, i) => i);
    for (let i = samples - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [p[i], p[j]] = [p[j]!, p[i]!];
    }
    return p;
  });
  return Array.from({ length: samples }, (_, i) => perms.map((p) => (p[i]! + rnd()) / samples));
}

/** Extra inputs of maximizeBox beside the objective and the options. */
export interface BoxExtra {
  variants?: (best: number[]) => number[][];
  physical?: BoxLimits;
  /** physics-informed families of candidate starts (e.g. on-off keying along |gamma1|^2): each
   *  family is evaluated in the screening stage and its best point becomes a start */
  families?: number[][][];
  /** values of the screen points computed elsewhere (a screening backend, e.g. WGSL f32; NaN =
   *  infeasible or unresolved): they only rank the starts, every start is searched in f64 */
  screenValues?: readonly number[];
}

/** One local search's result with what it cost (so that starts can run elsewhere, in parallel). */
export interface StartOutcome {
  result: StartResult;
  points: number;
  nanEvents: number;
}

/** Runs the local searches from a list of start points (in order); e.g. one per worker thread. */
export type RunStarts = (starts: number[][]) => Promise<StartOutcome[]>;

/** Options of one local search (the search-wide ones of maximizeBox that it uses). */
function localOptions(opts: SearchOptions) {
  return { maxIter: opts.maxIter ?? 200, ftol: opts.ftol ?? 1e-12, gtol: opts.gtol ?? 1e-4, local: opts.local ?? 'lbfgs', forward: (opts.differences ?? 'central') === 'forward', stall: opts.stall ?? 0, above: opts.above ?? Infinity };
}

/** Batch evaluation with its point and NaN counts (NaN = infeasible: -Infinity to the search). */
function counted(f: (us: number[][]) => number[]) {
  const c = {
    points: 0,
    nanEvents: 0,
    evalMany: (us: number[][]): number[] => {
      c.points += us.length;
      return f(us).map((v) => {
        if (Number.isNaN(v)) c.nanEvents++;
        return Number.isFinite(v) ? v : -Infinity;
      });
    },
  };
  return c;
}

/** The local search of maximizeBox from one start point `s0` (deterministic: the same on any thread). */
export function searchFrom(f: (us: number[][]) => number[], opts: SearchOptions, s0: number[]): StartOutcome {
  const { maxIter, ftol, gtol, local, forward, stall, above } = localOptions(opts);
  const c = counted(f);
  let r = local === 'lbfgs' ? lbfgsb(s0, c.evalMany, maxIter, ftol, gtol, forward, stall, above) : nelderMead(s0, c.evalMany, maxIter, ftol, above);
  if (local === 'nelder-mead' && Number.isFinite(r.value) && !(r.value > above)) {
    // polish the simplex's point with the gradient method (the simplex stops on its spread)
    const p = lbfgsb(r.u, c.evalMany, maxIter, ftol, gtol, forward, stall, above);
    if (p.value >= r.value) r = { ...p, iterations: r.iterations + p.iterations };
  }
  return { result: { u0: s0, ...r }, points: c.points, nanEvents: c.nanEvents };
}

/**
 * maximizeBox as steps: yields the start points whose local searches it needs next and receives
 * their outcomes (in order), so that one implementation serves the one-thread driver (maximizeBox)
 * and the parallel one (maximizeBoxParallel), with the same result for any placement of the starts.
 */
function* searchSteps(dim: number, f: (us: number[][]) => number[], opts: SearchOptions, extra: BoxExtra): Generator<number[][], SearchResult, StartOutcome[]> {
  const samples = opts.samples ?? 64;
  const nStarts = opts.starts ?? 3;
  const { gtol } = localOptions(opts);
  const agree = opts.agree ?? 1e-6;
  const rnd = mulberry32(opts.seed ?? 12345);
  const c = counted(f);
  // Latin-hypercube screening
  const screen = latinHypercube(dim, samples, rnd);
  const given = extra.screenValues;
  const vals = samples > 0
    ? given && given.length === samples ? given.map((v) => (Number.isFinite(v) ? v : -Infinity)) : c.evalMany(screen)
    : [];
  // the local searches run so far, with what they cost beside this stage's own evaluations (c)
  const starts: StartResult[] = [];
  let startPoints = 0;
  let startNan = 0;
  const take = (outs: StartOutcome[]): void => {
    for (const o of outs) {
      starts.push(o.result);
      startPoints += o.points;
      startNan += o.nanEvents;
    }
  };
  const above = opts.above ?? Infinity;
  // a lower bound above `above` ends the search (status 'above'; no gradient, no optimum claimed)
  const aboveAt = (u: number[], value: number): SearchResult =>
    ({ u, value, points: c.points + startPoints, status: 'above', converged: false, gradient: [], agreeing: 0, starts, nanEvents: c.nanEvents + startNan });
  const order = vals.map((v, i) => [v, i] as const).sort((x, y) => y[0] - x[0]);
  // (screen values from a screening backend only rank: only f64 values bound the maximum)
  if (!given && order.length > 0 && order[0]![0] > above) return aboveAt(screen[order[0]![1]]!, order[0]![0]);
  const startPts: number[][] = [...(opts.warm ?? []).map((w) => w.map(clamp01))];
  const screened = order.slice(0, nStarts).map(([, i]) => screen[i]!);
  startPts.push(...screened);
  if (extra.variants && screened[0]) startPts.push(...extra.variants(screened[0]).map((u) => u.map(clamp01)));
  // the best point of each physics-informed family (one batch for all families)
  const fams = (extra.families ?? []).filter((g) => g.length > 0).map((g) => g.map((u) => u.map(clamp01)));
  if (fams.length > 0 && (opts.familyStarts ?? 3) > 0) {
    const fv = c.evalMany(fams.flat());
    const bests: [number, number[]][] = [];
    let k = 0;
    for (const g of fams) {
      let bi = 0;
      for (let j = 0; j < g.length; j++) if (fv[k + j]! > fv[k + bi]!) bi = j;
      bests.push([fv[k + bi]!, g[bi]!]);
      k += g.length;
    }
    const top = bests.reduce((b, x) => (x[0] > b[0] ? x : b));
    if (top[0] > above) return aboveAt(top[1], top[0]);
    // the best points of the best families (stable order: ties keep the families' order)
    bests.map((b, i) => [b, i] as const).sort((x, y) => y[0][0] - x[0][0] || x[1] - y[1]).slice(0, opts.familyStarts ?? 3).forEach(([b]) => startPts.push(b[1]));
  }
  if (startPts.length === 0) startPts.push(new Array<number>(dim).fill(0.5));
  // one local search per distinct start: a start within `sameStart` of an earlier one (e.g. a
  // variant next to a family's best point) ends at the same point and would count as a second
  // agreeing start although it is no independent evidence
  const same = opts.sameStart ?? 1e-9;
  for (let i = startPts.length - 1; i > 0; i--) {
    if (startPts.slice(0, i).some((p) => p.every((x, j) => Math.abs(x - startPts[i]![j]!) <= same))) startPts.splice(i, 1);
  }
  if (Number.isFinite(above)) {
    // one start after the other, until one exceeds `above` (the same on any placement of the starts)
    for (const s0 of startPts) {
      take(yield [s0]);
      const last = starts[starts.length - 1]!;
      if (last.value > above) return aboveAt(last.u, last.value);
    }
  } else take(yield startPts);
  const bestOf = (): StartResult => starts.reduce((b, s) => (s.value > b.value ? s : b), starts[0]!);
  const agreeingWith = (b: StartResult): number =>
    starts.filter((s) => Number.isFinite(s.value) && Math.abs(s.value - b.value) <= agree * Math.abs(b.value)).length;
  let best = bestOf();
  // basin confirmation: when no second start reached the best value, one more start from the best
  // point displaced by 5 % of the box in a seeded random direction
  if (best.value > 0 && agreeingWith(best) < 2) {
    const dir = best.u.map(() => rnd() - 0.5);
    const norm = Math.sqrt(dot(dir, dir)) || 1;
    take(yield [best.u.map((x, i) => clamp01(x + (0.05 * dir[i]!) / norm))]);
    best = bestOf();
  }
  // the best point's gradient and KKT test (recomputed for the simplex, whose stop is not a gradient test)
  const { g } = gradient(best.u, best.value, c.evalMany);
  const tau = gtol * Math.max(Math.abs(best.value), 1e-4);
  const kkt = kktHolds(best.u, g, tau);
  const agreeing = agreeingWith(best);
  let status: OptimumStatus;
  if (!(best.value > 0)) status = 'no-key';
  else if (cutByBox(best.u, g, tau, extra.physical)) status = 'at-bound';
  else if (kkt && agreeing >= 2) status = 'optimum';
  else status = 'not-converged';
  return { u: best.u, value: best.value, points: c.points + startPoints, status, converged: status === 'optimum', gradient: g, agreeing, starts, nanEvents: c.nanEvents + startNan };
}

export function maximizeBox(dim: number, f: (us: number[][]) => number[], opts: SearchOptions = {}, extra: BoxExtra = {}): SearchResult {
  const steps = searchSteps(dim, f, opts, extra);
  let s = steps.next();
  while (!s.done) s = steps.next(s.value.map((s0) => searchFrom(f, opts, s0)));
  return s.value;
}

/** maximizeBox with its local searches on `runStarts` (e.g. worker threads): the same result. */
export async function maximizeBoxParallel(dim: number, f: (us: number[][]) => number[], opts: SearchOptions, extra: BoxExtra, runStarts: RunStarts): Promise<SearchResult> {
  const steps = searchSteps(dim, f, opts, extra);
  let s = steps.next();
  while (!s.done) {
    const pts = s.value;
    // a single start (the basin confirmation) is not worth a thread hop
    s = steps.next(pts.length > 1 ? await runStarts(pts) : pts.map((s0) => searchFrom(f, opts, s0)));
  }
  return s.value;
}

/** KKT test of the docs: no feasible ascent direction beyond tau. */
function kktHolds(u: readonly number[], g: readonly number[], tau: number): boolean {
  for (let i = 0; i < u.length; i++) {
    const gi = g[i]!;
    if (!Number.isFinite(gi)) return false;
    if (u[i]! <= 0 ? gi > tau : u[i]! >= 1 ? gi < -tau : Math.abs(gi) > tau) return false;
  }
  return true;
}

/** True when a non-physical box edge is active with the gradient pointing out of the box. */
function cutByBox(u: readonly number[], g: readonly number[], tau: number, physical?: BoxLimits): boolean {
  for (let i = 0; i < u.length; i++) {
    if (u[i]! <= 0 && g[i]! < -tau && !physical?.lower[i]) return true;
    if (u[i]! >= 1 && g[i]! > tau && !physical?.upper[i]) return true;
  }
  return false;
}

/** Central finite differences in one batch (one-sided at a bound); NaN neighbours give NaN. */
function gradient(x: readonly number[], fx: number, evalMany: (us: number[][]) => number[]): { g: number[] } {
  const dim = x.length;
  const pts: number[][] = [];
  const lo: number[] = [];
  const hi: number[] = [];
  for (let i = 0; i < dim; i++) {
    const a = Math.max(0, x[i]! - FD_STEP);
    const b = Math.min(1, x[i]! + FD_STEP);
    lo.push(a);
    hi.push(b);
    if (a < x[i]!) pts.push(x.map((v, j) => (j === i ? a : v)));
    if (b > x[i]!) pts.push(x.map((v, j) => (j === i ? b : v)));
  }
  const v = evalMany(pts);
  const g: number[] = [];
  let k = 0;
  for (let i = 0; i < dim; i++) {
    const fa = lo[i]! < x[i]! ? v[k++]! : fx;
    const fb = hi[i]! > x[i]! ? v[k++]! : fx;
    const d = (fb - fa) / (hi[i]! - lo[i]!);
    g.push(Number.isFinite(d) ? d : NaN);
  }
  return { g };
}

/** Forward-difference step of the local searches' gradients (box units): truncation ~FD_FORWARD f''/2,
 *  rounding ~1e-15 |f| / FD_FORWARD (fixed-node objective), both far below the KKT tolerance. */
const FD_FORWARD = 1e-7;

/** Forward differences in one batch (backward at the upper bound): dim points; NaN neighbours give NaN. */
function gradientForward(x: readonly number[], fx: number, evalMany: (us: number[][]) => number[]): { g: number[] } {
  const dim = x.length;
  const pts: number[][] = [];
  const hs: number[] = [];
  for (let i = 0; i < dim; i++) {
    const h = x[i]! + FD_FORWARD <= 1 ? FD_FORWARD : -FD_FORWARD;
    hs.push(h);
    pts.push(x.map((v, j) => (j === i ? v + h : v)));
  }
  const v = evalMany(pts);
  const g: number[] = [];
  for (let i = 0; i < dim; i++) {
    const d = (v[i]! - fx) / hs[i]!;
    g.push(Number.isFinite(d) ? d : NaN);
  }
  return { g };
}

/** Projected L-BFGS ascent from x0 (maximises); with `forward`, gradients by forward differences
 *  (gradientForward) until the KKT test holds on them, then by central differences (the test's own). */
function lbfgsb(
  x0: number[],
  evalMany: (us: number[][]) => number[],
  maxIter: number,
  ftol: number,
  gtol: number,
  forward: boolean,
  stall = 0,
  above = Infinity,
): Omit<StartResult, 'u0'> {
  const dim = x0.length;
  let x = x0.map(clamp01);
  let fx = evalMany([x])[0]!;
  if (!Number.isFinite(fx)) return { u: x, value: fx, iterations: 0, stopped: 'linesearch', kkt: false };
  if (fx > above) return { u: x, value: fx, iterations: 0, stopped: 'above', kkt: false };
  // forward differences until the KKT test first holds, then central ones (see below)
  let central = !forward;
  const grad = (u: readonly number[], fu: number): number[] => (central ? gradient(u, fu, evalMany) : gradientForward(u, fu, evalMany)).g;
  let g = grad(x, fx);
  const S: number[][] = [];
  const Y: number[][] = [];
  let small = 0;
  const history: number[] = [fx];
  let stopped: StartResult['stopped'] = 'maxIter';
  let it = 0;
  for (; it < maxIter; it++) {
    const tau = gtol * Math.max(Math.abs(fx), 1e-4);
    if (g.some((v) => !Number.isFinite(v))) {
      stopped = 'linesearch';
      break;
    }
    if (kktHolds(x, g, tau)) {
      // confirm with central differences (forward ones are off by ~FD_FORWARD f''/2); where they
      // disagree, go on with central differences
      if (!central) {
        central = true;
        g = gradient(x, fx, evalMany).g;
        if (g.some((v) => !Number.isFinite(v))) {
          stopped = 'linesearch';
          break;
        }
      }
      if (kktHolds(x, g, tau)) {
        stopped = 'gradient';
        break;
      }
    }
    // free coordinates: not at a bound with the gradient pointing outwards
    const free = x.map((xi, i) => !((xi <= 0 && g[i]! <= 0) || (xi >= 1 && g[i]! >= 0)));
    const pg = g.map((gi, i) => (free[i] ? gi : 0));
    // two-loop recursion for the ascent direction d = H pg (H ~ inverse of -Hessian)
    const q = pg.slice();
    const alphas: number[] = [];
    for (let k = S.length - 1; k >= 0; k--) {
      const rho = 1 / dot(Y[k]!, S[k]!);
      const a = rho * dot(S[k]!, q);
      alphas[k] = a;
      for (let i = 0; i < dim; i++) q[i]! -= a * Y[k]![i]!;
    }
    const gamma = S.length > 0 ? dot(S[S.length - 1]!, Y[S.length - 1]!) / dot(Y[S.length - 1]!, Y[S.length - 1]!) : 0;
    let d = q.map((v) => v * (gamma > 0 ? gamma : 1));
    for (let k = 0; k < S.length; k++) {
      const rho = 1 / dot(Y[k]!, S[k]!);
      const b = rho * dot(Y[k]!, d);
      for (let i = 0; i < dim; i++) d[i]! += S[k]![i]! * (alphas[k]! - b);
    }
    d = d.map((v, i) => (free[i] ? v : 0));
    if (!(dot(d, pg) > 0)) {
      d = pg.slice(); // not an ascent direction: steepest ascent, forget the curvature pairs
      S.length = 0;
      Y.length = 0;
    }
    // first step of a fresh memory: at most 0.05 box units along the largest coordinate
    const dmax = Math.max(...d.map(Math.abs));
    let t = S.length === 0 ? Math.min(1, 0.05 / dmax) : 1;
    let xn = x;
    let fn = -Infinity;
    let ok = false;
    for (let ls = 0; ls < 30; ls++) {
      xn = x.map((xi, i) => clamp01(xi + t * d[i]!));
      const gain = dot(pg, xn.map((v, i) => v - x[i]!));
      fn = evalMany([xn])[0]!;
      if (Number.isFinite(fn) && fn >= fx + 1e-4 * gain && gain > 0) {
        ok = true;
        break;
      }
      t *= 0.3;
    }
    if (!ok) {
      if (S.length > 0) {
        S.length = 0; // retry once as steepest ascent
        Y.length = 0;
        continue;
      }
      stopped = 'linesearch';
      break;
    }
    const gn = grad(xn, fn);
    const s = xn.map((v, i) => v - x[i]!);
    const y = g.map((v, i) => v - gn[i]!); // curvature of -f
    if (dot(s, y) > 1e-16 * dot(s, s)) {
      S.push(s);
      Y.push(y);
      if (S.length > 6) {
        S.shift();
        Y.shift();
      }
    }
    small = fn - fx <= ftol * Math.max(1, Math.abs(fn)) ? small + 1 : 0;
    x = xn;
    fx = fn;
    g = gn;
    if (fx > above) {
      stopped = 'above';
      break;
    }
    if (small >= 2) {
      stopped = 'ftol';
      break;
    }
    history.push(fx);
    const back = history.length - 1 - STALL_WINDOW;
    if (stall > 0 && back >= 0 && fx - history[back]! <= stall * Math.max(Math.abs(fx), 1e-4)) {
      stopped = 'stall';
      break;
    }
    // no key after NO_KEY_ITERATIONS: the search is climbing towards the p_check -> 0 limit of a
    // region without key (Lf/L -> 0 from below); stop it (it cannot become the best of a search
    // that found a key, and a search where every start stops so reports no-key)
    if (it + 1 >= NO_KEY_ITERATIONS && !(fx > 0)) {
      stopped = 'no-key';
      break;
    }
  }
  const tau = gtol * Math.max(Math.abs(fx), 1e-4);
  return { u: x, value: fx, iterations: it, stopped, kkt: kktHolds(x, g, tau) };
}

function dot(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function nelderMead(
  x0: number[],
  evalMany: (us: number[][]) => number[],
  maxIter: number,
  ftol: number,
  above = Infinity,
): Omit<StartResult, 'u0'> {
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
  let stopped: StartResult['stopped'] = 'maxIter';
  let it = 0;
  for (; it < maxIter; it++) {
    const idx = fv.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]).map((p) => p[1]);
    const S = idx.map((i) => simplex[i]!);
    const F = idx.map((i) => fv[i]!);
    simplex.splice(0, simplex.length, ...S);
    fv = F;
    if (-fv[0]! > above) {
      stopped = 'above';
      break;
    }
    const spread = Math.abs(fv[dim]! - fv[0]!);
    let size = 0;
    for (let i = 1; i <= dim; i++) for (let j = 0; j < dim; j++) size = Math.max(size, Math.abs(simplex[i]![j]! - simplex[0]![j]!));
    if ((Number.isFinite(spread) && spread <= ftol * (1 + Math.abs(fv[0]!))) || size < 1e-7) {
      stopped = 'simplex';
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
  return { u: simplex[bi]!, value: -fv[bi]!, iterations: it, stopped, kkt: false };
}
