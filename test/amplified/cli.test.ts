import { describe, expect, it, vi } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';

async function run(args: string[]): Promise<{ out: string; err: string; code: number }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
  process.exitCode = 0;
  try {
    await buildProgram().parseAsync(['node', 'keyrate', ...args]);
  } catch {
    /* commander exitOverride */
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { out, err, code };
}

describe('keyrate amplified CLI', () => {
  it('rate --json at fixed parameters', async () => {
    const r = await run(['amplified', 'rate', '--encoding', 'phase', '--distance', '1000', '--eve-at', '500', '--leak', '1e-3', '--photons', '900', '--windows', '5,60', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.rate).toBeCloseTo(j.pCheck * (j.iAB - j.chi), 14);
    expect(j.params.photons).toEqual([900]);
  });

  it('plob/precision/correlation --json', async () => {
    const p = JSON.parse((await run(['amplified', 'plob', '--distance', '1000,40000', '--json'])).out);
    expect(p[1].log10T).toBe(-800);
    const q = JSON.parse((await run(['amplified', 'precision', '--distance', '1000', '--json'])).out);
    expect(q[0].rEminPaper).toBeCloseTo(1.414e-6, 9);
    const c = JSON.parse((await run(['amplified', 'correlation', '--distance', '1000', '--eve-at', '0:1000:500', '--leak', '1e-3', '--photons', '1e4', '--json'])).out);
    expect(c.map((x: { R: number }) => x.R)[0]).toBe(0);
  });

  it('bad input: one stderr line, exit code 2', async () => {
    const r = await run(['amplified', 'rate', '--encoding', 'phase', '--distance', '1000', '--eve-at', '1500', '--leak', '1e-3', '--json']);
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/eveAt/);
    const r2 = await run(['amplified', 'rate', '--encoding', 'qubit', '--distance', '1000', '--eve-at', '500', '--leak', '1e-3']);
    expect(r2.code).toBe(2);
  });
});
