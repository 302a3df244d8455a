/**
 * `keyrate leakage ...`: key rates under classical side-channel leakage [L] (docs/leakage.md).
 */
import { availableParallelism } from 'node:os';
import { csvText, writeAtomic } from '../util/outputs.js';
import type { Command } from 'commander';
import * as lk from '../models/leakage/index.js';
import { emit, formatNum, formatTable, parseList, parseListOrRange, parseNumber, runAction } from './common.js';
import { createProgress } from './progress.js';
import { checkOutPath } from '../util/out-path.js';
import { checkWorkers, MAX_WORKERS } from '../validate.js';
import { checkBackendName, createEvaluator } from '../runtime/evaluator.js';
import type { KernelEvaluator } from '../kernels/evaluator.js';
import { CLI_BACKENDS } from '../backends/registry.js';

/** The evaluator of a leakage command (--backend, --workers), closed after `fn`. */
async function withEvaluator<T>(o: { backend?: string; workers?: string }, fn: (ev: KernelEvaluator) => Promise<T>): Promise<T> {
  const backend = checkBackendName(o.backend ?? 'auto');
  const workers = checkWorkers(parseNumber('workers', o.workers ?? '1'));
  const ev = await createEvaluator(lk.LEAKAGE_KERNELS, { backend, workers });
  try {
    return await fn(ev);
  } finally {
    await ev.close();
  }
}

interface Base {
  dim: string;
  parties: string;
  model?: string;
  objective?: string;
  json?: boolean;
  backend?: string;
  workers?: string;
}

const int = (opt: string, s: string): number => parseNumber(opt, s);


function addBase(c: Command): Command {
  return c
    .option('--dim <d>', 'local dimension d >= 2', '2')
    .option('--parties <N>', 'number of parties N >= 2', '2')
    .option('--model <m>', "leakage model 'uniform' | 'junk'", 'uniform')
    .option('--json', 'JSON output');
}
function addEval(c: Command): Command {
  return c
    .option('--objective <o>', "'joint' (p(e=?) I, Eq. 27) | 'conditional' (I)", 'joint')
    .option('--backend <name>', `objective backend: ${CLI_BACKENDS.join(' | ')} ('auto': wasm -> reference)`, 'auto')
    .option('--workers <n>', 'worker threads for large objective batches (1 = main thread only)', String(Math.min(MAX_WORKERS, availableParallelism())));
}

const settingsText = (s: lk.Settings): string =>
  s.map((m) => ('theta' in m ? `theta=${formatNum(m.theta)},phi=${formatNum(m.phi ?? 0)}` : 'basis' in m ? m.basis : 'unitary')).join(' | ');

export function registerLeakage(program: Command): void {
  const l = program.command('leakage').description('entanglement-based QKD with classical side-channel leakage [L]');

  addBase(l.command('threshold').description('visibility threshold v* (corrected Thm. 1/2), separable bound, numerical zero crossing'))
    .requiredOption('--leakage <L>', 'leakage probability in [0, 1)')
    .option('--tol <t>', 'bisection tolerance of the zero crossing', '1e-6')
    .option('--no-zero-crossing', 'closed forms only (no bisection of the computed rate)')
    .option('--backend <name>', `backend of the zero crossing's rates: ${CLI_BACKENDS.join(' | ')}`, 'auto')
    .option('--workers <n>', 'worker threads for large objective batches (1 = main thread only)', '1')
    .action((o: Base & { leakage: string; tol: string; zeroCrossing: boolean }) =>
      runAction(async () => {
        const r = await withEvaluator(o, (evaluator) => lk.threshold({
          dim: int('dim', o.dim),
          parties: int('parties', o.parties),
          leakage: parseNumber('leakage', o.leakage),
          model: o.model as lk.LeakageModel,
          tol: parseNumber('tol', o.tol),
          zeroCrossing: o.zeroCrossing !== false,
          evaluator,
        }));
        const skipped = r.zeroCrossingDetail.skipped;
        if (skipped && o.zeroCrossing !== false) process.stderr.write(`keyrate: zero crossing not computed: ${skipped}\n`);
        emit(!!o.json, r, () =>
          formatTable(
            ['quantity', 'value'],
            [
              ['threshold v* (corrected)', r.threshold],
              ['zero crossing (numerical)', r.zeroCrossing],
              ['separable bound', r.separableBound],
              ...(r.printedThreshold !== undefined ? [['printed (erroneous) v*', r.printedThreshold] as [string, number]] : []),
              ['backend', r.backend],
            ],
          ),
        );
      }),
    );

  addEval(addBase(l.command('rate').description('R = 1/(N-1) max_x min_gamma F_x(gamma) (App. B Eq. 29)')))
    .requiredOption('--leakage <L>', 'leakage probability in [0, 1)')
    .requiredOption('--visibility <v>', 'visibility in [0, 1]')
    .option('--settings-search <s>', "'family' | 'general'", 'family')
    .action((o: Base & { leakage: string; visibility: string; settingsSearch: string }) =>
      runAction(async () => {
        await withEvaluator(o, async (evaluator) => {
          const r = await lk.rate({
            dim: int('dim', o.dim),
            parties: int('parties', o.parties),
            leakage: parseNumber('leakage', o.leakage),
            visibility: parseNumber('visibility', o.visibility),
            model: o.model as lk.LeakageModel,
            objective: o.objective as lk.Objective,
            settingsSearch: o.settingsSearch as 'family',
            evaluator,
          });
          emit(!!o.json, r, () =>
            formatTable(
              ['quantity', 'value'],
              [
                ['rate (bits)', r.rate],
                ['settings', settingsText(r.settings)],
                ['gamma', r.gamma.map(formatNum).join(',')],
                ['q_v', r.q],
                ['evaluations', r.evaluations],
                ['status', `${r.status}${r.nanEvents ? ` (${r.nanEvents} NaN events)` : ''}`],
                ['method', r.method],
                ['backend', r.backend],
              ],
            ),
          );
        });
      }),
    );

  addEval(addBase(l.command('curve').description('rate vs visibility for several leakages (Figs. 1, 3, 4)')))
    .requiredOption('--leakage <list>', "leakages 'a,b,c' or a range")
    .requiredOption('--visibility <range>', "visibilities 'a,b' | 'from:to:step' | 'from:to:linK'")
    .option('--out <file.csv>', 'write CSV (atomic)')
    .option('--quiet', 'no progress output')
    .action((o: Base & { leakage: string; visibility: string; out?: string; quiet?: boolean }) =>
      runAction(async () => {
        if (o.out !== undefined) checkOutPath('out', o.out, 'file');
        const leakages = parseListOrRange('leakage', o.leakage);
        const visibilities = parseListOrRange('visibility', o.visibility);
        const bar = createProgress('leakage curve', leakages.length * visibilities.length, { quiet: !!o.quiet || !!o.json });
        try {
          await withEvaluator(o, async (evaluator) => {
          const rows = await lk.curve({
            dim: int('dim', o.dim),
            parties: int('parties', o.parties),
            leakages,
            visibilities,
            model: o.model as lk.LeakageModel,
            objective: o.objective as lk.Objective,
            evaluator,
            onProgress: () => bar.tick(),
          });
          bar.stop();
          if (o.out) {
            const csv = csvText(
              ['dim', 'parties', 'model', 'objective', 'leakage', 'visibility', 'rate', 'threshold', 'settings', 'gamma', 'evaluations', 'method', 'backend', 'tolerance', 'status', 'nanEvents'],
              rows.map((r) => [r.dim, r.parties, r.model, r.objective, r.leakage, r.visibility, r.rate, r.threshold, r.settings, r.gamma.join(' '), r.evaluations, r.method, r.backend, r.tolerance, r.status, r.nanEvents]),
            );
            writeAtomic(o.out, csv);
          }
          emit(!!o.json, rows, () => formatTable(['L', 'v', 'rate', 'v*', 'backend'], rows.map((r) => [r.leakage, r.visibility, r.rate, r.threshold, r.backend])));
          });
        } finally {
          bar.stop();
        }
      }),
    );

  l.command('repeaters')
    .description('rate vs number of repeaters (Fig. 2) and n_max (Eq. 5, corrected threshold)')
    .requiredOption('--visibility <list>', 'link visibilities, e.g. 0.9,0.95,0.98')
    .requiredOption('--leakage <L>', 'leakage probability in [0, 1)')
    .option('--max-repeaters <n>', 'largest number of repeaters', '20')
    .option('--rule <r>', "'paper' (v^(2n), default) | 'swap' (v^(n+1))", 'paper')
    .option('--model <m>', "'uniform' | 'junk'", 'uniform')
    .option('--json', 'JSON output')
    .action((o: { visibility: string; leakage: string; maxRepeaters: string; rule: string; model: string; json?: boolean }) =>
      runAction(async () => {
        const r = await lk.repeaters({
          visibilities: parseList('visibility', o.visibility),
          leakage: parseNumber('leakage', o.leakage),
          maxRepeaters: parseNumber('max-repeaters', o.maxRepeaters),
          rule: o.rule as lk.RepeaterRule,
          model: o.model as lk.LeakageModel,
        });
        emit(!!o.json, r, () =>
          r.series
            .map(
              (s) =>
                `v = ${s.visibility}: n_max bound ${formatNum(s.nMax.bound)} (max ${s.nMax.maxRepeaters} repeaters, rule ${r.rule}); first n with rate 0: ${s.firstZero ?? 'none'}\n` +
                formatTable(['n', 'v_eff', 'rate'], s.points.map((p) => [p.repeaters, p.effectiveVisibility, p.rate])),
            )
            .join('\n\n'),
        );
      }),
    );
}
