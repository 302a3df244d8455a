/**
 * Property-based request fuzzing of every route (fast-check): malformed bodies, built from the
 * server's own OpenAPI document (a field of the wrong type, out of its range, a required field
 * missing, an unknown key) or arbitrary JSON / bytes, always give a 4xx application/problem+json
 * (400s naming the parameter), never a 5xx, never a hang.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHEAP, pathOf, post, req, startServer, type Server } from './helpers.js';

let s: Server;
let doc: any;
beforeAll(async () => {
  s = await startServer(['--workers', '2', '--queue', '64']);
  doc = (await req(s.url + '/openapi.json')).json;
});
afterAll(async () => {
  expect((await s?.stop())?.code).toBe(0);
});

const RUNS = 40;
const SEED = 20261302;

/** Values that violate a JSON Schema (as the document states it), or undefined if none is sure to. */
function violations(schema: any): any[] {
  const out: any[] = [];
  const types = new Set<string>(schema.type ? [schema.type].flat() : schema.enum ? ['string'] : schema.anyOf ? schema.anyOf.map((a: any) => a.type).filter(Boolean) : []);
  if (types.size === 0) return out; // any value allowed
  if (!types.has('string')) out.push('12', 'x');
  if (!types.has('number') && !types.has('integer')) out.push(3, -1.5);
  if (!types.has('boolean')) out.push(true);
  if (!types.has('array')) out.push([]);
  if (!types.has('object')) out.push({ a: 1 });
  out.push(null);
  if (types.has('integer')) out.push(2.5);
  const big = 9e15;
  if (typeof schema.minimum === 'number' && schema.minimum > -big) out.push(schema.minimum - 1);
  if (typeof schema.maximum === 'number' && schema.maximum < big) out.push(schema.maximum + 1);
  if (typeof schema.exclusiveMinimum === 'number') out.push(schema.exclusiveMinimum);
  if (typeof schema.exclusiveMaximum === 'number') out.push(schema.exclusiveMaximum);
  if (schema.enum) out.push('not-a-choice');
  if (types.has('array') && schema.minItems >= 1) out.push([]);
  return out;
}

type Mutation = { body: unknown; param?: string };

function mutations(method: string): fc.Arbitrary<Mutation> {
  const name = method.replace(/[.-](\w)/g, (_, c: string) => c.toUpperCase());
  const schema = doc.components.schemas[name[0]!.toUpperCase() + name.slice(1) + 'Input'];
  const base = CHEAP[method]!;
  const props = Object.entries<any>(schema.properties);
  const wrong = props.flatMap(([k, sch]) => violations(sch).map((v) => ({ body: { ...base, [k]: v }, param: k })));
  const missing = (schema.required as string[]).map((k) => {
    const { [k]: _drop, ...rest } = base;
    return { body: rest, param: k };
  });
  return fc.oneof(
    fc.constantFrom(...wrong),
    fc.constantFrom(...missing),
    // an unknown (misspelt) key
    fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !(k in schema.properties) && k !== '__proto__').map((k) => ({ body: { ...base, [k]: 1 }, param: k })),
    // not an object at all
    fc.oneof(fc.integer(), fc.string(), fc.boolean(), fc.constant(null), fc.array(fc.jsonValue(), { maxLength: 4 })).map((v) => ({ body: v, param: '(input)' })),
    // arbitrary objects: valid only by accident (then 200)
    fc.dictionary(fc.constantFrom(...props.map(([k]) => k), 'zz'), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }).map((v) => ({ body: v })),
  );
}

const expect4xx = (r: { status: number; type: string; json: any }, what: string, param?: string) => {
  expect(r.status, `${what}: ${JSON.stringify(r.json)}`).toBeGreaterThanOrEqual(400);
  expect(r.status, what).toBeLessThan(500);
  expect(r.type, what).toMatch(/^application\/problem\+json/);
  expect(r.json.status).toBe(r.status);
  if (r.status === 400 && r.json.type === 'urn:keyrate:problem:invalid-input') {
    expect(typeof r.json.param).toBe('string');
    expect(typeof r.json.allowed).toBe('string');
    if (param !== undefined) expect(r.json.param === param || r.json.param.startsWith(param + '.'), `${what}: param ${r.json.param}, expected ${param}`).toBe(true);
  }
};

describe('fuzzing every compute route', () => {
  for (const method of Object.keys(CHEAP)) {
    it(method, async () => {
      let named = 0;
      await fc.assert(
        fc.asyncProperty(mutations(method), async ({ body, param }) => {
          const r = await post(s.url + pathOf(method), body, { timeoutMs: 20_000 });
          if (r.status === 400 && param !== undefined && r.json.param === param) named++;
          if (param === undefined && r.status === 200) return; // an arbitrary body that happens to be valid
          if (method === 'amplified.batch' && r.status === 200) {
            // the envelope is valid: a bad point is an error object in its place
            expect(param).toBe('points');
            return;
          }
          expect4xx(r, `${method} ${JSON.stringify(body)}`, param);
        }),
        { numRuns: RUNS, seed: SEED, endOnFailure: true },
      );
      // the property saw real refusals (not only accidental 200s)
      expect(named).toBeGreaterThan(RUNS / 3);
    });
  }

  it('a bad point inside a batch is an error object naming the point field', async () => {
    const point = (CHEAP['amplified.batch']!['points'] as any[])[0];
    const pointSchema = doc.components.schemas.AmplifiedBatchInput.properties.points.items;
    const cases = Object.entries<any>(pointSchema.properties).flatMap(([k, sch]) => violations(sch).map((v) => ({ k, v })));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...cases), async ({ k, v }) => {
        const r = await post(s.url + '/v1/amplified/batch', { encoding: 'phase', points: [point, { ...point, [k]: v }] });
        expect(r.status).toBe(200);
        expect(r.json[0].rate).toBeTypeOf('number');
        expect(r.json[1].line).toBe(2);
        expect(r.json[1].error.param === k || r.json[1].error.param.startsWith(k + '.'), `${k}=${JSON.stringify(v)}: ${JSON.stringify(r.json[1])}`).toBe(true);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });
});

describe('fuzzing the other routes', () => {
  it('raw bytes, wrong media types and broken JSON on every POST route', async () => {
    const posts = [...Object.keys(CHEAP).map(pathOf), '/v1/sweeps'];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...posts),
        fc.oneof(fc.string({ maxLength: 40 }), fc.jsonValue().map((v) => JSON.stringify(v).slice(0, -1) + '}}')),
        fc.constantFrom('application/json', 'text/plain', 'application/octet-stream', 'application/x-www-form-urlencoded', 'application/json; charset=latin1'),
        async (path, text, type) => {
          const r = await req(s.url + path, { method: 'POST', headers: { 'content-type': type }, body: text, timeoutMs: 20_000 });
          if (r.status === 200 || r.status === 202) {
            // JSON text that parses to a valid body
            expect(type).toMatch(/^application\/json/);
            return;
          }
          expect4xx(r, `${path} ${type} ${JSON.stringify(text)}`);
        },
      ),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('sweep specs: mutated specs are 400 naming the field; unknown ids 404', async () => {
    const base = { engine: 'test', quantity: 'fake', fixed: { delayMs: 0 }, axes: { x: [0, 1] }, batch: 2 };
    const arb = fc.oneof(
      fc.constantFrom('engine', 'quantity', 'fixed', 'axes', 'warmStart', 'chain', 'batch', 'description', 'optimize').chain((k) =>
        fc.constantFrom<unknown>(-1, 'nope', [], 2.5, { bogus: [1] }, true).map((v) => ({ spec: { ...base, [k]: v }, k })),
      ),
      fc.constantFrom<unknown>([1, 'a'], [], { from: 1, to: 0, step: 1 }, { from: 0, to: 1, count: 0 }, { from: 0, to: 1, step: -1 }, 'x', [1, 1]).map((v) => ({ spec: { ...base, axes: { x: v } }, k: 'axes.x' })),
      fc.string({ minLength: 1, maxLength: 8 }).filter((k) => !['engine', 'quantity', 'fixed', 'axes', 'optimize', 'warmStart', 'chain', 'batch', 'description', '__proto__'].includes(k)).map((k) => ({ spec: { ...base, [k]: 1 }, k })),
    );
    await fc.assert(
      fc.asyncProperty(arb, async ({ spec, k }) => {
        const r = await post(s.url + '/v1/sweeps', spec, { timeoutMs: 20_000 });
        if (r.status === 202) {
          // accepted: only values that are valid for that key (e.g. warmStart: true, description)
          expect(['warmStart', 'description', 'chain', 'batch']).toContain(k);
          return;
        }
        expect4xx(r, JSON.stringify(spec));
        expect(r.json.param.startsWith(k.split('.')[0]!) || ['engine', 'quantity', 'x'].includes(r.json.param), `${k}: ${r.json.param}`).toBe(true);
      }),
      { numRuns: RUNS, seed: SEED },
    );
    await fc.assert(
      fc.asyncProperty(fc.stringMatching(/^[0-9a-zA-Z_-]{1,20}$/), fc.constantFrom('', '/results'), fc.constantFrom('GET', 'DELETE'), async (id, tail, method) => {
        if (method === 'DELETE' && tail) return;
        const r = await req(`${s.url}/v1/sweeps/${id}${tail}`, { method, timeoutMs: 20_000 });
        expect4xx(r, `${method} ${id}${tail}`);
        expect(r.status).toBe(404);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });
});
