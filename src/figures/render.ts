/**
 * Figure plumbing: evaluate curves through the sweep evaluators (warm starts along each curve),
 * build a vega-lite line chart, compile it to vega and render SVG headless with
 * `new vega.View(runtime, { renderer: 'none' }).toSVG()` (no canvas needed), and write the CSV
 * behind each chart.
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { getEvaluator, type Point } from '../sweep/evaluators.js';
import { csvOfObjects } from '../util/outputs.js';
import { MODELS } from '../models/registry.js';
import { evaluatePoints } from '../sweep/points.js';
import type { SegmentPool } from '../sweep/runner.js';

export type DataRow = Record<string, unknown>;

export interface FigureOptions {
  /** Coarse grids (the `--quick` flag): every figure in a few seconds. */
  quick: boolean;
  backend?: string;
  /** Panel filter (from `--only` panel ids such as amplified-fig1b); figures with several panels
   *  skip the computation of panels it rejects. Default: every panel. */
  wants?: (panelId: string) => boolean;
  /** Worker threads for curve points (default 1: the main thread). */
  workers?: number;
  /** Worker pool for curve points (generateFigures makes one for `workers` > 1). */
  pool?: SegmentPool;
}

export interface Panel {
  /** File stem: `<figure id>` or `<figure id><panel letter>`. */
  id: string;
  title: string;
  /** One row per plotted point (plus any extra columns worth keeping in the CSV). */
  rows: DataRow[];
  columns: string[];
  chart: TopLevelSpec;
  /** Things a reader needs to re-derive the numbers (inputs, method, tolerance, evaluations). */
  notes: string[];
}

export interface Figure {
  id: string;
  paper: 'L' | 'A';
  label: string;
  /** The paper's caption, shortened. */
  caption: string;
  /** Model functions the figure needs: `engine.fn`. */
  requires: string[];
  /** Panel ids when the figure has several (each selectable with `--only`); default [id]. */
  panels?: string[];
  build(opts: FigureOptions): Promise<Panel[]>;
}

/** Evaluate one curve: points along one parameter, warm-started in order. */
export async function curve(
  engine: string,
  quantity: string,
  base: Point,
  axis: string,
  values: (number | string)[],
  opts: FigureOptions & { optimize?: Record<string, unknown>; independent?: boolean },
): Promise<DataRow[]> {
  const ev = getEvaluator(engine, quantity);
  const points = values.map((v) => ({ ...base, [axis]: v }));
  if (ev.checkBackend) for (const p of points) ev.checkBackend(p, opts.backend ?? 'auto');
  const results = await evaluatePoints(engine, quantity, points, { backend: opts.backend, optimize: opts.optimize, independent: opts.independent, pool: opts.pool });
  return points.map((p, i) => {
    const r = results[i]!;
    if (r.error) throw new Error(`${engine} ${quantity} at ${JSON.stringify(p)}: ${r.error}`);
    const row: DataRow = { ...p };
    for (const c of ev.outputs) row[c] = r.outputs[c];
    row['ms'] = r.ms;
    if (r.backend) row['backend'] = r.backend;
    return row;
  });
}

export interface LineChartOptions {
  title: string;
  x: { field: string; title: string; scale?: 'linear' | 'log'; domain?: [number, number] };
  y: { field: string; title: string; scale?: 'linear' | 'log'; domain?: [number, number] };
  series: { field: string; title: string; order?: string[] };
  points?: boolean;
  /** vega expression: rows failing it are not drawn (e.g. `datum.rate > 0` on a log axis). */
  filter?: string;
  width?: number;
  height?: number;
}

/** A vega-lite line chart with one coloured series per value of `series.field` and a legend. */
export function lineChart(rows: DataRow[], o: LineChartOptions): TopLevelSpec {
  const values = rows.map((r) => ({ [o.x.field]: r[o.x.field], [o.y.field]: r[o.y.field], [o.series.field]: String(r[o.series.field]) }));
  const scale = (s?: 'linear' | 'log', domain?: [number, number]) => ({
    type: s ?? 'linear',
    ...(domain ? { domain, clamp: true } : {}),
    ...(s === 'log' ? {} : { zero: false }),
  });
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: o.title,
    width: o.width ?? 480,
    height: o.height ?? 320,
    background: 'white',
    data: { values },
    ...(o.filter ? { transform: [{ filter: o.filter }] } : {}),
    mark: { type: 'line', point: o.points ?? false, clip: true },
    encoding: {
      x: { field: o.x.field, type: 'quantitative', title: o.x.title, scale: scale(o.x.scale, o.x.domain), axis: o.x.scale === 'log' ? { format: '.0e' } : {} },
      y: { field: o.y.field, type: 'quantitative', title: o.y.title, scale: scale(o.y.scale, o.y.domain), axis: o.y.scale === 'log' ? { format: '.0e' } : {} },
      color: {
        field: o.series.field, type: 'nominal', title: o.series.title, legend: { labelLimit: 0 },
        ...(o.series.order ? { sort: o.series.order, scale: { domain: o.series.order } } : {}),
      },
    },
  };
  return spec as unknown as TopLevelSpec;
}

/** vega-lite -> vega -> SVG, headless. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const runtime = vega.parse(compile(spec).spec);
  const view = new vega.View(runtime, { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** CSV of rows (nested values as JSON, non-finite numbers as text). */
export function toCsv(columns: string[], rows: DataRow[]): string {
  return csvOfObjects(columns, rows);
}

/**
 * Plot grid on [from, to]: `from`, every multiple of `step` strictly inside, `to`, plus `extra`
 * points (e.g. a threshold), rounded to 12 digits, sorted and distinct.
 */
export function gridWith(from: number, to: number, step: number, extra: number[] = []): number[] {
  const xs = [from, to, ...extra];
  for (let k = Math.floor(from / step) + 1; k * step < to - 1e-12; k++) xs.push(k * step);
  return [...new Set(xs.map((x) => Number(x.toPrecision(12))))].filter((x) => x >= from && x <= to).sort((a, b) => a - b);
}

/** The leakage model's corrected closed-form threshold v* (uniform leakage), [L] Thm. 2 / SPEC.md 2. */
export async function closedFormThreshold(dim: number, parties: number, leakage: number): Promise<number> {
  return (await MODELS.leakage.load()).thresholdClosedForm(dim, parties, leakage, 'uniform');
}
