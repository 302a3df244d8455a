/**
 * The layer rule (issue 11): imports go one way,
 *   cli -> serve (the `keyrate serve` command starts the service; nothing imports the CLI)
 *   cli, serve, index -> sweep, figures -> runtime -> pool -> backends -> kernels -> special -> util -> base
 *   sweep, figures -> models -> kernels
 * Models receive an evaluator and never import backends, the pool or the runtime; backends never
 * import models; kernels import neither. Every src file's static imports, re-exports and dynamic
 * imports are parsed; a dynamic import whose specifier is not a string literal is refused (it
 * would hide an edge from this test).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const SRC = join(ROOT, 'src');

type Layer = 'cli' | 'serve' | 'index' | 'figures' | 'sweep' | 'runtime' | 'pool' | 'backends' | 'models' | 'kernels' | 'special' | 'util' | 'base';

const LOW: Layer[] = ['special', 'util', 'base'];
/** Layers each layer may import (besides itself). */
const ALLOWED: Record<Layer, readonly Layer[]> = {
  index: ['cli', 'serve', 'figures', 'sweep', 'runtime', 'pool', 'backends', 'models', 'kernels', ...LOW],
  cli: ['serve', 'figures', 'sweep', 'runtime', 'pool', 'backends', 'models', 'kernels', ...LOW],
  serve: ['figures', 'sweep', 'runtime', 'pool', 'backends', 'models', 'kernels', ...LOW],
  figures: ['sweep', 'runtime', 'models', 'kernels', ...LOW],
  sweep: ['runtime', 'models', 'kernels', ...LOW],
  runtime: ['pool', 'backends', 'kernels', ...LOW],
  pool: ['backends', 'kernels', ...LOW],
  backends: ['kernels', ...LOW],
  models: ['kernels', ...LOW],
  kernels: LOW,
  special: ['util', 'base'],
  util: ['base'],
  base: [],
};

function layerOf(file: string): Layer {
  const rel = relative(SRC, file).split(sep);
  if (rel.length === 1) {
    if (rel[0] === 'index.ts') return 'index';
    if (['errors.ts', 'validate.ts', 'version.ts'].includes(rel[0]!)) return 'base';
    throw new Error(`src/${rel[0]} belongs to no layer`);
  }
  const d = rel[0]!;
  if (!(d in ALLOWED)) throw new Error(`src/${d}/ belongs to no layer (add it to test/architecture/layers.test.ts)`);
  return d as Layer;
}

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Strip comments (so that examples in doc comments are not imports); strings are kept. */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

interface Edge { from: string; spec: string; kind: 'static' | 'dynamic' }

export function importsOf(file: string): { edges: Edge[]; variable: string[] } {
  const text = code(readFileSync(file, 'utf8'));
  const edges: Edge[] = [];
  const variable: string[] = [];
  for (const m of text.matchAll(/(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?['"]([^'"]+)['"]/g)) {
    edges.push({ from: file, spec: m[1]!, kind: 'static' });
  }
  for (const m of text.matchAll(/\bimport\s*\(\s*([^)]*?)\s*[,)]/g)) {
    const arg = m[1]!;
    const lit = /^(['"`])([^'"`$]+)\1$/.exec(arg);
    if (lit) edges.push({ from: file, spec: lit[2]!, kind: 'dynamic' });
    else variable.push(arg);
  }
  return { edges, variable };
}

const all = files(SRC);

describe('layer rule', () => {
  it('finds the source files and their imports', () => {
    expect(all.length).toBeGreaterThan(50);
    const e = importsOf(join(SRC, 'models', 'registry.ts'));
    expect(e.edges.filter((x) => x.kind === 'dynamic').map((x) => x.spec)).toEqual(['./leakage/index.js', './amplified/index.js']);
    // every "from '...'" of the sources is seen (no import form slips past the parser)
    const fromCount = all.reduce((n, f) => n + (code(readFileSync(f, 'utf8')).match(/\bfrom\s+['"][^'"]+['"]/g) ?? []).length, 0);
    expect(all.reduce((n, f) => n + importsOf(f).edges.filter((x) => x.kind === 'static').length, 0)).toBeGreaterThanOrEqual(fromCount);
  });

  it('every src file belongs to a layer', () => {
    for (const f of all) expect(() => layerOf(f)).not.toThrow();
  });

  it('no dynamic import with a variable specifier', () => {
    const bad = all.flatMap((f) => importsOf(f).variable.map((v) => `${relative(ROOT, f)}: import(${v})`));
    expect(bad).toEqual([]);
  });

  it('every relative import goes down the layers (models never import backends/pool/runtime; backends never import models; kernels neither)', () => {
    const bad: string[] = [];
    for (const f of all) {
      const from = layerOf(f);
      for (const e of importsOf(f).edges) {
        if (!e.spec.startsWith('.')) continue;
        const target = resolve(dirname(f), e.spec).replace(/\.js$/, '.ts');
        const to = layerOf(target);
        if (to !== from && !ALLOWED[from].includes(to)) bad.push(`${relative(ROOT, f)} (${from}) -> ${e.spec} (${to}, ${e.kind})`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('the rule itself is enforced: a models -> backends edge would be reported', () => {
    expect(ALLOWED.models).not.toContain('backends');
    expect(ALLOWED.backends).not.toContain('models');
    expect(ALLOWED.kernels).not.toContain('models');
    expect(ALLOWED.kernels).not.toContain('backends');
    expect(ALLOWED.backends).not.toContain('pool');
    expect(ALLOWED.runtime).not.toContain('models');
    expect(ALLOWED.sweep).not.toContain('cli');
  });
});
