/** docs/serve.md lists every route of the OpenAPI document, in the generated reference (current). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildOpenApi, routesOf } from '../../src/serve/openapi.js';
import { renderReference, withReference } from '../../src/serve/openapi-doc.js';
import { ROOT } from './helpers.js';

describe('docs/serve.md', () => {
  const text = readFileSync(join(ROOT, 'docs/serve.md'), 'utf8');
  it('holds the current generated reference (node scripts/openapi-doc.js)', () => {
    expect(withReference(text, renderReference())).toBe(text);
  });
  it('lists every route', () => {
    const routes = routesOf(buildOpenApi());
    expect(routes.length).toBeGreaterThan(15);
    for (const r of routes) expect(text, `${r.method} ${r.path}`).toContain(`| ${r.method} | \`${r.path}\` |`);
  });
  it('the README links to it', () => {
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toMatch(/docs\/serve\.md/);
  });
});
