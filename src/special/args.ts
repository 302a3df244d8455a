/**
 * Argument checks shared by the special-function library. Bad arguments throw a RangeError whose
 * message names the function, the argument and its allowed range.
 */
export function bad(fn: string, arg: string, allowed: string, value: unknown): never {
  throw new RangeError(`${fn}: argument ${arg} = ${String(value)} is invalid (allowed: ${allowed})`);
}

/** Throws unless `v` is a number that is not NaN (infinities allowed). */
export function notNaN(fn: string, arg: string, v: number): void {
  if (typeof v !== 'number' || Number.isNaN(v)) bad(fn, arg, 'a number (not NaN)', v);
}

/** Throws unless `v` is finite. */
export function finite(fn: string, arg: string, v: number): void {
  if (typeof v !== 'number' || !Number.isFinite(v)) bad(fn, arg, 'finite number', v);
}
