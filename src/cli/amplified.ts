import type { Command } from 'commander';

/** Registers the `keyrate amplified` command(s). Filled in by the issue that owns this area. */
export function registerAmplified(_program: Command): void {}
