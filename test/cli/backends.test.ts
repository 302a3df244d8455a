/**
 * What users see of backend selection in every command: a forced backend that cannot run is one
 * stderr line and exit code 2 (no stack trace, no result rows); under 'auto' the same failure is a
 * logged fallback and the result names the backend that computed it; a sweep with failed rows
 * exits non-zero and its manifest says 'failed'.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { keyrateAsync, tmp, type Run } from '../hard-inputs/helpers.js';

const NO_WASM = { KEYRATE_WASM_DIR: '/nonexistent-keyrate-wasm' };
const LEAKAGE = ['leakage', 'rate', '--dim', '2', '--parties', '2', '--leakage', '0.2', '--visibility', '0.8', '--workers', '1'];
const AMPLIFIED = ['amplified', 'rate', '--encoding', 'phase', '--distance', '100', '--eve-at', '50', '--leak', '0.01', '--optimize'];

function expectOneLine(r: Run, re: RegExp): void {
  expect(r.signal, r.stderr).toBeNull();
  expect(r.code, r.stderr).toBe(2);
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(re);
  expect(r.stderr).not.toMatch(/internal error|\bat .*\.js:\d+/);
}

function sweepSpec(dir: string, text: string): string {
  const f = join(dir, 'spec.yaml');
  writeFileSync(f, text);
  return f;
}
const LEAKAGE_SPEC = 'engine: leakage\nquantity: rate\nfixed: {dim: 2, parties: 2, leakage: 0.1}\naxes: {visibility: [0.8, 0.9]}\n';

describe('a forced backend that cannot run: exit 2, one line', () => {
  it('leakage rate --backend wasm without the wasm module', async () => {
    expectOneLine(await keyrateAsync([...LEAKAGE, '--backend', 'wasm'], 60_000, NO_WASM), /^keyrate: backend wasm unavailable: /);
  });
  it('amplified rate --optimize --backend wasm without the wasm module', async () => {
    expectOneLine(await keyrateAsync([...AMPLIFIED, '--backend', 'wasm'], 60_000, NO_WASM), /^keyrate: backend wasm unavailable: /);
  });
  it('sweep --backend wasm without the wasm module: no rows written', async () => {
    const dir = tmp();
    const out = join(dir, 'o');
    const r = await keyrateAsync(['sweep', sweepSpec(dir, LEAKAGE_SPEC), '--out', out, '--backend', 'wasm', '--workers', '1', '--quiet'], 60_000, NO_WASM);
    expectOneLine(r, /^keyrate: backend wasm unavailable: /);
    expect(existsSync(join(out, 'results.jsonl'))).toBe(false);
  });
  it('figures --backend wasm without the wasm module', async () => {
    const dir = tmp();
    const r = await keyrateAsync(['figures', '--only', 'leakage-fig1', '--quick', '--backend', 'wasm', '--out', join(dir, 'f'), '--workers', '1'], 60_000, NO_WASM);
    expectOneLine(r, /^keyrate: backend wasm unavailable: /);
  });
  it('gpujs is not offered by the CLI (an invalid backend, listing the ones that are)', async () => {
    const dir = tmp();
    for (const args of [
      [...LEAKAGE, '--backend', 'gpujs'],
      [...AMPLIFIED, '--backend', 'gpujs'],
      ['sweep', sweepSpec(dir, LEAKAGE_SPEC), '--out', join(dir, 'o'), '--backend', 'gpujs', '--quiet'],
      ['figures', '--only', 'leakage-fig1', '--quick', '--backend', 'gpujs', '--out', join(dir, 'f')],
    ]) {
      const r = await keyrateAsync(args, 60_000);
      expectOneLine(r, /^keyrate: invalid backend: "gpujs" \(allowed: .*auto.*reference.*wasm/);
    }
  });
});

describe("'auto' when a backend cannot run: a logged fallback, the result names what computed it", () => {
  it('leakage rate: wasm skipped (logged), computed on reference', async () => {
    const r = await keyrateAsync([...LEAKAGE, '--json'], 60_000, NO_WASM);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/keyrate: backend wasm skipped: init failed: .*nonexistent-keyrate-wasm/);
    expect(JSON.parse(r.stdout).backend).toBe('reference');
  });
  it('amplified rate: wasm skipped (logged), search on reference', async () => {
    const r = await keyrateAsync([...AMPLIFIED, '--json'], 60_000, NO_WASM);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/backend wasm skipped: .*nonexistent-keyrate-wasm/);
    expect(JSON.parse(r.stdout).backend).toMatchObject({ search: 'reference', evaluation: 'reference' });
  });
});

describe('every result names its backends', () => {
  it('leakage threshold, leakage rate (wasm), amplified rate (wasm)', async () => {
    const t = await keyrateAsync(['leakage', 'threshold', '--leakage', '0.1', '--tol', '1e-3', '--json'], 60_000);
    expect(t.code, t.stderr).toBe(0);
    expect(JSON.parse(t.stdout).backend).toMatch(/^closed forms; zero crossing: wasm-(simd|scalar)$/);
    const l = await keyrateAsync([...LEAKAGE, '--backend', 'wasm', '--json'], 60_000);
    expect(l.code, l.stderr).toBe(0);
    expect(JSON.parse(l.stdout).backend).toMatch(/^wasm/);
    const a = await keyrateAsync([...AMPLIFIED, '--backend', 'wasm', '--json'], 60_000);
    expect(a.code, a.stderr).toBe(0);
    expect(JSON.parse(a.stdout).backend).toMatchObject({ search: expect.stringMatching(/^wasm/), evaluation: 'reference' });
  });
  it('figures.json lists the backends of each figure', async () => {
    const dir = tmp();
    const out = join(dir, 'f');
    const r = await keyrateAsync(['figures', '--only', 'leakage-fig1', '--quick', '--backend', 'reference', '--out', out, '--workers', '1'], 120_000);
    expect(r.code, r.stderr).toBe(0);
    const idx = JSON.parse(readFileSync(join(out, 'figures.json'), 'utf8'));
    expect(idx.figures[0].backends).toEqual(['reference']);
  });
});

describe('a sweep with failed rows', () => {
  it("exits 1, says so on stderr, and its manifest status is 'failed'", async () => {
    const dir = tmp();
    const out = join(dir, 'o');
    const spec = sweepSpec(dir, 'engine: test\nquantity: fake\nfixed: {failAt: 2}\naxes: {x: [1, 2, 3]}\n');
    const r = await keyrateAsync(['sweep', spec, '--out', out, '--workers', '1', '--quiet'], 60_000);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/^keyrate: sweep failed: 1 of 3 points failed \(first: index 1: Error: fake failure at x=2\)/m);
    expect(r.stdout).toMatch(/: failed, 3\/3 points/);
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(m).toMatchObject({ status: 'failed', errors: 1, pointsDone: 3 });
    // resuming a failed sweep evaluates nothing and still fails
    const again = await keyrateAsync(['sweep', spec, '--out', out, '--workers', '1', '--quiet', '--resume'], 60_000);
    expect(again.code, again.stderr).toBe(1);
  });
  it('a sweep without failed rows exits 0 with status complete', async () => {
    const dir = tmp();
    const out = join(dir, 'o');
    const r = await keyrateAsync(['sweep', sweepSpec(dir, 'engine: test\nquantity: fake\naxes: {x: [1, 2]}\n'), '--out', out, '--workers', '1', '--quiet'], 60_000);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).status).toBe('complete');
  });
});
