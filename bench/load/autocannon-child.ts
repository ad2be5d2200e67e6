// Load generator run as a SECOND process: `node --import tsx bench/load/autocannon-child.ts '<json>'` prints one JSON result.
import autocannon from 'autocannon';
import { mixPaths, proposalBody } from './scheduling-mix.js';

export interface Spec {
  url: string;
  connections: number;
  seconds: number;
  /**
   * 'healthz': GET /healthz only. 'scheduling': a steady cycle of POST /api/outlook/calendar/events (a proposal with a
   * unique subject), GET /api/customers, GET /api/outlook/calendar/events (two weeks) and
   * GET /api/outlook/calendar/availability (up to four people, one working week), each request with the next user's key.
   */
  mix: 'healthz' | 'scheduling';
  /** API keys of users connected to the emulator (scheduling mix). */
  keys?: string[];
  /** Mailboxes used as attendees (scheduling mix). */
  people?: string[];
  /** ISO instant where the availability and proposal windows start. */
  from?: string;
}

export interface LoadResult {
  requestsPerSecond: number;
  total: number;
  p50: number;
  p99: number;
  mean: number;
  /** Connection errors + timeouts + non-2xx answers. */
  errors: number;
  non2xx: number;
  timeouts: number;
  codes: Record<string, number>;
  /** Proposals answered 201: the id from the answer and the unique subject sent. */
  created: Array<{ id: string; subject: string }>;
  /** 201 answers without an id, or for another subject than the one sent (must be 0). */
  createdWithoutId: number;
}

function schedulingRequests(spec: Spec, created: LoadResult['created'], bad: { n: number }): autocannon.Request[] {
  const keys = spec.keys ?? [];
  const people = spec.people ?? [];
  if (keys.length === 0 || people.length < 2 || !spec.from) throw new Error('scheduling mix needs keys, people, from');
  const mix = { people, from: spec.from };
  const paths = mixPaths(mix);
  let turn = 0;
  let n = 0;
  // every request is sent with the next key: the users share the load evenly whatever the connection count
  const as = (req: autocannon.Request, extra: Partial<autocannon.Request> = {}): autocannon.Request => ({
    ...req,
    ...extra,
    headers: { ...req.headers, ...extra.headers, authorization: `Bearer ${keys[turn++ % keys.length]}` },
  });
  // the create comes first in each connection's cycle, so even a short run on a starved machine has writes to check
  return [
    {
      method: 'POST',
      path: '/api/outlook/calendar/events',
      headers: { 'content-type': 'application/json' },
      setupRequest: (r, context) => {
        n += 1;
        const subject = `Load ${process.pid}-${n}`;
        context.subject = subject; // the connection's context lives until its answer (one request in flight)
        return as(r, { body: JSON.stringify(proposalBody(mix, subject, n)) });
      },
      onResponse: (status, body, context) => {
        if (status !== 201) return;
        try {
          const p = JSON.parse(body) as { id?: string; preview?: { subject?: string } };
          const subject = String(context.subject);
          if (typeof p.id === 'string' && p.preview?.subject === subject) created.push({ id: p.id, subject });
          else bad.n += 1;
        } catch {
          bad.n += 1;
        }
      },
    },
    { method: 'GET', path: paths.customers, setupRequest: (r) => as(r) },
    { method: 'GET', path: paths.events, setupRequest: (r) => as(r) },
    { method: 'GET', path: paths.availability, setupRequest: (r) => as(r) },
  ];
}

const spec = JSON.parse(process.argv[2] ?? '{}') as Spec;
const created: LoadResult['created'] = [];
const bad = { n: 0 };
const requests: autocannon.Request[] =
  spec.mix === 'healthz' ? [{ method: 'GET', path: '/healthz' }] : schedulingRequests(spec, created, bad);
const result = await autocannon({
  url: spec.url,
  connections: spec.connections,
  duration: spec.seconds,
  requests,
});
const codes = result.statusCodeStats;
const out: LoadResult = {
  requestsPerSecond: result.requests.average,
  total: result.requests.total,
  p50: result.latency.p50,
  p99: result.latency.p99,
  mean: result.latency.mean,
  errors: result.errors + result.timeouts + result.non2xx,
  non2xx: result.non2xx,
  timeouts: result.timeouts,
  codes: Object.fromEntries(Object.entries(codes).map(([k, v]) => [k, v.count])),
  created,
  createdWithoutId: bad.n,
};
process.stdout.write(JSON.stringify(out) + '\n');
