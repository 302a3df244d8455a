#!/usr/bin/env node
// Write the endpoint reference of docs/serve.md from the OpenAPI document of `keyrate serve`
// (needs `npm run build`). --check: exit 1 if docs/serve.md is not current.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
const { withReference } = await import('../dist/serve/openapi-doc.js');
const path = fileURLToPath(new URL('../docs/serve.md', import.meta.url));
const text = readFileSync(path, 'utf8');
const next = withReference(text);
if (process.argv.includes('--check')) {
  if (next !== text) {
    console.error('docs/serve.md: endpoint reference out of date; run node scripts/openapi-doc.js');
    process.exit(1);
  }
} else if (next !== text) {
  writeFileSync(path, next);
  console.log('docs/serve.md: endpoint reference updated');
}
