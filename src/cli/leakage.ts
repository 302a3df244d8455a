import type { Command } from 'commander';

/** Registers the `keyrate leakage` command(s). Filled in by the issue that owns this area. */
export function registerLeakage(_program: Command): void {}
