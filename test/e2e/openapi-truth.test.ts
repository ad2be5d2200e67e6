// The OpenAPI document tells the truth: every operation of the served document (/docs/json) is sent real requests
// (no key, unknown and foreign ids, invalid path, query and body, malformed JSON, a wrong content type, an oversize
// body, a request over the rate limit, and valid requests where one is easy to build), and every answer's status must
// be declared for that operation and its body must validate against the schema declared for that status.
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsPkg from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestServer } from '../support/server.js';

const addFormats = addFormatsPkg as unknown as (ajv: Ajv) => Ajv;

type Server = Awaited<ReturnType<typeof createTestServer>>;
type Tenant = Awaited<ReturnType<Server['newTenant']>>;
interface Param {
  name: string;
  in: string;
  schema?: { type?: string; format?: string; enum?: unknown[]; pattern?: string };
}
interface Operation {
  security?: unknown[];
  parameters?: Param[];
  requestBody?: unknown;
  responses: Record<string, { content?: Record<string, { schema?: object }> }>;
}
interface Doc {
  paths: Record<string, Record<string, Operation>>;
  components?: object;
}
interface Op {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  op: Operation;
  public: boolean;
}
interface Sent {
  label: string;
  method: Op['method'];
  url: string;
  headers?: Record<string, string>;
  payload?: string | Buffer;
}

const ZERO = '00000000-0000-4000-8000-000000000000';
const fill = (path: string, value: string) => path.replace(/\{[^}]+\}/g, value);

let s: Server;
let limited: Server;
let a: Tenant;
let b: Tenant;
let doc: Doc;
let ops: Op[];
let customerId: string;
let ajv: Ajv;
const validators = new Map<string, ValidateFunction>();

beforeAll(async () => {
  s = await createTestServer();
  a = await s.newTenant('Tenant A');
  b = await s.newTenant('Tenant B');
  doc = (await s.app.inject({ url: '/docs/json' })).json() as Doc;
  ops = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods)
      .filter(([m]) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
      .map(([m, op]) => ({
        method: m.toUpperCase() as Op['method'],
        path,
        op,
        public: Array.isArray(op.security) && op.security.length === 0,
      })),
  );
  const c = await s.app.inject({
    method: 'POST',
    url: '/api/customers',
    headers: a.auth,
    payload: { name: 'Truth Inc', domains: ['truth.example'], stakeholders: [{ email: 'ceo@truth.example' }] },
  });
  expect(c.statusCode).toBe(201);
  customerId = (c.json() as { id: string }).id;
  // OpenAPI 3.0 schemas: `nullable` is understood by Ajv; `example`, `description` and the like are annotations.
  ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: 'openapi', ...doc } as object);
  // A second server whose API key may make one request a minute: every later /api request is over the limit.
  limited = await createTestServer({ RATE_LIMIT_PER_MINUTE: '1' });
}, 180_000);

afterAll(async () => {
  await s?.close();
  await limited?.close();
});

const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

/** The mismatch of one answer with the operation's declared responses, or null when it is declared and valid. */
function check(
  op: Op,
  sent: Sent,
  r: { statusCode: number; headers: Record<string, unknown>; body: string },
): string | null {
  const where = `${op.method} ${op.path} [${sent.label}] → ${r.statusCode}`;
  const declared = op.op.responses[String(r.statusCode)] ?? op.op.responses.default;
  if (!declared) return `${where}: status not declared (${r.body.slice(0, 160)})`;
  const contentType = String(r.headers['content-type'] ?? '')
    .split(';')[0]!
    .trim();
  if (!declared.content) {
    if (r.body.length > 0 && r.statusCode !== 302) return `${where}: a body is answered but none is declared`;
    return null;
  }
  if (!declared.content[contentType]) {
    return `${where}: content type ${contentType || '(none)'} not declared (${Object.keys(declared.content).join(', ')})`;
  }
  if (contentType !== 'application/json') return null;
  const key = `${op.method} ${op.path} ${r.statusCode}`;
  let validate = validators.get(key);
  if (!validate) {
    const ref = `openapi#/${pointer('paths', op.path, op.method.toLowerCase(), 'responses', String(r.statusCode) in op.op.responses ? String(r.statusCode) : 'default', 'content', 'application/json', 'schema')}`;
    validate = ajv.compile({ $ref: ref });
    validators.set(key, validate);
  }
  let body: unknown;
  try {
    body = JSON.parse(r.body);
  } catch {
    return `${where}: the body is not JSON`;
  }
  if (!validate(body))
    return `${where}: body does not match the declared schema: ${ajv.errorsText(validate.errors)} (${r.body.slice(0, 160)})`;
  return null;
}

const hasBody = (op: Op) => op.method !== 'GET';
const isApi = (op: Op) => op.path.startsWith('/api/');

/** A value each declared query parameter refuses. */
function badQuery(op: Op): string | null {
  const q = (op.op.parameters ?? []).filter((p) => p.in === 'query');
  if (q.length === 0) return null;
  const bad = (p: Param) => {
    const t = p.schema?.type;
    if (t === 'integer' || t === 'number') return 'abc';
    if (t === 'boolean') return 'maybe';
    if (p.schema?.format || p.schema?.enum || p.schema?.pattern) return 'not valid!';
    return 'nul\u0000byte';
  };
  return new URLSearchParams(q.map((p) => [p.name, bad(p)])).toString();
}

/** Valid requests the test can build without a provider. */
function validRequests(op: Op): Sent[] {
  const json = { 'content-type': 'application/json' };
  const key = `${op.method} ${op.path}`;
  const bodies: Record<string, unknown> = {
    'POST /api/customers': { name: 'Valid Co', domains: ['valid.example'] },
    'PATCH /api/customers/{id}': { name: 'Truth Incorporated' },
    'POST /api/customers/{id}/stakeholders': { email: 'cfo@truth.example' },
    'POST /api/templates': { name: `T ${Math.random()}`, subject: 'Check-in', durationMinutes: 30 },
    'POST /api/calendar/sync': {},
    'POST /api/outlook/calendar/sync': {},
    'PATCH /api/settings': {},
    'POST /api/settings/webhook-secret': {},
  };
  const out: Sent[] = [];
  if (op.method === 'GET' && !op.public && !op.path.includes('{')) {
    out.push({ label: 'valid', method: 'GET', url: op.path, headers: a.auth });
  }
  if (op.method === 'GET' && op.path.startsWith('/api/customers/{id}')) {
    out.push({ label: 'valid', method: 'GET', url: fill(op.path, customerId), headers: a.auth });
  }
  if (key in bodies) {
    out.push({
      label: 'valid',
      method: op.method,
      url: fill(op.path, customerId),
      headers: { ...a.auth, ...json },
      payload: JSON.stringify(bodies[key]),
    });
  }
  if (op.path.startsWith('/api/webhooks/microsoft/')) {
    out.push({ label: 'validation token', method: 'POST', url: `${op.path}?validationToken=abc%20123`, payload: '' });
    out.push({
      label: 'notification',
      method: 'POST',
      url: op.path,
      headers: json,
      payload: JSON.stringify({ value: [{ subscriptionId: ZERO, clientState: 'x', changeType: 'updated' }] }),
    });
    out.push({
      label: 'batch too large',
      method: 'POST',
      url: op.path,
      headers: json,
      payload: JSON.stringify({ value: Array.from({ length: 2000 }, () => ({ subscriptionId: ZERO })) }),
    });
  }
  if (op.path.startsWith('/api/webhooks/google/')) {
    out.push({
      label: 'push',
      method: 'POST',
      url: fill(op.path, ZERO),
      headers: {
        'content-type': 'application/json; utf-8',
        'x-goog-channel-token': 't',
        'x-goog-resource-state': 'exists',
      },
    });
  }
  if (op.path.endsWith('/callback')) {
    out.push({ label: 'unknown state', method: 'GET', url: `${op.path}?code=abc&state=unknown` });
    out.push({ label: 'provider error', method: 'GET', url: `${op.path}?error=access_denied&state=unknown` });
  }
  if (op.path === '/api/web/demo-login') {
    out.push({ label: 'demo login', method: 'POST', url: op.path, headers: json, payload: '{}' });
  }
  if (!isApi(op)) out.push({ label: 'valid', method: op.method, url: op.path });
  return out;
}

/** Every request the test sends to an operation on the ordinary server. */
function requests(op: Op): Sent[] {
  const json = { 'content-type': 'application/json' };
  const auth = op.public ? {} : a.auth;
  const out: Sent[] = [...validRequests(op)];
  const url = fill(op.path, ZERO);
  if (!op.public) out.push({ label: 'no key', method: op.method, url });
  if (!op.public) out.push({ label: 'wrong key', method: op.method, url, headers: { authorization: 'Bearer nope' } });
  const body = hasBody(op) ? '{}' : undefined;
  const bodyHeaders = hasBody(op) ? json : {};
  if (op.path.includes('{')) {
    out.push({ label: 'unknown id', method: op.method, url, headers: { ...auth, ...bodyHeaders }, payload: body });
    out.push({
      label: 'invalid id',
      method: op.method,
      url: fill(op.path, 'not-a-uuid'),
      headers: { ...auth, ...bodyHeaders },
      payload: body,
    });
    if (!op.public)
      out.push({
        label: 'foreign id',
        method: op.method,
        url: fill(op.path, customerId),
        headers: { ...b.auth, ...bodyHeaders },
        payload: body,
      });
  }
  const q = badQuery(op);
  if (q)
    out.push({
      label: 'invalid query',
      method: op.method,
      url: `${url}?${q}`,
      headers: { ...auth, ...bodyHeaders },
      payload: body,
    });
  if (hasBody(op)) {
    const target = fill(op.path, op.public ? ZERO : customerId);
    out.push({ label: 'empty object', method: op.method, url: target, headers: { ...auth, ...json }, payload: '{}' });
    out.push({ label: 'array body', method: op.method, url: target, headers: { ...auth, ...json }, payload: '[1]' });
    out.push({
      label: 'malformed JSON',
      method: op.method,
      url: target,
      headers: { ...auth, ...json },
      payload: '{"a":',
    });
    out.push({
      label: 'wrong content type',
      method: op.method,
      url: target,
      headers: { ...auth, 'content-type': 'application/xml' },
      payload: '<a/>',
    });
    out.push({
      label: 'oversize body',
      method: op.method,
      url: target,
      headers: { ...auth, ...json },
      payload: JSON.stringify({ x: 'x'.repeat(1_100_000) }),
    });
  }
  return out;
}

describe('the OpenAPI document tells the truth', () => {
  it('declares every status each operation answers, with the body schema it answers', async () => {
    const mismatches: string[] = [];
    const seen = new Map<string, Set<number>>();
    let sent = 0;
    for (const op of ops) {
      for (const q of requests(op)) {
        const r = await s.app.inject({ method: q.method, url: q.url, headers: q.headers, payload: q.payload });
        sent++;
        const k = `${op.method} ${op.path}`;
        seen.set(k, (seen.get(k) ?? new Set()).add(r.statusCode));
        const m = check(op, q, r);
        if (m) mismatches.push(m);
        // declaring the text answer must not make the server serialise it as JSON
        if (q.label === 'validation token') expect(r.body, `${op.method} ${op.path}`).toBe('abc 123');
      }
    }
    expect(sent).toBeGreaterThan(ops.length * 3);
    expect(mismatches, `${mismatches.length} answers the document does not declare:\n${mismatches.join('\n')}`).toEqual(
      [],
    );
  }, 240_000);

  it('declares 429 where the rate limit answers it', async () => {
    const l = await limited.newTenant('Limited');
    await limited.app.inject({ url: '/api/me', headers: l.auth });
    const mismatches: string[] = [];
    for (const op of ops.filter(isApi)) {
      const q: Sent = {
        label: 'over the limit',
        method: op.method,
        url: fill(op.path, ZERO),
        headers: op.public ? {} : l.auth,
      };
      // public paths are limited per address: spend it first
      await limited.app.inject({ method: q.method, url: q.url, headers: q.headers });
      const r = await limited.app.inject({ method: q.method, url: q.url, headers: q.headers });
      expect(r.statusCode, `${op.method} ${op.path}`).toBe(429);
      const m = check(op, q, r);
      if (m) mismatches.push(m);
    }
    expect(mismatches, mismatches.join('\n')).toEqual([]);
  }, 120_000);
});
