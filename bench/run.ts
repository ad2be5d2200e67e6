// `npm run bench [-- --quick] [-- --only name] [-- --out name]`: runs every bench/*.bench.ts, writes
// bench/results/latest.{json,md} and SVG charts, and exits non-zero when a ratio falls below the floor written next to
// its benchmark. A partial run (`--only`) writes `latest-<name>.*` so it never replaces the committed full run.
import { readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { markdown, summarize, svgChart, type BenchModule, type Summary } from './harness.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const outName = args.includes('--out') ? args[args.indexOf('--out') + 1] : undefined;
if (outName !== undefined && !/^[a-z0-9][a-z0-9._-]*$/i.test(outName)) {
  process.stderr.write(`--out must be a plain file name, got "${outName}"\n`);
  process.exit(2);
}

const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => !only || f.includes(only))
  .sort();
const rows: Summary[] = [];
const failures: string[] = [];
for (const f of files) {
  const name = f.replace(/\.bench\.ts$/, '');
  const started = Date.now();
  process.stdout.write(`bench ${name}${quick ? ' (quick)' : ''} … `);
  try {
    const mod = (await import(pathToFileURL(join(here, f)).href)) as BenchModule;
    const results = await mod.run({ quick });
    for (const r of results) rows.push(summarize(name, r, mod.floors ?? []));
    process.stdout.write(`${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  } catch (e) {
    failures.push(`${name}: ${e instanceof Error ? e.message : String(e)}`);
    process.stdout.write('failed\n');
  }
}
const meta = {
  // the BENCH_* variables that shaped the run are part of the command
  command: [
    ...Object.entries(process.env)
      .filter(([k, v]) => k.startsWith('BENCH_') && v)
      .map(([k, v]) => `${k}=${v}`),
    `npm run bench${args.length ? ` -- ${args.join(' ')}` : ''}`,
  ].join(' '),
  date: new Date().toISOString(),
  node: process.version,
  cpus: cpus().length,
};
const out = join(here, 'results');
mkdirSync(out, { recursive: true });
const base = outName ?? `latest${only ? `-${only.replace(/[^a-z0-9._-]/gi, '_')}` : ''}`;
const q = quick ? '-quick' : '';
writeFileSync(join(out, `${base}${q}.json`), JSON.stringify({ meta, results: rows, failures }, null, 2) + '\n');
writeFileSync(join(out, `${base}${q}.md`), markdown(rows, meta));
// the full run's charts keep their names (sync-throughput.svg, latency.svg); others are prefixed with the base name
const chart = (kind: string) => join(out, `${base === 'latest' ? '' : `${base}-`}${kind}${q}.svg`);
const chartRows = (re: RegExp) => rows.filter((r) => re.test(`${r.module} ${r.name}`) && Number.isFinite(r.median));
const throughput = chartRows(/sync|throughput|events\/s/i);
const latency = chartRows(/latency|availability|find|approval|overhead/i);
if (throughput.length) writeFileSync(chart('sync-throughput'), svgChart('Sync throughput', throughput));
if (latency.length) writeFileSync(chart('latency'), svgChart('Latency', latency));
process.stdout.write('\n' + markdown(rows, meta));
const below = rows.filter((r) => !r.pass);
for (const r of below) failures.push(`${r.module} / ${r.name}: ratio ${r.ratio?.toFixed(3)} below floor ${r.floor}`);
if (failures.length) {
  process.stderr.write(`\nbenchmark failures:\n${failures.map((f) => `- ${f}`).join('\n')}\n`);
  process.exit(1);
}
