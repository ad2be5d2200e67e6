// Vite configuration of the web app: React, built into web/dist (the server builds it on start when stale). Every
// text file of the build is also written precompressed (.br and .gz) for the server to send as it is.
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/** Writes `<file>.br` (brotli, best) and `<file>.gz` (gzip -9) next to every text file worth compressing. */
function precompress(): Plugin {
  return {
    name: 'calbridge-precompress',
    apply: 'build',
    generateBundle(_options, bundle) {
      for (const [name, out] of Object.entries(bundle)) {
        if (!/\.(js|mjs|css|html|svg|json|txt)$/.test(name)) continue;
        const source = out.type === 'chunk' ? out.code : out.source;
        const raw = typeof source === 'string' ? Buffer.from(source) : Buffer.from(source);
        if (raw.length < 1024) continue;
        const br = brotliCompressSync(raw, {
          params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: raw.length },
        });
        this.emitFile({ type: 'asset', fileName: `${name}.br`, source: br });
        this.emitFile({ type: 'asset', fileName: `${name}.gz`, source: gzipSync(raw, { level: 9 }) });
      }
    },
  };
}

export default defineConfig({
  root,
  plugins: [react(), precompress()],
  base: '/',
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 800 },
  logLevel: 'warn',
});
