/**
 * `keyrate amplified ...`: key rates of the amplified line [A] (docs/amplified.md).
 */
import { csvText, writeAtomic } from '../util/outputs.js';
import type { Command } from 'commander';
import { BackendUnavailableError, InputError, renameParam } from '../errors.js';
import * as amp from '../models/amplified/index.js';
import { emit, formatNum, formatTable, parseList, parseListOrRange, parseNumber, runAction } from './common.js';
import { createProgress } from './progress.js';
import { availableParallelism } from 'node:os';
import { MAX_WORKERS, checkWorkers } from '../validate.js';
import { createSegmentPool, segmentPoolAvailable } from '../sweep/runner.js';
import { checkBackendName, createEvaluator } from '../runtime/evaluator.js';
import type { KernelEvaluator } from '../kernels/evaluator.js';
import { CLI_BACKENDS } from '../backends/registry.js';
import { checkOutPath } from '../util/out-path.js';
import { registerAmplifiedBatch } from './amplified-batch.js';
import { rateJson } from '../models/amplified/batch.js';

interface Common {
  encoding: string;
  distance: string;
  eveAt?: string;
  leak: string;
  span?: string;
  loss?: string;
  photons?: string;
  windows?: string;
  optimize?: boolean;
  method?: string;
  backend: string;
  json?: boolean;
}

function encodingOf(s: string | undefined): amp.Encoding {
  if (s !== 'photon-number' && s !== 'phase') throw new InputError('encoding', "'photon-number' | 'phase'", s);
  return s;
}
function methodOf(s: string | undefined): amp.Method {
  if (s === undefined) return 'exact';
  if (s !== 'exact' && s !== 'paper') throw new InputError('method', "'exact' | 'paper'", s);
  return s;
}
const num = (opt: string, s: string | undefined): number | undefined => (s === undefined ? undefined : parseNumber(opt, s));

function rateTable(r: amp.AmplifiedRate & { eveAt?: number }): string {
  return formatTable(
    ['quantity', 'value'],
    [
      ['Lf/L', r.rate],
      ['p_check', r.pCheck],
      ['I(A:B)', r.iAB],
      ['chi (Eve)', r.chi],
      ['eveAt (km)', r.params.eveAt],
      ['photons', r.params.photons.map(formatNum).join(',')],
      ['windows', r.params.windows.map(formatNum).join(',')],
      ['G1, G2', `${formatNum(r.channel.G1)}, ${formatNum(r.channel.G2)}`],
      ['method', r.method],
      ['backend', `${r.backend.screen ? `${r.backend.screen} (screen), ` : ''}${r.backend.search} (search), ${r.backend.evaluation} (reported values)`],
      ['evaluations', r.evaluations],
      ['status', r.status],
      ['tolerance', `${formatNum(r.tolerance.estimated)} (${r.tolerance.method}${r.tolerance.converged ? '' : ', NOT converged'})`],
    ],
  );
}

/** --workers: a RateMany on a worker pool (src/sweep/runner.ts createSegmentPool), or undefined
 *  for 1 (the main thread). Results do not depend on the number of workers. */
async function withRateMany<T>(workers: string | undefined, backend: string, fn: (many: amp.RateMany | undefined) => Promise<T>): Promise<T> {
  const n = workers === undefined ? Math.min(MAX_WORKERS, availableParallelism()) : checkWorkers(parseNumber('workers', workers));
  if (n <= 1 || !segmentPoolAvailable()) return fn(undefined); // source runs (tsx): one thread, same numbers
  const pool = await createSegmentPool(n);
  try {
    // each worker builds its own evaluator for `backend` (an evaluator does not cross threads)
    return await fn((inputs) => Promise.all(inputs.map(({ evaluator: _e, runStarts: _r, ...i }) => pool.amplifiedRate(i, backend))));
  } finally {
    await pool.destroy();
  }
}

/** --workers of `rate --optimize`: the optimiser's local searches on a worker pool, one per task
 *  (each worker on its own evaluator for `backend`), or undefined for 1 / fixed parameters.
 *  The result does not depend on the number of workers (tested). */
async function withRunStarts<T>(workers: string | undefined, backend: string, optimizing: boolean, fn: (run: amp.RunStartTasks | undefined) => Promise<T>): Promise<T> {
  const n = workers === undefined ? Math.min(MAX_WORKERS, availableParallelism()) : checkWorkers(parseNumber('workers', workers));
  if (!optimizing || n <= 1 || !segmentPoolAvailable()) return fn(undefined); // source runs (tsx): one thread, same numbers
  const pool = await createSegmentPool(n);
  try {
    return await fn((tasks) => Promise.all(tasks.map((task) => pool.amplifiedStart!(task, backend))));
  } finally {
    await pool.destroy();
  }
}

/** The evaluator of an amplified command (--backend), closed after `fn`. A forced GPU backend
 *  must have something to screen (photon-number optimisation), checked before a device is opened. */
async function withEvaluator<T>(backend: string, fn: (ev: KernelEvaluator) => Promise<T>, use?: { encoding: string; optimize: boolean }): Promise<T> {
  checkBackendName(backend);
  if (backend === 'webgpu' && use && (use.encoding === 'phase' || !use.optimize)) {
    throw new BackendUnavailableError(backend, use.optimize
      ? 'no screening kernel for the phase encoding (amplified-screen is photon-number only)'
      : 'nothing to screen: fixed photons and windows are evaluated in f64 on the reference (use --optimize)');
  }
  const ev = await createEvaluator(amp.modelKernels, { backend });
  try {
    return await fn(ev);
  } finally {
    await ev.close();
  }
}

function addCommon(c: Command, eve: boolean): Command {
  c.requiredOption('--encoding <enc>', "'photon-number' | 'phase'")
    .requiredOption('--distance <km>', 'Alice-Bob distance (km), a multiple of span')
    .option('--span <km>', 'amplifier spacing (km)', '50')
    .option('--loss <xi>', 'loss coefficient (1/km, log10 units)', '0.02')
    .option('--method <m>', "'exact' | 'paper' (photon-number Eve state)", 'exact')
    .option('--backend <name>', `optimiser backend: ${CLI_BACKENDS.join(' | ')} ('auto': wasm when it loads, else reference); reported numbers are re-evaluated on the reference`, 'auto')
    .option('--json', 'JSON output');
  if (eve) c.requiredOption('--eve-at <km>', "Eve's position (km)");
  return c;
}


export function registerAmplified(program: Command): void {
  const a = program.command('amplified').description('amplified-line QKD [A]: key rates, worst case, supporting results');

  addCommon(a.command('rate').description('Lf/L at fixed or optimised photons/windows'), true)
    .requiredOption('--leak <leak>', 'fraction of the signal taken by Eve (r_E of [A]), [0, 1)')
    .option('--photons <list>', 'photon-number: g0^2,g1^2; phase: g^2')
    .option('--windows <list>', "photon-number: theta1,theta2,theta3,theta4; phase: theta1',theta2'")
    .option('--optimize', 'optimise photons and windows (default when none given)')
    .option('--workers <n>', "worker threads for the optimiser's local searches (default: the number of cores; same result for any n)")
    .action((o: Common & { workers?: string }) =>
      runAction(async () => {
        const optimizing = !!o.optimize || (o.photons === undefined && o.windows === undefined);
        const r = await withEvaluator(o.backend, (evaluator) => withRunStarts(o.workers, o.backend, optimizing, (runStarts) => amp.rate({
          evaluator,
          ...(runStarts ? { runStarts } : {}),
          encoding: encodingOf(o.encoding),
          distance: parseNumber('distance', o.distance),
          eveAt: parseNumber('eveAt', o.eveAt!),
          leak: parseNumber('leak', o.leak),
          span: num('span', o.span),
          loss: num('loss', o.loss),
          photons: o.photons ? parseList('photons', o.photons) : undefined,
          windows: o.windows ? parseList('windows', o.windows) : undefined,
          optimize: o.optimize ? true : undefined,
          method: methodOf(o.method),
        })), { encoding: o.encoding, optimize: optimizing });
        emit(!!o.json, rateJson(r), () => rateTable(r));
      }),
    );

  addCommon(a.command('worst-case').description("optimised Lf/L at Eve's worst position"), false)
    .requiredOption('--leak <leak>', 'fraction of the signal taken by Eve (r_E of [A]), [0, 1)')
    .option('--grid <n>', 'coarse grid points over the line (then refined to one span)', '21')
    .option('--workers <n>', 'worker threads over Eve positions (default: the number of cores; same results for any n)')
    .action((o: Common & { grid: string; workers?: string }) =>
      runAction(async () => {
        const bar = createProgress('worst-case', parseNumber('grid', o.grid) + 12);
        let last = 0;
        const r = await withEvaluator(o.backend, (evaluator) => withRateMany(o.workers, o.backend, (rateMany) => amp.worstCase({
          rateMany,
          evaluator,
          encoding: encodingOf(o.encoding),
          distance: parseNumber('distance', o.distance),
          leak: parseNumber('leak', o.leak),
          span: num('span', o.span),
          loss: num('loss', o.loss),
          method: methodOf(o.method),
          gridPoints: parseNumber('grid', o.grid),
          onProgress: (d) => {
            bar.tick(d - last);
            last = d;
          },
        })), { encoding: o.encoding, optimize: true });
        bar.stop();
        emit(!!o.json, rateJson(r), () => rateTable(r) + '\n\n' + formatTable(['eveAt', 'Lf/L', 'status'], r.scan.map((s) => [s.eveAt, s.rate, s.status])));
      }),
    );

  addCommon(a.command('curve').description('optimised Lf/L over a leak range (worst case over eveAt unless --eve-at)'), false)
    .requiredOption('--leak <range>', "list 'a,b' or range 'from:to:logK'")
    .option('--eve-at <km>', "fixed Eve position (default: worst case)")
    .option('--grid <n>', 'coarse eveAt grid for the worst case', '21')
    .option('--out <file.csv>', 'write CSV (atomic)')
    .option('--workers <n>', 'worker threads over curve points / Eve positions (default: the number of cores; same results for any n)')
    .action((o: Common & { grid: string; out?: string; workers?: string }) =>
      runAction(async () => {
        if (o.out !== undefined) checkOutPath('out', o.out, 'file');
        const leaks = parseListOrRange('leak', o.leak);
        const bar = createProgress('curve', leaks.length);
        const r = await withEvaluator(o.backend, (evaluator) => withRateMany(o.workers, o.backend, (rateMany) => amp.curve({
          rateMany,
          evaluator,
          encoding: encodingOf(o.encoding),
          distance: parseNumber('distance', o.distance),
          eveAt: num('eveAt', o.eveAt),
          leaks,
          gridPoints: parseNumber('grid', o.grid),
          span: num('span', o.span),
          loss: num('loss', o.loss),
          method: methodOf(o.method),
          onProgress: () => bar.tick(),
        })), { encoding: o.encoding, optimize: true });
        bar.stop();
        if (o.out) {
          const columns = ['leak', 'rate', 'eveAt', 'photons', 'windows', 'pCheck', 'iAB', 'chi', 'evaluations', 'status', 'converged', 'method', 'backend'];
          const rows = r.points.map((p) => [p.leak, p.rate, p.eveAt, p.photons.join(' '), p.windows.join(' '), p.pCheck, p.iAB, p.chi, p.evaluations, p.status, p.converged, r.method, p.backend]);
          const comment = `keyrate amplified curve encoding=${r.encoding} distance=${o.distance} span=${o.span} loss=${o.loss} method=${r.method}`;
          writeAtomic(o.out, csvText(columns, rows, { comment }));
        }
        emit(!!o.json, r, () => formatTable(['leak', 'Lf/L', 'eveAt', 'photons', 'status', 'backend (search)'], r.points.map((p) => [p.leak, p.rate, p.eveAt, p.photons.map(formatNum).join(','), p.status, p.backend])));
      }),
    );

  a.command('correlation')
    .description('Bob-Eve photon-number correlation R_BE (Eqs. 117-127)')
    .requiredOption('--distance <km>', 'Alice-Bob distance (km)')
    .requiredOption('--eve-at <list>', "Eve's position(s) (km): list or range")
    .requiredOption('--leak <leak>', 'fraction of the signal taken by Eve (r_E of [A]), [0, 1)')
    .requiredOption('--photons <n>', '|gamma|^2')
    .option('--span <km>', 'amplifier spacing', '50')
    .option('--loss <xi>', 'loss coefficient', '0.02')
    .option('--json', 'JSON output')
    .action((o: Common) =>
      runAction(() => {
        const rows = parseListOrRange('eveAt', o.eveAt!).map((e) =>
          amp.correlation({ distance: parseNumber('distance', o.distance), eveAt: e, leak: parseNumber('leak', o.leak), photons: parseNumber('photons', o.photons!), span: num('span', o.span), loss: num('loss', o.loss) }),
        );
        emit(!!o.json, rows, () => formatTable(['eveAt', 'R_BE', 'G1', 'G2'], rows.map((r) => [r.params.eveAt, r.R, r.G1, r.G2])));
      }),
    );

  a.command('precision')
    .description('loss-control precision and rE_min (Eqs. 80-84, corrected and as printed)')
    .requiredOption('--distance <list>', 'line length(s) (km)')
    .option('--photons <n>', 'test-pulse photon number', '1e14')
    .option('--span <km>', 'amplifier spacing', '50')
    .option('--loss <xi>', 'loss coefficient', '0.02')
    .option('--json', 'JSON output')
    .action((o: Common) =>
      runAction(() => {
        const rows = parseListOrRange('distance', o.distance).map((d) => amp.precision({ distance: d, photons: parseNumber('photons', o.photons!), span: num('span', o.span), loss: num('loss', o.loss) }));
        emit(!!o.json, rows, () =>
          formatTable(['distance', 'M', 'deltaN', 'rEmin exact', 'sqrt(2M(G-1)/n)', 'paper sqrt(MG/n)'], rows.map((r) => [r.params.distance, r.M, r.deltaN, r.rEminExact, r.rEminCorrected, r.rEminPaper])),
        );
      }),
    );

  a.command('plob')
    .description('PLOB bound -log2(1-T) of the bare fibre (log domain)')
    .requiredOption('--distance <list>', 'distance(s) (km)')
    .option('--loss <xi>', 'loss coefficient', '0.02')
    .option('--json', 'JSON output')
    .action((o: Common) =>
      runAction(() => {
        const rows = parseListOrRange('distance', o.distance).map((d) => amp.plob({ distance: d, loss: num('loss', o.loss) }));
        emit(!!o.json, rows, () => formatTable(['distance', 'log10 T', 'log10 PLOB (bits)'], rows.map((r) => [r.params.distance, r.log10T, r.log10Bits])));
      }),
    );

  a.command('natural-losses')
    .description("Eve's information from natural scattering losses vs detection-device length (Note 1, Fig. 5)")
    .option('--length <list>', 'device length(s) in km: list or range', '2e-4:1:log13')
    .option('--mu <list>', 'mu0,mu1', '9000,11000')
    .option('--piece <km>', 'fibre piece per detector (km)', '2e-4')
    .option('--loss <xi>', 'loss coefficient', '0.02')
    .option('--json', 'JSON output')
    .action((o: { length: string; mu: string; piece: string; loss: string; json?: boolean }) =>
      runAction(() => {
        const mu = parseList('mu', o.mu);
        if (mu.length !== 2) throw new InputError('mu', 'two numbers mu0,mu1', o.mu);
        const lengths = parseListOrRange('length', o.length);
        let r: ReturnType<typeof amp.naturalLosses>;
        try {
          r = amp.naturalLosses({ lengths, mu: [mu[0]!, mu[1]!], piece: parseNumber('piece', o.piece), loss: parseNumber('loss', o.loss) });
        } catch (e) {
          throw renameParam(e, 'lengths', 'length'); // the option is --length
        }
        emit(!!o.json, r, () =>
          `r_l = ${formatNum(r.rl)}, q = ${r.q.map(formatNum).join(', ')}, critical N (Eq. 26): corrected ${formatNum(r.criticalN.corrected)}, as printed ${formatNum(r.criticalN.printed)}\n` +
          formatTable(['length km', 'N', 'I individual (28)', 'I collective (31)', 'Holevo PR (37)', 'Holevo no PR (34)'], r.rows.map((x) => [x.length, x.N, x.individual, x.collective, x.holevoPR, x.holevoNoPR])),
        );
      }),
    );
  registerAmplifiedBatch(a);
}
