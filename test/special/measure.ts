/**
 * Error measurements of src/special against the mpmath fixtures, one record per (function, point),
 * with the method region and the stated budget. Used by the *.test.ts files (assert err <= budget)
 * and by accuracy-report.ts (max per region for docs/special.md).
 */
import * as S from '../../src/special/index.js';
import { TEMME_MIN_A, TEMME_SIGMA_HI, TEMME_SIGMA_LO } from '../../src/special/incgamma.js';
import { EPS, REL_BUDGET, incGammaBudget, load, logErr, relErr } from './fixtures.js';

export interface Rec {
  fn: string;
  region: string;
  err: number;
  budget: number;
  at: string;
}

const fmt = (...v: number[]): string => v.map((x) => String(x)).join(', ');

export function lgammaRegion(x: number): string {
  if (x < 0.5) return 'x < 0.5 (lgamma1p - log x)';
  if (x <= 2.5) return '0.5 <= x <= 2.5 (zeta series)';
  if (x < 10) return '2.5 < x < 10 (recurrence)';
  return 'x >= 10 (Stirling)';
}

export function measureLgamma(): Rec[] {
  return load('lgamma').map((r) => ({
    fn: 'lgamma',
    region: lgammaRegion(r.x),
    err: relErr(S.lgamma(r.x), r.lgamma),
    budget: REL_BUDGET,
    at: fmt(r.x),
  }));
}

export function incGammaRegion(a: number, x: number): string {
  const s = (x - a) / a;
  if (a >= TEMME_MIN_A && s >= TEMME_SIGMA_LO && s <= TEMME_SIGMA_HI) return 'Temme (a >= 20, x ~ a)';
  if (x < a + 1) return a < 1 ? 'a < 1, x < a+1 (series / small-a Q)' : 'x < a+1 (series)';
  return 'x >= a+1 (continued fraction)';
}

export function measureIncGamma(): Rec[] {
  const out: Rec[] = [];
  for (const r of load('incgamma')) {
    const region = incGammaRegion(r.a, r.x);
    const at = fmt(r.a, r.x);
    const bP = incGammaBudget(r.kappaP);
    const bQ = incGammaBudget(r.kappaQ);
    out.push({ fn: 'gammaP', region, err: relErr(S.gammaP(r.a, r.x), r.P), budget: bP, at });
    out.push({ fn: 'gammaQ', region, err: relErr(S.gammaQ(r.a, r.x), r.Q), budget: bQ, at });
    // log forms: |d log F| = relative error of F, so the same budget applies as an absolute one
    const lp = S.logGammaP(r.a, r.x);
    const lq = S.logGammaQ(r.a, r.x);
    out.push({ fn: 'logGammaP', region, err: absOrInf(lp, r.logP), budget: bP, at });
    out.push({ fn: 'logGammaQ', region, err: absOrInf(lq, r.logQ), budget: bQ, at });
  }
  return out;
}

function absOrInf(got: number, want: number): number {
  if (got === want) return 0;
  if (!Number.isFinite(got) || !Number.isFinite(want)) return Infinity;
  return Math.abs(got - want);
}

export function measurePoisson(): Rec[] {
  return load('poisson').map((r) => {
    const got = S.poissonCdfWindow(r.lo, r.hi, r.mean);
    return {
      fn: 'poissonCdfWindow',
      region: Number.isInteger(r.lo) && Number.isInteger(r.hi) ? 'integer edges' : 'real edges',
      // absolute floor 1e-16: a window probability is a difference of two CDF values <= 1
      err: Math.abs(got - r.window) <= 1e-16 ? 0 : relErr(got, r.window),
      budget: REL_BUDGET,
      at: fmt(r.lo, r.hi, r.mean),
    };
  });
}

export function measureBessel(): Rec[] {
  const out: Rec[] = [];
  for (const r of load('bessel')) {
    const region = r.x < 25 ? 'x < 25 (power series)' : 'x >= 25 (Hankel asymptotic)';
    out.push({ fn: 'i0e', region, err: relErr(S.i0e(r.x), r.i0e), budget: REL_BUDGET, at: fmt(r.x) });
    out.push({ fn: 'i0e(-x)', region, err: relErr(S.i0e(-r.x), r.i0e), budget: REL_BUDGET, at: fmt(r.x) });
    out.push({ fn: 'logI0', region, err: relErr(S.logI0(r.x), r.logI0), budget: REL_BUDGET, at: fmt(r.x) });
  }
  return out;
}

export function erfRegion(x: number): string {
  if (Math.abs(x) < 0.5) return '|x| < 0.5 (Maclaurin)';
  if (x < 0) return 'x <= -0.5 (reflection)';
  return x < 6 ? '0.5 <= x < 6 (Taylor about tabulated centres)' : 'x >= 6 (continued fraction / asymptotic)';
}

export function measureErf(): Rec[] {
  const out: Rec[] = [];
  for (const r of load('erf')) {
    const region = erfRegion(r.x);
    const at = fmt(r.x);
    out.push({ fn: 'erf', region, err: relErr(S.erf(r.x), r.erf), budget: REL_BUDGET, at });
    // erfc below the smallest subnormal is flushed: compare with the double-rounded reference
    out.push({ fn: 'erfc', region, err: relErrSub(S.erfc(r.x), r.erfc), budget: REL_BUDGET, at });
    out.push({ fn: 'erfcx', region, err: relErr(S.erfcx(r.x), r.erfcx), budget: REL_BUDGET, at });
    out.push({ fn: 'logErfc', region, err: logErr(S.logErfc(r.x), r.logErfc), budget: REL_BUDGET, at });
  }
  return out;
}

/** Relative error, but values in the subnormal range are judged on an absolute scale of 2^-1074. */
function relErrSub(got: number, want: number): number {
  if (Math.abs(want) < 2.2250738585072014e-308 || Math.abs(got) < 2.2250738585072014e-308) {
    return Math.abs(got - want) <= 4 * Number.MIN_VALUE + 1e-13 * Math.abs(want) ? 0 : Infinity;
  }
  return relErr(got, want);
}

export function measureHyp1f1(): Rec[] {
  return load('hyp1f1').map((r) => {
    const got = S.logHyp1f1(r.a, r.b, r.z);
    const region = r.z < 0 ? 'z < 0' : r.z < 50 ? '0 < z < 50' : r.z <= 1e4 ? '50 <= z <= 1e4' : 'z > 1e4';
    const err = Number.isNaN(r.log1F1) ? (Number.isNaN(got) ? 0 : Infinity) : logErr(got, r.log1F1);
    // absolute budget on the log, scaled by max(1, |log M|): the condition number of log M in z
    // and a is ~ z + a log z ~ |log M| for large arguments.
    return { fn: 'logHyp1f1', region, err, budget: REL_BUDGET, at: fmt(r.a, r.b, r.z) };
  });
}

export function measureMisc(): Rec[] {
  const out: Rec[] = [];
  for (const r of load('entropy')) {
    out.push({ fn: 'binaryEntropy', region: 'p in [0,1]', err: relErr(S.binaryEntropy(r.p), r.h2), budget: REL_BUDGET, at: fmt(r.p) });
    out.push({ fn: 'xlog2x', region: 'x in [0,1]', err: relErr(S.xlog2x(r.p), r.xlog2x), budget: REL_BUDGET, at: fmt(r.p) });
    // [p, 1 - p] with 1 - p rounded: compare only where that rounding is far below the budget
    if (r.p >= 0.01 && r.p <= 0.99) {
      out.push({ fn: 'entropyBits', region: '[p, 1-p], p in [0.01, 0.99]', err: relErr(S.entropyBits([r.p, 1 - r.p]), r.h2), budget: REL_BUDGET, at: fmt(r.p) });
    }
  }
  for (const r of load('log1mexp')) {
    out.push({ fn: 'log1mExp', region: 'x < 0', err: relErrSub(S.log1mExp(r.x), r.log1mExp), budget: REL_BUDGET, at: fmt(r.x) });
  }
  for (const r of load('logsumexp')) {
    out.push({ fn: 'logSumExp', region: 'arrays', err: logErr(S.logSumExp(r.values), r.logSumExp), budget: 4 * EPS * r.values.length, at: JSON.stringify(r.values).slice(0, 40) });
    if (r.values.length === 2) {
      out.push({ fn: 'logAddExp', region: 'pairs', err: logErr(S.logAddExp(r.values[0], r.values[1]), r.logSumExp), budget: 4 * EPS, at: JSON.stringify(r.values) });
    }
  }
  return out;
}
