// Measures the built web app (`npm run build:web`, or a folder given as the first argument): every chunk raw, gzip
// and brotli (the .gz/.br files the build writes, which the server sends), the total, and what a browser downloads for
// the first page: the sign-in page (index.html's script, its static imports and stylesheet) and the calendar (that
// plus the calendar page's chunk, its static imports and CSS). `npx tsx scripts/web-bundle-size.ts [dist]`.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';

interface Size {
  raw: number;
  gzip: number;
  brotli: number;
}

const dist = process.argv[2] ?? join(import.meta.dirname, '..', 'web', 'dist');
const assets = join(dist, 'assets');

function size(file: string): Size {
  const path = join(assets, file);
  const raw = readFileSync(path);
  // files under 1 KB are not precompressed (the server compresses them itself): measure them the same way
  const br = existsSync(`${path}.br`) ? statSync(`${path}.br`).size : brotliCompressSync(raw).length;
  const gz = existsSync(`${path}.gz`) ? statSync(`${path}.gz`).size : gzipSync(raw, { level: 9 }).length;
  return { raw: raw.length, gzip: gz, brotli: br };
}

const sum = (files: Iterable<string>): Size & { files: number } => {
  const out = { raw: 0, gzip: 0, brotli: 0, files: 0 };
  for (const f of files) {
    const s = size(f);
    out.raw += s.raw;
    out.gzip += s.gzip;
    out.brotli += s.brotli;
    out.files++;
  }
  return out;
};

/** A chunk and every chunk it imports statically (`from"./x.js"`, `import"./x.js"`), transitively. */
function closure(start: string[], into = new Set<string>()): Set<string> {
  for (const f of start) {
    if (into.has(f)) continue;
    into.add(f);
    if (!f.endsWith('.js')) continue;
    const code = readFileSync(join(assets, f), 'utf8');
    const next = [...code.matchAll(/(?:from|import)\s*["']\.\/([\w.-]+\.js)["']/g)].map((m) => m[1]!);
    closure(next, into);
  }
  return into;
}

const files = readdirSync(assets).filter((f) => /\.(js|css)$/.test(f));
const js = files.filter((f) => f.endsWith('.js'));
const html = readFileSync(join(dist, 'index.html'), 'utf8');
const linked = [...html.matchAll(/(?:src|href)="\/assets\/([\w.-]+\.(?:js|css))"/g)].map((m) => m[1]!);
const entry = linked.find((f) => f.endsWith('.js') && html.includes(`src="/assets/${f}"`))!;
const signIn = closure(linked);

// the calendar page's chunk and the files Vite preloads with it (its __vite__mapDeps list in the entry)
const entryCode = readFileSync(join(assets, entry), 'utf8');
const depList = /m\.f=(\[[^\]]*\])/.exec(entryCode);
const deps: string[] = depList ? (JSON.parse(depList[1]!) as string[]).map((d) => d.replace(/^assets\//, '')) : [];
const calendarChunk = js.find((f) => /^calendar-[\w-]+\.js$/.test(f));
const calendarCall = calendarChunk
  ? new RegExp(`import\\(\`\\./${calendarChunk.replace(/[.-]/g, '\\$&')}\`\\),__vite__mapDeps\\(\\[([\\d,]*)\\]`).exec(
      entryCode,
    )
  : null;
const calendarDeps = calendarCall ? calendarCall[1]!.split(',').map((i) => deps[Number(i)]!) : [];
const calendar = closure(calendarChunk ? [calendarChunk, ...calendarDeps] : [], new Set(signIn));

const kB = (n: number) => `${(n / 1000).toFixed(1)} kB`;
const row = (name: string, s: Size & { files?: number }) =>
  `| ${name} | ${s.files ?? 1} | ${kB(s.raw)} | ${kB(s.gzip)} | ${kB(s.brotli)} |`;

console.log('| files | count | raw | gzip -9 | brotli |');
console.log('| --- | --- | --- | --- | --- |');
console.log(row('all JS', sum(js)));
console.log(row('all CSS', sum(files.filter((f) => f.endsWith('.css')))));
console.log(row('sign-in page (JS)', sum([...signIn].filter((f) => f.endsWith('.js')))));
console.log(row('sign-in page (JS + CSS)', sum(signIn)));
console.log(row('calendar page (JS)', sum([...calendar].filter((f) => f.endsWith('.js')))));
console.log(row('calendar page (JS + CSS)', sum(calendar)));
console.log('');
console.log('| chunk | raw | gzip -9 | brotli |');
console.log('| --- | --- | --- | --- |');
for (const f of files.sort((a, b) => size(b).raw - size(a).raw)) {
  const s = size(f);
  console.log(`| ${f.replace(/-[\w-]{8}\.(js|css)$/, '.$1')} | ${kB(s.raw)} | ${kB(s.gzip)} | ${kB(s.brotli)} |`);
}
