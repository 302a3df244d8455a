/**
 * Progress reporting for long work: a cli-progress bar (rate and ETA) on a terminal, plain
 * log lines on stderr when stderr is not a TTY (CI, pipes), nothing when `quiet`.
 */
import cliProgress from 'cli-progress';

export interface Progress {
  tick(n?: number): void;
  stop(): void;
}

export function createProgress(label: string, total: number, opts: { quiet?: boolean } = {}): Progress {
  if (opts.quiet || total <= 0) return { tick() {}, stop() {} };
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${label} [{bar}] {percentage}% | {value}/{total} | {rate}/s | ETA {eta_formatted}`,
        stream: process.stderr,
        hideCursor: true,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    const t0 = Date.now();
    let done = 0;
    bar.start(total, 0, { rate: '0' });
    return {
      tick(n = 1) {
        done += n;
        const rate = done / Math.max(1e-3, (Date.now() - t0) / 1000);
        bar.update(done, { rate: rate.toFixed(1) });
      },
      stop() {
        bar.stop();
      },
    };
  }
  // Not a terminal: a log line roughly every 10 % (and at the end).
  const t0 = Date.now();
  let done = 0;
  let nextReport = Math.max(1, Math.ceil(total / 10));
  return {
    tick(n = 1) {
      done += n;
      if (done >= nextReport || done === total) {
        const s = (Date.now() - t0) / 1000;
        const eta = done > 0 ? (s / done) * (total - done) : 0;
        process.stderr.write(`${label}: ${done}/${total} (${((100 * done) / total).toFixed(0)}%), ${s.toFixed(1)} s elapsed, ETA ${eta.toFixed(1)} s\n`);
        nextReport = done + Math.max(1, Math.ceil(total / 10));
      }
    },
    stop() {},
  };
}
