/**
 * Shared CLI plumbing: list/range parsing (src/util/ranges.ts), JSON vs table output, and the error policy
 * (InputError -> one line on stderr, exit code 2, no stack trace).
 */
import { jsonText } from '../util/outputs.js';
import { BackendUnavailableError, InputError } from '../errors.js';

export { MAX_CLI_POINTS, parseList, parseNumber, parseListOrRange, spacedPoints } from '../util/ranges.js';

/** Print either JSON (one document, for tools) or a readable table. */
export function emit(json: boolean, value: unknown, table: () => string): void {
  if (json) process.stdout.write(jsonText(value));
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
