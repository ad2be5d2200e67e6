// A $batch part asking for a longer wait than the bound is surfaced for the caller to reschedule instead of being
// slept inside the request (parts are never re-sent sooner than asked). A scripted transport; no real sleeping.
import { describe, expect, it } from 'vitest';
import { AppError, isAppError } from '../../domain/errors.js';
import type { HttpRequest, HttpResponse, Timing } from '../decorators/http.js';
import { GraphClient } from './client.js';

function batchTransport(rounds: Array<Array<{ status: number; retryAfter?: string }>>) {
  const sent: HttpRequest[] = [];
  const transport = async (req: HttpRequest): Promise<HttpResponse> => {
    sent.push(req);
    const parts = rounds.shift() ?? [];
    const ids = (JSON.parse(req.body!) as { requests: Array<{ id: string }> }).requests.map((r) => r.id);
    const responses = ids.map((id, i) => {
      const p = parts[i] ?? { status: 200 };
      return {
        id,
        status: p.status,
        headers: p.retryAfter ? { 'Retry-After': p.retryAfter } : {},
        body: p.status === 200 ? { id } : { error: { code: 'ApplicationThrottled', message: 'Too many requests' } },
      };
    });
    return { status: 200, headers: new Headers({ 'content-type': 'application/json' }), body: { responses } };
  };
  return { transport, sent };
}

function client(transport: (req: HttpRequest) => Promise<HttpResponse>) {
  const waits: number[] = [];
  const timing: Timing = { now: () => 0, sleep: async (ms) => void waits.push(ms), random: () => 0.5 };
  const graph = new GraphClient({
    baseUrl: 'https://graph.test',
    transport,
    token: async () => 'token',
    limitKey: 'mailbox',
    timing,
  });
  return { graph, waits };
}

const calls = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ method: 'GET' as const, path: `/me/events/e${i}` }));

describe('GraphClient.batch and Retry-After', () => {
  it('surfaces a part asking for more than the bound as provider_throttled with retryAfterSeconds', async () => {
    const s = batchTransport([[{ status: 200 }, { status: 429, retryAfter: '300' }, { status: 429, retryAfter: '5' }]]);
    const { graph, waits } = client(s.transport);
    const err = await graph.batch(calls(3)).catch((e: unknown) => e);
    expect(isAppError(err, 'provider_throttled')).toBe(true);
    expect((err as AppError).details?.retryAfterSeconds).toBe(300);
    expect(waits).toEqual([]);
    expect(s.sent).toHaveLength(1);
  });
});
