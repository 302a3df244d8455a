/**
 * The OpenAPI 3.1 document of `keyrate serve`, generated from the request schemas (./schemas.ts,
 * which are the library's zod schemas) with zod's z.toJSONSchema (JSON Schema 2020-12, the dialect
 * of OpenAPI 3.1). Every schema's allowed range (the text error messages quote) is its description.
 */
import { z } from 'zod';
import { version } from '../version.js';
import { listEvaluators } from '../sweep/evaluators.js';
import { BACKENDS } from '../sweep/runner.js';
import { COMPUTE_METHODS, pathOf, schemas, summaries } from './schemas.js';

type Json = Record<string, unknown>;

/** JSON Schema of a zod schema, with each `allowedText` as description. */
export function jsonSchema(s: z.ZodType): Json {
  const out = z.toJSONSchema(s, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
    override: (ctx) => {
      const t = (ctx.zodSchema as unknown as { allowedText?: string }).allowedText;
      if (typeof t === 'string' && ctx.jsonSchema.description === undefined) ctx.jsonSchema.description = `allowed: ${t}`;
    },
  }) as Json;
  delete out['$schema'];
  return out;
}

const problemSchema: Json = {
  type: 'object',
  description: 'RFC 9457 problem details',
  required: ['type', 'title', 'status', 'detail'],
  properties: {
    type: { type: 'string', description: 'urn:keyrate:problem:<kind> (invalid-input, unprocessable, overloaded, timeout, not-found, method-not-allowed, payload-too-large, unsupported-media-type, job-finished, shutting-down) or about:blank' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    param: { type: 'string', description: 'invalid input: the parameter (nested paths joined with ".")' },
    allowed: { type: 'string', description: 'invalid input: the allowed range' },
    value: { description: 'invalid input: the value given' },
  },
};

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } });
const errors = {
  '400': problem('invalid input: the problem names the parameter (`param`) and its allowed range (`allowed`)'),
  '413': problem('request body over the server limit (--max-body)'),
  '415': problem('not application/json'),
  '422': problem('a well-formed point the engine cannot evaluate'),
  '503': problem('server busy (bounded queue full; Retry-After), timed out (--timeout) or shutting down'),
};

/** A sweep spec (docs/sweep.md), one schema per evaluator: its parameters' own zod schemas. */
function sweepSpecSchema(): Json {
  const range = (item: Json): Json => ({
    description: 'an axis: explicit values, {from, to, step} or {from, to, count, scale}',
    anyOf: [
      { type: 'array', minItems: 1, items: item },
      { type: 'object', required: ['from', 'to', 'step'], additionalProperties: false, properties: { from: { type: 'number' }, to: { type: 'number' }, step: { type: 'number', exclusiveMinimum: 0 } } },
      { type: 'object', required: ['from', 'to', 'count'], additionalProperties: false, properties: { from: { type: 'number' }, to: { type: 'number' }, count: { type: 'integer', minimum: 1 }, scale: { enum: ['linear', 'log'] } } },
    ],
  });
  const oneOf = listEvaluators().map((ev) => {
    const fixed: Json = {};
    const axes: Json = {};
    for (const [name, def] of Object.entries(ev.params)) {
      const s = jsonSchema(def.schema);
      fixed[name] = s;
      axes[name] = range(s);
    }
    const props: Json = {
      engine: { const: ev.engine },
      quantity: { const: ev.quantity },
      fixed: { type: 'object', additionalProperties: false, properties: fixed },
      axes: { type: 'object', additionalProperties: false, properties: axes },
      warmStart: { type: 'boolean' },
      chain: { type: 'integer', minimum: 1 },
      batch: { type: 'integer', minimum: 1, description: 'points per checkpoint' },
      description: { type: 'string' },
    };
    if (ev.optimize) props['optimize'] = jsonSchema(ev.optimize);
    const required = Object.entries(ev.params).filter(([, d]) => d.required).map(([n]) => n);
    return { title: `${ev.engine} ${ev.quantity}`, description: ev.description + (required.length ? ` (required in fixed or axes: ${required.join(', ')})` : ''), type: 'object', required: ['engine', 'quantity'], additionalProperties: false, properties: props };
  });
  return { description: 'a sweep spec as `keyrate sweep spec.yaml` reads it (docs/sweep.md), as JSON (or YAML with Content-Type application/yaml)', oneOf };
}

const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
const json = (description: string, schema: Json = { type: 'object' }) => ({ description, content: { 'application/json': { schema } } });

export interface RouteDoc {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  summary: string;
}

export function buildOpenApi(): Json {
  const paths: Record<string, Json> = {};
  const components: Record<string, Json> = { Problem: problemSchema, SweepStatus: { type: 'object', required: ['id', 'status', 'progress'], properties: { id: { type: 'string' }, status: { enum: ['queued', 'running', 'complete', 'failed', 'cancelled'] }, progress: { type: 'object', properties: { done: { type: 'integer' }, total: { type: 'integer' }, fraction: { type: 'number' } } }, eta: { anyOf: [{ type: 'null' }, { type: 'object', properties: { seconds: { type: 'number' }, at: { type: 'string' } } }] } } } };
  paths['/health'] = { get: { operationId: 'health', summary: 'liveness, pool, requests in flight, job counts', responses: { '200': json('the server is up') } } };
  paths['/openapi.json'] = { get: { operationId: 'openapi', summary: 'this document', responses: { '200': json('OpenAPI 3.1 document') } } };
  for (const m of COMPUTE_METHODS) {
    const name = m.replace(/[.-](\w)/g, (_, c: string) => c.toUpperCase());
    const schemaName = name[0]!.toUpperCase() + name.slice(1) + 'Input';
    components[schemaName] = jsonSchema(schemas[m]);
    paths[pathOf(m)] = {
      post: {
        operationId: name,
        summary: summaries[m],
        'x-jsonrpc-method': m,
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: `#/components/schemas/${schemaName}` } } } },
        responses: { '200': json('what the CLI prints with --json', m === 'amplified.batch' || m === 'leakage.curve' ? { type: 'array' } : { type: 'object' }), ...errors },
      },
    };
  }
  components['SweepSpec'] = sweepSpecSchema();
  paths['/v1/sweeps'] = {
    post: {
      operationId: 'sweepStart',
      summary: 'start a sweep job (checkpointed into --data-dir; resumed by a restarted server)',
      'x-jsonrpc-method': 'sweep.start',
      parameters: [{ name: 'backend', in: 'query', required: false, schema: { enum: [...BACKENDS], default: 'auto' } }],
      requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/SweepSpec' } }, 'application/yaml': { schema: { $ref: '#/components/schemas/SweepSpec' } } } },
      responses: { '202': { ...json('job accepted', { $ref: '#/components/schemas/SweepStatus' }), headers: { Location: { schema: { type: 'string' } } } }, ...errors },
    },
    get: { operationId: 'sweepList', summary: 'every sweep job of this server', 'x-jsonrpc-method': 'sweep.list', responses: { '200': json('jobs', { type: 'array', items: { $ref: '#/components/schemas/SweepStatus' } }) } },
  };
  paths['/v1/sweeps/{id}'] = {
    get: { operationId: 'sweepStatus', summary: 'status, progress and ETA of a sweep job', 'x-jsonrpc-method': 'sweep.status', parameters: [idParam], responses: { '200': json('status', { $ref: '#/components/schemas/SweepStatus' }), '404': problem('no such job') } },
    delete: { operationId: 'sweepCancel', summary: 'cancel a queued or running sweep job (rows so far are kept)', 'x-jsonrpc-method': 'sweep.cancel', parameters: [idParam], responses: { '200': json('cancelled', { $ref: '#/components/schemas/SweepStatus' }), '404': problem('no such job'), '409': problem('the job already finished') } },
  };
  paths['/v1/sweeps/{id}/results'] = {
    get: {
      operationId: 'sweepResults',
      summary: 'rows so far: JSON lines (Accept: application/x-ndjson, application/jsonl or */*) or CSV (Accept: text/csv)',
      'x-jsonrpc-method': 'sweep.results',
      parameters: [idParam],
      responses: {
        '200': { description: 'rows in grid order (header X-Keyrate-Sweep-Status: the job status)', content: { 'application/x-ndjson': { schema: { type: 'string' } }, 'text/csv': { schema: { type: 'string' } } } },
        '404': problem('no such job'),
        '406': problem('Accept names neither JSON lines nor CSV'),
      },
    },
  };
  return {
    openapi: '3.1.0',
    info: { title: 'keyrate', version, description: 'QKD security bounds as a service: leakage in entanglement-based QKD [L] and amplified coherent-state lines [A]. Bodies are the library input objects, responses what the CLI prints with --json. Errors: RFC 9457 application/problem+json.' },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    paths,
    components: { schemas: components },
  };
}

/** Every (method, path) of the document, for docs and 405 answers. */
export function routesOf(doc: Json): RouteDoc[] {
  const out: RouteDoc[] = [];
  for (const [path, ops] of Object.entries(doc['paths'] as Record<string, Record<string, { summary?: string }>>)) {
    for (const [m, op] of Object.entries(ops)) out.push({ method: m.toUpperCase() as RouteDoc['method'], path, summary: op.summary ?? '' });
  }
  return out;
}
