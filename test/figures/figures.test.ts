/** `keyrate figures`: well-formed SVG (parsed) with the expected series in the legend, and the CSV behind it. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lineChart, renderSvg } from '../../src/figures/render.js';
import { cli, tmp } from '../sweep/helpers.js';
import { legendLabels, lineCount, parseXml } from './xml.js';

describe('xml checker', () => {
  it('rejects malformed documents', () => {
    expect(() => parseXml('<svg><g></svg>')).toThrow(/mismatched/);
    expect(() => parseXml('<svg a="1" a="2"/>')).toThrow(/duplicate/);
    expect(() => parseXml('<svg>a & b</svg>')).toThrow(/entity/);
    expect(() => parseXml('<svg><g>')).toThrow(/unclosed/);
    expect(parseXml('<svg x="1"><g/>a &amp; b</svg>').children.length).toBe(1);
  });
});

describe('figure rendering', () => {
  it('vega-lite -> vega -> SVG headless, one line and one legend entry per series', async () => {
    const rows = [0, 1, 2, 3].flatMap((x) => ['L = 0.1', 'L = 0.2'].map((s, k) => ({ series: s, v: x / 3, rate: (k + 1) * x })));
    const svg = await renderSvg(lineChart(rows, {
      title: 't', x: { field: 'v', title: 'visibility v' }, y: { field: 'rate', title: 'key rate R' },
      series: { field: 'series', title: 'leakage', order: ['L = 0.1', 'L = 0.2'] },
    }));
    const doc = parseXml(svg);
    expect(doc.name).toBe('svg');
    expect(legendLabels(doc)).toEqual(['L = 0.1', 'L = 0.2']);
    expect(lineCount(doc)).toBe(2);
    expect(svg).toContain('visibility v');
    expect(svg).toContain('key rate R');
  });

  it('log axes drop non-positive values instead of failing', async () => {
    const rows = [1e-6, 1e-4, 1e-2].map((r, i) => ({ series: 'phase', leak: r, rate: i === 2 ? -0.1 : 0.5 / (i + 1) }));
    const svg = await renderSvg(lineChart(rows, {
      title: 't', x: { field: 'leak', title: 'rE', scale: 'log' }, y: { field: 'rate', title: 'Lf/L', scale: 'log' },
      series: { field: 'series', title: 'encoding' }, filter: 'datum.rate > 0',
    }));
    const doc = parseXml(svg);
    expect(legendLabels(doc)).toEqual(['phase']);
    expect(svg).not.toMatch(/NaN/);
  });
});

describe('keyrate figures (CLI)', () => {
  it('writes SVG + CSV + figures.json; series names in the legend match the CSV', () => {
    const out = tmp('keyrate-fig-');
    const r = cli(['figures', '--out', out, '--quick', '--only', 'test-figure']);
    expect(r.code, r.stderr).toBe(0);
    const svg = parseXml(readFileSync(join(out, 'test-figure.svg'), 'utf8'));
    expect(legendLabels(svg)).toEqual(['y = 0', 'y = 1', 'y = 2']);
    expect(lineCount(svg)).toBe(3);
    const csv = readFileSync(join(out, 'test-figure.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('series,x,y,value,chain,ms');
    expect(csv.length).toBe(1 + 15);
    expect(new Set(csv.slice(1).map((l) => l.split(',')[0]))).toEqual(new Set(['y = 0', 'y = 1', 'y = 2']));
    const index = JSON.parse(readFileSync(join(out, 'figures.json'), 'utf8'));
    expect(index.figures).toHaveLength(1);
    expect(index.figures[0].status).toBe('ok');
    expect(index.figures[0].series['test-figure']).toEqual(['y = 0', 'y = 1', 'y = 2']);
  });

  it('--only with a panel id computes and writes just that panel of a multi-panel figure', () => {
    const out = tmp('keyrate-fig-');
    const r = cli(['figures', '--out', out, '--quick', '--only', 'amplified-fig1b', '--json']);
    expect(r.code).toBe(0);
    const [rep] = JSON.parse(r.stdout) as { id: string; status: string; files: string[]; series: Record<string, string[]> }[];
    expect(rep!.id).toBe('amplified-fig1');
    expect(rep!.status).toBe('ok');
    expect(rep!.files).toEqual(['amplified-fig1b.svg', 'amplified-fig1b.csv']);
    expect(readdirSync(out).sort()).toEqual(['amplified-fig1b.csv', 'amplified-fig1b.svg', 'figures.json']);
    expect(rep!.series['amplified-fig1b']).toEqual(['D_AE = 50 km', 'D_AE = 250 km', 'D_AE = 500 km', 'D_AE = 750 km', 'D_AE = 950 km']);
  });

  it('rejects an unknown figure id, naming the option and the ids', () => {
    const r = cli(['figures', '--out', tmp('keyrate-fig-'), '--only', 'fig9']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/invalid only: "fig9" \(allowed: leakage-fig1, leakage-fig2/);
  });

  it('every paper figure is listed; those whose model is missing are reported as skipped, not faked', () => {
    const out = tmp('keyrate-fig-');
    const r = cli(['figures', '--out', out, '--quick', '--only', 'amplified-fig5', '--json']);
    const rep = JSON.parse(r.stdout)[0];
    if (rep.status === 'skipped') {
      expect(rep.reason).toMatch(/does not export naturalLosses/);
      expect(existsSync(join(out, 'amplified-fig5.svg'))).toBe(false);
    } else {
      expect(rep.status).toBe('ok');
      expect(existsSync(join(out, 'amplified-fig5.svg'))).toBe(true);
    }
  });
});
