/**
 * `keyrate sweep spec.yaml --out DIR [--backend auto] [--workers N] [--resume] [--shard i/N]`
 * `keyrate merge SHARD_DIR... --out DIR`
 * See docs/sweep.md.
 */
import { jsonText } from '../util/outputs.js';
import type { Command } from 'commander';
import { InputError } from '../errors.js';
import { runAction, parseNumber } from './common.js';
import { createProgress, type Progress } from './progress.js';
import { loadSpec } from '../sweep/spec.js';
import { parseShard } from '../sweep/grid.js';
import { runSweep, BACKENDS } from '../sweep/runner.js';
import { mergeShards } from '../sweep/merge.js';
import { availableParallelism } from 'node:os';
import { checkWorkers, MAX_WORKERS } from '../validate.js';

interface SweepFlags {
  out?: string;
  backend: string;
  workers: string;
  resume?: boolean;
  shard?: string;
  quiet?: boolean;
  json?: boolean;
}

export function registerSweep(program: Command): void {
  program
    .command('sweep')
    .description('Run a parameter sweep from a JSON/YAML spec; checkpointed, resumable, shardable (docs/sweep.md)')
    .argument('<spec>', 'sweep spec file (JSON or YAML)')
    .requiredOption('--out <dir>', 'output directory (results.csv, results.jsonl, manifest.json)')
    .option('--backend <name>', `compute backend: ${BACKENDS.join(' | ')}`, 'auto')
    .option('--workers <n>', 'worker threads evaluating points (1 = main thread)', String(Math.min(MAX_WORKERS, availableParallelism())))
    .option('--resume', 'continue an interrupted sweep in --out (starts fresh if --out holds none)')
    .option('--shard <i/N>', "run shard i of N (0-based); 'N' alone takes i from JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID")
    .option('--quiet', 'no progress output')
    .option('--json', 'print the final manifest as JSON')
    .action((specPath: string, flags: SweepFlags) =>
      runAction(async () => {
        const spec = loadSpec(specPath);
        const workers = checkWorkers(parseNumber('workers', flags.workers));
        const shard = flags.shard !== undefined ? parseShard(flags.shard) : undefined;
        let bar: Progress | undefined;
        let lastDone = 0;
        const label = shard ? `sweep ${shard.index}/${shard.count}` : 'sweep';
        const summary = await runSweep(spec, {
          out: flags.out!,
          backend: flags.backend,
          workers,
          resume: !!flags.resume,
          ...(shard ? { shard } : {}),
          log: (line) => process.stderr.write(`keyrate: ${line}\n`),
          onProgress: (done, total) => {
            if (!bar) {
              bar = createProgress(label, total, { quiet: !!flags.quiet });
              if (done > 0) bar.tick(done);
            } else bar.tick(done - lastDone);
            lastDone = done;
          },
        });
        bar?.stop();
        const m = summary.manifest;
        if (flags.json) process.stdout.write(jsonText(m));
        else {
          process.stdout.write(
            `${summary.dir}: ${m.status}, ${m.pointsDone}/${m.pointCount} points (grid ${m.gridSize}, range ${m.range.start}..${m.range.end - 1}), ` +
              `${summary.evaluated} evaluated now, ${m.errors} errors, checksum ${m.checksum?.value.slice(0, 16)}\n`,
          );
        }
        if (m.errors > 0) {
          // failed rows hold their error; the sweep is not a success (manifest status 'failed')
          process.stderr.write(`keyrate: sweep failed: ${m.errors} of ${m.pointCount} points failed${summary.firstError ? ` (first: ${summary.firstError})` : ''}; see the error column of ${summary.dir}/results.csv\n`);
          process.exitCode = 1;
        }
      }),
    );
  program
    .command('merge')
    .description('Merge shard outputs (checks all shards present, same spec hash, no overlap; rows by grid index)')
    .argument('<shard-dirs...>', 'shard directories, or a directory holding shard-* subdirectories')
    .requiredOption('--out <dir>', 'merged output directory')
    .option('--json', 'print the merged manifest as JSON')
    .action((dirs: string[], flags: { out: string; json?: boolean }) =>
      runAction(() => {
        let r;
        try {
          r = mergeShards(dirs, flags.out);
        } catch (e) {
          if (e instanceof InputError || !(e instanceof Error)) throw e;
          // Corrupted shard data (checksum mismatch, lost rows): one line, exit code 1.
          process.stderr.write(`keyrate: merge refused: ${e.message}\n`);
          process.exitCode = 1;
          return;
        }
        if (flags.json) process.stdout.write(jsonText(r.manifest));
        else process.stdout.write(`${r.out}: merged ${r.shards} shards, ${r.manifest.pointsDone} points, checksum ${r.manifest.checksum?.value.slice(0, 16)}\n`);
      }),
    );
}
