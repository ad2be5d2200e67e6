// The assembled emulator: HTTPS on a free port, Graph modules loaded from graph/routes, Graph-shaped errors, CA reuse.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from './server.js';
import { trustEmulatorCa, userToken } from './testing.js';

const dataDir = mkdtempSync(join(tmpdir(), 'emu-server-'));
let emu: RunningEmulator;
let untrust: () => void;
let token: string;

beforeAll(async () => {
  emu = await startEmulator({ port: 0, quiet: true, autoConsent: true, dataDir });
  untrust = trustEmulatorCa(emu.caPem);
  token = (await userToken(emu.baseUrl, emu.app, emu.users[0]!)).access_token;
});
afterAll(async () => {
  untrust();
  await emu.close();
});

type GraphError = { error: { code: string; message: string; innerError: { 'request-id': string; date: string } } };

describe('startEmulator', () => {
  it('listens over HTTPS on the port it reports', () => {
    const url = new URL(emu.baseUrl);
    expect(url.protocol).toBe('https:');
    expect(Number(url.port)).toBe(emu.port);
    expect(emu.port).toBeGreaterThan(0);
    expect(emu.app.redirectUris).toContain('http://localhost:3000/api/integrations/outlook/callback');
    expect(emu.users.length).toBeGreaterThan(0);
  });

  it('serves the Graph route modules found in graph/routes under /v1.0', async () => {
    const res = await fetch(`${emu.baseUrl}/v1.0/subscriptions`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { value: unknown[] }).value).toEqual([]);
  });

  it('answers unknown /v1.0 routes with a Graph error', async () => {
    const res = await fetch(`${emu.baseUrl}/v1.0/me/nonsense`, {
      headers: { authorization: `Bearer ${token}`, 'client-request-id': 'abc-123' },
    });
    expect(res.status).toBe(404);
    const body = (await res.json()) as GraphError;
    expect(body.error.code).toBe('ResourceNotFound');
    expect(body.error.message).toContain("'nonsense'");
    expect(body.error.innerError['client-request-id' as 'request-id']).toBe('abc-123');
  });

  it('routes path parameters up to 500 characters long (Graph ids are long)', async () => {
    const get = async (id: string) => {
      const res = await fetch(`${emu.baseUrl}/v1.0/me/events/${id}`, { headers: { authorization: `Bearer ${token}` } });
      return { status: res.status, code: ((await res.json()) as GraphError).error.code };
    };
    // The event route itself answers: the id is unknown, not the route.
    expect(await get(`AAMkA${'x'.repeat(295)}`)).toEqual({ status: 404, code: 'ErrorItemNotFound' });
    expect(await get(`AAMkA${'x'.repeat(495)}`)).toEqual({ status: 404, code: 'ErrorItemNotFound' });
  });

  it('answers a malformed percent-encoding in the path with a 4xx, not a 500', async () => {
    const res = await fetch(`${emu.baseUrl}/v1.0/users/%E0%A4%A/events`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    const missing = await fetch(`${emu.baseUrl}/v1.0/nothing/%E0%A4%A`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(missing.status).toBeLessThan(500);
  });

  it('answers 400 BadRequest for a body that is not JSON', async () => {
    const res = await fetch(`${emu.baseUrl}/v1.0/me/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{"subject": ',
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as GraphError;
    expect(body.error.code).toBe('BadRequest');
    expect(body.error.message).toMatch(/JSON/);
  });

  it('answers 401 without a token and with a token signed by someone else', async () => {
    const none = await fetch(`${emu.baseUrl}/v1.0/me/events`);
    expect(none.status).toBe(401);
    expect(((await none.json()) as GraphError).error).toMatchObject({
      code: 'InvalidAuthenticationToken',
      message: 'Access token is empty.',
    });
    const [h, p] = token.split('.');
    const forged = `${h}.${p}.${Buffer.from('not the signature').toString('base64url')}`;
    const bad = await fetch(`${emu.baseUrl}/v1.0/me/events`, { headers: { authorization: `Bearer ${forged}` } });
    expect(bad.status).toBe(401);
    expect(((await bad.json()) as GraphError).error.code).toBe('InvalidAuthenticationToken');
  });

  it('reuses the CA of its data folder on the next start, and close() stops listening', async () => {
    const second = await startEmulator({ port: 0, quiet: true, dataDir });
    expect(second.caPem).toBe(emu.caPem);
    expect(second.port).not.toBe(emu.port);
    const health = await fetch(`${second.baseUrl}/_emulator/health`);
    expect(health.status).toBe(200);
    await second.close();
    await expect(fetch(`${second.baseUrl}/_emulator/health`)).rejects.toThrow();
  });
});
