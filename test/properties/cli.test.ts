/**
 * Property-based tests over the built CLI (issue #12 item 25): generated argument vectors for
 * cheap commands exit 0 with --json output of finite numbers, or exit 2 with exactly one stderr
 * line `keyrate: invalid <param>: ...` and no stack trace; never exit 1, an abort or a signal;
 * each run within a time bound (the spawn is killed there). Generators: ./arbitraries.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keyrateAsync } from '../hard-inputs/helpers.js';
import { cliText, type ParamName } from './arbitraries.js';
import { SEED, nonFinite } from './check.js';

/** Time bound of one CLI run (ms; node start-up ~0.3 s). */
const RUN_MS = 20_000;

type Opt = [flag: string, name: ParamName, o?: { cheap?: boolean; optional?: boolean }];

/** Argument vectors: each option present with a generated value (optional ones sometimes absent). */
function argv(fixed: string[], opts: Opt[]): fc.Arbitrary<string[]> {
  return fc
    .tuple(...opts.map(([flag, name, o]) => {
      const text = cliText(name, { cheap: o?.cheap });
      // '--flag=value' keeps values that start with '-' values (commander would read an option)
      const pair = text.map((t) => (t.startsWith('-') ? [`${flag}=${t}`] : [flag, t]));
      return o?.optional ? fc.option(pair, { nil: [] as string[], freq: 4 }) : pair;
    }))
    .map((parts) => [...fixed, ...parts.flat(), '--json']);
}

/** The CLI contract for one run; returns a failure message or undefined, and whether it computed. */
// keyrateAsync, not spawnSync: long synchronous loops block the test worker's event loop (vitest's RPC times out)
async function cliOutcome(args: string[], allow: (path: string, json: unknown) => boolean = () => false): Promise<{ failure?: string; ok: boolean }> {
  const r = await keyrateAsync(args, RUN_MS);
  const what = `keyrate ${args.map((a) => (a.length > 60 ? `${a.slice(0, 40)}...(${a.length} chars)` : JSON.stringify(a))).join(' ')}`;
  const fail = (m: string) => ({ failure: `${what}: ${m}\nstderr: ${r.stderr.slice(0, 2000)}`, ok: false });
  if (r.signal) return fail(`killed by ${r.signal} after ${r.ms} ms (bound ${RUN_MS} ms)`);
  if (/\n\s+at .*:\d+:\d+\)?$/m.test(r.stderr)) return fail('stack trace on stderr');
  if (r.code === 0) {
    let json: unknown;
    try {
      json = JSON.parse(r.stdout);
    } catch {
      return fail(`exit 0 without parseable --json output: ${r.stdout.slice(0, 200)}`);
    }
    const bad = nonFinite(json).filter((p) => !allow(p, json));
    if (bad.length > 0) return fail(`non-finite numbers (null in JSON): ${bad.slice(0, 5).join('; ')}`);
    return { ok: true };
  }
  if (r.code !== 2) return fail(`exit ${r.code}`);
  const lines = r.stderr.trimEnd().split('\n');
  if (lines.length !== 1) return fail(`${lines.length} stderr lines`);
  if (!/^keyrate: invalid [A-Za-z][\w.-]*: /.test(lines[0]!)) return fail(`stderr is not 'keyrate: invalid <param>: ...'`);
  return { ok: false };
}

async function holds(arb: fc.Arbitrary<string[]>, numRuns: number, allow?: (path: string, json: unknown) => boolean, minOk = 0.1): Promise<void> {
  let ok = 0;
  let runs = 0;
  await fc.assert(
    fc.asyncProperty(arb, async (args) => {
      const o = await cliOutcome(args, allow);
      if (o.failure) throw new Error(o.failure);
      runs++;
      if (o.ok) ok++;
    }),
    // shrinking spawns one process per step: bound it
    { seed: SEED, numRuns, endOnFailure: true, interruptAfterTimeLimit: 120_000 },
  );
  expect(ok / runs, `only ${ok} of ${runs} generated argument vectors were valid`).toBeGreaterThanOrEqual(minOk);
}

describe('CLI', () => {
  it('leakage threshold (30 runs)', async () => {
    // the bisection only at cheap sizes; elsewhere --no-zero-crossing (the closed forms, any size)
    const cheap = argv(['leakage', 'threshold', '--tol', '0.01'], [['--dim', 'dim', { cheap: true }], ['--parties', 'parties', { cheap: true }], ['--leakage', 'leakage'], ['--model', 'model', { optional: true }]]);
    const closed = argv(['leakage', 'threshold', '--no-zero-crossing'], [['--dim', 'dim', { optional: true }], ['--parties', 'parties', { optional: true }], ['--leakage', 'leakage'], ['--tol', 'tolAny', { optional: true }]]);
    await holds(fc.oneof(cheap, closed), 30, (p, j) => {
      const z = (j as { separableBound: number; zeroCrossingDetail: { skipped?: string; evaluations: number; bracket: number[] } }).zeroCrossingDetail;
      // documented: null (NaN) only when skipped (with the reason: not wanted, too large, or no key at v = 1)
      return /^zeroCrossing(Detail\.zeroCrossing)? = null$/.test(p) && !!z.skipped;
    });
  }, 240_000);
  it('amplified plob (30 runs)', async () => {
    await holds(argv(['amplified', 'plob'], [['--distance', 'distance'], ['--loss', 'loss', { optional: true }]]), 30);
  }, 240_000);
  it('amplified precision (30 runs)', async () => {
    await holds(argv(['amplified', 'precision'], [['--distance', 'distance'], ['--photons', 'testPhotons', { optional: true }], ['--span', 'span', { optional: true }], ['--loss', 'loss', { optional: true }]]), 30);
  }, 240_000);
  it('amplified rate at fixed photons/windows, both encodings (40 runs)', async () => {
    const point = fc.oneof(
      fc.constant(['--encoding', 'photon-number', '--photons', '9000,11000', '--windows', '1000,1000,5000,5000']),
      fc.constant(['--encoding', 'phase', '--photons', '3000', '--windows', '0,100']),
      fc.tuple(cliText('encoding'), cliText('photons', { cheap: true }), cliText('windows')).map(([e, p, w]) => [`--encoding=${e}`, `--photons=${p}`, `--windows=${w}`]),
    );
    const line = fc.oneof(
      fc.constant(['--distance', '1000', '--eve-at', '500']),
      fc.tuple(cliText('distance'), cliText('eveAt'), cliText('span'), cliText('loss')).map(([d, e, s, l]) => [`--distance=${d}`, `--eve-at=${e}`, `--span=${s}`, `--loss=${l}`]),
    );
    const arb = fc.tuple(point, line, cliText('leak')).map(([p, l, leak]) => ['amplified', 'rate', ...p, ...l, `--leak=${leak}`, '--json']);
    await holds(arb, 40);
  }, 240_000);
});
