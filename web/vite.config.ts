// Vite configuration of the web app: React, built into web/dist (the server builds it on start when stale). Every
// text file of the build is also written precompressed (.br and .gz) for the server to send as it is.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * Writes `<file>.br` (brotli 10: within 2 % of 11 at a third of the time) and `<file>.gz` (gzip -9) next to every text file worth compressing. From the
 * files on disk once the bundle is written: in generateBundle the chunks may still hold placeholders that later
 * plugins replace (Vite's __VITE_PRELOAD__ for dynamic imports).
 */
function precompress(): Plugin {
  return {
    name: 'calbridge-precompress',
    apply: 'build',
    enforce: 'post',
    async writeBundle(options, bundle) {
      const dir = options.dir ?? join(root, 'dist');
      await Promise.all(
        Object.keys(bundle)
          .filter((name) => /\.(js|mjs|css|html|svg|json|txt)$/.test(name))
          .map(async (name) => {
            const raw = await readFile(join(dir, name));
            if (raw.length < 1024) return;
            const br = brotliCompressSync(raw, {
              params: { [zlib.BROTLI_PARAM_QUALITY]: 10, [zlib.BROTLI_PARAM_SIZE_HINT]: raw.length },
            });
            await writeFile(join(dir, `${name}.br`), br);
            await writeFile(join(dir, `${name}.gz`), gzipSync(raw, { level: 9 }));
          }),
      );
    },
  };
}

export default defineConfig({
  root,
  plugins: [react(), precompress()],
  // The web app calls the API through the package's own client (src/client), as an integrator imports it.
  resolve: { alias: { 'calbridge/client': fileURLToPath(new URL('../src/client/index.ts', import.meta.url)) } },
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    // The largest production chunk is about 220 kB since the pages are split (App.tsx); the warning says when one
    // grows far past that. (Under vitest, NODE_ENV=test, the server's own build bundles React's development build,
    // 431 kB, and plugin-react's development JSX with it: the limit leaves room for that.)
    chunkSizeWarningLimit: 500,
    rolldownOptions: {
      output: {
        // Libraries in chunks of their own, so a release that changes only the app's code leaves them cached (their
        // hashed names stay the same). React and TanStack Query are on every page; FullCalendar (with the Preact it
        // renders with), luxon and DOMPurify come with the pages that use them.
        codeSplitting: {
          groups: [
            { name: 'react', test: /[\\/]node_modules[\\/](react|react-dom|scheduler)[\\/]/ },
            { name: 'query', test: /[\\/]node_modules[\\/]@tanstack[\\/]/ },
            { name: 'luxon', test: /[\\/]node_modules[\\/]luxon[\\/]/ },
            { name: 'dompurify', test: /[\\/]node_modules[\\/]dompurify[\\/]/ },
            // after luxon: a group takes the modules its own import (FullCalendar's luxon3 plugin imports luxon)
            { name: 'fullcalendar', test: /[\\/]node_modules[\\/](@fullcalendar|preact)[\\/]/ },
          ],
        },
      },
    },
  },
  logLevel: 'warn',
});
