/** Sharding + merge equals one run; merge refuses missing shards, mismatched hashes and overlaps. */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { mergeShards } from '../../src/sweep/merge.js';
import { runSweep } from '../../src/sweep/runner.js';
import { validateSpec } from '../../src/sweep/spec.js';
import { cli, csvWithoutMs, read, tmp } from './helpers.js';

process.env['KEYRATE_TEST_EVALUATORS'] = '1';

const raw = { engine: 'test', quantity: 'fake', axes: { y: [0, 1, 2, 3, 4], x: { from: 0, to: 1, count: 7 } }, batch: 3 };

function mergeErr(dirs: string[], out: string): InputError {
  try {
    mergeShards(dirs, out);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('merge accepted');
}

describe('shard + merge', () => {
  it('N shards merged equal one unsharded run (rows, CSV without ms, checksum)', async () => {
    const dir = tmp();
    const spec = validateSpec(raw);
    const one = await runSweep(spec, { out: join(dir, 'one') });
    for (const N of [2, 3]) {
      for (let i = 0; i < N; i++) await runSweep(spec, { out: join(dir, `s${N}`), shard: { index: i, count: N } });
      const m = mergeShards([join(dir, `s${N}`)], join(dir, `m${N}`));
      expect(m.manifest.checksum!.value).toBe(one.manifest.checksum!.value);
      expect(csvWithoutMs(join(dir, `m${N}`, 'results.csv'))).toBe(csvWithoutMs(join(dir, 'one', 'results.csv')));
      const idx = read(join(dir, `m${N}`, 'results.jsonl')).trim().split('\n').map((l) => JSON.parse(l).index);
      expect(idx).toEqual([...Array(35).keys()]);
    }
  });

  it('CLI: shard index from SLURM_ARRAY_TASK_ID (1-based array) and JOB_COMPLETION_INDEX; merge in reverse order', () => {
    const dir = tmp();
    const spec = join(dir, 'spec.json');
    writeFileSync(spec, JSON.stringify(raw));
    expect(cli(['sweep', spec, '--out', join(dir, 'one'), '--quiet']).code).toBe(0);
    for (const id of [1, 2, 3]) {
      const r = cli(['sweep', spec, '--out', join(dir, 'slurm'), '--shard', '3', '--quiet'], { SLURM_ARRAY_TASK_ID: String(id), SLURM_ARRAY_TASK_MIN: '1' });
      expect(r.code, r.stderr).toBe(0);
    }
    const dirs = ['shard-2-of-3', 'shard-0-of-3', 'shard-1-of-3'].map((d) => join(dir, 'slurm', d));
    const m = cli(['merge', ...dirs, '--out', join(dir, 'merged')]);
    expect(m.code, m.stderr).toBe(0);
    expect(csvWithoutMs(join(dir, 'merged', 'results.csv'))).toBe(csvWithoutMs(join(dir, 'one', 'results.csv')));
    const k = cli(['sweep', spec, '--out', join(dir, 'k8s'), '--shard', '2', '--quiet'], { JOB_COMPLETION_INDEX: '1' });
    expect(k.code, k.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'k8s', 'shard-1-of-2', 'manifest.json'), 'utf8')).shard).toEqual({ index: 1, count: 2 });
  });

  it('refuses a missing shard, a mismatched spec hash, an overlap, and an incomplete shard', async () => {
    const dir = tmp();
    const spec = validateSpec(raw);
    for (let i = 0; i < 3; i++) await runSweep(spec, { out: join(dir, 'a'), shard: { index: i, count: 3 } });
    const a = (i: number) => join(dir, 'a', `shard-${i}-of-3`);

    const missing = mergeErr([a(0), a(2)], join(dir, 'x1'));
    expect(missing.message).toMatch(/missing shard\(s\) 1/);

    const other = validateSpec({ ...raw, axes: { ...raw.axes, y: [0, 1, 2, 3, 5] } });
    await runSweep(other, { out: join(dir, 'b'), shard: { index: 1, count: 3 } });
    const hash = mergeErr([a(0), join(dir, 'b', 'shard-1-of-3'), a(2)], join(dir, 'x2'));
    expect(hash.message).toMatch(/spec hash .* differs/);

    cpSync(a(1), join(dir, 'dup'), { recursive: true });
    const overlap = mergeErr([a(0), a(1), join(dir, 'dup'), a(2)], join(dir, 'x3'));
    expect(overlap.message).toMatch(/overlaps/);

    const mf = join(a(2), 'manifest.json');
    const m = JSON.parse(readFileSync(mf, 'utf8'));
    writeFileSync(mf, JSON.stringify({ ...m, status: 'running' }));
    expect(mergeErr([a(0), a(1), a(2)], join(dir, 'x4')).message).toMatch(/status running/);
    writeFileSync(mf, JSON.stringify(m));

    // Tampered rows: checksum mismatch is detected.
    const jl = join(a(1), 'results.jsonl');
    writeFileSync(jl, readFileSync(jl, 'utf8').replace('"chain":0', '"chain":7'));
    expect(() => mergeShards([a(0), a(1), a(2)], join(dir, 'x5'))).toThrow(/do not match the manifest checksum/);
  });
});
