/**
 * Lists and ranges of numbers as the CLI and sweep specs write them ('a,b,c', 'from:to:step',
 * 'from:to:logK', 'from:to:linK'); errors are InputErrors naming the option.
 */
import { InputError } from '../errors.js';

/** Default cap on the points of one CLI list or range (sweep specs pass their own MAX_POINTS). */
export const MAX_CLI_POINTS = 1_000_000;

/** Parse "0.1,0.2,0.3" into numbers; names the option on error. Empty items ('0.4,,0.5') are refused. */
export function parseList(option: string, text: string): number[] {
  const parts = text.split(',').map((s) => s.trim());
  if (parts.length === 0 || parts.some((s) => s.length === 0)) {
    throw new InputError(option, 'a comma-separated list of decimal numbers without empty items', text);
  }
  return parts.map((p) => parseNumber(option, p));
}

/** Plain decimal notation only: '12', '-0.5', '.5', '3e-4' ('0x3', '0b11', 'Infinity', '' are refused). */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

export function parseNumber(option: string, text: string): number {
  const t = text.trim();
  const v = Number(t);
  if (!DECIMAL.test(t) || !Number.isFinite(v)) throw new InputError(option, 'a finite decimal number', text);
  return v;
}

/**
 * Parse a list or a range: "a,b,c" | "from:to:step" (linear, inclusive of `to` within 1e-9 of a step)
 * | "from:to:logK" (K points log-spaced, inclusive) | "from:to:linK" (K points linear, inclusive).
 */
export function parseListOrRange(option: string, text: string, maxPoints: number = MAX_CLI_POINTS): number[] {
  if (!text.includes(':')) return parseList(option, text);
  const [f, t, s, ...rest] = text.split(':');
  const allowed = "'a,b,c', 'from:to:step', 'from:to:logK' or 'from:to:linK'";
  if (f === undefined || t === undefined || s === undefined || rest.length > 0) throw new InputError(option, allowed, text);
  const from = parseNumber(option, f);
  const to = parseNumber(option, t);
  const m = /^(log|lin)(.*)$/.exec(s.trim());
  if (m) {
    const count = /^\d+$/.test(m[2]!) ? Number(m[2]) : NaN;
    if (!(Number.isInteger(count) && count >= 1 && count <= maxPoints)) {
      throw new InputError(option, `'from:to:${m[1]}K' with K an integer in [1, ${maxPoints}] (decimal digits)`, text);
    }
    if (m[1] === 'log' && (from <= 0 || to <= 0)) throw new InputError(option, 'log ranges need from, to > 0', text);
    return spacedPoints(from, to, count, m[1] === 'log' ? 'log' : 'linear');
  }
  const step = parseNumber(option, s);
  if (!(step > 0) || to < from) throw new InputError(option, allowed + ' with step > 0 and to >= from', text);
  const count = Math.floor((to - from) / step + 1e-9) + 1;
  if (!(count <= maxPoints)) throw new InputError(option, `'from:to:step' with at most ${maxPoints} points`, text);
  return Array.from({ length: count }, (_, i) => roundTo(from + i * step, 12));
}

/** `count` points from `from` to `to` inclusive, linear or logarithmic spacing. */
export function spacedPoints(from: number, to: number, count: number, scale: 'linear' | 'log'): number[] {
  if (count === 1) return [from];
  if (scale === 'log') {
    const a = Math.log(from);
    const b = Math.log(to);
    return Array.from({ length: count }, (_, i) =>
      i === 0 ? from : i === count - 1 ? to : Number(Math.exp(a + ((b - a) * i) / (count - 1)).toPrecision(15)),
    );
  }
  return Array.from({ length: count }, (_, i) => (i === count - 1 ? to : from + ((to - from) * i) / (count - 1)));
}

function roundTo(x: number, digits: number): number {
  return Number(x.toPrecision(digits));
}
