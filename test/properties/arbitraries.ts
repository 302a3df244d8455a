/**
 * fast-check generators for every input parameter (issue #12 item 25), one entry per parameter,
 * keyed by its SPEC.md section 1 name (and, below it, the options that are not physics
 * parameters). A new parameter gets generators by adding ONE entry to `PARAMS` (physics: also to
 * src/validate.ts `params`; test/properties/library.test.ts checks that every `params` key has
 * an entry here).
 *
 * Each entry mixes
 *   valid     values from the documented range,
 *   cheap     (optional) valid values at which the expensive computations stay cheap (leakage
 *             rate: d^N <= 16; the generators of the expensive entry points use these),
 *   boundary  the edges of the range, on both sides,
 *   hostile   values of the wrong kind or far outside (NaN, +-Infinity, -0, 1e308, 1e-320, huge
 *             integers, strings such as '0x3', '', '1,,2', objects, very long lists),
 *   text      (optional) CLI spellings beyond String(value) of the values above.
 * `value(name)` draws from all of them; `cliText(name)` draws CLI argument strings.
 */
import fc from 'fast-check';

type Arb = fc.Arbitrary<unknown>;

export interface ParamArbs {
  valid: Arb;
  /** valid values that keep the expensive computations cheap (defaults to `valid`) */
  cheap?: Arb;
  boundary: Arb;
  /** wrong-kind / far-outside values specific to this parameter (the shared ones are always added) */
  hostile?: Arb;
  /** extra CLI spellings (the shared hostile strings are always added) */
  text?: fc.Arbitrary<string>;
}

// ---------------------------------------------------------------------------------------------
// shared pieces

/** Numbers no range accepts or that sit at the edge of f64. */
export const HOSTILE_NUMBERS = [NaN, Infinity, -Infinity, -0, 1e308, -1e308, 1e-320, -1e-320, Number.MAX_VALUE, Number.MIN_VALUE, 2 ** 53 + 2, -(2 ** 53), 1e21, -1, 0.5, 1e9 + 0.5];
/** Values of the wrong kind. */
export const HOSTILE_VALUES: unknown[] = ['0x3', '', '1,,2', '2', 'NaN', null, true, false, [], {}, [0.5], { valueOf: () => 2 }, 10n];
/** CLI strings that parseNumber / parseList must refuse (or, for '-0' / '1e-320', accept as numbers). */
export const HOSTILE_TEXT = ['0x3', '0b11', '0o7', '', ' ', '1,,2', ',', '1,', 'NaN', 'Infinity', '-Infinity', '1e999', '-1e999', '-0', '1e-320', '1_000', '١٢', '２', '1e', '.', '+', '1..2', '1 2', '1:2', '1:2:3:4', '0:1:log0', '0:1:lin-1', '1:2:log1e3', '1:2:log99999999999', '2:1:0.5', '1:2:0', 'abc', '\u0000', '💥'];

const hostileShared: Arb = fc.oneof(fc.constantFrom(...HOSTILE_NUMBERS), fc.constantFrom(...HOSTILE_VALUES));
const hostileText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...HOSTILE_TEXT),
  fc.string({ maxLength: 8 }),
  // very long lists and numbers
  fc.integer({ min: 1000, max: 20_000 }).map((n) => Array.from({ length: n }, () => '0.5').join(',')),
  fc.integer({ min: 400, max: 5000 }).map((n) => '9'.repeat(n)),
);

const fin = (min: number, max: number) => fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
const logUniform = (lo: number, hi: number) => fin(Math.log10(lo), Math.log10(hi)).map((e) => 10 ** e);
const list = <T>(a: fc.Arbitrary<T>, min: number, max: number) => fc.array(a, { minLength: min, maxLength: max });

// ---------------------------------------------------------------------------------------------
// the table

/** Physics parameters (SPEC.md section 1). Ranges as stated there; validation in src/validate.ts. */
export const PARAMS = {
  dim: {
    valid: fc.oneof(fc.integer({ min: 2, max: 12 }), fc.integer({ min: 2, max: 1e6 }), fc.constantFrom(4096, 1e9, 2 ** 40)),
    cheap: fc.constantFrom(2, 3, 4),
    boundary: fc.constantFrom(1, 2, 3, 1.999999, 2.000001, 2.5, 0),
  },
  parties: {
    valid: fc.oneof(fc.integer({ min: 2, max: 8 }), fc.integer({ min: 2, max: 2000 }), fc.constantFrom(64, 1024, 1e6)),
    cheap: fc.constantFrom(2, 2, 2, 3),
    boundary: fc.constantFrom(1, 2, 1.5, 0, -2, 7),
  },
  leakage: {
    valid: fin(0, 0.999999),
    boundary: fc.constantFrom(0, -0, 1, 1 - 2 ** -53, 1 + 1e-16, -1e-300, 0.9999999999999999),
  },
  model: {
    valid: fc.constantFrom('uniform', 'junk'),
    boundary: fc.constantFrom('Uniform', 'junk ', 'separable'),
    hostile: fc.constantFrom(undefined, 0),
  },
  visibility: {
    valid: fin(0, 1),
    boundary: fc.constantFrom(0, 1, -0, 1 + 2 ** -52, -1e-300, 1 / 3, 1 / 3 + 1e-16),
  },
  repeaters: {
    valid: fc.integer({ min: 0, max: 1000 }),
    boundary: fc.constantFrom(0, -1, 0.5, 1000, 1001),
  },
  distance: {
    valid: fc.oneof(fc.integer({ min: 1, max: 800 }).map((k) => 50 * k), logUniform(1e-3, 1e6)),
    boundary: fc.constantFrom(50, 1000, 40_000, 1e-320, 5e10, 5e10 + 50, 0),
  },
  eveAt: {
    valid: fc.oneof(fc.integer({ min: 0, max: 800 }).map((k) => 50 * k), fin(0, 40_000)),
    boundary: fc.constantFrom(0, -0, 50, 500, 1000, 40_000, 25),
  },
  span: {
    valid: fc.oneof(fc.constant(50), fc.constantFrom(1, 10, 25, 100), logUniform(1e-3, 2000)),
    boundary: fc.constantFrom(50, 1e-320, 1e-9, 1500, 0),
  },
  loss: {
    valid: fc.oneof(fc.constant(0.02), logUniform(1e-6, 0.5)),
    boundary: fc.constantFrom(0.02, 1e-320, 0.6, 30, 0),
  },
  leak: {
    valid: fc.oneof(logUniform(1e-9, 0.5), fin(0, 0.999999)),
    boundary: fc.constantFrom(0, -0, 1, 1 - 2 ** -53, 1e-300, -1e-300),
  },
  encoding: {
    valid: fc.constantFrom('photon-number', 'phase'),
    boundary: fc.constantFrom('photon_number', 'Phase', 'photonnumber'),
    hostile: fc.constantFrom(undefined, 1),
  },
  photons: {
    // photon-number [|g0|^2, |g1|^2] and phase [|g|^2]; arrays as the library takes them
    valid: fc.oneof(list(logUniform(1e-3, 1e9), 1, 2), fc.tuple(fc.constant(0), logUniform(1, 1e6))),
    // photon numbers up to 1e7, where every route takes at most seconds (the 'paper' route is
    // refused above 1e7: it took more than 10 minutes at 3e8, found by these properties)
    cheap: fc.oneof(list(logUniform(1e-3, 1e7), 1, 2), fc.tuple(fc.constant(0), logUniform(1, 1e6))),
    boundary: fc.constantFrom([1e9], [1e9 + 1], [0], [0, 0], [1e-320, 1], [1, 1e-320], [-0, 5], [9000, 11000], [3000], [1, 2, 3]),
    hostile: fc.oneof(fc.constantFrom([NaN], [Infinity, 1], [1, NaN], ['1', 2]), list(fc.constant(5), 1000, 100_000)),
    text: fc.constantFrom('9000,11000', '3000', '0,5', '1,,2', '1e9,1e9', '5,'),
  },
  windows: {
    // photon-number theta1..4, phase theta1', theta2'
    valid: fc.oneof(
      fc.tuple(fin(0.5, 1e4), fin(0.5, 1e4), fin(0, 1e4), fin(0, 1e4)).map(([a, b, c, d]) => [a, b, a + c, b + d]),
      fc.tuple(fin(0, 1e3), fin(0, 1e4)).map(([a, b]) => [a, a + b + 1e-3]),
      list(fin(-1e6, 1e6), 2, 4),
    ),
    boundary: fc.constantFrom([0, 0], [0, 1e-320], [1000, 1000, 5000, 5000], [0.5, 0.5, 0.5, 0.5], [0.4, 0.5, 1, 1], [1, 1, 0.5, 0.5], [1e300, 1e300, 1e300, 1e300], [0, 1e308], [-1, 1], [1, 2, 3]),
    hostile: fc.oneof(fc.constantFrom([NaN, 1], [0, Infinity], [1, 2, NaN, 4], [1, 2, 3, 4, 5]), list(fc.constant(1), 1000, 100_000)),
    text: fc.constantFrom('1000,1000,5000,5000', '0,100', '0,,1', '1,2,3'),
  },
  workers: {
    valid: fc.integer({ min: 1, max: 2 }),
    boundary: fc.constantFrom(0, 1, 256, 257, 1.5),
  },
} satisfies Record<string, ParamArbs>;

/** Options of single entry points (not physics parameters); same shape. */
export const OPTIONS = {
  tol: { valid: logUniform(1e-3, 0.099), boundary: fc.constantFrom(1e-12, 0.1, 1e-13, 0) },
  tolAny: { valid: logUniform(1e-12, 0.099), boundary: fc.constantFrom(1e-12, 0.1, 1e-13, 0) },
  zeroCrossing: { valid: fc.boolean(), boundary: fc.constantFrom(0, 1, 'false') },
  objective: { valid: fc.constantFrom('joint', 'conditional'), boundary: fc.constantFrom('Joint', 'p') },
  method: { valid: fc.constantFrom('exact', 'paper'), boundary: fc.constantFrom('Exact', 'quad') },
  mu: {
    valid: fc.tuple(logUniform(1, 2e4), logUniform(1, 2e4)),
    boundary: fc.constantFrom([0, 0], [0, 1], [9000, 11000], [1e6, 1e6], [-1, 1], [1]),
    hostile: fc.constantFrom([NaN, 1], [1, Infinity], [1, 2, 3]),
  },
  lengths: {
    valid: list(logUniform(2e-4, 10), 1, 4),
    boundary: fc.constantFrom([], [2e-4], [1e-320], [200], [201], [0]),
    hostile: fc.oneof(fc.constantFrom([NaN], [Infinity], [-1]), list(fc.constant(1e-4), 100_001, 100_001)),
  },
  piece: { valid: logUniform(1e-4, 1e-2), boundary: fc.constantFrom(2e-4, 1e-320, 0, 1e3) },
  testPhotons: { valid: logUniform(1, 1e30), boundary: fc.constantFrom(1e14, 1e30, 1e30 * (1 + 1e-15), 1e-320, 0) },
} satisfies Record<string, ParamArbs>;

export type ParamName = keyof typeof PARAMS | keyof typeof OPTIONS;

function entry(name: ParamName): ParamArbs {
  return (PARAMS as Record<string, ParamArbs>)[name] ?? (OPTIONS as Record<string, ParamArbs>)[name]!;
}

/**
 * A library value for `name`: mostly valid (cheap ones with `cheap: true`), then boundary, then
 * hostile. `hostile: false` draws valid and boundary values only.
 */
export function value(name: ParamName, o: { cheap?: boolean; hostile?: boolean } = {}): Arb {
  const e = entry(name);
  const valid = o.cheap ? (e.cheap ?? e.valid) : e.valid;
  const parts: fc.WeightedArbitrary<unknown>[] = [
    { weight: 6, arbitrary: valid },
    { weight: 2, arbitrary: e.boundary },
  ];
  if (o.hostile !== false) {
    parts.push({ weight: 2, arbitrary: hostileShared });
    if (e.hostile) parts.push({ weight: 1, arbitrary: e.hostile });
  }
  return fc.oneof(...parts);
}

/** The CLI spelling of a library value (arrays as comma lists). */
export function toText(v: unknown): string {
  if (Array.isArray(v)) return v.map(toText).join(',');
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  return String(v);
}

/** A CLI argument string for `name`: spellings of valid/boundary values, and hostile strings. */
export function cliText(name: ParamName, o: { cheap?: boolean } = {}): fc.Arbitrary<string> {
  const e = entry(name);
  const valid = (o.cheap ? (e.cheap ?? e.valid) : e.valid).map(toText);
  const parts: fc.WeightedArbitrary<string>[] = [
    { weight: 6, arbitrary: valid },
    { weight: 2, arbitrary: e.boundary.map(toText) },
    { weight: 2, arbitrary: hostileText },
  ];
  if (e.text) parts.push({ weight: 1, arbitrary: e.text });
  return fc.oneof(...parts);
}

/** An optional key: present (with the given arbitrary) or absent. */
export function optional(a: Arb, freq = 3): fc.Arbitrary<unknown> {
  return fc.option(a, { nil: undefined, freq });
}

/** Drop the keys whose value is `undefined` (so that "absent" is really absent). */
export function compact<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
