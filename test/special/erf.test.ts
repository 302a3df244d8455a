import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { erf, erfc, erfcx, gammaQ, logErfc, logErfDiff } from '../../src/special/index.js';
import { overBudget } from './fixtures.js';
import { measureErf } from './measure.js';

describe('erf / erfc / erfcx / logErfc', () => {
  it('match mpmath to 1e-13 relative (logErfc: |d log| <= 1e-13 max(1, |log erfc|)) for -1e3 <= x <= 1e200', () => {
    const recs = measureErf();
    expect(recs.length).toBeGreaterThan(1500);
    expect(overBudget(recs)).toEqual([]);
  });
  it('satisfies erfc(x) = Q(1/2, x^2) (x^2 exact) and erf + erfc = 1', () => {
    for (let k = 1; k <= 200; k++) {
      const x = k / 16; // x^2 = k^2/256 exact
      const q = gammaQ(0.5, x * x);
      expect(Math.abs(erfc(x) / q - 1)).toBeLessThan(1e-13);
      expect(Math.abs(erf(x) + erfc(x) - 1)).toBeLessThan(4.5e-16);
    }
  });
  it('handles the extremes: logErfc(1e4), negative arguments, infinities', () => {
    // log erfc(x) = -x^2 - log(x sqrt(pi)) - 1/(2x^2) + ...
    const x = 1e4;
    const asym = -x * x - Math.log(x * Math.sqrt(Math.PI)) - 1 / (2 * x * x);
    expect(Math.abs(logErfc(x) - asym)).toBeLessThan(1e-13 * x * x);
    expect(logErfc(-40)).toBe(Math.LN2);
    expect(erfc(-Infinity)).toBe(2);
    expect(erfc(Infinity)).toBe(0);
    expect(logErfc(Infinity)).toBe(-Infinity);
    expect(erfcx(-30)).toBe(Infinity);
    expect(erf(-0.25)).toBe(-erf(0.25));
  });
  it('throws RangeError naming x for NaN', () => {
    for (const fn of [erf, erfc, erfcx, logErfc]) expect(() => fn(NaN)).toThrow(/argument x/);
  });
  it('logErfDiff matches mpmath to 1e-13 max(1, |log|) on narrow and wide intervals, -40 <= centre <= 40 (fixture log-erf-diff.json)', () => {
    const fx = JSON.parse(readFileSync(new URL('../fixtures/special/log-erf-diff.json', import.meta.url), 'utf8')) as { rows: [number, number, number][] };
    expect(fx.rows.length).toBeGreaterThan(200);
    const bad = fx.rows.filter(([a, b, v]) => !(Math.abs(logErfDiff(a, b) - v) <= 1e-13 * Math.max(1, Math.abs(v)))).map(([a, b, v]) => [a, b, v, logErfDiff(a, b)]);
    expect(bad).toEqual([]);
    expect(logErfDiff(0.3, 0.3)).toBe(-Infinity);
    expect(() => logErfDiff(0.1, 0.4)).toThrow(/logErfDiff: argument width/);
    expect(() => logErfDiff(NaN, 0)).toThrow(/logErfDiff: argument a/);
  });
});
