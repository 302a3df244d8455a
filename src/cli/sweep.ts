import type { Command } from 'commander';

/** Registers the `keyrate sweep` command(s). Filled in by the issue that owns this area. */
export function registerSweep(_program: Command): void {}
