// Fan-out bounds of the Graph adapter against the emulator: one free/busy read never plans more getSchedule calls
// than an operation may make, and a provider bound to a CallBudget makes no call past it — refused before anything
// is sent, counted in the emulator's request log.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallBudget, SCHEDULING_LIMITS } from '../../domain/scheduling/limits.js';
import {
  newOAuthClient,
  signIn,
  startTestEmulator,
  tokenSource,
  type TestEmulator,
} from '../../../test/support/microsoft.js';
import type { TokenSource } from './client.js';
import { createGraphTransport, createMicrosoftProvider } from './index.js';

const LOGIN = 'adele.vance@contoso.com';
const DAY = 86_400_000;
let t: TestEmulator;
let token: TokenSource;
let transport: ReturnType<typeof createGraphTransport>;

const providerWith = (budget?: CallBudget) =>
  createMicrosoftProvider({
    graphBaseUrl: t.emu.baseUrl,
    transport,
    token,
    mailbox: LOGIN,
    roomsEnabled: true,
    budget,
  });
const getScheduleCalls = () => t.emu.requestLog.list({}).filter((r) => r.url.endsWith('/getSchedule')).length;
const people = (n: number) => Array.from({ length: n }, (_, i) => `person${i}@contoso.com`);

beforeAll(async () => {
  t = await startTestEmulator({ seed: 5 });
  const oauth = newOAuthClient(t);
  transport = createGraphTransport({ agent: t.agent, retry: { maxRetries: 2, baseDelayMs: 10 } });
  token = tokenSource(oauth, await signIn(oauth, t.agent, LOGIN));
});
afterAll(async () => t?.close());

describe('getFreeBusy fan-out', () => {
  it('refuses, before any call, a read that would need more getSchedule calls than one operation may make', async () => {
    // The probe's shape: a span of years, read every 5 minutes (61-day chunks) — 30 chunks × 5 groups of 20 people.
    const start = Date.UTC(2027, 0, 4);
    t.emu.requestLog.reset();
    const err = await providerWith()
      .getFreeBusy({
        schedules: people(100),
        start: new Date(start).toISOString(),
        end: new Date(start + 5 * 365 * DAY).toISOString(),
        intervalMinutes: 5,
      })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'limit_exceeded',
      details: { limit: 'provider_calls', max: SCHEDULING_LIMITS.providerCallsPerOperation, got: 150 },
    });
    expect(getScheduleCalls()).toBe(0);
  });

  it('makes no call past its budget: a batch that would exceed it is refused whole, and the budget is shared', async () => {
    const budget = new CallBudget(5);
    const provider = providerWith(budget);
    const start = new Date(Date.UTC(2027, 0, 4)).toISOString();
    const end = new Date(Date.UTC(2027, 0, 5)).toISOString();
    t.emu.requestLog.reset();
    // 3 groups of 20 people: 3 getSchedule calls, within the budget.
    const ok = await provider.getFreeBusy({ schedules: people(60), start, end, intervalMinutes: 30 });
    expect(ok.schedules).toHaveLength(60);
    expect(getScheduleCalls()).toBe(3);
    expect(budget.spent).toBe(3);
    // 3 more would make 6 of 5: nothing is sent.
    const err = await provider
      .getFreeBusy({ schedules: people(60), start, end, intervalMinutes: 30 })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'limit_exceeded', details: { limit: 'provider_calls', max: 5, got: 6 } });
    expect(getScheduleCalls()).toBe(3);
    // Every other call spends the same budget: 2 left, then refused.
    await provider.getWorkingHours();
    await provider.getWorkingHours();
    await expect(provider.getWorkingHours()).rejects.toMatchObject({ code: 'limit_exceeded' });
    expect(budget.spent).toBe(5);
  });
});
