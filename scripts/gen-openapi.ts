// Generates openapi.json (repository root) from the running app's OpenAPI document (what /docs/json serves):
// `npm run gen:openapi`. test/e2e/openapi-document.test.ts fails when the committed file drifts from the server.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';

/** Where the committed document lives. */
export const OPENAPI_FILE = fileURLToPath(new URL('../openapi.json', import.meta.url));

/** The note the committed document carries (top-level `x-generated`); the served document has none. */
export const GENERATED_NOTE =
  'GENERATED from the server’s OpenAPI document (/docs/json) by scripts/gen-openapi.ts. DO NOT EDIT: run `npm run gen:openapi`.';

const METHOD_ORDER = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
type Json = Record<string, unknown>;

const byKey = (o: Json, order: (a: string, b: string) => number = (a, b) => (a < b ? -1 : a > b ? 1 : 0)): Json =>
  Object.fromEntries(Object.entries(o).sort(([a], [b]) => order(a, b)));
const methodRank = (m: string) => (METHOD_ORDER.includes(m) ? METHOD_ORDER.indexOf(m) : METHOD_ORDER.length);

/**
 * The document in a form that is the same on every run: paths, methods, component schemas and tags in a fixed order
 * (registration order is not part of the API), plus the generated note. Nothing in the served document is time- or
 * machine-dependent; the test that compares it would notice if something became so.
 */
export function stableOpenApi(doc: object): Json {
  const d = structuredClone(doc) as Json & {
    paths?: Record<string, Json>;
    components?: Json & { schemas?: Json };
    tags?: Array<{ name: string }>;
  };
  if (d.paths)
    d.paths = Object.fromEntries(
      Object.entries(byKey(d.paths)).map(([p, ops]) => [
        p,
        byKey(ops as Json, (a, b) => methodRank(a) - methodRank(b) || (a < b ? -1 : a > b ? 1 : 0)),
      ]),
    ) as Record<string, Json>;
  if (d.components?.schemas) d.components.schemas = byKey(d.components.schemas);
  if (d.tags) d.tags = [...d.tags].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { 'x-generated': GENERATED_NOTE, ...d };
}

/** The text of openapi.json for a served document, formatted with the repository's Prettier settings. */
export async function renderOpenApi(doc: object): Promise<string> {
  const prettier = await import('prettier');
  const options = (await prettier.resolveConfig(OPENAPI_FILE)) ?? {};
  return prettier.format(JSON.stringify(stableOpenApi(doc), null, 2), { ...options, parser: 'json' });
}

/** Builds the whole server app (test mode, in-memory database, no emulator) and returns its OpenAPI document. */
export async function serverOpenApi(): Promise<object> {
  const { loadConfig } = await import('../src/config/config.js');
  const { openDatabase } = await import('../src/stores/database.js');
  const { createRuntime } = await import('../src/main/runtime.js');
  const dir = mkdtempSync(join(tmpdir(), 'cb-openapi-'));
  const config = loadConfig({
    CALBRIDGE_DATA_DIR: dir,
    LOG_LEVEL: 'silent',
    CALBRIDGE_TEST_MODE: 'true',
    CALBRIDGE_START_EMULATOR: 'false',
    CALBRIDGE_EMBEDDED_WORKER: 'false',
  });
  const database = await openDatabase({ url: null, dataDir: null });
  const runtime = await createRuntime(config, { database, migrate: true, logStream: new PassThrough().resume() });
  try {
    const app = await runtime.http();
    await app.ready();
    return app.swagger();
  } finally {
    await runtime.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = await renderOpenApi(await serverOpenApi());
  writeFileSync(OPENAPI_FILE, text);
  console.log(`wrote ${OPENAPI_FILE} (${text.length} bytes)`);
}
