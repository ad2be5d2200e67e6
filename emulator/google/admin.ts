// Admin API of the Google emulator under /_emulator: health, users, apps, faults, request counters, clock, reset,
// consent revocation, sync-token invalidation, push deliveries.
import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { applyClockRequest, clockAnswer, type EmuClock } from '../common/clock.js';
import type { RequestLog } from '../common/request-log.js';
import type { Channels } from './channels.js';
import { FaultConfigError, type GoogleFaultPatch, type GoogleFaults } from './faults.js';
import type { GApp } from './model.js';
import type { OAuthState } from './oauth.js';
import type { GoogleStore } from './store.js';

export interface AdminDeps {
  store: GoogleStore;
  oauth: OAuthState;
  faults: GoogleFaults;
  requestLog: RequestLog;
  clock: EmuClock;
  channels: Channels;
  reset: () => Promise<void>;
  registerApp: (a: Partial<GApp> & Pick<GApp, 'redirectUris'>) => GApp;
}

export async function adminRoutes(app: FastifyInstance, d: AdminDeps): Promise<void> {
  app.get('/health', async () => ({
    status: 'ok',
    provider: 'google',
    users: d.store.users.size,
    now: new Date(d.clock.now()).toISOString(),
    clockOffsetMs: d.clock.offset,
  }));
  app.get('/users', async () =>
    [...d.store.users.values()].map((u) => ({
      email: u.email,
      name: u.name,
      kind: u.kind,
      password: u.password,
      timeZone: u.timeZone,
      meet: u.conferenceTypes.includes('hangoutsMeet'),
    })),
  );
  app.get('/apps', async () => [...d.oauth.apps.values()]);
  app.post('/apps', async (req, reply) => {
    const b = (req.body ?? {}) as Partial<GApp>;
    if (!Array.isArray(b.redirectUris) || b.redirectUris.some((u) => typeof u !== 'string' || !/^https?:\/\//.test(u)))
      return reply.code(400).send({ error: 'redirectUris must be a list of http(s) URLs' });
    return reply.code(201).send(d.registerApp({ ...b, redirectUris: b.redirectUris }));
  });
  app.get('/faults', async () => d.faults.config);
  app.patch('/faults', async (req, reply) => {
    try {
      return d.faults.update((req.body ?? {}) as GoogleFaultPatch);
    } catch (e) {
      if (e instanceof FaultConfigError) return reply.code(400).send({ error: e.message });
      throw e;
    }
  });
  app.get('/requests', async (req) => {
    const q = req.query as { limit?: string };
    return { counters: d.requestLog.counts(), requests: d.requestLog.list({ limit: Number(q.limit ?? 100) }) };
  });
  app.post('/requests/reset', async () => {
    d.requestLog.reset();
    return { ok: true };
  });
  app.get('/clock', async () => clockAnswer(d.clock));
  // {advanceMs} | {now: ISO 8601 or epoch ms} | {offsetMs}, as the Microsoft emulator's.
  app.post('/clock', async (req, reply) => {
    const r = applyClockRequest(d.clock, req.body);
    return r.ok ? r.answer : reply.code(400).send({ error: r.message });
  });
  app.post('/clock/advance', async (req, reply) => {
    const ms = Number((req.body as { ms?: number } | null)?.ms);
    if (!Number.isFinite(ms)) return reply.code(400).send({ error: 'ms must be a number' });
    return { now: new Date(d.clock.advance(ms)).toISOString() };
  });
  app.post('/reset', async () => {
    await d.reset();
    return { ok: true };
  });
  app.post('/revoke', async (req, reply) => {
    const email = (req.body as { email?: string } | null)?.email;
    if (!email) return reply.code(400).send({ error: 'email is required' });
    return { revoked: d.oauth.revokeUser(email) };
  });
  app.post('/sync-tokens/invalidate', async () => {
    d.store.invalidateSyncTokens();
    return { ok: true };
  });
  app.get('/channels', async () => ({ channels: [...d.channels.active.values()], deliveries: d.channels.deliveries }));
}

/** A new app registration with generated credentials. */
export function makeApp(a: Partial<GApp> & Pick<GApp, 'redirectUris'>): GApp {
  return {
    clientId:
      a.clientId ??
      `${randomUUID().replace(/-/g, '').slice(0, 12)}-${randomBytes(8).toString('hex')}.apps.googleusercontent.com`,
    clientSecret: a.clientSecret ?? `GOCSPX-${randomBytes(18).toString('base64url')}`,
    redirectUris: [...a.redirectUris],
    name: a.name ?? 'Registered app',
  };
}
