// Generates web/src/api/types.gen.ts from the server's OpenAPI document (what /docs/json serves): `npx tsx web/scripts/gen-api-types.ts`.
// Deprecated operations (the /api/outlook/calendar aliases) are left out, so the web app can only call canonical paths.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';

/** Where the generated types live. */
export const TYPES_FILE = fileURLToPath(new URL('../src/api/types.gen.ts', import.meta.url));

type Schema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
  nullable?: boolean;
  description?: string;
};
interface Operation {
  deprecated?: boolean;
  parameters?: Array<{ in: string; name: string; required?: boolean; schema?: Schema }>;
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Schema }> };
  responses?: Record<string, { content?: Record<string, { schema?: Schema }> }>;
}
/** The parts of an OpenAPI 3 document the generator reads. */
export interface OpenApiDoc {
  paths?: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const ident = (name: string) => name.replace(/[^A-Za-z0-9_]/g, '_');
const key = (name: string) => (/^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name));

/** One JSON Schema as a TypeScript type expression. */
export function tsType(s: Schema | undefined, indent = ''): string {
  if (!s) return 'unknown';
  let t = tsTypeInner(s, indent);
  if (s.nullable) t = `${t} | null`;
  return t;
}

function tsTypeInner(s: Schema, indent: string): string {
  if (s.$ref) return `Schemas[${JSON.stringify(s.$ref.split('/').pop())}]`;
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(' | ') || 'never';
  if (s.anyOf || s.oneOf) return [...new Set((s.anyOf ?? s.oneOf)!.map((x) => wrap(tsType(x, indent))))].join(' | ');
  if (s.allOf) return s.allOf.map((x) => wrap(tsType(x, indent))).join(' & ');
  if (Array.isArray(s.type)) return s.type.map((t) => tsTypeInner({ ...s, type: t }, indent)).join(' | ');
  switch (s.type) {
    case 'string':
      return 'string';
    case 'integer':
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    case 'array':
      return `Array<${tsType(s.items, indent)}>`;
    case 'object':
    case undefined:
      return objectType(s, indent);
    default:
      return 'unknown';
  }
}

const wrap = (t: string) => (t.includes(' | ') || t.includes(' & ') ? `(${t})` : t);

function objectType(s: Schema, indent: string): string {
  const inner = `${indent}  `;
  const req = new Set(s.required ?? []);
  const lines = Object.entries(s.properties ?? {}).map(
    ([k, v]) => `${inner}${key(k)}${req.has(k) ? '' : '?'}: ${tsType(v, inner)};`,
  );
  if (s.additionalProperties && typeof s.additionalProperties === 'object')
    lines.push(`${inner}[key: string]: ${tsType(s.additionalProperties, inner)};`);
  else if (s.additionalProperties === true && s.properties) lines.push(`${inner}[key: string]: unknown;`);
  else if (!s.properties && s.additionalProperties !== false) lines.push(`${inner}[key: string]: unknown;`);
  return lines.length ? `{\n${lines.join('\n')}\n${indent}}` : 'Record<string, never>';
}

function operationType(op: Operation, indent: string): string {
  const inner = `${indent}  `;
  const params = (where: string) => {
    const ps = (op.parameters ?? []).filter((p) => p.in === where);
    if (!ps.length) return 'never';
    return `{ ${ps.map((p) => `${key(p.name)}${p.required ? '' : '?'}: ${tsType(p.schema, inner)}`).join('; ')} }`;
  };
  const bodySchema = op.requestBody?.content?.['application/json']?.schema;
  const ok = Object.keys(op.responses ?? {})
    .filter((c) => /^2\d\d$/.test(c))
    .sort();
  const first = ok[0];
  const resSchema = first ? op.responses![first]!.content?.['application/json']?.schema : undefined;
  const response = first === '204' || !resSchema ? 'null' : tsType(resSchema, inner);
  return [
    '{',
    `${inner}params: ${params('path')};`,
    `${inner}query: ${params('query')};`,
    `${inner}body: ${bodySchema ? tsType(bodySchema, inner) : 'never'};`,
    `${inner}response: ${response};`,
    `${indent}}`,
  ].join('\n');
}

/** The generated module's text for a document, formatted with the repository's Prettier settings. */
export async function renderTypes(doc: OpenApiDoc): Promise<string> {
  const prettier = await import('prettier');
  const options = (await prettier.resolveConfig(TYPES_FILE)) ?? {};
  return prettier.format(renderRaw(doc), { ...options, parser: 'typescript' });
}

function renderRaw(doc: OpenApiDoc): string {
  const out: string[] = [
    '// GENERATED from the server’s OpenAPI document (/docs/json) by web/scripts/gen-api-types.ts. DO NOT EDIT.',
    '// Regenerate with `npx tsx web/scripts/gen-api-types.ts`; test/e2e/web-api-types.test.ts fails when it drifts.',
    '',
    'export interface Schemas {',
  ];
  for (const [name, s] of Object.entries(doc.components?.schemas ?? {}).sort(([a], [b]) => a.localeCompare(b)))
    out.push(`  ${key(ident(name))}: ${tsType(s, '  ')};`);
  out.push('}', '', 'export interface Paths {');
  for (const [path, ops] of Object.entries(doc.paths ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    const methods = METHODS.filter((m) => ops[m] && !ops[m].deprecated);
    if (!methods.length) continue;
    out.push(`  ${JSON.stringify(path)}: {`);
    for (const m of methods) out.push(`    ${m}: ${operationType(ops[m]!, '    ')};`);
    out.push('  };');
  }
  out.push('}', '');
  return out.join('\n');
}

/** Builds the whole server app (test mode, in-memory database, no emulator) and returns its OpenAPI document. */
export async function serverOpenApi(): Promise<OpenApiDoc> {
  const { loadConfig } = await import('../../src/config/config.js');
  const { openDatabase } = await import('../../src/stores/database.js');
  const { createRuntime } = await import('../../src/main/runtime.js');
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
    return app.swagger() as OpenApiDoc;
  } finally {
    await runtime.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = await renderTypes(await serverOpenApi());
  writeFileSync(TYPES_FILE, text);
  console.log(`wrote ${TYPES_FILE} (${text.length} bytes)`);
}
