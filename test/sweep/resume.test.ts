/**
 * Resume after a real SIGKILL of a sweep child process: the resumed output must equal an
 * uninterrupted run's in every non-timing column (results.csv byte-for-byte without `ms`,
 * results.jsonl rows without `ms`, manifest checksum), with no lost or duplicated point.
 */
import { appendFileSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, cliSpawn, csvWithoutMs, read, tmp } from './helpers.js';

const SPEC = `
engine: test
quantity: fake
fixed: { delayMs: 12 }
axes:
  y: [0, 1, 2]
  x: { from: 0, to: 2, count: 50 }
batch: 4
`;

function rows(dir: string): Record<string, unknown>[] {
  return read(join(dir, 'results.jsonl')).trim().split('\n').map((l) => JSON.parse(l));
}

function noMs(r: Record<string, unknown>) {
  const { ms: _ms, ...rest } = r;
  return rest;
}

async function killWhen(args: string[], jsonl: string, minBytes: number): Promise<void> {
  const child = cliSpawn(args);
  const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
  const t0 = Date.now();
  while (Date.now() - t0 < 60_000) {
    if (existsSync(jsonl) && statSync(jsonl).size >= minBytes) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  expect(child.kill('SIGKILL')).toBe(true);
  const code = await exited;
  expect(code).toBeNull(); // killed by the signal, not finished
}

describe('sweep resume after SIGKILL', () => {
  it('resumed output equals an uninterrupted run (all non-timing columns)', async () => {
    const dir = tmp();
    const spec = join(dir, 'spec.yaml');
    writeFileSync(spec, SPEC);
    const full = join(dir, 'full');
    const r0 = cli(['sweep', spec, '--out', full, '--quiet', '--workers', '1']);
    expect(r0.code, r0.stderr).toBe(0);

    const cut = join(dir, 'cut');
    const jsonl = join(cut, 'results.jsonl');
    // First kill after a few batches, then resume and kill again, then finish.
    await killWhen(['sweep', spec, '--out', cut, '--quiet', '--workers', '1'], jsonl, 3000);
    const after1 = rows(cut).length;
    expect(after1).toBeGreaterThan(0);
    expect(after1).toBeLessThan(150);
    await killWhen(['sweep', spec, '--out', cut, '--resume', '--quiet', '--workers', '1'], jsonl, statSync(jsonl).size + 3000);
    const after2 = read(jsonl).split('\n').length - 1;
    expect(after2).toBeGreaterThan(after1);
    expect(after2).toBeLessThan(150);
    // A write cut short mid-line, and a CSV that lags the JSONL: both must be repaired.
    appendFileSync(jsonl, '{"index":' + after2 + ',"y":0,"x":0.1');
    const csv = read(join(cut, 'results.csv')).split('\n');
    writeFileSync(join(cut, 'results.csv'), csv.slice(0, Math.max(1, csv.length - 3)).join('\n') + '\n');

    const r1 = cli(['sweep', spec, '--out', cut, '--resume', '--quiet', '--workers', '1']);
    expect(r1.code, r1.stderr).toBe(0);
    expect(r1.stderr).toMatch(/dropped a partially written last line/);

    const a = rows(full);
    const b = rows(cut);
    expect(b.map((r) => r['index'])).toEqual([...Array(150).keys()]);
    expect(b.map(noMs)).toEqual(a.map(noMs));
    // Warm-start chains survived the kills: chain position = position along the x line.
    expect(b.map((r) => r['chain'])).toEqual([...Array(150).keys()].map((i) => i % 50));
    expect(csvWithoutMs(join(cut, 'results.csv'))).toBe(csvWithoutMs(join(full, 'results.csv')));
    const ma = JSON.parse(read(join(full, 'manifest.json')));
    const mb = JSON.parse(read(join(cut, 'manifest.json')));
    expect(mb.status).toBe('complete');
    expect(mb.resumes).toBeGreaterThanOrEqual(2);
    expect(mb.checksum.value).toBe(ma.checksum.value);
    expect(mb.specHash).toBe(ma.specHash);
  });

  it('refuses to overwrite without --resume, refuses a changed spec, and a completed resume is a no-op', () => {
    const dir = tmp();
    const spec = join(dir, 'spec.yaml');
    writeFileSync(spec, 'engine: test\nquantity: fake\naxes: { x: [1, 2, 3] }\n');
    const out = join(dir, 'o');
    expect(cli(['sweep', spec, '--out', out, '--quiet', '--workers', '1']).code).toBe(0);
    const before = readFileSync(join(out, 'results.jsonl'));
    const again = cli(['sweep', spec, '--out', out, '--quiet', '--workers', '1']);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/invalid out: .*--resume/);
    const done = cli(['sweep', spec, '--out', out, '--resume', '--quiet', '--workers', '1']);
    expect(done.code).toBe(0);
    expect(done.stdout).toMatch(/3\/3 points .* 0 evaluated now/);
    expect(readFileSync(join(out, 'results.jsonl'))).toEqual(before);
    writeFileSync(spec, 'engine: test\nquantity: fake\naxes: { x: [1, 2, 4] }\n');
    const changed = cli(['sweep', spec, '--out', out, '--resume', '--quiet', '--workers', '1']);
    expect(changed.code).toBe(2);
    expect(changed.stderr).toMatch(/invalid spec: .*spec differs/);
  });
});
