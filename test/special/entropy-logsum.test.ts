import { describe, expect, it } from 'vitest';
import {
  binaryEntropy, binaryEntropyComplement, entropyBits, log1mExp, logAddExp, logSumExp, xlog2x,
} from '../../src/special/index.js';
import { overBudget } from './fixtures.js';
import { measureMisc } from './measure.js';

describe('entropy and log-sum helpers', () => {
  it('match mpmath (h2, x log2 x, log1mExp: 1e-13 relative; logSumExp: 4 n eps on the log)', () => {
    const recs = measureMisc();
    expect(recs.length).toBeGreaterThan(200);
    expect(overBudget(recs)).toEqual([]);
  });
  it('binaryEntropy: exact end points, symmetry, h2(1/2) = 1, accurate near 0 and 1', () => {
    expect(binaryEntropy(0)).toBe(0);
    expect(binaryEntropy(1)).toBe(0);
    expect(binaryEntropy(0.5)).toBe(1);
    expect(binaryEntropy(0.25)).toBe(binaryEntropy(0.75));
    const p = 1e-300;
    const want = (p * (-Math.log(p) + 1)) / Math.LN2;
    expect(Math.abs(binaryEntropy(p) / want - 1)).toBeLessThan(1e-15);
    expect(Math.abs(binaryEntropy(1 - 2 ** -53) / binaryEntropy(2 ** -53) - 1)).toBeLessThan(1e-15);
  });
  it('xlog2x(0) = 0, entropyBits of a uniform distribution is log2 n', () => {
    expect(xlog2x(0)).toBe(0);
    expect(entropyBits([0.25, 0.25, 0.25, 0.25])).toBe(2);
    expect(entropyBits([1, 0, 0])).toBe(0);
    expect(entropyBits([])).toBe(0);
  });
  it('logSumExp / logAddExp handle -Infinity, +Infinity and huge offsets', () => {
    expect(logSumExp([])).toBe(-Infinity);
    expect(logSumExp([-Infinity, -Infinity])).toBe(-Infinity);
    expect(logSumExp([Infinity, 0])).toBe(Infinity);
    expect(logSumExp(new Float64Array([1000, 1000]))).toBe(1000 + Math.LN2);
    expect(logAddExp(-Infinity, 3)).toBe(3);
    expect(logAddExp(-1e300, 0)).toBe(0);
    expect(log1mExp(0)).toBe(-Infinity);
    expect(Math.abs(log1mExp(-1e-20) - Math.log(1e-20))).toBeLessThan(1e-13);
  });
  it('throws RangeError naming the argument', () => {
    expect(() => binaryEntropy(1.5)).toThrow(/argument p/);
    expect(() => binaryEntropy(NaN)).toThrow(RangeError);
    expect(() => xlog2x(-1)).toThrow(/argument x/);
    expect(() => entropyBits([0.5, -0.1])).toThrow(/probs\[1\]/);
    expect(() => logSumExp([1, NaN])).toThrow(/values\[1\]/);
    expect(() => logAddExp(NaN, 1)).toThrow(/argument a/);
    expect(() => log1mExp(0.1)).toThrow(/argument x/);
  });
  it('binaryEntropyComplement(x) = 1 - h2((1+x)/2): its series sum_k x^2k / (2k (2k-1) ln 2) to 1e-15 relative, 1 - h2 where no cancellation', () => {
    const series = (x: number): number => {
      let s = 0;
      let p = 1;
      for (let k = 1; k < 400; k++) {
        p *= x * x;
        s += p / (2 * k * (2 * k - 1));
      }
      return s / Math.LN2;
    };
    for (const x of [1e-154, 1e-100, 1e-20, 1e-9, 3e-5, 0.001, 0.07, 0.3, 0.5, 0.7]) {
      expect(Math.abs(binaryEntropyComplement(x) / series(x) - 1)).toBeLessThan(1e-15);
      expect(binaryEntropyComplement(-x)).toBe(binaryEntropyComplement(x));
    }
    // large overlaps: 1 - h2((1+x)/2) has no cancellation there
    for (const x of [0.6, 0.9, 0.99, 1 - 1e-9]) expect(Math.abs(binaryEntropyComplement(x) / (1 - binaryEntropy((1 + x) / 2)) - 1)).toBeLessThan(1e-14);
    expect(binaryEntropyComplement(1)).toBe(1);
    expect(binaryEntropyComplement(0)).toBe(0);
    expect(() => binaryEntropyComplement(1 + 1e-15)).toThrow(/binaryEntropyComplement: argument x/);
  });
});
