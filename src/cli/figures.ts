import type { Command } from 'commander';

/** Registers the `keyrate figures` command(s). Filled in by the issue that owns this area. */
export function registerFigures(_program: Command): void {}
