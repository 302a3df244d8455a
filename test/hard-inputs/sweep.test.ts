/**
 * Sweep directories that are not what they claim (issue #12, items 9, 13-17), against the built
 * CLI: edited rows, a deleted manifest, another backend, two writers at once, corrupt lines and
 * broken manifests are refused with exit code 2 and one line; the manifest stays small.
 */
import { cpSync, readFileSync, rmSync, statSync, watch, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectBadInput, keyrate, keyrateAsync, tmp } from './helpers.js';
import { validateSpec } from '../../src/sweep/spec.js';
import { runSweep } from '../../src/sweep/runner.js';
import { rowsChecksum } from '../../src/sweep/output.js';

process.env['KEYRATE_TEST_EVALUATORS'] = '1';

const SPEC = 'engine: test\nquantity: fake\naxes:\n  y: [0, 1]\n  x: { from: 0, to: 1, count: 20 }\nbatch: 4\n';

function setup(): { dir: string; spec: string; done: string } {
  const dir = tmp();
  const spec = join(dir, 'spec.yaml');
  writeFileSync(spec, SPEC);
  const done = join(dir, 'done');
  const r = keyrate(['sweep', spec, '--out', done, '--quiet', '--workers', '1']);
  expect(r.code, r.stderr).toBe(0);
  return { dir, spec, done };
}

const resume = (spec: string, out: string, ...more: string[]) => keyrate(['sweep', spec, '--out', out, '--resume', '--quiet', '--workers', '1', ...more]);

describe('13: resume verifies the rows already there', () => {
  it('an edited output value in a completed sweep is refused; results.csv is left alone', () => {
    const { dir, spec, done } = setup();
    const out = join(dir, 'edited');
    cpSync(done, out, { recursive: true });
    const jl = join(out, 'results.jsonl');
    const lines = readFileSync(jl, 'utf8').split('\n');
    lines[3] = lines[3]!.replace(/"value":[^,]+/, '"value":42');
    writeFileSync(jl, lines.join('\n'));
    const csv = readFileSync(join(out, 'results.csv'), 'utf8');
    expectBadInput(resume(spec, out), 'out', /do not match the checksum/);
    expect(readFileSync(join(out, 'results.csv'), 'utf8')).toBe(csv);
  });
  it('an edited axis value or a row of an interrupted sweep is refused too', () => {
    const { dir, spec, done } = setup();
    const out = join(dir, 'cut');
    cpSync(done, out, { recursive: true });
    // make it an interrupted sweep: 12 rows kept, the manifest verified over the first 8
    const jl = join(out, 'results.jsonl');
    const rows = readFileSync(jl, 'utf8').trim().split('\n').slice(0, 12);
    const mf = join(out, 'manifest.json');
    const m = JSON.parse(readFileSync(mf, 'utf8'));
    writeFileSync(mf, JSON.stringify({ ...m, status: 'running', checksum: null, finishedAt: null, pointsDone: 8, verified: { rows: 8, value: rowsChecksum(rows.slice(0, 8).map((l) => JSON.parse(l))) } }));
    const edited = rows.slice();
    edited[2] = edited[2]!.replace(/"value":[^,]+/, '"value":42');
    writeFileSync(jl, edited.join('\n') + '\n');
    expectBadInput(resume(spec, out), 'out', /first 8 rows/);
    const axis = rows.slice();
    axis[10] = axis[10]!.replace(/"x":[^,]+/, '"x":0.123');
    writeFileSync(jl, axis.join('\n') + '\n');
    expectBadInput(resume(spec, out), 'out', /has x = 0\.123/);
    writeFileSync(jl, rows.join('\n') + '\n');
    const ok = resume(spec, out);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(readFileSync(mf, 'utf8')).checksum.value).toBe(JSON.parse(readFileSync(join(done, 'manifest.json'), 'utf8')).checksum.value);
  });
});

describe('14: rows without a manifest are never recomputed over', () => {
  it('manifest.json deleted while rows exist: --resume refuses, the rows stay', () => {
    const { dir, spec, done } = setup();
    const out = join(dir, 'nomanifest');
    cpSync(done, out, { recursive: true });
    rmSync(join(out, 'manifest.json'));
    const before = readFileSync(join(out, 'results.jsonl'), 'utf8');
    expectBadInput(resume(spec, out), 'out', /no manifest\.json/);
    expect(readFileSync(join(out, 'results.jsonl'), 'utf8')).toBe(before);
  });
});

describe('15: a sweep resumes only on the backend it was started with', () => {
  it('started on auto, resumed on reference: refused, naming the original backend', () => {
    const { spec, done } = setup();
    expectBadInput(resume(spec, done, '--backend', 'reference'), 'backend', /auto, the backend the sweep .* was started with/);
  });
});

describe('16: one writer per sweep directory', () => {
  it('a second sweep into a directory being written is refused at once; a stale lock is taken over', async () => {
    const dir = tmp();
    const spec = join(dir, 'slow.yaml');
    writeFileSync(spec, 'engine: test\nquantity: fake\nfixed: { delayMs: 40 }\naxes: { x: { from: 0, to: 1, count: 100 } }\nbatch: 2\n');
    const out = join(dir, 'o');
    const first = keyrateAsync(['sweep', spec, '--out', out, '--quiet', '--workers', '1']);
    const t0 = Date.now();
    while (Date.now() - t0 < 30_000) {
      try {
        if (statSync(join(out, 'results.jsonl')).size > 0) break;
      } catch {
        /* not yet */
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    const second = keyrate(['sweep', spec, '--out', out, '--resume', '--quiet', '--workers', '1']);
    expectBadInput(second, 'out', /locked by pid \d+ on /);
    expect(second.ms).toBeLessThan(10_000);
    const r = await first;
    expect(r.code, r.stderr).toBe(0);
    // a lock left by a dead process on this host is stale
    writeFileSync(join(out, '.keyrate.lock'), JSON.stringify({ pid: 2 ** 22 + 12345, hostname: (await import('node:os')).hostname(), startedAt: 'x' }));
    const again = resume(spec, out);
    expect(again.code, again.stderr).toBe(0);
  });
});

describe('17: corrupt lines and broken manifests: exit code 2, one line', () => {
  it('a complete line that is not JSON, and a manifest that is not JSON or lacks fields', () => {
    const { dir, spec, done } = setup();
    const bad = join(dir, 'badline');
    cpSync(done, bad, { recursive: true });
    const jl = join(bad, 'results.jsonl');
    const lines = readFileSync(jl, 'utf8').split('\n');
    lines[5] = '{"index": 5, broken';
    writeFileSync(jl, lines.join('\n'));
    expectBadInput(resume(spec, bad), 'out', /line 6 is not valid JSON/);
    const bm = join(dir, 'badmanifest');
    cpSync(done, bm, { recursive: true });
    writeFileSync(join(bm, 'manifest.json'), '{"specHash": ');
    expectBadInput(resume(spec, bm), 'out', /not valid JSON/);
    writeFileSync(join(bm, 'manifest.json'), '{"specHash": "x"}');
    expectBadInput(resume(spec, bm), 'out', /lacks/);
    const merged = keyrate(['merge', bm, '--out', join(dir, 'm')]);
    expect(merged.stderr.trim().split('\n')).toHaveLength(1);
    expect(merged.stderr).not.toMatch(/\bat .*\.js:\d+/);
  });
});

describe('9: the manifest stays small and is written rarely', () => {
  it('a long axis is summarised in manifest.json; manifest writes do not follow every batch', async () => {
    const dir = tmp();
    const spec = validateSpec({ engine: 'test', quantity: 'fake', axes: { x: { from: 0, to: 1, count: 3000 } }, batch: 4 });
    const out = join(dir, 'o');
    let writes = 0;
    const { mkdirSync } = await import('node:fs');
    mkdirSync(out);
    const w = watch(out, (_ev, name) => {
      if (name === 'manifest.json') writes++;
    });
    const s = await runSweep(spec, { out, workers: 1 });
    await new Promise((r) => setTimeout(r, 200));
    w.close();
    expect(s.manifest.status).toBe('complete');
    const text = readFileSync(join(out, 'manifest.json'), 'utf8');
    expect(text.length).toBeLessThan(5000);
    expect(JSON.parse(text).spec.axes[0]).toEqual({ name: 'x', count: 3000, first: 0, last: 1 });
    // 750 batches; without a write interval that is >= 750 manifest replacements
    expect(writes).toBeLessThan(100);
  });
  it('a grid over 1e6 points warns with the expected time after the first batch', async () => {
    const dir = tmp();
    const spec = validateSpec({ engine: 'test', quantity: 'fake', axes: { x: { from: 0, to: 1, count: 1_000_001 } }, batch: 16 });
    const lines: string[] = [];
    await expect(
      runSweep(spec, {
        out: join(dir, 'o'),
        workers: 1,
        log: (l) => {
          lines.push(l);
          if (/^warning/.test(l)) throw new Error('stop here');
        },
      }),
    ).rejects.toThrow(/stop here/);
    expect(lines.find((l) => l.startsWith('warning'))).toMatch(/1000001 points to evaluate .* expect about .+ more/);
  }, 60_000);
});
