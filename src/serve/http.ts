/**
 * HTTP/1.1 JSON API of `keyrate serve` on Fastify: the compute routes, sweep jobs, /health and
 * /openapi.json (./openapi.ts). Every error is application/problem+json (./problem.ts).
 */
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { parseSpecText } from '../sweep/spec.js';
import { buildOpenApi, routesOf } from './openapi.js';
import { problemOf, ServiceError } from './problem.js';
import { COMPUTE_METHODS, pathOf } from './schemas.js';
import type { Service } from './service.js';

export interface HttpOptions {
  /** largest request body, bytes */
  bodyLimit: number;
  /** time allowed to receive a whole request, ms (slow clients get 408) */
  requestTimeoutMs?: number;
  log?: (line: string) => void;
}

function sendProblem(reply: FastifyReply, e: unknown, instance: string): FastifyReply {
  const { problem, headers } = problemOf(e, instance);
  for (const [k, v] of Object.entries(headers)) reply.header(k, v);
  return reply.code(problem.status).type('application/problem+json').send(JSON.stringify(problem));
}

/** Fastify's own errors (body parsing, limits) as problem kinds. */
function fastifyProblem(err: { code?: string; statusCode?: number; message: string }, limit: number): ServiceError | undefined {
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ServiceError(413, 'payload-too-large', 'Payload Too Large', `request body over the server limit of ${limit} bytes (keyrate serve --max-body)`, { limit });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ServiceError(415, 'unsupported-media-type', 'Unsupported Media Type', 'send the body as application/json (sweep specs also as application/yaml)');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ServiceError(400, 'invalid-input', 'Invalid input', 'empty JSON body (expected an object of named parameters)', { param: '(input)', allowed: 'an object of named parameters' });
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new ServiceError(400, 'invalid-input', 'Invalid input', err.message, { param: '(input)', allowed: 'a body as long as its Content-Length' });
  }
  if (err instanceof SyntaxError || err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || /JSON/.test(err.message) && err.statusCode === 400) {
    return new ServiceError(400, 'invalid-input', 'Invalid input', `body is not valid JSON: ${err.message}`, { param: '(input)', allowed: 'a JSON object of named parameters' });
  }
  if (err.statusCode === 400 && /prototype|constructor/i.test(err.message)) {
    return new ServiceError(400, 'invalid-input', 'Invalid input', err.message, { param: '(input)', allowed: 'a JSON object without __proto__ / constructor.prototype keys' });
  }
  if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
    return new ServiceError(err.statusCode, 'bad-request', 'Bad Request', err.message);
  }
  return undefined;
}

export async function createHttpServer(service: Service, opts: HttpOptions): Promise<FastifyInstance> {
  const log = opts.log ?? (() => {});
  const app = Fastify({
    bodyLimit: opts.bodyLimit,
    requestTimeout: opts.requestTimeoutMs ?? 60_000,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    logger: false,
  });
  const doc = buildOpenApi();
  const docText = JSON.stringify(doc);
  const routes = routesOf(doc);
  const patterns = [...new Set(routes.map((r) => r.path))].map((p) => ({
    path: p,
    re: new RegExp('^' + p.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}|\{[^}]+\}/g, '[^/]+') + '/?$'),
    methods: routes.filter((r) => r.path === p).map((r) => r.method),
  }));

  // JSON only (and YAML specs): a text/plain body is 415, not a string to validate
  app.removeContentTypeParser('text/plain');
  // sweep specs may come as YAML (as `keyrate sweep spec.yaml` reads them)
  app.addContentTypeParser(['application/yaml', 'application/x-yaml', 'text/yaml'], { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, parseSpecText(String(body), 'request body'));
    } catch (e) {
      done(e as Error, undefined);
    }
  });

  app.setErrorHandler((err: Error & { code?: string; statusCode?: number }, req, reply) => {
    const mapped = fastifyProblem(err, opts.bodyLimit);
    if (!mapped && !(err.name === 'InputError')) log(`error on ${req.method} ${req.url}: ${err.stack ?? err.message}`);
    return sendProblem(reply, mapped ?? err, req.url);
  });

  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0]!;
    const hit = patterns.find((p) => p.re.test(path));
    if (hit) {
      const allow = [...hit.methods, ...(hit.methods.includes('GET') ? ['HEAD'] : [])].join(', ');
      return sendProblem(reply, new ServiceError(405, 'method-not-allowed', 'Method Not Allowed', `${req.method} is not allowed on ${hit.path}; allowed: ${allow}`, { allow }, { allow }), req.url);
    }
    return sendProblem(reply, new ServiceError(404, 'not-found', 'Not Found', `no route ${req.method} ${path}; see GET /openapi.json`), req.url);
  });

  /** An AbortSignal that fires when the client goes away before the answer is sent. */
  const clientGone = (_req: FastifyRequest, reply: FastifyReply): AbortSignal => {
    const ctrl = new AbortController();
    const onClose = () => {
      if (!reply.raw.writableFinished) ctrl.abort(Object.assign(new Error('client disconnected'), { name: 'AbortError' }));
    };
    reply.raw.once('close', onClose);
    return ctrl.signal;
  };

  app.get('/health', async () => service.health());
  app.get('/openapi.json', async (_req, reply) => reply.type('application/json').send(docText));

  for (const m of COMPUTE_METHODS) {
    app.post(pathOf(m), async (req, reply) => {
      const signal = clientGone(req, reply);
      try {
        const value = await service.call(m, req.body, { signal });
        return reply.type('application/json').send(JSON.stringify(value));
      } catch (e) {
        if (signal.aborted) {
          log(`${req.method} ${req.url}: client disconnected, work cancelled`);
          return reply; // nobody to answer
        }
        throw e;
      }
    });
  }

  app.post('/v1/sweeps', async (req, reply) => {
    const q = req.query as Record<string, unknown>;
    const backend = typeof q['backend'] === 'string' ? q['backend'] : 'auto';
    const st = service.jobs.submit(req.body, backend);
    return reply.code(202).header('location', st.links.self).type('application/json').send(JSON.stringify(st));
  });
  app.get('/v1/sweeps', async () => service.jobs.list());
  app.get('/v1/sweeps/:id', async (req) => service.jobs.status((req.params as { id: string }).id));
  app.delete('/v1/sweeps/:id', async (req) => service.jobs.cancel((req.params as { id: string }).id));
  app.get('/v1/sweeps/:id/results', async (req, reply) => {
    const id = (req.params as { id: string }).id;
    const r = service.jobs.results(id);
    const accept = String(req.headers.accept ?? '*/*').toLowerCase();
    const wantsCsv = /\btext\/csv\b/.test(accept) && !/application\/(x-ndjson|jsonl|json)/.test(accept.split('text/csv')[0]!);
    const wantsJsonl = /application\/(x-ndjson|jsonl|x-jsonlines|json)|\*\/\*|application\/\*/.test(accept);
    if (!wantsCsv && !wantsJsonl) {
      throw new ServiceError(406, 'not-acceptable', 'Not Acceptable', `results come as application/x-ndjson (JSON lines) or text/csv; Accept was ${JSON.stringify(accept)}`);
    }
    const file = wantsCsv ? r.csv : r.jsonl;
    reply.header('x-keyrate-sweep-status', r.state).header('cache-control', 'no-store');
    reply.type(wantsCsv ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8');
    if (!existsSync(file)) return reply.send('');
    if (r.state === 'running') {
      // complete lines only (a batch may be being appended)
      const text = readFileSync(file, 'utf8');
      return reply.send(text.slice(0, text.lastIndexOf('\n') + 1));
    }
    return reply.send(createReadStream(file));
  });
  await app.ready();
  return app;
}

/** "10mb", "512kb", "1048576" -> bytes. */
export function parseSize(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|kib|k|mb|mib|m|gb|gib|g)?\s*$/i.exec(text);
  if (!m) return NaN;
  const unit = (m[2] ?? 'b').toLowerCase();
  const f = unit.startsWith('k') ? 1024 : unit.startsWith('m') ? 1024 ** 2 : unit.startsWith('g') ? 1024 ** 3 : 1;
  return Math.floor(Number(m[1]) * f);
}
