// Every string a client sends is refused at the schema layer when it holds a NUL character (PostgreSQL refuses \u0000
// in text and jsonb) or an unpaired UTF-16 surrogate (not representable in UTF-8): 400 validation_failed naming the
// field, never a 5xx. Generated from the OpenAPI document, so a route added later is covered without an edit here.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestServer } from '../support/server.js';

type Server = Awaited<ReturnType<typeof createTestServer>>;
type Tenant = Awaited<ReturnType<Server['newTenant']>>;

interface Schema {
  type?: string | string[];
  $ref?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  enum?: unknown[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  nullable?: boolean;
}
interface Op {
  method: string;
  path: string;
  body: Schema | null;
  query: Array<{ name: string; schema: Schema }>;
}

let s: Server;
let a: Tenant;
let ops: Op[];
let components: Record<string, Schema>;

beforeAll(async () => {
  s = await createTestServer({ RATE_LIMIT_PER_MINUTE: '1000000', RATE_LIMIT_TENANT_PER_MINUTE: '1000000' });
  a = await s.newTenant('Strings');
  const doc = (await s.app.inject({ url: '/docs/json' })).json() as {
    paths: Record<
      string,
      Record<
        string,
        {
          requestBody?: { content?: Record<string, { schema?: Schema }> };
          parameters?: Array<{ in: string; name: string; schema: Schema }>;
        }
      >
    >;
    components?: { schemas?: Record<string, Schema> };
  };
  components = doc.components?.schemas ?? {};
  ops = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods)
      .filter(([m]) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
      .map(([m, op]) => ({
        method: m.toUpperCase(),
        path,
        body: op.requestBody?.content?.['application/json']?.schema ?? null,
        query: (op.parameters ?? []).filter((p) => p.in === 'query'),
      })),
  );
});

afterAll(async () => {
  await s?.close();
});

const resolve = (x: Schema): Schema =>
  x.$ref ? resolve(components[x.$ref.replace('#/components/schemas/', '')] ?? {}) : x;
const typeOf = (x: Schema) => (Array.isArray(x.type) ? x.type.find((t) => t !== 'null') : x.type);

/** A value the schema accepts (as far as this small generator knows formats), every property present. */
function valid(schema: Schema): fc.Arbitrary<unknown> {
  const x = resolve(schema);
  const alt = x.anyOf ?? x.oneOf;
  if (alt?.length) return valid(alt[0]!);
  if (x.allOf?.length) return valid(x.allOf[0]!);
  if (x.enum?.length) return fc.constantFrom(...x.enum);
  switch (typeOf(x) ?? '') {
    case 'string':
      switch (x.format ?? '') {
        case 'uuid':
          return fc.uuid();
        case 'email':
          return fc.constantFrom('ann@acme.example', 'bob@globex.example');
        case 'date-time':
          return fc.constantFrom('2026-03-02T10:00:00Z', '2026-03-02T11:00:00Z');
        case 'uri':
          return fc.constant('https://hooks.example.com/calbridge');
        default:
          return fc.stringMatching(/^[a-z]{3,12}$/).map((v) => v.slice(0, x.maxLength ?? 12));
      }
    case 'integer':
    case 'number':
      return fc.integer({ min: Math.ceil(x.minimum ?? 0), max: Math.min(Math.floor(x.maximum ?? 100), 1000) });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(valid(x.items ?? {}), { minLength: Math.max(1, x.minItems ?? 0), maxLength: 2 });
    case 'object':
      return fc.record(Object.fromEntries(Object.entries(x.properties ?? {}).map(([k, p]) => [k, valid(p)])));
    default:
      return fc.constant(null);
  }
}

/** Paths of the string leaves of a value the schema describes (where a bad string is put). */
function stringPaths(schema: Schema, value: unknown, at: Array<string | number> = []): Array<Array<string | number>> {
  const x = resolve(schema);
  const alt = x.anyOf ?? x.oneOf ?? x.allOf;
  if (alt?.length) return stringPaths(alt[0]!, value, at);
  if (typeof value === 'string') return [at];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringPaths(x.items ?? {}, v, [...at, i]));
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => stringPaths(x.properties?.[k] ?? {}, v, [...at, k]));
  return [];
}

function put(value: unknown, path: Array<string | number>, v: string): unknown {
  if (path.length === 0) return v;
  const [head, ...rest] = path;
  const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<string | number, unknown>;
  copy[head!] = put(copy[head!], rest, v);
  return copy;
}

/** A string with a NUL or an unpaired surrogate somewhere in it. */
const badString = fc
  .tuple(
    fc.string({ maxLength: 5 }),
    fc.constantFrom('\u0000', '\ud800', '\udfff', '\udc00\ud800', 'a\ud83d', '\ude00b'),
    fc.string({ maxLength: 5 }),
  )
  .map(([p, bad, q]) => p + bad + q);

const fill = (path: string) => path.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000');

describe('NUL characters and unpaired surrogates', () => {
  it('are refused with 400 validation_failed in every string of every route body', async () => {
    const withStrings = ops.filter((o) => o.body);
    expect(withStrings.length).toBeGreaterThan(20);
    let tried = 0;
    for (const op of withStrings) {
      const body = op.body!;
      await fc.assert(
        fc.asyncProperty(
          valid(body).chain((v) => {
            const paths = stringPaths(body, v);
            return paths.length ? fc.tuple(fc.constant(v), fc.constantFrom(...paths), badString) : fc.constant(null);
          }),
          async (c) => {
            if (!c) return;
            const [v, path, bad] = c;
            tried++;
            const payload = JSON.stringify(put(v, path, bad));
            const r = await s.app.inject({
              method: op.method as 'POST',
              url: fill(op.path),
              headers: { ...a.auth, 'content-type': 'application/json' },
              payload,
            });
            const where = `${op.method} ${op.path} ${payload.slice(0, 200)} → ${r.body.slice(0, 300)}`;
            expect(r.statusCode, where).toBe(400);
            expect(r.json().error.code, where).toBe('validation_failed');
          },
        ),
        { numRuns: 15, seed: 20260317 },
      );
    }
    expect(tried).toBeGreaterThan(100);
  });

  it('are refused with 400 validation_failed in every string query parameter', async () => {
    let tried = 0;
    for (const op of ops.filter((o) => o.path.startsWith('/api/'))) {
      for (const q of op.query) {
        const x = resolve(q.schema);
        const t = typeOf(x) === 'array' ? typeOf(resolve(x.items ?? {})) : typeOf(x);
        if (t !== 'string') continue;
        tried++;
        const url = `${fill(op.path)}?${q.name}=ab%00cd`;
        const r = await s.app.inject({ method: op.method as 'GET', url, headers: a.auth });
        expect(r.statusCode, `${op.method} ${url} → ${r.body.slice(0, 300)}`).toBe(400);
        expect(r.json().error.code).toBe('validation_failed');
      }
    }
    expect(tried).toBeGreaterThan(10);
  });

  it('never make the public Graph webhook (no body schema) answer 5xx: such items are ignored', async () => {
    for (const value of [
      [{ subscriptionId: 'ab\u0000c', clientState: 'x' }],
      [{ subscriptionId: 'a\ud800b' }],
      [{ subscriptionId: 'life', lifecycleEvent: 'missed\u0000' }],
    ]) {
      const r = await s.app.inject({
        method: 'POST',
        url: '/api/webhooks/microsoft/notifications',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ value }),
      });
      expect(r.statusCode, r.body).toBe(202);
      expect(r.json()).toEqual({ accepted: 0 });
    }
  });

  it('name the field in the error', async () => {
    const r = await s.app.inject({
      method: 'POST',
      url: '/api/customers',
      headers: a.auth,
      payload: { name: 'Acme\u0000Corp' },
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().error).toMatchObject({ code: 'validation_failed', details: { problems: [{ path: 'body/name' }] } });
    const list = await s.app.inject({ url: '/api/customers', headers: a.auth });
    expect(list.json().items).toEqual([]);
  });
});
