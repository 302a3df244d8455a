/**
 * Merge shard outputs into one result set. Checks: every shard directory holds a complete
 * manifest; all share the same spec hash, keyrate version and shard count; every shard 0..N-1 is
 * present exactly once; the ranges do not overlap and cover the grid; each shard's rows match its
 * checksum. Rows are written in grid-index order; the merged checksum equals an unsharded run's.
 */
import { jsonText } from '../util/outputs.js';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { checkOutPath, ensureDir } from '../util/out-path.js';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { csvHeader, csvLines, filesIn, jsonlLines, readJson, readRows, rowsChecksum, writeAtomic, type Row } from './output.js';
import { CHECKSUM_OVER, type Manifest } from './runner.js';

/** Expand arguments: a directory with a manifest is a shard; one without is searched for shard-* subdirectories. */
export function expandShardDirs(dirs: string[]): string[] {
  const out: string[] = [];
  for (const d of dirs) {
    if (existsSync(join(d, 'manifest.json'))) out.push(d);
    else if (existsSync(d) && statSync(d).isDirectory()) {
      const subs = readdirSync(d).filter((f) => f.startsWith('shard-') && existsSync(join(d, f, 'manifest.json'))).sort();
      if (subs.length === 0) throw new InputError('shard-dirs', 'directories holding a manifest.json (or shard-* subdirectories)', d);
      out.push(...subs.map((f) => join(d, f)));
    } else throw new InputError('shard-dirs', 'existing shard directories', d);
  }
  return out;
}

export interface MergeSummary {
  out: string;
  manifest: Manifest;
  shards: number;
}

export function mergeShards(dirs: string[], out: string): MergeSummary {
  checkOutPath('out', out, 'dir');
  const shardDirs = expandShardDirs(dirs);
  const parts = shardDirs.map((dir) => {
    const m = readJson<Manifest>(filesIn(dir).manifest, 'shard-dirs')!;
    return { dir, m };
  });
  const first = parts[0]!.m;
  for (const { dir, m } of parts) {
    if (m.specHash !== first.specHash) {
      throw new InputError('shard-dirs', `shards of one spec (hash ${first.specHash.slice(0, 12)})`, dir, `spec hash ${m.specHash.slice(0, 12)} differs`);
    }
    if (m.keyrate !== first.keyrate) throw new InputError('shard-dirs', `shards from one keyrate version (${first.keyrate})`, dir, `version ${m.keyrate}`);
    if (!m.shard) throw new InputError('shard-dirs', 'shard outputs (written with --shard)', dir, 'not a shard');
    if (m.shard.count !== first.shard!.count) throw new InputError('shard-dirs', `shards of one split (N = ${first.shard!.count})`, dir, `N = ${m.shard.count}`);
    if (m.status === 'failed') throw new InputError('shard-dirs', 'completed shards without failed points', dir, `status failed: ${m.errors} points failed (see their error column); rerun the shard in a new directory`);
    if (m.status !== 'complete') throw new InputError('shard-dirs', 'completed shards', dir, `status ${m.status}: run it again with --resume`);
  }
  const N = first.shard!.count;
  const byIndex = new Map<number, string>();
  for (const { dir, m } of parts) {
    const prev = byIndex.get(m.shard!.index);
    if (prev) throw new InputError('shard-dirs', 'each shard once', dir, `overlaps ${prev} (both shard ${m.shard!.index}/${N})`);
    byIndex.set(m.shard!.index, dir);
  }
  const missing = [...Array(N).keys()].filter((i) => !byIndex.has(i));
  if (missing.length) throw new InputError('shard-dirs', `all ${N} shards`, shardDirs.length, `missing shard(s) ${missing.join(', ')}`);
  parts.sort((a, b) => a.m.range.start - b.m.range.start);
  let expect = 0;
  for (const { dir, m } of parts) {
    if (m.range.start < expect) throw new InputError('shard-dirs', 'non-overlapping point ranges', dir, `range ${m.range.start}..${m.range.end - 1} overlaps the previous shard`);
    if (m.range.start > expect) throw new InputError('shard-dirs', 'ranges covering the whole grid', dir, `points ${expect}..${m.range.start - 1} are missing`);
    expect = m.range.end;
  }
  if (expect !== first.gridSize) throw new InputError('shard-dirs', 'ranges covering the whole grid', expect, `grid has ${first.gridSize} points`);

  const all: Row[] = [];
  const used = new Set<string>();
  let errors = 0;
  for (const { dir, m } of parts) {
    const { rows, droppedBytes } = readRows(filesIn(dir).jsonl, false, 'shard-dirs');
    if (droppedBytes > 0 || rows.length !== m.range.end - m.range.start) throw new Error(`${dir}: ${rows.length} rows for ${m.range.end - m.range.start} points`);
    if (m.checksum && rowsChecksum(rows) !== m.checksum.value) throw new Error(`${dir}: rows do not match the manifest checksum`);
    rows.forEach((r, k) => {
      if (r['index'] !== m.range.start + k) throw new Error(`${dir}: row ${k} has index ${String(r['index'])}`);
    });
    all.push(...rows);
    m.backendsUsed.forEach((b) => used.add(b));
    errors += m.errors;
  }
  ensureDir(out);
  const files = filesIn(out);
  if (existsSync(files.manifest)) throw new InputError('out', 'a directory without sweep results', out, 'it already holds a manifest.json');
  writeAtomic(files.jsonl, jsonlLines(all));
  writeAtomic(files.csv, csvHeader(first.columns) + csvLines(first.columns, all));
  const now = new Date().toISOString();
  const manifest: Manifest & { mergedFrom: { dir: string; shard: number; range: { start: number; end: number } }[] } = {
    ...first,
    backendsUsed: [...used].sort(),
    shard: null,
    range: { start: 0, end: first.gridSize },
    pointCount: first.gridSize,
    pointsDone: all.length,
    errors,
    status: 'complete',
    startedAt: parts.map((p) => p.m.startedAt).sort()[0]!,
    finishedAt: parts.map((p) => p.m.finishedAt ?? '').sort().at(-1)!,
    updatedAt: now,
    resumes: parts.reduce((n, p) => n + p.m.resumes, 0),
    checksum: { algorithm: 'sha256', over: CHECKSUM_OVER, value: rowsChecksum(all) },
    verified: null,
    mergedFrom: parts.map((p) => ({ dir: p.dir, shard: p.m.shard!.index, range: p.m.range })),
  };
  writeAtomic(files.manifest, jsonText(manifest));
  return { out, manifest, shards: N };
}
