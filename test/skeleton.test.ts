import { describe, expect, it } from 'vitest';
import { parseListOrRange, spacedPoints } from '../src/cli/common.js';
import { InputError } from '../src/errors.js';
import { check, params } from '../src/validate.js';

describe('CLI list/range parsing', () => {
  it('expands inclusive linear ranges without float drift', () => {
    const v = parseListOrRange('visibility', '0.34:1:0.01');
    expect(v.length).toBe(67);
    expect(v[0]).toBe(0.34);
    expect(v[66]).toBe(1);
  });
  it('expands log ranges with exact end points', () => {
    const v = parseListOrRange('leak', '1e-6:1e-1:log6');
    expect(v).toHaveLength(6);
    expect(v[0]).toBe(1e-6);
    expect(v[5]).toBe(1e-1);
    expect(v[1]! / v[0]!).toBeCloseTo(10, 10);
  });
  it('names the option on bad input', () => {
    expect(() => parseListOrRange('leakage', '0.1,abc')).toThrow(/leakage/);
    expect(() => parseListOrRange('leak', '1:0:0.1')).toThrow(InputError);
  });
  it('spacedPoints(count=1) is the start point', () => {
    expect(spacedPoints(3, 5, 1, 'linear')).toEqual([3]);
  });
});

describe('validation', () => {
  it('reports parameter and allowed range', () => {
    expect(() => check('leakage', params.leakage, 1)).toThrow('invalid leakage: 1 (allowed: [0, 1))');
    expect(check('dim', params.dim, 3)).toBe(3);
    expect(() => check('dim', params.dim, 2.5)).toThrow(/integer >= 2/);
  });
});
