/**
 * `keyrate serve`: the HTTP JSON API (./http.ts) or, with --stdio, JSON-RPC 2.0 on stdin/stdout
 * (./stdio.ts). docs/serve.md.
 */
import { availableParallelism } from 'node:os';
import { isIP } from 'node:net';
import type { Command } from 'commander';
import { InputError } from '../errors.js';
import { checkWorkers, MAX_WORKERS } from '../validate.js';
import { parseNumber, runAction } from './common.js';
import { checkOutPath } from '../util/out-path.js';
import { createHttpServer, parseSize } from '../serve/http.js';
import { Service } from '../serve/service.js';
import { serveStdio } from '../serve/stdio.js';

interface ServeFlags {
  host: string;
  port: string;
  workers: string;
  dataDir?: string;
  maxBody: string;
  queue?: string;
  timeout: string;
  grace: string;
  stdio?: boolean;
}

const log = (line: string) => void process.stderr.write(`keyrate serve: ${line}\n`);

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('HTTP JSON API (or JSON-RPC 2.0 on stdin/stdout with --stdio) over one warm worker pool; sweeps as resumable jobs (docs/serve.md)')
    .option('--host <addr>', 'interface to listen on (loopback unless given)', '127.0.0.1')
    .option('--port <n>', 'TCP port (0: a free one, printed on stdout)', '8080')
    .option('--workers <n>', 'worker threads of the shared pool', String(Math.min(MAX_WORKERS, availableParallelism())))
    .option('--data-dir <dir>', 'sweep jobs are checkpointed here and resumed by a restarted server (default: a temporary directory)')
    .option('--max-body <size>', 'largest request body (HTTP) or message line (--stdio), e.g. 10mb, 512kb', '10mb')
    .option('--queue <n>', 'compute requests that may wait for a thread (beyond: 503 + Retry-After; default 4 x workers)')
    .option('--timeout <s>', 'time limit of one compute request, seconds (beyond: 503, the work is stopped)', '300')
    .option('--grace <s>', 'on SIGTERM/SIGINT: seconds running requests and jobs get to finish or checkpoint', '10')
    .option('--stdio', 'JSON-RPC 2.0, one message per line on stdin/stdout, instead of HTTP')
    .action((flags: ServeFlags) => runAction(() => serve(flags)));
}

async function serve(flags: ServeFlags): Promise<void> {
  const workers = checkWorkers(parseNumber('workers', flags.workers));
  const port = parseNumber('port', flags.port);
  if (!(Number.isInteger(port) && port >= 0 && port <= 65535)) throw new InputError('port', 'integer in [0, 65535]', flags.port);
  const bodyLimit = parseSize(flags.maxBody);
  if (!(bodyLimit >= 1 && bodyLimit <= 2 ** 31)) throw new InputError('max-body', 'a size such as 10mb, 512kb or 1048576 (1 byte .. 2 GiB)', flags.maxBody);
  const queue = flags.queue === undefined ? undefined : parseNumber('queue', flags.queue);
  if (queue !== undefined && !(Number.isInteger(queue) && queue >= 0 && queue <= 100_000)) throw new InputError('queue', 'integer in [0, 100000]', flags.queue);
  const timeout = parseNumber('timeout', flags.timeout);
  if (!(timeout > 0 && timeout <= 86_400)) throw new InputError('timeout', '(0, 86400] seconds', flags.timeout);
  const grace = parseNumber('grace', flags.grace);
  if (!(grace >= 0 && grace <= 3600)) throw new InputError('grace', '[0, 3600] seconds', flags.grace);
  if (flags.host !== 'localhost' && isIP(flags.host) === 0 && !/^[a-z0-9.-]+$/i.test(flags.host)) throw new InputError('host', 'an IP address or host name', flags.host);
  if (flags.dataDir !== undefined) checkOutPath('data-dir', flags.dataDir, 'dir');

  const service = await Service.start({ workers, ...(flags.dataDir !== undefined ? { dataDir: flags.dataDir } : {}), ...(queue !== undefined ? { queue } : {}), timeoutMs: timeout * 1000, log });

  let stopping = false;
  const stopAll = async (why: string, stopTransport: () => Promise<void>) => {
    if (stopping) return;
    stopping = true;
    log(`${why}: stopping (no new work; running requests and jobs get ${grace} s to finish or checkpoint)`);
    // whatever happens below, exit 0 within the bound
    setTimeout(() => {
      log('grace period over: exiting');
      process.exit(0);
    }, (grace + 5) * 1000).unref();
    await Promise.all([stopTransport(), service.jobs.close(grace * 1000)]);
    await service.executor.close();
    service.removeTemporary();
    log('stopped');
    process.exit(0);
  };

  if (flags.stdio) {
    const done = serveStdio(service, { maxLine: bodyLimit, log });
    for (const sig of ['SIGTERM', 'SIGINT'] as const) process.once(sig, () => void stopAll(sig, async () => {}));
    log(`JSON-RPC 2.0 on stdin/stdout (pool: ${service.executor.mode}, ${service.executor.threads} threads; data dir ${service.dataDir})`);
    await done;
    await stopAll('end of input', async () => {});
    return;
  }

  const app = await createHttpServer(service, { bodyLimit, log });
  const address = await app.listen({ host: flags.host, port });
  if (!isLoopback(flags.host)) log(`WARNING: listening on ${flags.host}, not loopback: anyone who can reach it can run computations (no authentication)`);
  const url = new URL(address);
  process.stdout.write(`listening on ${url.origin}\n`);
  log(`${url.origin} (pool: ${service.executor.mode}, ${service.executor.threads} threads; queue capacity ${service.capacity}; data dir ${service.dataDir}${service.persistent ? '' : ', temporary'})`);
  for (const sig of ['SIGTERM', 'SIGINT'] as const) {
    process.once(sig, () =>
      void stopAll(sig, async () => {
        const force = setTimeout(() => app.server.closeAllConnections(), grace * 1000);
        force.unref();
        await app.close();
        clearTimeout(force);
      }),
    );
  }
  // keep running until a signal
  await new Promise<never>(() => {});
}
