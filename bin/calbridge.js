#!/usr/bin/env node
// calbridge command-line entry. An installed package (no src/ beside it) and a production start (NODE_ENV=production)
// run the built JavaScript in dist/ (`npm run build`); a development checkout runs the TypeScript sources, so
// `npm ci && npm start` needs no build step: they are transpiled file by file (esbuild, which tsx brings) into
// node_modules/.cache/calbridge-start/<hash of the sources' names, sizes and times>/ when they changed, and that runs
// with plain Node. Loading every module through tsx's import hooks took about 2 s of CPU of each start (issue 20);
// the transpile takes about 1 s, once per change of the sources. CALBRIDGE_TSX=1 runs the sources through tsx instead.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(root, 'dist', 'src', 'main', 'cli.js');
const source = join(root, 'src', 'main', 'cli.ts');
const useBuilt = !existsSync(source) || process.env.NODE_ENV === 'production' || process.env.CALBRIDGE_BUILT === '1';

/** Bumped when the transpile below changes, so older outputs are not reused. */
const TRANSPILE_VERSION = 1;
const CACHE = join(root, 'node_modules', '.cache', 'calbridge-start');

/** The TypeScript modules of src/ and emulator/ (tests left out), relative to the root. */
function sourceFiles() {
  const out = [];
  const walk = (rel) => {
    for (const e of readdirSync(join(root, rel), { withFileTypes: true })) {
      const p = join(rel, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith('.ts') && !p.endsWith('.test.ts') && !p.endsWith('.d.ts')) out.push(p);
    }
  };
  walk('src');
  walk('emulator');
  return out.sort();
}

/**
 * The transpiled sources' folder, made when missing. Each version of the sources gets a folder of its own, written
 * beside it and renamed into place whole, so processes starting at once never see half a folder and a running
 * process never has its modules replaced (some are imported on first use). Folders unused for an hour are removed
 * (a running process touches its own every 10 minutes), keeping the three newest.
 */
async function transpiled() {
  const require = createRequire(import.meta.resolve('tsx/esm/api'));
  const esbuildPath = require.resolve('esbuild');
  const esbuildVersion = createRequire(esbuildPath)('esbuild').version;
  const files = sourceFiles();
  const h = createHash('sha256').update(`${TRANSPILE_VERSION} ${esbuildVersion} ${process.version}\n`);
  for (const f of [...files, 'tsconfig.json']) {
    const s = statSync(join(root, f));
    h.update(`${f} ${s.size} ${s.mtimeMs}\n`);
  }
  const dir = join(CACHE, h.digest('hex').slice(0, 20));
  if (existsSync(dir)) {
    const now = new Date();
    utimesSync(dir, now, now);
    return dir;
  }
  const { build } = createRequire(esbuildPath)('esbuild');
  const tmp = `${dir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await build({
      entryPoints: files.map((f) => join(root, f)),
      outdir: tmp,
      outbase: root,
      format: 'esm',
      platform: 'node',
      target: `node${process.versions.node.split('.')[0]}`,
      tsconfig: join(root, 'tsconfig.json'),
      bundle: false,
      sourcemap: 'linked',
      logLevel: 'warning',
    });
    // ESM by its own package.json (the root's does not apply below node_modules); no name, so it is no package root.
    writeFileSync(join(tmp, 'package.json'), '{ "type": "module", "private": true }\n');
    try {
      renameSync(tmp, dir);
    } catch (e) {
      if (!existsSync(dir)) throw e; // else another process finished the same folder first
      rmSync(tmp, { recursive: true, force: true });
    }
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  prune(dir);
  return dir;
}

function prune(keep) {
  try {
    const dirs = readdirSync(CACHE)
      .map((n) => join(CACHE, n))
      .filter((p) => p !== keep)
      .map((p) => ({ p, t: statSync(p).mtimeMs }))
      .sort((a, b) => b.t - a.t);
    for (const { p, t } of dirs.slice(2)) if (Date.now() - t > 3_600_000) rmSync(p, { recursive: true, force: true });
  } catch {
    // another process pruning at the same time
  }
}

if (useBuilt) {
  if (!existsSync(built)) {
    process.stderr.write(
      'calbridge: dist/ is missing: run `npm run build` first (a production start runs the build)\n',
    );
    process.exit(1);
  }
  await import(pathToFileURL(built).href);
} else if (process.env.CALBRIDGE_TSX !== '1') {
  const dir = await transpiled();
  // A running process keeps its folder in use (some modules are imported on first use): touched every 10 minutes.
  setInterval(() => {
    try {
      const now = new Date();
      utimesSync(dir, now, now);
    } catch {
      // removed by hand
    }
  }, 600_000).unref();
  process.setSourceMapsEnabled(true);
  await import(pathToFileURL(join(dir, 'src', 'main', 'cli.js')).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(source).href);
}
