import { describe, expect, it } from 'vitest';
import { i0e, logI0 } from '../../src/special/index.js';
import { overBudget } from './fixtures.js';
import { measureBessel } from './measure.js';

describe('i0e / logI0', () => {
  it('match mpmath besseli(0, x) to 1e-13 relative for 0 <= x <= 1e300 (even in x)', () => {
    const recs = measureBessel();
    expect(recs.length).toBeGreaterThan(600);
    expect(overBudget(recs)).toEqual([]);
  });
  it('are continuous across the series/asymptotic switch at x = 25', () => {
    const below = i0e(25 - 2 ** -48);
    const at = i0e(25);
    expect(Math.abs(below / at - 1)).toBeLessThan(1e-14);
    expect(Math.abs(logI0(25 - 2 ** -48) - logI0(25))).toBeLessThan(1e-13);
  });
  it('has the limits I0(0) = 1 and i0e(x) ~ 1/sqrt(2 pi x)', () => {
    expect(i0e(0)).toBe(1);
    expect(logI0(0)).toBe(0);
    expect(Math.abs(i0e(1e18) * Math.sqrt(2 * Math.PI * 1e18) - 1)).toBeLessThan(1e-15);
    expect(i0e(Infinity)).toBe(0);
  });
  it('throws RangeError naming x for NaN', () => {
    expect(() => i0e(NaN)).toThrow(RangeError);
    expect(() => logI0(NaN)).toThrow(/argument x/);
  });
});
