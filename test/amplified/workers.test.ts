/**
 * `--workers N` on `amplified curve` and `worst-case` (issue #10): the points of a curve and the
 * Eve positions of one step are independent optimisations (src/models/amplified/model.ts RateMany),
 * so 1 and 2 workers give the same numbers, bit for bit; on `rate --optimize` the optimiser's local
 * searches run one per worker (RunStartTasks, src/models/amplified/optimize.ts searchSteps), with
 * the same result. Spawns the built CLI.
 */
import { describe, expect, it } from 'vitest';
import { expectBadInput, keyrate, keyrateAsync } from '../hard-inputs/helpers.js';

/** JSON output without the fields that legitimately differ between runs (none do today). */
const parse = (s: string): unknown => JSON.parse(s);

describe('amplified --workers', () => {
  it('rate --optimize (photon number, 4 local searches): --workers 1 and 2 identical', async () => {
    const args = ['amplified', 'rate', '--encoding', 'photon-number', '--distance', '1000', '--eve-at', '500', '--leak', '1e-4', '--json'];
    const [one, two] = [await keyrateAsync([...args, '--workers', '1'], 240_000), await keyrateAsync([...args, '--workers', '2'], 240_000)];
    expect(one.code, one.stderr).toBe(0);
    expect(two.code, two.stderr).toBe(0);
    expect(parse(two.stdout)).toEqual(parse(one.stdout));
    const j = parse(one.stdout) as { status: string; search: { starts: number } };
    expect(j.status).toBe('optimum');
    expect(j.search.starts).toBeGreaterThanOrEqual(2);
  }, 300_000);

  it('curve (worst case over Eve, phase): --workers 1 and 2 identical', () => {
    const args = ['amplified', 'curve', '--encoding', 'phase', '--distance', '1000', '--leak', '1e-6,1e-4,1e-3', '--grid', '6', '--json'];
    const one = keyrate([...args, '--workers', '1'], { timeoutMs: 240_000 });
    const two = keyrate([...args, '--workers', '2'], { timeoutMs: 240_000 });
    expect(one.code, one.stderr).toBe(0);
    expect(two.code, two.stderr).toBe(0);
    expect(parse(two.stdout)).toEqual(parse(one.stdout));
    const pts = (parse(one.stdout) as { points: { status: string; rate: number }[] }).points;
    expect(pts).toHaveLength(3);
    for (const p of pts) expect(['optimum', 'not-converged', 'at-bound', 'no-key']).toContain(p.status);
  }, 300_000);

  it('curve at a fixed Eve position (photon number, on the wasm kernel): --workers 1 and 2 identical', () => {
    const args = ['amplified', 'curve', '--encoding', 'photon-number', '--distance', '1000', '--eve-at', '0', '--leak', '1e-4,1e-3', '--json'];
    const one = keyrate([...args, '--workers', '1'], { timeoutMs: 240_000 });
    const two = keyrate([...args, '--workers', '2'], { timeoutMs: 240_000 });
    expect(one.code, one.stderr).toBe(0);
    expect(parse(two.stdout)).toEqual(parse(one.stdout));
  }, 300_000);

  it('worst-case: --workers 1 and 2 identical, every scanned position has a status', () => {
    const args = ['amplified', 'worst-case', '--encoding', 'phase', '--distance', '1000', '--leak', '1e-4', '--grid', '5', '--json'];
    const one = keyrate([...args, '--workers', '1'], { timeoutMs: 240_000 });
    const two = keyrate([...args, '--workers', '2'], { timeoutMs: 240_000 });
    expect(one.code, one.stderr).toBe(0);
    expect(parse(two.stdout)).toEqual(parse(one.stdout));
    const j = parse(one.stdout) as { scan: { status: string }[]; status: string };
    expect(j.scan.length).toBeGreaterThanOrEqual(5);
    for (const s of j.scan) expect(typeof s.status).toBe('string');
  }, 300_000);

  it('--workers outside [1, 256] is an input error', () => {
    expectBadInput(keyrate(['amplified', 'worst-case', '--encoding', 'phase', '--distance', '1000', '--leak', '1e-4', '--workers', '0']), 'workers');
  });
});
