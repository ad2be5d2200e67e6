// Load generator run as a SECOND process: `node --import tsx bench/load/autocannon-child.ts '<json>'` prints one JSON result.
import autocannon from 'autocannon';

export interface Spec {
  url: string;
  connections: number;
  seconds: number;
  /**
   * 'healthz': GET /healthz only. 'scheduling': a steady cycle of GET /api/customers, GET /api/outlook/calendar/events
   * (two weeks), GET /api/outlook/calendar/availability (the caller + three colleagues, one working week) and
   * POST /api/outlook/calendar/events (a proposal with a unique subject), each request with the next user's key.
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

const DAY = 86_400_000;

function schedulingRequests(spec: Spec, created: LoadResult['created'], bad: { n: number }): autocannon.Request[] {
  const keys = spec.keys ?? [];
  const people = spec.people ?? [];
  if (keys.length === 0 || people.length < 2 || !spec.from) throw new Error('scheduling mix needs keys, people, from');
  const from = Date.parse(spec.from);
  let turn = 0;
  let n = 0;
  // every request is sent with the next key: the users share the load evenly whatever the connection count
  const as = (req: autocannon.Request, extra: Partial<autocannon.Request> = {}): autocannon.Request => ({
    ...req,
    ...extra,
    headers: { ...req.headers, ...extra.headers, authorization: `Bearer ${keys[turn++ % keys.length]}` },
  });
  const availability = new URLSearchParams({
    start: new Date(from).toISOString(),
    end: new Date(from + 5 * DAY).toISOString(),
    granularity: '30',
  });
  for (const p of people.slice(0, 4)) availability.append('attendees', p);
  const events = new URLSearchParams({
    start: new Date(from - 7 * DAY).toISOString(),
    end: new Date(from + 7 * DAY).toISOString(),
    limit: '50',
  });
  return [
    { method: 'GET', path: '/api/customers', setupRequest: (r) => as(r) },
    { method: 'GET', path: `/api/outlook/calendar/events?${events.toString()}`, setupRequest: (r) => as(r) },
    {
      method: 'GET',
      path: `/api/outlook/calendar/availability?${availability.toString()}`,
      setupRequest: (r) => as(r),
    },
    {
      method: 'POST',
      path: '/api/outlook/calendar/events',
      headers: { 'content-type': 'application/json' },
      setupRequest: (r, context) => {
        n += 1;
        const subject = `Load ${process.pid}-${n}`;
        context.subject = subject; // the connection's context lives until its answer (one request in flight)
        const start = from + (n % 40) * 3_600_000;
        return as(r, {
          body: JSON.stringify({
            subject,
            start: new Date(start).toISOString(),
            end: new Date(start + 1_800_000).toISOString(),
            attendees: [{ email: people[n % people.length]! }, { email: 'guest@fabrikam.example' }],
          }),
        });
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
