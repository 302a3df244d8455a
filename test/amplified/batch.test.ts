/**
 * `keyrate amplified batch` (issue #10): spawns the built CLI (`npm test` builds it first).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectBadInput, keyrate, tmp } from '../hard-inputs/helpers.js';

const PN = { distance: 1000, eveAt: 500, leak: 1e-3, photons: [1e4, 2e4], windows: [2000, 2000, 9000, 12000] };
const OOK = { ...PN, photons: [0, 2e4] };
// a second (G1, G2) group: Eve next to Alice
const PN0 = { ...PN, eveAt: 0 };
// phase: E0 = [theta1', theta2'] in Bob's quadrature units (src/models/amplified/phase.ts)
const PHASE = { distance: 1000, eveAt: 500, leak: 1e-3, photons: [1e4], windows: [0.5, 1.5] };

type Point = { distance: number; eveAt: number; leak: number; photons: number[]; windows: number[] };

function rateJson(enc: string, p: Point): Record<string, number> {
  const r = keyrate(['amplified', 'rate', '--encoding', enc, '--distance', String(p.distance), '--eve-at', String(p.eveAt), '--leak', String(p.leak), '--photons', p.photons.join(','), '--windows', p.windows.join(','), '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

function close(a: number, b: number, rel = 1e-10): void {
  expect(Math.abs(a - b), `${a} vs ${b}`).toBeLessThanOrEqual(rel * Math.abs(b) + 1e-300);
}

function lines(text: string): Record<string, any>[] {
  return text.trimEnd().split('\n').map((l) => JSON.parse(l));
}

describe('keyrate amplified batch', () => {
  const dir = tmp('keyrate-batch-');
  const mixed = join(dir, 'mixed.jsonl');
  writeFileSync(mixed, [JSON.stringify(PN), '{"distance": 1000, "eveAt": 500,', JSON.stringify(OOK), JSON.stringify({ ...PN, leak: 1.5 }), JSON.stringify(PN0)].join('\n') + '\n');

  it('good lines match `amplified rate --json`, bad lines carry error objects, exit 2', () => {
    const r = keyrate(['amplified', 'batch', '--encoding', 'photon-number', '--input', mixed]);
    expect(r.code, r.stderr).toBe(2);
    const out = lines(r.stdout);
    expect(out).toHaveLength(5);
    expect(out.map((o) => o.line)).toEqual([1, 2, 3, 4, 5]);
    for (const [i, p] of [[0, PN], [2, OOK], [4, PN0]] as const) {
      const ref = rateJson('photon-number', p);
      const o = out[i]!;
      expect(o.error).toBeUndefined();
      for (const k of ['rate', 'pCheck', 'iAB', 'chi']) close(o[k], ref[k]!);
      expect(o.params).toEqual((ref as any).params);
      expect(o.backend.checked).toBe('reference');
      expect(o.backend.agree).toBe(true);
      expect(o.backend.value).toBe(o.backend.kernelBackend);
      expect(o.rate).toBe(o.backend.kernel);
      close(o.backend.kernel, o.backend.reference);
    }
    expect(out[1]!.error.param).toBe('input');
    expect(out[1]!.error.message).toMatch(/line 2 is not JSON/);
    expect(out[3]!.error).toMatchObject({ param: 'leak', allowed: '[0, 1)' });
    expect(r.stderr).toMatch(/2 of 5 lines invalid/);
  });

  it('kernel outside the tolerance: agree false, the reference value reported', () => {
    // Eve one span from Alice: the kernel's node set (panel width 3) and the reference's reported one
    // (width 2) differ by ~1.5e-10 relative (the reference's tolerance.estimated), beyond 1e-10
    const p = { distance: 1000, eveAt: 50, leak: 2e-3, photons: [1e4, 20430], windows: [2000, 2000, 9000, 12000] };
    const f = join(dir, 'edge.jsonl');
    writeFileSync(f, JSON.stringify(p) + '\n' + JSON.stringify(PN) + '\n');
    const r = keyrate(['amplified', 'batch', '--encoding', 'photon-number', '--input', f]);
    expect(r.code, r.stderr).toBe(0);
    const [o, q] = lines(r.stdout);
    expect(o!.backend).toMatchObject({ value: 'reference', checked: 'reference', agree: false });
    expect(o!.rate).toBe(o!.backend.reference);
    close(o!.rate, rateJson('photon-number', p).rate!, 1e-15);
    expect(Math.abs(o!.backend.kernel - o!.rate)).toBeLessThan(10 * o!.tolerance.estimated);
    expect(q!.backend.agree).toBe(true);
  });

  it('phase run of good lines exits 0 (reference backend too)', () => {
    const f = join(dir, 'phase.jsonl');
    writeFileSync(f, JSON.stringify(PHASE) + '\n');
    const ref = rateJson('phase', PHASE);
    for (const backend of ['auto', 'reference']) {
      const r = keyrate(['amplified', 'batch', '--encoding', 'phase', '--input', f, '--backend', backend, '--workers', '2']);
      expect(r.code, r.stderr).toBe(0);
      const out = lines(r.stdout);
      expect(out).toHaveLength(1);
      for (const k of ['rate', 'pCheck', 'iAB', 'chi']) close(out[0]![k], ref[k]!);
      expect(out[0]!.backend.agree).toBe(true);
      if (backend === 'reference') expect(out[0]!.backend.value).toBe('reference');
    }
  });

  it('--out writes the same lines atomically (no temp file left, replaces an old file)', () => {
    const good = join(dir, 'good.jsonl');
    writeFileSync(good, [PN, OOK].map((p) => JSON.stringify(p)).join('\n'));
    const target = join(dir, 'res', 'results.jsonl');
    const a = keyrate(['amplified', 'batch', '--encoding', 'photon-number', '--input', good]);
    expect(a.code, a.stderr).toBe(0);
    const b = keyrate(['amplified', 'batch', '--encoding', 'photon-number', '--input', good, '--out', target]);
    expect(b.code, b.stderr).toBe(0);
    expect(b.stdout).toBe('');
    expect(readFileSync(target, 'utf8')).toBe(a.stdout);
    writeFileSync(target, 'old\n');
    const c = keyrate(['amplified', 'batch', '--encoding', 'photon-number', '--input', mixed, '--out', target]);
    expect(c.code).toBe(2);
    expect(lines(readFileSync(target, 'utf8'))).toHaveLength(5);
    expect(readdirSync(join(dir, 'res'))).toEqual(['results.jsonl']);
    expectBadInput(keyrate(['amplified', 'batch', '--encoding', 'phase', '--input', good, '--out', dir]), 'out');
  });

  it('whole-input errors: one stderr line naming input / workers, exit 2, no output', () => {
    const empty = join(dir, 'empty.jsonl');
    writeFileSync(empty, '');
    const r = keyrate(['amplified', 'batch', '--encoding', 'photon-number', '--input', empty]);
    expectBadInput(r, 'input', /empty file/);
    expect(r.stdout).toBe('');
    const long = join(dir, 'long.jsonl');
    writeFileSync(long, JSON.stringify(PN) + '\n' + JSON.stringify({ ...PN, pad: 'x'.repeat(70_000) }) + '\n');
    expectBadInput(keyrate(['amplified', 'batch', '--encoding', 'photon-number', '--input', long]), 'input', /line 2 has \d+ bytes/);
    expectBadInput(keyrate(['amplified', 'batch', '--encoding', 'photon-number', '--input', join(dir, 'missing.jsonl')]), 'input');
    expectBadInput(keyrate(['amplified', 'batch', '--encoding', 'photon-number', '--input', mixed, '--workers', '0']), 'workers');
    expectBadInput(keyrate(['amplified', 'batch', '--encoding', 'qubit', '--input', mixed]), 'encoding');
  });

  it('--help documents the cost and the single thread', () => {
    const r = keyrate(['amplified', 'batch', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Cost:/);
    expect(r.stdout).toMatch(/one thread today/);
  });
});
