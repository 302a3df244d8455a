/**
 * RFC 9457 problem details (application/problem+json) for every error the service returns, and
 * the same information as JSON-RPC error data on --stdio.
 */
import { InputError } from '../errors.js';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  /** invalid input: the parameter (SPEC name, nested paths joined with '.') */
  param?: string;
  /** invalid input: its allowed range */
  allowed?: string;
  value?: unknown;
  [extension: string]: unknown;
}

/** Errors of the service itself that carry an HTTP status. */
export class ServiceError extends Error {
  constructor(
    readonly status: number,
    readonly kind: string,
    readonly title: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
    /** HTTP headers to send with the problem (Retry-After, Allow) */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const PROBLEM_TYPE = (kind: string): string => `urn:keyrate:problem:${kind}`;

export function overloaded(detail: string, retryAfterSeconds = 1): ServiceError {
  return new ServiceError(503, 'overloaded', 'Server busy', detail, {}, { 'retry-after': String(retryAfterSeconds) });
}

export function notFound(detail: string): ServiceError {
  return new ServiceError(404, 'not-found', 'Not Found', detail);
}

/** The problem document of any error (a bug becomes a 500 without its stack). */
export function problemOf(e: unknown, instance?: string): { problem: Problem; headers: Record<string, string> } {
  const at = instance === undefined ? {} : { instance };
  if (e instanceof InputError) {
    return {
      problem: { type: PROBLEM_TYPE('invalid-input'), title: 'Invalid input', status: 400, detail: e.message.split('\n')[0]!, ...at, param: e.param, allowed: e.allowed, ...(e.value === undefined ? {} : { value: jsonSafe(e.value) }) },
      headers: {},
    };
  }
  if (e instanceof ServiceError) {
    return { problem: { ...e.extra, type: PROBLEM_TYPE(e.kind), title: e.title, status: e.status, detail: e.message, ...at }, headers: e.headers };
  }
  if (e instanceof RangeError) {
    // an engine refusing a point it cannot evaluate (a well-formed request)
    return { problem: { type: PROBLEM_TYPE('unprocessable'), title: 'Point cannot be evaluated', status: 422, detail: e.message.split('\n')[0]!, ...at, param: 'input', allowed: 'a point the engine can evaluate' }, headers: {} };
  }
  const name = (e as Error | undefined)?.name;
  if (name === 'TimeoutError') {
    return { problem: { type: PROBLEM_TYPE('timeout'), title: 'Computation timed out', status: 503, detail: (e as Error).message, ...at }, headers: { 'retry-after': '1' } };
  }
  if (name === 'AbortError') {
    return { problem: { type: PROBLEM_TYPE('cancelled'), title: 'Cancelled', status: 503, detail: (e as Error).message, ...at }, headers: {} };
  }
  return { problem: { type: 'about:blank', title: 'Internal Server Error', status: 500, detail: `internal error: ${(e as Error | undefined)?.message?.split('\n')[0] ?? String(e)}`, ...at }, headers: {} };
}

function jsonSafe(v: unknown): unknown {
  try {
    const s = JSON.stringify(v);
    if (s === undefined) return String(v);
    return s.length > 2000 ? s.slice(0, 2000) + '…' : JSON.parse(s);
  } catch {
    return String(v);
  }
}
