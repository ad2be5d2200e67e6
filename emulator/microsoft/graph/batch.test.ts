// $batch: payload validation, dependsOn ordering and 424, per-mailbox 429, inner requests run through the server.
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Principal } from '../contracts.js';
import type { GraphContext } from './context.js';
import { Directory } from '../directory.js';
import { parseBatch, rounds } from './batch.js';
import { GraphHttpError, sendGraphError } from './errors.js';
import batchRoutes from './routes/batch.js';

const TENANT = 't1';

function fakeContext(directory: Directory): GraphContext {
  return {
    // Test tokens: "Bearer <userId>"; anything else is refused like an invalid token.
    authenticate: async (h) => {
      const userId = h?.replace(/^Bearer /, '');
      if (!userId || !directory.users.has(userId))
        throw new GraphHttpError(401, 'InvalidAuthenticationToken', 'Access token is empty.');
      return {
        kind: 'delegated',
        tenantId: TENANT,
        userId,
        appId: 'app',
        scopes: new Set(['Calendars.ReadWrite']),
      } satisfies Principal;
    },
    directory,
    store: {} as GraphContext['store'],
    baseUrl: () => 'https://emulator.test',
    clock: () => Date.now(),
  };
}

describe('parseBatch', () => {
  const req = (id: string, extra: Record<string, unknown> = {}) => ({ id, method: 'GET', url: '/me/events', ...extra });

  it('accepts up to 20 requests and refuses 21', () => {
    expect(parseBatch({ requests: Array.from({ length: 20 }, (_, i) => req(String(i))) })).toHaveLength(20);
    expect(() => parseBatch({ requests: Array.from({ length: 21 }, (_, i) => req(String(i))) })).toThrow(/limit of 20/);
  });

  it('refuses duplicate ids, unknown dependencies, absolute urls and writes without Content-Type', () => {
    expect(() => parseBatch({ requests: [req('1'), req('1')] })).toThrow(/more than once/);
    expect(() => parseBatch({ requests: [req('1', { dependsOn: ['9'] })] })).toThrow(/unknown request/);
    expect(() => parseBatch({ requests: [req('1', { url: 'https://graph.microsoft.com/v1.0/me' })] })).toThrow(
      /relative/,
    );
    expect(() => parseBatch({ requests: [req('1', { method: 'POST', body: {} })] })).toThrow(/Content-Type/);
  });

  it('orders requests into rounds after their dependencies and detects cycles', () => {
    const plan = rounds(
      parseBatch({ requests: [req('3', { dependsOn: ['2'] }), req('2', { dependsOn: ['1'] }), req('1')] }),
    );
    expect(plan.map((r) => r.map((x) => x.id))).toEqual([['1'], ['2'], ['3']]);
    expect(() =>
      rounds(parseBatch({ requests: [req('1', { dependsOn: ['2'] }), req('2', { dependsOn: ['1'] })] })),
    ).toThrow(/cycle/);
  });
});

describe('POST /v1.0/$batch', () => {
  let app: FastifyInstance;
  const calls: string[] = [];

  beforeEach(async () => {
    calls.length = 0;
    const directory = new Directory();
    for (const id of ['u1', 'u2']) {
      directory.addUser({
        id,
        tenantId: TENANT,
        userPrincipalName: `${id}@contoso.com`,
        mail: `${id}@contoso.com`,
        displayName: id,
        givenName: null,
        surname: null,
        jobTitle: null,
        kind: 'user',
        mailbox: 'exchangeOnline',
        password: 'x',
      });
    }
    const ctx = fakeContext(directory);
    app = Fastify();
    app.setErrorHandler((err, req, reply) =>
      err instanceof GraphHttpError ? sendGraphError(req, reply, err) : reply.send(err),
    );
    await app.register(
      async (scope) => {
        // Stand-in Graph routes for the inner requests.
        scope.get('/users/:id/events', async (req) => {
          await ctx.authenticate(req.headers.authorization);
          calls.push((req.params as { id: string }).id);
          return { value: [] };
        });
        scope.post('/me/events', async (req, reply) => {
          await ctx.authenticate(req.headers.authorization);
          return reply.status(201).send({ id: 'new', ...(req.body as object) });
        });
        scope.get('/me/fail', async () => {
          throw new GraphHttpError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
        });
        await batchRoutes(scope, ctx);
      },
      { prefix: '/v1.0' },
    );
  });

  afterEach(() => app.close());

  const batch = (requests: unknown[], auth = 'Bearer u1') =>
    app.inject({ method: 'POST', url: '/v1.0/$batch', headers: { authorization: auth }, payload: { requests } });

  it('runs inner requests with the caller token and returns their status, headers and bodies', async () => {
    const res = await batch([
      {
        id: '1',
        method: 'POST',
        url: '/me/events',
        headers: { 'Content-Type': 'application/json' },
        body: { subject: 'Lunch' },
      },
      { id: '2', method: 'GET', url: 'users/u2/events' },
      { id: '3', method: 'GET', url: '/me/fail' },
    ]);
    expect(res.statusCode).toBe(200);
    const { responses } = res.json<{
      responses: Array<{
        id: string;
        status: number;
        headers: Record<string, string>;
        body: { error?: { code: string } } & Record<string, unknown>;
      }>;
    }>();
    expect(responses.map((r) => [r.id, r.status])).toEqual([
      ['1', 201],
      ['2', 200],
      ['3', 404],
    ]);
    expect(responses[0]?.body).toEqual({ id: 'new', subject: 'Lunch' });
    expect(responses[0]?.headers['Content-Type']).toMatch(/application\/json/);
    expect(responses[2]?.body.error?.code).toBe('ErrorItemNotFound');
  });

  it('answers 424 for requests whose dependency failed', async () => {
    const res = await batch([
      { id: '1', method: 'GET', url: '/me/fail' },
      { id: '2', method: 'GET', url: '/users/u2/events', dependsOn: ['1'] },
    ]);
    const { responses } = res.json<{ responses: Array<{ id: string; status: number }> }>();
    expect(responses.find((r) => r.id === '2')?.status).toBe(424);
    expect(calls).toEqual([]);
  });

  it('throttles the fifth concurrent request to one mailbox with 429 and Retry-After', async () => {
    const requests = Array.from({ length: 6 }, (_, i) => ({
      id: String(i + 1),
      method: 'GET',
      url: `/users/${i === 5 ? 'u1' : 'u2'}/events`,
    }));
    requests[4] = { id: '5', method: 'GET', url: '/users/u2@contoso.com/events' };
    const { responses } = (await batch(requests)).json<{
      responses: Array<{ id: string; status: number; headers: Record<string, string>; body: unknown }>;
    }>();
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 429, 200]);
    expect(responses[4]?.headers['Retry-After']).toBe('1');
    // The throttling guidance's 429 body: innerError carries code/status "429" and a message.
    expect(responses[4]?.body).toMatchObject({
      error: {
        code: 'ApplicationThrottled',
        innerError: { code: '429', status: '429', message: 'Please retry after' },
      },
    });
  });

  it('refuses oversize batches and unauthenticated callers for the whole batch', async () => {
    const many = Array.from({ length: 21 }, (_, i) => ({ id: String(i), method: 'GET', url: '/users/u1/events' }));
    expect((await batch(many)).statusCode).toBe(400);
    expect((await batch([{ id: '1', method: 'GET', url: '/users/u1/events' }], 'Bearer nobody')).statusCode).toBe(401);
  });
});
