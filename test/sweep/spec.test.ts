/** Spec validation: every bad spec gives an InputError naming the field and the allowed values. */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { parseSpecText, specHash, validateSpec } from '../../src/sweep/spec.js';

process.env['KEYRATE_TEST_EVALUATORS'] = '1';

function err(spec: unknown): InputError {
  try {
    validateSpec(spec);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('spec was accepted: ' + JSON.stringify(spec));
}

const ok = { engine: 'leakage', quantity: 'threshold', fixed: { dim: 2, parties: 2 }, axes: { leakage: [0.1, 0.2] } };

describe('sweep spec validation', () => {
  const cases: [string, unknown, string, RegExp][] = [
    ['not a mapping', [1, 2], 'spec', /mapping/],
    ['unknown top-level key', { ...ok, axis: {} }, 'axis', /engine, quantity, fixed, axes/],
    ['missing engine', { quantity: 'rate' }, 'engine', /leakage \| amplified/],
    ['bad engine', { ...ok, engine: 'bb84' }, 'engine', /leakage \| amplified/],
    ['bad quantity (leakage)', { ...ok, quantity: 'worst-case' }, 'quantity', /rate \| threshold|threshold \| rate/],
    ['bad quantity (amplified)', { engine: 'amplified', quantity: 'threshold' }, 'quantity', /rate \| worst-case/],
    ['fixed not a mapping', { ...ok, fixed: [1] }, 'fixed', /mapping/],
    ['unknown fixed parameter', { ...ok, fixed: { ...ok.fixed, visibility: 0.5 } }, 'fixed.visibility', /dim, parties, leakage, model/],
    ['fixed out of range', { ...ok, fixed: { dim: 1, parties: 2 } }, 'fixed.dim', /integer >= 2/],
    ['fixed wrong type', { ...ok, fixed: { dim: 2, parties: 'two' } }, 'fixed.parties', /integer >= 2/],
    ['enum value', { ...ok, fixed: { ...ok.fixed, model: 'global' } }, 'fixed.model', /'uniform' \| 'junk'/],
    ['axes not a mapping', { ...ok, axes: [1] }, 'axes', /list of values/],
    ['axis value out of range', { ...ok, axes: { leakage: [0.1, 1] } }, 'axes.leakage[1]', /\[0, 1\)/],
    ['empty axis list', { ...ok, axes: { leakage: [] } }, 'axes.leakage', /non-empty list/],
    ['axis and fixed both', { ...ok, fixed: { ...ok.fixed, leakage: 0.1 } }, 'axes.leakage', /not also set in fixed/],
    ['unknown axis', { ...ok, axes: { ...ok.axes, loss: [1] } }, 'axes.loss', /dim, parties, leakage, model/],
    ['duplicate axis value', { ...ok, axes: { leakage: [0.1, 0.1] } }, 'axes.leakage[1]', /distinct/],
    ['range step <= 0', { ...ok, axes: { leakage: { from: 0, to: 0.5, step: 0 } } }, 'axes.leakage.step', /> 0/],
    ['range to < from', { ...ok, axes: { leakage: { from: 0.5, to: 0.1, step: 0.1 } } }, 'axes.leakage.to', />= from/],
    ['range missing from', { ...ok, axes: { leakage: { to: 0.5, step: 0.1 } } }, 'axes.leakage.from', /finite number/],
    ['range value out of range', { ...ok, axes: { leakage: { from: 0.5, to: 1.5, step: 0.5 } } }, 'axes.leakage[1]', /\[0, 1\)/],
    ['count not integer', { ...ok, axes: { leakage: { from: 0.1, to: 0.5, count: 2.5 } } }, 'axes.leakage.count', /integer/],
    ['bad scale', { ...ok, axes: { leakage: { from: 0.1, to: 0.5, count: 3, scale: 'exp' } } }, 'axes.leakage.scale', /'linear' \| 'log'/],
    ['log from 0', { ...ok, axes: { leakage: { from: 0, to: 0.5, count: 3, scale: 'log' } } }, 'axes.leakage.from', /> 0 for scale: log/],
    ['step and count mixed', { ...ok, axes: { leakage: { from: 0, to: 0.5, step: 0.1, count: 3 } } }, 'axes.leakage.count', /no other keys/],
    ['range of unknown shape', { ...ok, axes: { leakage: { from: 0, to: 0.5 } } }, 'axes.leakage', /from, to, step/],
    ['missing required parameter', { engine: 'leakage', quantity: 'threshold', fixed: { dim: 2 }, axes: { leakage: [0.1] } }, 'parties', /required/],
    ['amplified: missing distance', { engine: 'amplified', quantity: 'rate', fixed: { encoding: 'phase', eveAt: 50, leak: 0.01 } }, 'distance', /required/],
    ['amplified: bad encoding', { engine: 'amplified', quantity: 'rate', fixed: { encoding: 'polarisation' } }, 'fixed.encoding', /'photon-number' \| 'phase'/],
    ['optimize not a mapping', { ...ok, optimize: 3 }, 'optimize', /mapping/],
    ['optimize unknown key (test evaluator)', { engine: 'test', quantity: 'fake', axes: { x: [1] }, optimize: { speed: 1 } }, 'optimize.speed', /scale/],
    ['optimize bad value (test evaluator)', { engine: 'test', quantity: 'fake', axes: { x: [1] }, optimize: { scale: -1 } }, 'optimize.scale', /> 0/],
    ['warmStart not boolean', { ...ok, warmStart: 'yes' }, 'warmStart', /true \| false/],
    ['chain not integer', { ...ok, chain: 0 }, 'chain', /integer >= 1/],
    ['batch not integer', { ...ok, batch: 1.5 }, 'batch', /integer >= 1/],
  ];
  for (const [name, spec, param, allowed] of cases) {
    it(`${name} -> names ${param}`, () => {
      const e = err(spec);
      expect(e.param).toBe(param);
      expect(e.message).toContain(`invalid ${param}:`);
      expect(e.allowed).toMatch(allowed);
    });
  }

  it('the test engine is hidden unless KEYRATE_TEST_EVALUATORS=1', () => {
    process.env['KEYRATE_TEST_EVALUATORS'] = '0';
    try {
      expect(err({ engine: 'test', quantity: 'fake', axes: { x: [1] } }).param).toBe('engine');
    } finally {
      process.env['KEYRATE_TEST_EVALUATORS'] = '1';
    }
  });

  it('applies defaults, orders fixed columns by the evaluator, and parses YAML and JSON alike', () => {
    const yaml = 'engine: leakage\nquantity: threshold\nfixed:\n  parties: 3\n  dim: 2\naxes:\n  leakage: {from: 0.1, to: 0.3, step: 0.1}\n';
    const s = validateSpec(parseSpecText(yaml));
    expect(Object.keys(s.fixed)).toEqual(['dim', 'parties', 'model']);
    expect(s.fixed['model']).toBe('uniform');
    expect(s.axes).toEqual([{ name: 'leakage', values: [0.1, 0.2, 0.3] }]);
    const json = JSON.stringify({ engine: 'leakage', quantity: 'threshold', fixed: { dim: 2, parties: 3 }, axes: { leakage: [0.1, 0.2, 0.3] }, batch: 99 });
    const t = validateSpec(parseSpecText(json));
    // Same grid, different key order and batch size: same hash.
    expect(specHash(t)).toBe(specHash(s));
    // A different grid: a different hash.
    expect(specHash(validateSpec({ ...JSON.parse(json), axes: { leakage: [0.1, 0.2] } }))).not.toBe(specHash(s));
  });

  it('invalid YAML names the spec', () => {
    expect(() => parseSpecText('engine: [unclosed', 'x.yaml')).toThrow(/invalid spec: "x.yaml"/);
  });
});
