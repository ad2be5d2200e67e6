// sendMail: JSON and MIME parsing, Exchange's validation errors, the route's permissions and outbox.
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GraphContext } from './context.js';
import { Directory } from '../directory.js';
import { GraphHttpError } from './errors.js';
import { outboxFor } from './outbox.js';
import mailRoutes from './routes/mail.js';
import { parseJsonSendMail, parseMimeSendMail } from './sendmail.js';
import { existingSubscriptionEngine } from './subscription-engine-registry.js';

const to = (address: string) => ({ emailAddress: { address } });

describe('parseJsonSendMail', () => {
  it('reads the message, recipients, headers and the saveToSentItems literal', () => {
    const m = parseJsonSendMail({
      message: {
        subject: 'Lunch?',
        body: { contentType: 'HTML', content: '<b>hi</b>' },
        toRecipients: [to('a@contoso.com')],
        internetMessageHeaders: [{ name: 'x-group', value: 'NV' }],
      },
      saveToSentItems: 'false',
    });
    expect(m).toMatchObject({
      subject: 'Lunch?',
      body: { contentType: 'html' },
      saveToSentItems: false,
      internetMessageHeaders: [{ name: 'x-group', value: 'NV' }],
    });
  });

  it('refuses a missing message, no recipients, bad addresses and non x- headers', () => {
    expect(() => parseJsonSendMail({ subject: 'x', toRecipients: [to('a@contoso.com')] })).toThrow(/Message/);
    expect(() => parseJsonSendMail({ message: { subject: 'x' } })).toThrow(/no recipients/);
    expect(() => parseJsonSendMail({ message: { toRecipients: [to('not-an-address')] } })).toThrow(GraphHttpError);
    expect(() =>
      parseJsonSendMail({
        message: { toRecipients: [to('a@b.c')], internetMessageHeaders: [{ name: 'group', value: '1' }] },
      }),
    ).toThrow(/x-/);
  });
});

describe('parseMimeSendMail', () => {
  it('decodes base64 MIME and reads its headers', () => {
    const mime =
      'From: Adele <adele@contoso.com>\nTo: Alex Wilber <alexw@contoso.com>, b@contoso.com\nSubject: Test Message\nX-Tag: 1\n\nbody text';
    const m = parseMimeSendMail(
      Buffer.from(mime)
        .toString('base64')
        .replace(/(.{76})/g, '$1\n'),
    );
    expect(m.subject).toBe('Test Message');
    expect(m.toRecipients).toEqual([
      { emailAddress: { address: 'alexw@contoso.com', name: 'Alex Wilber' } },
      to('b@contoso.com'),
    ]);
    expect(m.body.content).toBe('body text');
  });

  it('refuses text that is not base64', () => {
    expect(() => parseMimeSendMail('From: a@b.c\n\nplain')).toThrow(/base64/);
  });
});

describe('POST /me/sendMail', () => {
  let app: FastifyInstance;
  let store: object;

  beforeEach(async () => {
    const directory = new Directory();
    for (const id of ['u1', 'u2']) {
      directory.addUser({
        id,
        tenantId: 't',
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
    store = {};
    const ctx: GraphContext = {
      // Test tokens: "Bearer <userId> <scope> <scope>…".
      authenticate: async (h) => {
        const [userId = '', ...scopes] = (h ?? '').replace(/^Bearer /, '').split(' ');
        return { kind: 'delegated', tenantId: 't', userId, appId: 'app', scopes: new Set(scopes) };
      },
      directory,
      store: store as GraphContext['store'],
      baseUrl: () => 'https://emulator.test',
      clock: () => Date.parse('2026-01-01T00:00:00Z'),
    };
    app = Fastify();
    await app.register(async (scope) => mailRoutes(scope, ctx), { prefix: '/v1.0' });
  });

  afterEach(async () => {
    await app.close();
    await existingSubscriptionEngine(store)?.close();
  });

  const send = (url: string, auth: string, payload: unknown) =>
    app.inject({ method: 'POST', url, headers: { authorization: auth }, payload: payload as object });
  const message = { message: { subject: 'Hi', toRecipients: [to('u2@contoso.com')] } };

  it('accepts with 202 and records the message in the outbox', async () => {
    const res = await send('/v1.0/me/sendMail', 'Bearer u1 Mail.Send', message);
    expect(res.statusCode).toBe(202);
    expect(outboxFor(store)).toMatchObject([
      { senderUserId: 'u1', senderAddress: 'u1@contoso.com', subject: 'Hi', saveToSentItems: true },
    ]);
  });

  it('accepts MIME sent as text/plain', async () => {
    const mime = Buffer.from('To: u2@contoso.com\nSubject: MIME\n\nx').toString('base64');
    const res = await app.inject({
      method: 'POST',
      url: '/v1.0/me/sendMail',
      headers: { authorization: 'Bearer u1 Mail.Send', 'content-type': 'text/plain' },
      payload: mime,
    });
    expect(res.statusCode).toBe(202);
    expect(outboxFor(store)[0]?.subject).toBe('MIME');
  });

  it('needs Mail.Send and refuses sending as another user', async () => {
    expect((await send('/v1.0/me/sendMail', 'Bearer u1 Calendars.Read', message)).json().error.code).toBe(
      'ErrorAccessDenied',
    );
    expect((await send('/v1.0/users/u2@contoso.com/sendMail', 'Bearer u1 Mail.Send', message)).statusCode).toBe(403);
    expect((await send('/v1.0/users/u1/sendMail', 'Bearer u1 Mail.Send', message)).statusCode).toBe(202);
    expect(
      (await send('/v1.0/me/sendMail', 'Bearer u1 Mail.Send', { message: { subject: 'x' } })).json().error.code,
    ).toBe('ErrorInvalidRecipients');
  });
});
