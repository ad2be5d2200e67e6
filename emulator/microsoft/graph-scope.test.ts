// Tests for who a Graph request counts against: the addressed mailbox, the signed-in user outside any mailbox, the
// organisation for app-only tokens, nothing for a $batch (its inner requests count).
import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import type { Directory } from './directory.js';
import { requestIdentity } from './graph-scope.js';

const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
const token = (claims: object) => `Bearer ${b64({ alg: 'none' })}.${b64(claims)}.x`;
const users: Record<string, string> = { 'adele@contoso.com': 'oid-adele' };
const directory = { getUser: (key: string) => (users[key] ? { id: users[key] } : undefined) } as unknown as Directory;
const identify = requestIdentity(directory);
const who = (url: string, claims: object) =>
  identify({ url, headers: { authorization: token(claims) } } as unknown as FastifyRequest);

const delegated = { appid: 'app-1', oid: 'oid-megan', tid: 'tenant-a' };
const appOnly = { appid: 'app-1', idtyp: 'app', tid: 'tenant-a' };

describe('requestIdentity', () => {
  it('counts a mailbox path against that mailbox', () => {
    expect(who('/v1.0/users/adele@contoso.com/events', delegated)).toEqual({
      appId: 'app-1',
      mailbox: 'oid-adele',
      throttleKey: 'oid-adele',
    });
    expect(who('/v1.0/me/calendarView?x=1', delegated)).toMatchObject({
      mailbox: 'oid-megan',
      throttleKey: 'oid-megan',
    });
  });

  it('counts a request outside any mailbox against the signed-in user, or the organisation for an app token', () => {
    expect(who('/v1.0/subscriptions', delegated)).toEqual({
      appId: 'app-1',
      mailbox: 'tenant',
      throttleKey: 'oid-megan',
    });
    expect(who('/v1.0/subscriptions', appOnly).throttleKey).toBe('tenant:tenant-a');
    expect(who('/v1.0/subscriptions', { ...appOnly, tid: 'tenant-b' }).throttleKey).toBe('tenant:tenant-b');
  });

  it('does not count a $batch itself', () => {
    expect(who('/v1.0/$batch', delegated)).toMatchObject({ mailbox: 'tenant', throttleKey: null });
  });
});
