import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';

let out = '';
let err = '';
beforeEach(() => {
  out = '';
  err = '';
  process.exitCode = undefined;
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
});
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

const cli = async (...args: string[]) => {
  await buildProgram().parseAsync(['node', 'keyrate', 'leakage', ...args]);
  return process.exitCode ?? 0;
};

describe('keyrate leakage CLI', () => {
  it('threshold --json', async () => {
    expect(await cli('threshold', '--dim', '2', '--parties', '2', '--leakage', '0.1', '--json')).toBe(0);
    const j = JSON.parse(out);
    expect(j.threshold).toBeCloseTo(1 / (1 + 2 * 0.9), 12);
    expect(j.separableBound).toBeCloseTo(1 / 3, 12);
    expect(Math.abs(j.zeroCrossing - j.threshold)).toBeLessThan(1e-5);
  });
  it('rate --json reports settings, gamma, evaluations', async () => {
    expect(await cli('rate', '--leakage', '0.1', '--visibility', '0.6', '--json')).toBe(0);
    const j = JSON.parse(out);
    expect(j.rate).toBeCloseTo(0.26696054541067, 10);
    expect(j.gamma).toHaveLength(4);
    expect(j.evaluations).toBeGreaterThan(0);
    expect(j.settings).toHaveLength(2);
    expect(j.status).toBe('optimum');
    expect(j.nanEvents).toBe(0);
    expect(j.convergence.agreeing).toBeGreaterThanOrEqual(2);
  });
  it('rate table output', async () => {
    expect(await cli('rate', '--leakage', '0.1', '--visibility', '0.6')).toBe(0);
    expect(out).toMatch(/rate \(bits\)\s+0\.266961/);
  });
  it('curve --out writes CSV atomically', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyrate-leak-'));
    const f = join(dir, 'c.csv');
    expect(await cli('curve', '--leakage', '0.1,0.2', '--visibility', '0.5:0.7:0.1', '--out', f, '--quiet')).toBe(0);
    const lines = readFileSync(f, 'utf8').trim().split('\n');
    expect(lines[0]).toMatch(/^dim,parties,model,objective,leakage,visibility,rate,threshold/);
    expect(lines).toHaveLength(1 + 6);
    expect(existsSync(`${f}.tmp-${process.pid}`)).toBe(false);
    // the backend column names the backend that computed each point, not the requested 'auto'
    const col = lines[0]!.split(',').indexOf('backend');
    expect(col).toBeGreaterThan(0);
    for (const line of lines.slice(1)) expect(line).toMatch(/,(wasm|reference)[^,]*,"\{/);
    expect(lines[0]).toMatch(/,tolerance,status,nanEvents$/);
    for (const line of lines.slice(1)) expect(line).toMatch(/,optimum,0$/);
  });
  it('repeaters --json', async () => {
    expect(await cli('repeaters', '--visibility', '0.95', '--leakage', '0.1', '--max-repeaters', '2', '--rule', 'swap', '--json')).toBe(0);
    const j = JSON.parse(out);
    expect(j.series[0].nMax.maxRepeaters).toBe(19);
    expect(j.series[0].points).toHaveLength(3);
  });
  it('bad input: exit 2 and one stderr line naming the parameter', async () => {
    expect(await cli('rate', '--leakage', '1.5', '--visibility', '0.6')).toBe(2);
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(err).toMatch(/leakage/);
    err = '';
    process.exitCode = undefined;
    expect(await cli('threshold', '--leakage', '0.1', '--model', 'both')).toBe(2);
    expect(err).toMatch(/model/);
  });
});
