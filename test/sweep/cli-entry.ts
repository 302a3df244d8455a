/** Test entry: the sweep/figures commands without the rest of the CLI (run with node --import tsx). */
import { Command, CommanderError } from 'commander';
import { registerSweep } from '../../src/cli/sweep.js';
import { registerFigures } from '../../src/cli/figures.js';

const program = new Command().name('keyrate').exitOverride();
registerSweep(program);
registerFigures(program);
program.parseAsync(process.argv).catch((e) => {
  if (e instanceof CommanderError) process.exitCode = e.exitCode === 0 ? 0 : 2;
  else {
    process.stderr.write(String(e?.stack ?? e) + '\n');
    process.exitCode = 1;
  }
});
