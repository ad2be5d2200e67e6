// Benchmark harness pieces: statistics, the result format, floors, and the Markdown/SVG report.

/** What a benchmark module's `run()` returns, one entry per figure. */
export interface BenchResult {
  name: string;
  unit: string;
  samples: number[];
  /** The ceiling or peer measured in the same run (e.g. the bulk-insert loop), same unit. */
  reference?: { name: string; samples: number[] };
  /** For counts: the minimum possible (e.g. Graph requests per operation). */
  minimum?: number;
  /** Higher is better (throughput) or lower is better (latency, cost). */
  better?: 'higher' | 'lower';
}

/** A floor next to the benchmark: CI fails when `ratio` (ours / reference, or minimum / ours) drops below it. */
export interface Floor {
  /** Substring of the result name. */
  match: string;
  minRatio: number;
}

export interface BenchModule {
  run(opts: { quick: boolean }): Promise<BenchResult[]>;
  floors?: Floor[];
}

export function quantile(xs: number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

export interface Summary {
  module: string;
  name: string;
  unit: string;
  n: number;
  median: number;
  p99: number;
  reference: { name: string; median: number } | null;
  minimum: number | null;
  /** ours/reference for higher-is-better, reference/ours for lower-is-better; minimum/median for counts. */
  ratio: number | null;
  floor: number | null;
  pass: boolean;
}

export function summarize(module: string, r: BenchResult, floors: Floor[]): Summary {
  const median = quantile(r.samples, 0.5);
  const refMedian = r.reference ? quantile(r.reference.samples, 0.5) : null;
  let ratio: number | null = null;
  if (refMedian !== null && median > 0)
    ratio = (r.better ?? 'higher') === 'higher' ? median / refMedian : refMedian / median;
  else if (r.minimum !== undefined && median > 0) ratio = r.minimum / median;
  const floor = floors.find((f) => r.name.includes(f.match))?.minRatio ?? null;
  return {
    module,
    name: r.name,
    unit: r.unit,
    n: r.samples.length,
    median,
    p99: quantile(r.samples, 0.99),
    reference: r.reference && refMedian !== null ? { name: r.reference.name, median: refMedian } : null,
    minimum: r.minimum ?? null,
    ratio,
    floor,
    pass: floor === null || (ratio !== null && ratio >= floor),
  };
}

const fmt = (x: number | null) =>
  x === null || Number.isNaN(x)
    ? '–'
    : Math.abs(x) >= 100
      ? x.toFixed(0)
      : Math.abs(x) >= 1
        ? x.toFixed(2)
        : x.toPrecision(3);

export function markdown(rows: Summary[], meta: { command: string; date: string; node: string; cpus: number }): string {
  const lines = [
    `# Benchmark results`,
    '',
    `Command: \`${meta.command}\` — ${meta.date}, Node ${meta.node}, ${meta.cpus} CPUs (shared, noisy machine: compare ratios measured in the same run).`,
    '',
    '| benchmark | figure | unit | n | median | p99 | reference (median) | ratio | floor | ok |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${r.module} | ${r.name} | ${r.unit} | ${r.n} | ${fmt(r.median)} | ${fmt(r.p99)} | ${r.reference ? `${r.reference.name}: ${fmt(r.reference.median)}` : r.minimum !== null ? `minimum: ${r.minimum}` : '–'} | ${fmt(r.ratio)} | ${r.floor ?? '–'} | ${r.pass ? 'yes' : '**NO**'} |`,
    ),
    '',
  ];
  return lines.join('\n');
}

/** A horizontal bar chart (SVG) of median vs p99 for the chosen rows. */
export function svgChart(title: string, rows: Summary[]): string {
  const w = 900;
  const rowH = 26;
  const h = 50 + rows.length * rowH;
  const max = Math.max(1e-9, ...rows.map((r) => (Number.isFinite(r.p99) ? r.p99 : 0)));
  const x0 = 380;
  const scale = (v: number) => ((w - x0 - 90) * v) / max;
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const bars = rows
    .map((r, i) => {
      const y = 40 + i * rowH;
      return `<text x="${x0 - 8}" y="${y + 14}" text-anchor="end" font-size="12">${esc(r.name.slice(0, 55))}</text>
<rect x="${x0}" y="${y + 2}" width="${scale(r.p99).toFixed(1)}" height="16" fill="#c7d7f0"/>
<rect x="${x0}" y="${y + 2}" width="${scale(r.median).toFixed(1)}" height="16" fill="#2f6fb2"/>
<text x="${x0 + scale(r.p99) + 6}" y="${y + 14}" font-size="11">${fmt(r.median)} / ${fmt(r.p99)} ${esc(r.unit)}</text>`;
    })
    .join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif">
<text x="10" y="22" font-size="15" font-weight="bold">${esc(title)} (dark: median, light: p99)</text>
${bars}
</svg>
`;
}
