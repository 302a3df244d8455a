/**
 * Property-based tests over the library (issue #12 item 25): every generated input gives finite
 * numbers or an InputError naming one of the input's keys, each call within CALL_MS; never another
 * exception, never a hang. Generators: ./arbitraries.ts (one entry per parameter).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { amplified, leakage, special } from '../../src/index.js';
import { params as validated } from '../../src/validate.js';
import { OPTIONS, PARAMS, compact, optional, value } from './arbitraries.js';
import { SEED, libraryOutcome, show, timed, type Expect } from './check.js';

type Input = Record<string, unknown>;

/** fc.assert over `arb`; at least `minOk` of the runs must return a result (not only errors). */
async function holds(name: string, arb: fc.Arbitrary<Input>, call: (i: Input) => unknown, numRuns: number, e: Expect = {}, minOk = 0.1): Promise<void> {
  let ok = 0;
  let runs = 0;
  await fc.assert(
    fc.asyncProperty(arb, async (input) => {
      const o = await libraryOutcome(name, input, () => call(input), e);
      if (o.failure) throw new Error(o.failure);
      runs++;
      if (o.ok) ok++;
    }),
    { seed: SEED, numRuns, endOnFailure: false },
  );
  expect(ok / runs, `${name}: only ${ok} of ${runs} generated inputs were valid`).toBeGreaterThanOrEqual(minOk);
}

const leakageBase = (cheap: boolean) => ({
  dim: value('dim', { cheap }),
  parties: value('parties', { cheap }),
  leakage: value('leakage'),
  model: optional(value('model')),
});

/** (dim, parties) with d^N <= 16 when both are cheap values (3^3, 4^3 would take seconds). */
const cheapSize = fc.tuple(value('dim', { cheap: true }), value('parties', { cheap: true })).map(([d, p]) => ({ dim: d, parties: typeof d === 'number' && d > 2 && p === 3 ? 2 : p }));

describe('generators', () => {
  it('every validated parameter (src/validate.ts params) has a generator entry', () => {
    expect(Object.keys(validated).filter((k) => !(k in PARAMS))).toEqual([]);
  });
  it('generators are reproducible from the seed', () => {
    const a = fc.sample(value('distance'), { seed: SEED, numRuns: 20 });
    const b = fc.sample(value('distance'), { seed: SEED, numRuns: 20 });
    expect(show(a)).toBe(show(b));
    expect(Object.keys(OPTIONS).length).toBeGreaterThan(0);
  });
});

describe('leakage', () => {
  it('threshold, closed forms (any size): finite or InputError (300 runs)', async () => {
    const arb = fc.record({ ...leakageBase(false), zeroCrossing: fc.constant(false) }).map(compact);
    await holds('leakage.threshold', arb, (i) => leakage.threshold(i as never), 300, {
      // documented: zeroCrossing is NaN when the bisection was not run (zeroCrossingDetail.skipped)
      allow: (p, r) => /^zeroCrossing(Detail\.zeroCrossing)?\b/.test(p) && !!(r as leakage.ThresholdResult).zeroCrossingDetail.skipped,
    });
  });
  it('threshold with the bisection (cheap sizes): finite or InputError (20 runs)', async () => {
    const arb = fc.record({ ...leakageBase(true), tol: value('tol') }).chain((b) => cheapSize.map((s) => compact({ ...b, ...s })));
    await holds('leakage.threshold', arb, (i) => leakage.threshold(i as never), 20, {
      allow: (p, r) => {
        const z = (r as leakage.ThresholdResult).zeroCrossingDetail;
        // documented: NaN with `skipped` also when rate(v = 1) <= positive (found by this property: leakage 1 - 1e-16 gave NaN without it)
        return /^zeroCrossing(Detail\.zeroCrossing)?\b/.test(p) && !!z.skipped;
      },
    });
  });
  it('rate (cheap sizes, family search): finite or InputError (100 runs)', async () => {
    const arb = fc
      .record({ ...leakageBase(true), visibility: value('visibility'), objective: optional(value('objective')) })
      .chain((b) => cheapSize.map((s) => compact({ ...b, ...s })));
    await holds('leakage.rate', arb, (i) => leakage.rate(i as never), 100, {
      check: (r) => ((r as leakage.RateResult).rate >= 0 ? undefined : `negative leakage rate ${(r as leakage.RateResult).rate}`),
    });
  });
});

// ---------------------------------------------------------------------------------------------
// amplified

/** A line whose distance/eveAt are multiples of span (valid geometry), or independent draws. */
const lineArb = fc.oneof(
  { weight: 3, arbitrary: fc.record({ span: fc.constantFrom(1, 10, 50, 100, 250), M: fc.integer({ min: 1, max: 800 }), f: fc.double({ min: 0, max: 1, noNaN: true }), loss: optional(value('loss', { hostile: false })) })
    .map(({ span, M, f, loss }) => compact({ span, loss, distance: span * M, eveAt: span * Math.round(f * M) })) },
  { weight: 1, arbitrary: fc.record({ distance: value('distance'), eveAt: value('eveAt'), span: optional(value('span')), loss: optional(value('loss')) }).map(compact) },
);

/** Physical photons/windows per encoding (so that many points pass validation and compute). */
const pnPoint = fc
  .record({ g1: fc.double({ min: 1, max: 7, noNaN: true }), r: fc.double({ min: 0, max: 1, noNaN: true }), w: fc.array(fc.double({ min: 0.1, max: 3, noNaN: true }), { minLength: 4, maxLength: 4 }) })
  .map(({ g1, r, w }) => {
    const p1 = 10 ** g1;
    const p0 = r * p1;
    const mu = (p0 + p1) / 2;
    const s = Math.sqrt(mu) * w[0]!;
    const t1 = Math.max(0.5, Math.min(mu, s));
    const t2 = Math.max(0.5, Math.sqrt(mu) * w[1]!);
    return { encoding: 'photon-number', photons: [p0, p1], windows: [t1, t2, t1 + Math.sqrt(mu) * w[2]!, t2 + Math.sqrt(mu) * w[3]!] };
  });
const phasePoint = fc
  // narrow windows down to 1e-12 wide (found by this property and fixed: a RangeError from
  // binaryEntropy(1 + 5e-11) where the erf differences cancelled, e.g. leak 5.55e-17, photons [1],
  // windows [0, 1e-6]; now log-safe erf differences of the window width, src/special logErfDiff)
  .record({ g: fc.double({ min: -2, max: 7, noNaN: true }), a: fc.double({ min: 0, max: 50, noNaN: true }), b: fc.oneof(fc.double({ min: 1e-3, max: 500, noNaN: true }), fc.double({ min: -12, max: -3, noNaN: true }).map((e) => 10 ** e)) })
  .map(({ g, a, b }) => ({ encoding: 'phase', photons: [10 ** g], windows: [a, a + b] }));
const anyPoint = fc
  .record({ encoding: value('encoding'), photons: optional(value('photons', { cheap: true }), 8), windows: optional(value('windows'), 8) })
  .map(compact);

const ampRate = fc
  .record({ line: lineArb, point: fc.oneof({ weight: 2, arbitrary: pnPoint }, { weight: 2, arbitrary: phasePoint }, { weight: 1, arbitrary: anyPoint }), leak: fc.oneof({ weight: 3, arbitrary: PARAMS.leak.valid }, { weight: 1, arbitrary: value('leak') }), method: optional(value('method')), optimize: optional(fc.constantFrom(false, true, { bogus: 1 }, { samples: 0 }), 6) })
  .map(({ line, point, leak, method, optimize }) => {
    const i = compact({ ...line, ...point, leak, method, optimize });
    // never start an optimisation (seconds): photons and windows given, or optimize absent/false
    if (i.photons === undefined && i.windows === undefined) i.windows = [0, 1];
    if (typeof i.optimize === 'object' && i.photons === undefined) delete i.optimize;
    // found by this property and fixed: the 'paper' route ran for minutes above ~3e8 photons; it is
    // now refused above PAPER_MAX_PHOTONS = 1e7 (an InputError naming photons, at once)
    return i;
  });

describe('amplified', () => {
  it('rate at fixed photons/windows, both encodings: finite or InputError (150 runs)', async () => {
    await holds('amplified.rate', ampRate, (i) => amplified.rate(i as never), 150);
  });
  it('plob: finite or InputError (300 runs)', async () => {
    const arb = fc.record({ distance: value('distance'), loss: optional(value('loss')) }).map(compact);
    await holds('amplified.plob', arb, (i) => amplified.plob(i as never), 300, {
      check: (r) => {
        const p = r as amplified.PlobResult;
        return p.bits >= 0 && p.T >= 0 && p.T <= 1 && p.log10T <= 0 ? undefined : `out of range: ${show(p)}`;
      },
    });
  });
  it('precision: finite or InputError (300 runs)', async () => {
    const arb = fc.oneof(lineArb, fc.record({ distance: value('distance') })).chain((l: Record<string, unknown>) =>
      fc.record({ photons: value('testPhotons') }).map((p) => compact({ distance: l.distance, span: l.span, loss: l.loss, ...p })),
    );
    await holds('amplified.precision', arb, (i) => amplified.precision(i as never), 300);
  });
  it('correlation: finite or InputError (300 runs)', async () => {
    const arb = fc.record({ line: lineArb, leak: value('leak'), photons: value('photons').map((p) => (Array.isArray(p) && p.length > 0 && p.length <= 2 ? p[p.length - 1] : p)) })
      .map(({ line, leak, photons }) => compact({ ...line, leak, photons }));
    await holds('amplified.correlation', arb, (i) => amplified.correlation(i as never), 300, {
      check: (r) => (Math.abs((r as amplified.CorrelationResult).R) <= 1 + 1e-12 ? undefined : `|R| > 1: ${(r as amplified.CorrelationResult).R}`),
    });
  });
  it('naturalLosses: finite or InputError (150 runs)', async () => {
    const arb = fc.record({ lengths: value('lengths'), mu: optional(value('mu')), loss: optional(value('loss')), piece: optional(value('piece')) }).map(compact);
    await holds('amplified.naturalLosses', arb, (i) => amplified.naturalLosses(i as never), 150, {
      // documented: criticalN is Infinity where the two states' click probabilities (corrected) or
      // mean photon numbers (printed) coincide in f64 (found by this property: NaN at mu [0, 0] before)
      allow: (p, r) => {
        const n = r as amplified.NaturalLossesResult;
        return (p.startsWith('criticalN.corrected') && n.q[0] === n.q[1] && n.criticalN.corrected === Infinity) || (p.startsWith('criticalN.printed') && n.muE[0] === n.muE[1] && n.criticalN.printed === Infinity);
      },
    });
  });
});

// ---------------------------------------------------------------------------------------------
// special functions: documented contract (docs/special.md): bad arguments throw a RangeError
// naming the function and the argument; infinities are legitimate limits (log 0, overflow)

const x = fc.oneof(
  { weight: 3, arbitrary: fc.double({ min: -50, max: 50 }) },
  { weight: 2, arbitrary: fc.double({ min: 0, max: 1 }) },
  { weight: 2, arbitrary: fc.double({ min: -300, max: 300, noNaN: true }).map((e) => 10 ** e) },
  { weight: 2, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.constantFrom(0, -0, 1, 0.5, 1e-320, 1e308, -1e308, NaN, Infinity, -Infinity, 1e9, 3e5, 20, 9.999999999) },
);
type Fn = { args: string[]; call: (...a: number[]) => number; range?: [number, number]; list?: boolean; known?: (...a: number[]) => boolean };
const SPECIAL: Record<string, Fn> = {
  lgamma: { args: ['x'], call: special.lgamma },
  // found by this property and fixed: NaN n overflowed the stack, lambda < 0 and tiny lambda gave NaN
  logPoissonPmf: { args: ['n', 'lambda'], call: special.logPoissonPmf, range: [-Infinity, 0] },
  gammaP: { args: ['a', 'x'], call: special.gammaP, range: [0, 1] },
  gammaQ: { args: ['a', 'x'], call: special.gammaQ, range: [0, 1] },
  logGammaP: { args: ['a', 'x'], call: special.logGammaP, range: [-Infinity, 0] },
  logGammaQ: { args: ['a', 'x'], call: special.logGammaQ, range: [-Infinity, 0] },
  poissonCdfWindow: { args: ['lo', 'hi', 'mean'], call: special.poissonCdfWindow, range: [0, 1] },
  i0e: { args: ['x'], call: special.i0e, range: [0, 1] },
  logI0: { args: ['x'], call: special.logI0, range: [0, Infinity] },
  // found by this property and fixed: logHyp1f1(2.48e136, 1.75e-242, 1) did not return (series summed
  // from a peak index ~1.6e68): now a RangeError naming z (test/special/hyp1f1.test.ts); NaN where M <= 0
  // is documented (z < 0, a > b: logHyp1f1(1, 1e-300, -1.0089613772155376e-300), M ~ -0.009). Still
  // excluded here: a > 1e12 and b > 1e150 (single calls up to ~0.7 s, over this property's 1 s budget
  // under load) and z < 0 with a > b (NaN for M <= 0)
  logHyp1f1: { args: ['a', 'b', 'z'], call: special.logHyp1f1, known: (a, b, z) => a > 1e12 || b > 1e150 || (z < 0 && a > b) },
  erf: { args: ['x'], call: special.erf, range: [-1, 1] },
  erfc: { args: ['x'], call: special.erfc, range: [0, 2] },
  erfcx: { args: ['x'], call: special.erfcx, range: [0, Infinity] },
  logErfc: { args: ['x'], call: special.logErfc, range: [-Infinity, Math.LN2] },
  logAddExp: { args: ['a', 'b'], call: special.logAddExp },
  log1mExp: { args: ['x'], call: special.log1mExp, range: [-Infinity, 0] },
  binaryEntropy: { args: ['p'], call: special.binaryEntropy, range: [0, 1] },
  xlog2x: { args: ['x'], call: special.xlog2x },
  // found by this property and fixed: holevoTerm(1, 0, 0, r1 > 0) was 0 * log2(0) = NaN; arguments now checked
  holevoTerm: { args: ['q0', 'q1', 'r0', 'r1'], call: special.holevoTerm },
  logSumExp: { args: ['values'], call: (...a) => special.logSumExp(a), list: true },
  entropyBits: { args: ['probs'], call: (...a) => special.entropyBits(a), list: true },
};

describe('special', () => {
  for (const [name, f] of Object.entries(SPECIAL)) {
    it(`${name}: a number in range (not NaN) or a RangeError naming an argument (200 runs)`, async () => {
      const args = f.list ? fc.array(x, { maxLength: 12 }) : fc.tuple(...f.args.map(() => x));
      await fc.assert(
        fc.asyncProperty(args, async (a) => {
          fc.pre(!f.known?.(...a));
          const what = `special.${name}(${show(a)})`;
          const r = await timed(what, () => f.call(...a));
          if (r.ms > 1000) throw new Error(`${what}: took ${r.ms} ms`);
          if (r.error !== undefined) {
            const m = (r.error as Error).message;
            const argNames = f.args.map((n) => (f.list ? `${n}\\[\\d+\\]` : n)).join('|');
            if (!(r.error instanceof RangeError) || !new RegExp(`^${name}: argument (${argNames}) = `).test(m)) {
              throw new Error(`${what}: threw ${(r.error as Error).name}: ${m}`);
            }
            return;
          }
          const v = r.value as number;
          if (typeof v !== 'number' || Number.isNaN(v)) throw new Error(`${what} = ${v}`);
          if (f.range && !(v >= f.range[0] - 1e-12 && v <= f.range[1] + 1e-12)) throw new Error(`${what} = ${v}, outside [${f.range}]`);
        }),
        { seed: SEED, numRuns: 200 },
      );
    });
  }
});
