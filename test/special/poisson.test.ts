/**
 * logPoissonPmf (src/special/poisson.ts and its AssemblyScript twin) against mpmath at 40 digits
 * (test/fixtures/gen/poisson_pmf.py): absolute error <= 8 eps (1 + |log P| + log(1 + n)) (the log of a pmf
 * known to a few ulps relative, plus the log n sized terms it is assembled from), where the direct form n log(lambda) - lambda - lgamma(n + 1)
 * loses ~n eps (it fails this bound at n >= 1e5: checked, so the fixture can tell the two apart).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { lgamma, logPoissonPmf } from '../../src/special/index.js';
import { wasmPath } from '../../src/backends/wasm/load.js';

const fx = JSON.parse(readFileSync(new URL('../fixtures/special/poisson-pmf.json', import.meta.url), 'utf8')) as { rows: [number, number, number][] };
const EPS = 2 ** -52;
const wasm = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(wasmPath('scalar'))), {}).exports as unknown as { logPoissonPmf(n: number, l: number): number };
// a few ulps of the summed magnitudes: |log P| and the terms of size log n it is assembled from
const budget = (v: number, n: number): number => 8 * EPS * (1 + Math.abs(v) + Math.log1p(n));

describe('logPoissonPmf', () => {
  it('matches mpmath on every fixture row (TS and wasm)', () => {
    expect(fx.rows.length).toBeGreaterThan(150);
    for (const [n, lam, v] of fx.rows) {
      expect(Math.abs(logPoissonPmf(n, lam) - v)).toBeLessThanOrEqual(budget(v, n));
      expect(Math.abs(wasm.logPoissonPmf(n, lam) - v)).toBeLessThanOrEqual(budget(v, n));
    }
  });
  it('the fixture separates it from the direct form at large n', () => {
    const bad = fx.rows.filter(([n, lam, v]) => Math.abs(n * Math.log(lam) - lam - lgamma(n + 1) - v) > budget(v, n));
    expect(bad.filter((r) => r[0] >= 1e5).length).toBeGreaterThan(10);
  });
  it('lambda = 0: P(0) = 1, P(n > 0) = 0', () => {
    expect(logPoissonPmf(0, 0)).toBe(0);
    expect(logPoissonPmf(3, 0)).toBe(-Infinity);
  });
});
