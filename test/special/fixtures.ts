/**
 * Shared helpers for the special-function tests and the accuracy report: fixture loading (mpmath,
 * test/fixtures/gen/special.py), error measures and the stated error budgets.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));

export const EPS = 2 ** -52;

export interface Fixture {
  columns: string[];
  rows: unknown[][];
}

function num(v: unknown): number {
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  if (v === 'NaN') return NaN;
  return v as number;
}

/** Rows of test/fixtures/special/<name>.json as objects keyed by column (numbers parsed). */
export function load(name: string): Record<string, any>[] {
  const fx = JSON.parse(
    readFileSync(join(here, '..', 'fixtures', 'special', `${name}.json`), 'utf8'),
  ) as Fixture;
  return fx.rows.map((r) => {
    const o: Record<string, any> = {};
    fx.columns.forEach((c, i) => {
      const v = r[i];
      o[c] = Array.isArray(v) ? v.map(num) : num(v);
    });
    return o;
  });
}

/** Relative error |got - want| / |want| (0 when both equal, incl. both 0 or both infinite). */
export function relErr(got: number, want: number): number {
  if (got === want) return 0;
  if (!Number.isFinite(want) || !Number.isFinite(got)) return Infinity;
  if (want === 0) return Math.abs(got) / Number.MIN_VALUE; // any non-zero is a failure
  return Math.abs(got - want) / Math.abs(want);
}

/** Error of a log-form value, measured as |got - want| / max(1, |want|). */
export function logErr(got: number, want: number): number {
  if (got === want) return 0;
  if (!Number.isFinite(want) || !Number.isFinite(got)) return Infinity;
  return Math.abs(got - want) / Math.max(1, Math.abs(want));
}

/** Default budget where a function is well conditioned (SPEC 4). */
export const REL_BUDGET = 1e-13;

/**
 * Budget for P, Q (and their logs) given the condition number kappa = |x dlnF/dx| + |a dlnF/da|
 * of the fixture point: an input known only to 1/2 ulp already moves F by kappa * eps / 2, and
 * the algorithm forms a (x - a)/a, a log1pmx(...), exp(...) chain of relative errors of
 * ~kappa * eps (measured: <= 0.9 eps kappa); allow 2 eps kappa, never below 1e-13.
 */
export function incGammaBudget(kappa: number): number {
  return Math.max(REL_BUDGET, 2 * EPS * kappa);
}

export interface Stat {
  region: string;
  n: number;
  max: number;
  at: string;
}

/** Accumulates the max error per region (for the accuracy report and test messages). */
export class ErrorStats {
  private m = new Map<string, Stat>();
  add(region: string, err: number, at: string): void {
    const s = this.m.get(region) ?? { region, n: 0, max: 0, at: '' };
    s.n++;
    if (err > s.max || Number.isNaN(err)) {
      s.max = err;
      s.at = at;
    }
    this.m.set(region, s);
  }
  list(): Stat[] {
    return [...this.m.values()];
  }
}

/** Records over budget, formatted for a readable assertion failure. */
export function overBudget(recs: { fn: string; region: string; err: number; budget: number; at: string }[]): string[] {
  return recs
    .filter((r) => !(r.err <= r.budget))
    .map((r) => `${r.fn}(${r.at}) [${r.region}]: err ${r.err.toExponential(2)} > budget ${r.budget.toExponential(2)}`);
}
