/**
 * The `keyrate` command line. One file per command area; all share the option parsing, JSON
 * output and error policy of ./common.ts. Bad input: exit code 2 and one line on stderr.
 */
import { Command, CommanderError } from 'commander';
import { registerLeakage } from './leakage.js';
import { registerAmplified } from './amplified.js';
import { registerSweep } from './sweep.js';
import { registerFigures } from './figures.js';
import { registerServe } from './serve.js';
import { version } from '../version.js';


export function buildProgram(): Command {
  const program = new Command();
  program
    .name('keyrate')
    .description('QKD security bounds: leakage in entanglement-based QKD [L] and amplified coherent-state lines [A].')
    .version(version)
    .showHelpAfterError(false)
    .exitOverride();
  registerLeakage(program);
  registerAmplified(program);
  registerSweep(program);
  registerFigures(program);
  registerServe(program);
  return program;
}

export async function main(argv: string[] = process.argv): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // help/version exit with code 0; usage errors already printed one line by commander
      process.exitCode = e.exitCode === 0 ? 0 : 2;
      return;
    }
    throw e;
  }
}
