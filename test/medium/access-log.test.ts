// One access line per answered request, cheap when nothing is logged: at the default level (info) a 2xx answer
// writes nothing, a 4xx writes one line with the status and the URL without its secret query parameters; at debug
// every answer has its line. Fastify's own two lines per request are off.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';

const lines = (t: TestApp) =>
  t
    .logs()
    .split('\n')
    .filter(Boolean)
    .map(
      (l) =>
        JSON.parse(l) as {
          msg: string;
          level: number;
          reqId?: string;
          req?: { url: string; id: string };
          res?: { statusCode: number };
        },
    );

let info: TestApp;
let debug: TestApp;
beforeAll(async () => {
  info = await createTestApp({ LOG_LEVEL: 'info' });
  debug = await createTestApp({ LOG_LEVEL: 'debug' });
});
afterAll(async () => {
  await info?.close();
  await debug?.close();
});

describe('access log', () => {
  it('writes nothing for a 2xx at info, one line for a 4xx with the secret query redacted', async () => {
    const before = lines(info).length;
    expect((await info.app.inject({ url: '/healthz' })).statusCode).toBe(200);
    expect(lines(info).slice(before)).toEqual([]);
    const r = await info.app.inject({ url: '/api/me?code=secret-code-123&x=1' });
    expect(r.statusCode).toBe(401);
    const after = lines(info).slice(before);
    const access = after.filter((l) => l.msg === 'request completed');
    expect(access).toHaveLength(1);
    expect(access[0]!.res!.statusCode).toBe(401);
    expect(access[0]!.req!.url).toBe('/api/me?code=[REDACTED]&x=1');
    expect(info.logs()).not.toContain('secret-code-123');
    expect(after.some((l) => l.msg === 'incoming request')).toBe(false);
  });

  it('writes one line per answer at debug, each with its own request id', async () => {
    const before = lines(debug).length;
    for (let i = 0; i < 3; i++) await debug.app.inject({ url: '/healthz' });
    const access = lines(debug)
      .slice(before)
      .filter((l) => l.msg === 'request completed');
    expect(access).toHaveLength(3);
    expect(new Set(access.map((l) => l.req!.id)).size).toBe(3);
  });

  it("keeps the request id on a request's lines and replaces secrets at any depth, in errors too", async () => {
    const before = lines(info).length;
    await info.app.inject({ url: '/api/me' });
    const access = lines(info)
      .slice(before)
      .filter((l) => l.msg === 'request completed');
    expect(access).toHaveLength(1);
    expect(access[0]!.reqId).toBe(access[0]!.req!.id);
    const deep = `deep-${Math.random().toString(36).slice(2)}`;
    const inError = `in-error-${Math.random().toString(36).slice(2)}`;
    info.app.log.warn(
      {
        a: { b: { c: { d: { refreshToken: deep }, list: [{ Authorization: deep }] } } },
        err: Object.assign(new Error('upstream refused'), { headers: { authorization: inError }, secret: inError }),
      },
      'deep secrets',
    );
    const raw = info.logs();
    expect(raw).not.toContain(deep);
    expect(raw).not.toContain(inError);
    const line = JSON.parse(raw.split('\n').find((l) => l.includes('deep secrets'))!) as {
      a: { b: { c: { d: { refreshToken: string }; list: Array<{ Authorization: string }> } } };
      err: { message: string; headers: { authorization: string }; secret: string };
    };
    expect(line.a.b.c.d.refreshToken).toBe('[REDACTED]');
    expect(line.a.b.c.list[0]!.Authorization).toBe('[REDACTED]');
    expect(line.err).toMatchObject({
      message: 'upstream refused',
      headers: { authorization: '[REDACTED]' },
      secret: '[REDACTED]',
    });
  });
});
