/**
 * Errors a user can act on. `InputError` names the offending parameter and its allowed range;
 * the CLI prints its message as one line and exits with code 2 (no stack trace).
 */
export class InputError extends Error {
  override readonly name = 'InputError';
  constructor(
    /** Parameter name as in SPEC.md section 1 (e.g. `leakage`, `eveAt`). */
    readonly param: string,
    /** Human-readable allowed range, e.g. `[0, 1)` or `integer >= 2`. */
    readonly allowed: string,
    /** The value that was given. */
    readonly value?: unknown,
    /** Why the value was refused, beyond the range (appended to the message). */
    readonly detail?: string,
  ) {
    super(
      `invalid ${param}: ${formatValue(value)} (allowed: ${allowed})` + (detail ? ` — ${detail}` : ''),
    );
  }
}

function formatValue(v: unknown): string {
  if (v === undefined) return 'missing';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}

/** The same InputError under another parameter name (a library key reported as its CLI option). */
export function renameParam(e: unknown, from: string, to: string): unknown {
  return e instanceof InputError && e.param === from ? new InputError(to, e.allowed, e.value, e.detail) : e;
}

/**
 * A backend the user forced (`--backend NAME`) cannot run: no adapter, module not loadable, or
 * it lacks the kernel / precision the computation needs. The CLI prints the message as one line
 * and exits with code 2 (no stack trace). Under 'auto' the registry logs and falls back instead.
 */
export class BackendUnavailableError extends Error {
  override readonly name = 'BackendUnavailableError';
  constructor(
    readonly backend: string,
    readonly reason: string,
  ) {
    super(`backend ${backend} unavailable: ${reason}`);
  }
}
