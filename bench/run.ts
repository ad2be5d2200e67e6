// `npm run bench [-- --quick] [-- --only name]`: runs every bench/*.bench.ts, writes bench/results/latest.{json,md} and SVG charts,
// and exits non-zero when a ratio falls below the floor written next to its benchmark.
import { readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { markdown, summarize, svgChart, type BenchModule, type Summary } from './harness.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;

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
  command: `npm run bench${args.length ? ` -- ${args.join(' ')}` : ''}`,
  date: new Date().toISOString(),
  node: process.version,
  cpus: cpus().length,
};
const out = join(here, 'results');
mkdirSync(out, { recursive: true });
const suffix = quick ? '-quick' : '';
writeFileSync(join(out, `latest${suffix}.json`), JSON.stringify({ meta, results: rows, failures }, null, 2) + '\n');
writeFileSync(join(out, `latest${suffix}.md`), markdown(rows, meta));
const chartRows = (re: RegExp) => rows.filter((r) => re.test(`${r.module} ${r.name}`) && Number.isFinite(r.median));
const throughput = chartRows(/sync|throughput|events\/s/i);
const latency = chartRows(/latency|availability|find|approval|overhead/i);
if (throughput.length)
  writeFileSync(join(out, `sync-throughput${suffix}.svg`), svgChart('Sync throughput', throughput));
if (latency.length) writeFileSync(join(out, `latency${suffix}.svg`), svgChart('Latency', latency));
process.stdout.write('\n' + markdown(rows, meta));
const below = rows.filter((r) => !r.pass);
for (const r of below) failures.push(`${r.module} / ${r.name}: ratio ${r.ratio?.toFixed(3)} below floor ${r.floor}`);
if (failures.length) {
  process.stderr.write(`\nbenchmark failures:\n${failures.map((f) => `- ${f}`).join('\n')}\n`);
  process.exit(1);
}
