/**
 * Shared CLI plumbing: list/range parsing, JSON vs table output, and the error policy
 * (InputError -> one line on stderr, exit code 2, no stack trace).
 */
import { BackendUnavailableError, InputError } from '../errors.js';

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

/** Print either JSON (one document, for tools) or a readable table. */
export function emit(json: boolean, value: unknown, table: () => string): void {
  if (json) process.stdout.write(JSON.stringify(value, null, 2) + '\n');
  else process.stdout.write(table() + '\n');
}

/** Render rows as an aligned text table. */
export function formatTable(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? formatNum(c) : c)))];
  const widths = header.map((_, j) => Math.max(...cells.map((r) => String(r[j] ?? '').length)));
  return cells.map((r) => r.map((c, j) => String(c ?? '').padStart(widths[j]!)).join('  ')).join('\n');
}

export function formatNum(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const ax = Math.abs(x);
  return ax >= 1e-4 && ax < 1e6 ? Number(x.toPrecision(6)).toString() : x.toExponential(5);
}

/** Run a CLI action; InputError, BackendUnavailableError (a forced backend that cannot run) and
 *  commander usage errors -> one stderr line, exit code 2. */
export async function runAction(fn: () => Promise<void> | void): Promise<void> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof InputError || e instanceof BackendUnavailableError) {
      process.stderr.write(`keyrate: ${e.message.split('\n')[0]}\n`);
      process.exitCode = 2;
      return;
    }
    const code = (e as NodeJS.ErrnoException | undefined)?.code;
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code) && (e as NodeJS.ErrnoException).syscall) {
      // a file-system failure the path checks could not foresee (disk full, a race): one line
      process.stderr.write(`keyrate: ${(e as Error).message.split('\n')[0]}\n`);
      process.exitCode = 1;
      return;
    }
    throw e;
  }
}
