/**
 * `keyrate figures --out DIR [--quick] [--only id,id] [--backend auto]`: regenerate every figure
 * of both papers as SVG + CSV (docs/figures.md). Exit code 1 if a figure failed; figures whose
 * model is not available are skipped and listed.
 */
import { jsonText } from '../util/outputs.js';
import type { Command } from 'commander';
import { parseNumber, runAction } from './common.js';
import { availableParallelism } from 'node:os';
import { MAX_WORKERS, checkWorkers } from '../validate.js';
import { InputError } from '../errors.js';
import { figures, generateFigures, panelIds } from '../figures/index.js';
import { BACKENDS, checkBackendRuns } from '../sweep/runner.js';
import { checkOutPath } from '../util/out-path.js';

export function registerFigures(program: Command): void {
  program
    .command('figures')
    .description('Regenerate the figures of [L] (Figs. 1-4) and [A] (Fig. 1 a-f, Fig. 5) as SVG + CSV')
    .option('--out <dir>', 'output directory', 'figures-out')
    .option('--quick', 'coarse grids (well under a minute)')
    .option('--only <ids>', 'comma-separated figure or panel ids, e.g. leakage-fig1,amplified-fig1b (see docs/figures.md)')
    .option('--backend <name>', `compute backend: ${BACKENDS.join(' | ')}`, 'auto')
    .option('--workers <n>', 'worker threads for independent curve points (default: the number of cores)')
    .option('--json', 'print the figure report as JSON')
    .action((flags: { out: string; quick?: boolean; only?: string; backend: string; workers?: string; json?: boolean }) =>
      runAction(async () => {
        const ids = figures().flatMap((f) => [...new Set([f.id, ...panelIds(f)])]);
        const only = flags.only?.split(',').map((s) => s.trim());
        if (only && (only.length === 0 || only.some((s) => s === ''))) throw new InputError('only', `a comma-separated list of ids without empty items: ${ids.join(', ')}`, flags.only);
        for (const id of only ?? []) if (!ids.includes(id)) throw new InputError('only', ids.join(', '), id);
        if (!(BACKENDS as readonly string[]).includes(flags.backend)) throw new InputError('backend', BACKENDS.join(' | '), flags.backend);
        const engines = [...new Set(figures().filter((f) => !only || only.some((o) => o === f.id || panelIds(f).includes(o))).flatMap((f) => f.requires.map((r) => r.split('.')[0]!)))].filter((e) => e !== 'test');
        await checkBackendRuns(flags.backend, engines);
        checkOutPath('out', flags.out, 'dir');
        const workers = flags.workers === undefined ? Math.min(MAX_WORKERS, availableParallelism()) : checkWorkers(parseNumber('workers', flags.workers));
        const reports = await generateFigures(flags.out, {
          quick: !!flags.quick,
          backend: flags.backend,
          workers,
          ...(only ? { only } : {}),
          log: flags.json ? undefined : (line) => process.stderr.write(line + '\n'),
        });
        if (flags.json) process.stdout.write(jsonText(reports));
        else {
          const ok = reports.filter((r) => r.status === 'ok').length;
          process.stdout.write(`${flags.out}: ${ok}/${reports.length} figures written (${reports.reduce((n, r) => n + r.files.length, 0)} files)\n`);
        }
        if (reports.some((r) => r.status === 'failed')) process.exitCode = 1;
      }),
    );
}
