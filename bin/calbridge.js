#!/usr/bin/env node
// calbridge command-line entry. An installed package (no src/ beside it) and a production start (NODE_ENV=production)
// run the built JavaScript in dist/ (`npm run build`); a development checkout runs the TypeScript sources through tsx,
// so `npm ci && npm start` needs no build step.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(root, 'dist', 'src', 'main', 'cli.js');
const source = join(root, 'src', 'main', 'cli.ts');
const useBuilt = !existsSync(source) || process.env.NODE_ENV === 'production' || process.env.CALBRIDGE_BUILT === '1';
if (useBuilt) {
  if (!existsSync(built)) {
    process.stderr.write(
      'calbridge: dist/ is missing: run `npm run build` first (a production start runs the build)\n',
    );
    process.exit(1);
  }
  await import(pathToFileURL(built).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(source).href);
}
