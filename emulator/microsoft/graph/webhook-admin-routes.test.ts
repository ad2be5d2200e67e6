// Webhook admin routes: fault documents are validated and applied, lifecycle triggers reach the subscription.
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GraphContext } from './context.js';
import { Directory } from '../directory.js';
import { outboxFor } from './outbox.js';
import { existingSubscriptionEngine } from './subscription-engine-registry.js';
import webhookAdminRoutes, { parseFaults } from './webhook-admin-routes.js';

describe('parseFaults', () => {
  it('accepts the four faults with their options and refuses anything else', () => {
    expect(
      parseFaults({ drop: { probability: 0.5 }, delay: { ms: 100, remaining: 2 }, reorder: {}, duplicate: null }),
    ).toEqual({
      drop: { probability: 0.5 },
      delay: { ms: 100, remaining: 2 },
      reorder: {},
    });
    expect(parseFaults({ lose: {} })).toMatch(/Unknown fault/);
    expect(parseFaults({ drop: { probability: 2 } })).toMatch(/between 0 and 1/);
    expect(parseFaults({ delay: {} })).toMatch(/delay.ms is required/);
    expect(parseFaults([])).toMatch(/JSON object/);
  });
});

describe('webhook admin routes', () => {
  let app: FastifyInstance;
  let store: object;

  beforeEach(async () => {
    store = {};
    const ctx: GraphContext = {
      authenticate: async () => {
        throw new Error('admin routes do not authenticate Graph callers');
      },
      directory: new Directory(),
      store: store as GraphContext['store'],
      baseUrl: () => 'https://emulator.test',
      clock: () => Date.now(),
    };
    app = Fastify();
    await app.register(async (scope) => webhookAdminRoutes(scope, ctx));
  });

  afterEach(async () => {
    await app.close();
    await existingSubscriptionEngine(store)?.close();
  });

  it('sets webhook faults on the engine and reads them back', async () => {
    const put = await app.inject({
      method: 'PUT',
      url: '/_emulator/webhook-faults',
      payload: { duplicate: { remaining: 1 } },
    });
    expect(put.statusCode).toBe(200);
    expect(existingSubscriptionEngine(store)?.webhookFaults).toEqual({ duplicate: { remaining: 1 } });
    expect(
      (await app.inject({ method: 'PUT', url: '/_emulator/webhook-faults', payload: { nope: {} } })).statusCode,
    ).toBe(400);
    expect((await app.inject({ method: 'GET', url: '/_emulator/webhook-faults' })).json()).toEqual({
      duplicate: { remaining: 1 },
    });
  });

  it('answers 404 for an unknown subscription and 400 for an unknown lifecycle event', async () => {
    const url = '/_emulator/subscriptions/00000000-0000-0000-0000-000000000000/lifecycle';
    expect((await app.inject({ method: 'POST', url, payload: { event: 'missed' } })).statusCode).toBe(404);
    expect((await app.inject({ method: 'POST', url, payload: { event: 'exploded' } })).statusCode).toBe(400);
  });

  it('lists and empties the outbox', async () => {
    outboxFor(store).push({ id: 'm1' } as never);
    expect((await app.inject({ method: 'GET', url: '/_emulator/outbox' })).json().value).toHaveLength(1);
    expect((await app.inject({ method: 'DELETE', url: '/_emulator/outbox' })).statusCode).toBe(204);
    expect(outboxFor(store)).toHaveLength(0);
  });
});
