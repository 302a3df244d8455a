/**
 * Hard inputs (issue #12, items 1-8 and 11) against the built CLI: every bad input is exit code 2
 * and one stderr line naming the parameter and its range; nothing hangs, exhausts memory or leaves
 * files behind; the edge cases that are valid give finite answers.
 */
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectBadInput, keyrate, tmp } from './helpers.js';

const phase = ['amplified', 'rate', '--encoding', 'phase', '--distance', '1000', '--eve-at', '500'];

describe('1: --workers has one upper bound for every command', () => {
  it('leakage rate and sweep refuse 1e9 and 1000 workers at once, naming [1, 256]', () => {
    for (const w of ['1e9', '1000', '0', '-1', '1.5']) {
      const r = keyrate(['leakage', 'rate', '--dim', '2', '--parties', '2', '--leakage', '0.1', '--visibility', '0.6', '--workers', w], { timeoutMs: 20_000 });
      expectBadInput(r, 'workers', /integer in \[1, 256\]/);
      expect(r.ms).toBeLessThan(15_000);
    }
    const dir = tmp();
    writeFileSync(join(dir, 'spec.yaml'), 'engine: test\nquantity: fake\naxes: { x: [1, 2] }\n');
    const s = keyrate(['sweep', join(dir, 'spec.yaml'), '--out', join(dir, 'o'), '--workers', '1000', '--quiet']);
    expectBadInput(s, 'workers', /integer in \[1, 256\]/);
  });
});

describe('2: d^N is bounded by estimated memory and time', () => {
  it('threshold returns the closed form at once for large d^N (no bisection), with a note', () => {
    for (const args of [['--parties', '15'], ['--parties', '30'], ['--dim', '1000'], ['--dim', '50']]) {
      const r = keyrate(['leakage', 'threshold', '--leakage', '0.1', ...args, '--json'], { timeoutMs: 30_000 });
      expect(r.code, r.stderr).toBe(0);
      expect(r.ms).toBeLessThan(20_000);
      const j = JSON.parse(r.stdout);
      const dim = args[0] === '--dim' ? Number(args[1]) : 2;
      const parties = args[0] === '--parties' ? Number(args[1]) : 2;
      const D = dim ** (parties - 1);
      expect(j.threshold).toBeCloseTo(1 / (1 + D * 0.9), 15);
      expect(j.zeroCrossing).toBeNull();
      expect(j.zeroCrossingDetail.skipped).toMatch(/too large/);
      expect(r.stderr).toMatch(/zero crossing not computed/);
    }
  });
  it('rate refuses d^N beyond the limits, naming the largest parties / dim that fit', () => {
    const p = keyrate(['leakage', 'rate', '--leakage', '0.1', '--visibility', '0.9', '--parties', '30'], { timeoutMs: 20_000 });
    expectBadInput(p, 'parties', /integer in \[2, \d\] at dim 2, so that one rate within ~2 GiB and ~300 s/);
    const d = keyrate(['leakage', 'rate', '--leakage', '0.1', '--visibility', '0.9', '--dim', '1000'], { timeoutMs: 20_000 });
    expectBadInput(d, 'dim', /integer in \[2, \d+\] at parties 2/);
    const d50 = keyrate(['leakage', 'rate', '--leakage', '0.1', '--visibility', '0.9', '--dim', '50'], { timeoutMs: 20_000 });
    expectBadInput(d50, 'dim');
  });
});

describe('3: linK / logK ranges have a point cap', () => {
  it('refuses 1e9 points before allocating them', () => {
    const a = keyrate(['amplified', 'plob', '--distance', '1:1e9:lin1000000000'], { timeoutMs: 20_000 });
    expectBadInput(a, 'distance', /K an integer in \[1, 1000000\]/);
    const b = keyrate(['leakage', 'curve', '--leakage', '0.1', '--visibility', '0.4:0.5:lin1000000000'], { timeoutMs: 20_000 });
    expectBadInput(b, 'visibility', /K an integer in \[1, 1000000\]/);
    const c = keyrate(['amplified', 'plob', '--distance', '1:10:log1000000001'], { timeoutMs: 20_000 });
    expectBadInput(c, 'distance');
  });
});

describe('4: natural-losses sums are bounded', () => {
  it('--length 1e300 and --mu 1e300,1e300 are refused at once', () => {
    const a = keyrate(['amplified', 'natural-losses', '--length', '1e300'], { timeoutMs: 20_000 });
    expectBadInput(a, 'length', /at most 1000000 detectors/);
    const b = keyrate(['amplified', 'natural-losses', '--mu', '1e300,1e300'], { timeoutMs: 20_000 });
    expectBadInput(b, 'mu', /scattered photons/);
  });
});

describe('5: phase encoding at leak 0 and other edges', () => {
  it('leak 0 (and 1e-400, which is 0) gives a valid rate: chi = 0, rate = p_check I(A:B)', () => {
    for (const leak of ['0', '1e-400']) {
      const r = keyrate([...phase, '--leak', leak, '--photons', '1e4', '--windows', '0.5,1', '--json']);
      expect(r.code, r.stderr).toBe(0);
      const j = JSON.parse(r.stdout);
      expect(j.chi).toBe(0);
      expect(j.rate).toBe(j.pCheck * j.iAB);
      expect(j.rate).toBeGreaterThan(0);
    }
  });
  it('photons beyond the model and a loss that overflows the gain are InputErrors', () => {
    expectBadInput(keyrate([...phase, '--leak', '1e-3', '--photons', '1e12', '--windows', '0.5,1']), 'photons.0', /\(0, 1e9\]/);
    expectBadInput(keyrate([...phase, '--leak', '1e-3', '--photons', '1e9', '--windows', '0.5,1']), 'windows', /p_check > 0/);
    expectBadInput(keyrate([...phase, '--leak', '1e-3', '--loss', '1e6', '--photons', '1e4', '--windows', '0.5,1']), 'loss', /loss\*span <= 30/);
  });
});

describe('6: --out is checked before anything is created', () => {
  const dir = tmp();
  const file = join(dir, 'file');
  writeFileSync(file, 'x');
  const spec = join(dir, 'spec.yaml');
  writeFileSync(spec, 'engine: test\nquantity: fake\naxes: { x: [1, 2] }\n');
  const cases: [string, RegExp][] = [
    [file, /not a directory/],
    [join(file, 'below'), /is not a directory/],
    ['/sys/keyrate-x', /virtual file system/],
    ['/proc/keyrate-x', /virtual file system/],
    ['', /empty path/],
  ];
  it('sweep and figures: a file, below a file, /sys, /proc, empty', () => {
    for (const [out, why] of cases) {
      expectBadInput(keyrate(['sweep', spec, '--out', out, '--quiet', '--workers', '1'], { timeoutMs: 20_000 }), 'out', why);
      expectBadInput(keyrate(['figures', '--quick', '--only', 'leakage-fig2', '--out', out], { timeoutMs: 20_000 }), 'out', why);
    }
  });
  it('curve --out: a directory (no temp file left beside it), below a file, /proc, empty', () => {
    const before = readdirSync(dir);
    const curve = ['amplified', 'curve', '--encoding', 'phase', '--distance', '100', '--eve-at', '50', '--leak', '1e-3'];
    expectBadInput(keyrate([...curve, '--out', dir], { timeoutMs: 20_000 }), 'out', /is a directory/);
    expect(readdirSync(join(dir, '..')).filter((f) => f.startsWith(`${dir.split('/').pop()}.tmp-`))).toEqual([]);
    expect(readdirSync(dir)).toEqual(before);
    for (const [out, why] of cases.slice(1)) {
      expectBadInput(keyrate(['leakage', 'curve', '--leakage', '0.1', '--visibility', '0.5', '--out', out], { timeoutMs: 20_000 }), 'out', why);
    }
  });
  it.skipIf(process.getuid?.() === 0)('a read-only directory (not testable as root)', async () => {
    const { chmodSync } = await import('node:fs');
    const ro = join(dir, 'ro');
    (await import('node:fs')).mkdirSync(ro);
    chmodSync(ro, 0o555);
    expectBadInput(keyrate(['sweep', spec, '--out', join(ro, 'o'), '--quiet', '--workers', '1']), 'out', /not writable/);
    expect(existsSync(join(ro, 'o'))).toBe(false);
  });
});

describe('7: PLOB in the log domain stays finite as T -> 1', () => {
  it('loss 1e-17 and 1e-16: bits = -log2(1 - T) to 1e-12', () => {
    for (const loss of [1e-17, 1e-16, 1e-12]) {
      const r = keyrate(['amplified', 'plob', '--distance', '1', '--loss', String(loss), '--json']);
      expect(r.code, r.stderr).toBe(0);
      const [j] = JSON.parse(r.stdout);
      const x = loss * Math.LN10; // 1 - T = x - x^2/2 + ...
      const want = -Math.log2(x * (1 - x / 2));
      expect(Number.isFinite(j.log10Bits)).toBe(true);
      expect(Math.abs(j.bits / want - 1)).toBeLessThan(1e-12);
      expect(Math.abs(j.log10Bits - Math.log10(want))).toBeLessThan(1e-12);
    }
  });
});

describe('8: precision never reports NaN / Infinity', () => {
  it('--distance 1e300 --span 1e-300 is refused (too many spans)', () => {
    expectBadInput(keyrate(['amplified', 'precision', '--distance', '1e300', '--span', '1e-300']), 'distance', /spans/);
    expectBadInput(keyrate(['amplified', 'precision', '--distance', '1e300']), 'distance', /spans/);
  });
});

describe('11: minor input checks', () => {
  it('--photons / --windows with --optimize are refused, not ignored', () => {
    expectBadInput(keyrate([...phase, '--leak', '1e-3', '--optimize', '--photons', '100', '--windows', '1,2']), 'photons', /not together with optimize/);
  });
  it('hex / binary numbers and empty list items are refused; lin1e9 names the K rule', () => {
    const base = ['leakage', 'rate', '--leakage', '0.1', '--visibility', '0.5'];
    expectBadInput(keyrate([...base, '--dim', '0x3']), 'dim', /decimal/);
    expectBadInput(keyrate([...base, '--dim', '0b11']), 'dim', /decimal/);
    expectBadInput(keyrate(['leakage', 'curve', '--leakage', '0.1', '--visibility', '0.4,,0.5']), 'visibility', /without empty items/);
    expectBadInput(keyrate(['leakage', 'curve', '--leakage', '0.1', '--visibility', '0.4:0.5:lin1e9']), 'visibility', /K an integer/);
  });
  it("figures --only '' is refused", () => {
    const dir = tmp();
    const r = keyrate(['figures', '--quick', '--only', '', '--out', join(dir, 'f')]);
    expectBadInput(r, 'only', /without empty items/);
    expect(existsSync(join(dir, 'f'))).toBe(false);
  });
  it('messages quote the range, not "Too big" (tol, span, loss)', () => {
    expectBadInput(keyrate(['leakage', 'threshold', '--leakage', '0.1', '--tol', '1']), 'tol', /\[1e-12, 0\.1\)/);
    expectBadInput(keyrate([...phase, '--leak', '1e-3', '--span', '0', '--photons', '1', '--windows', '1,2']), 'span', /> 0 km/);
    expectBadInput(keyrate([...phase, '--leak', '1e-3', '--loss', '-1', '--photons', '1', '--windows', '1,2']), 'loss', /> 0/);
  });
});
