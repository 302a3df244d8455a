/** Every example spec validates; example scripts are consistent with the shard semantics. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Grid, shardRange } from '../../src/sweep/grid.js';
import { loadSpec } from '../../src/sweep/spec.js';
import { parse } from 'yaml';
import { ROOT } from './helpers.js';

const dir = join(ROOT, 'examples');

describe('examples', () => {
  const specs = readdirSync(dir).filter((f) => f.endsWith('.yaml') && !f.startsWith('k8s'));
  it('has the sweep specs the docs name', () => {
    expect(specs).toEqual(expect.arrayContaining(['leakage-fig1.yaml', 'amplified-fig1a.yaml', 'amplified-worst-case-40000km.yaml']));
  });
  for (const f of specs) {
    it(`${f} is a valid spec`, () => {
      const s = loadSpec(join(dir, f));
      expect(new Grid(s, true).size).toBeGreaterThan(0);
    });
  }
  it('leakage-fig1.yaml: 3 leakages x 67 visibilities from 0.34 to 1', () => {
    const s = loadSpec(join(dir, 'leakage-fig1.yaml'));
    expect(s.axes.map((a) => a.values.length)).toEqual([3, 67]);
    expect(s.axes[1]!.values.at(-1)).toBe(1);
  });
  it('8 shards over the 40,000 km example (6 blocks) cover all 42 points', () => {
    const s = loadSpec(join(dir, 'amplified-worst-case-40000km.yaml'));
    const g = new Grid(s, true);
    expect(g.blockCount).toBe(6);
    const sizes = [...Array(8).keys()].map((i) => { const r = shardRange(g, { index: i, count: 8 }); return r.end - r.start; });
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(42);
  });
  it('k8s Indexed Job: completions match the --shard count', () => {
    const job = parse(readFileSync(join(dir, 'k8s-indexed-job.yaml'), 'utf8'));
    expect(job.spec.completionMode).toBe('Indexed');
    const cmd: string[] = job.spec.template.spec.containers[0].command;
    expect(cmd[cmd.indexOf('--shard') + 1]).toBe(String(job.spec.completions));
  });
  it('SLURM script: --array size matches SHARDS', () => {
    const sh = readFileSync(join(dir, 'slurm-array.sh'), 'utf8');
    const [, a, b] = /#SBATCH --array=(\d+)-(\d+)/.exec(sh)!;
    expect(Number(b) - Number(a) + 1).toBe(Number(/SHARDS=(\d+)/.exec(sh)![1]));
  });
});
