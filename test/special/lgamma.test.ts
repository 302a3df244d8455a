import { describe, expect, it } from 'vitest';
import { lgamma } from '../../src/special/index.js';
import { overBudget } from './fixtures.js';
import { measureLgamma } from './measure.js';

describe('lgamma', () => {
  it('matches mpmath loggamma to 1e-13 relative over (0, 1e300], dense at every switch', () => {
    const recs = measureLgamma();
    expect(recs.length).toBeGreaterThan(400);
    expect(overBudget(recs)).toEqual([]);
  });
  it('is exactly 0 at 1 and 2 and keeps relative accuracy next to the zeros', () => {
    expect(lgamma(1)).toBe(0);
    expect(lgamma(2)).toBe(0);
    // lgamma(1 + h) = -gamma_E h + O(h^2)
    const h = 2 ** -40;
    expect(Math.abs(lgamma(1 + h) / (-0.5772156649015329 * h) - 1)).toBeLessThan(1e-11);
  });
  it('satisfies lgamma(x + 1) = lgamma(x) + log(x) across the method switches', () => {
    for (const x of [0.3, 0.49, 0.5, 1.2, 1.5, 2.4, 2.5, 3.7, 9.2, 9.99, 10.5, 123.25]) {
      const lhs = lgamma(x + 1);
      expect(Math.abs(lhs - (lgamma(x) + Math.log(x)))).toBeLessThan(4e-16 * Math.max(1, Math.abs(lhs), Math.abs(Math.log(x))) * 8);
    }
  });
  it('throws RangeError naming x for x <= 0 and NaN', () => {
    expect(() => lgamma(0)).toThrow(RangeError);
    expect(() => lgamma(-1)).toThrow(/argument x/);
    expect(() => lgamma(NaN)).toThrow(/argument x/);
    expect(lgamma(Infinity)).toBe(Infinity);
  });
});
