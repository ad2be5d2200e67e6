// Tests for the request log: counters per route, mailbox, status and fault; capacity; reset.
import { describe, expect, it } from 'vitest';
import { RequestLog, type LoggedRequest } from './request-log.js';

function req(over: Partial<LoggedRequest>): LoggedRequest {
  return {
    at: '2026-01-01T00:00:00Z',
    method: 'GET',
    url: '/v1.0/me/events',
    route: '/v1.0/me/events',
    status: 200,
    durationMs: 1,
    mailbox: null,
    appId: null,
    fault: null,
    ...over,
  };
}

describe('RequestLog', () => {
  it('counts per route, mailbox, status and fault', () => {
    const log = new RequestLog();
    log.record(req({ mailbox: 'a', status: 200 }));
    log.record(req({ mailbox: 'a', status: 429, fault: 'throttle' }));
    log.record(req({ mailbox: 'b', method: 'POST', route: '/v1.0/users/:id/events', status: 201 }));
    const c = log.counts();
    expect(c.total).toBe(3);
    expect(c.byRoute).toEqual({ 'GET /v1.0/me/events': 2, 'POST /v1.0/users/:id/events': 1 });
    expect(c.byMailbox).toEqual({ a: 2, b: 1 });
    expect(c.byStatus).toEqual({ '200': 1, '429': 1, '201': 1 });
    expect(c.byFault).toEqual({ throttle: 1 });
    expect(log.list({ mailbox: 'a' })).toHaveLength(2);
    expect(log.list({ status: 429 })[0]?.fault).toBe('throttle');
    expect(log.list({ route: 'POST /v1.0/users/:id/events' })).toHaveLength(1);
  });

  it('keeps only the newest entries but counts all; reset clears both', () => {
    const log = new RequestLog(2);
    for (let i = 0; i < 5; i++) log.record(req({ url: `/x${i}` }));
    expect(log.list().map((e) => e.url)).toEqual(['/x3', '/x4']);
    expect(log.counts().total).toBe(5);
    log.reset();
    expect(log.list()).toEqual([]);
    expect(log.counts().total).toBe(0);
  });

  it('returns copies of the counters', () => {
    const log = new RequestLog();
    log.record(req({}));
    const c = log.counts();
    c.total = 100;
    expect(log.counts().total).toBe(1);
  });
});
