// Load generator run as a SECOND process: `node --import tsx bench/load/autocannon-child.ts '<json>'` prints one JSON result.
import autocannon from 'autocannon';

interface Spec {
  url: string;
  connections: number;
  seconds: number;
  headers?: Record<string, string>;
  /** 'healthz': GET /healthz only; 'mix': GET /api/customers, GET /api/me, POST /api/customers (unique names). */
  mix: 'healthz' | 'mix';
}

const spec = JSON.parse(process.argv[2] ?? '{}') as Spec;
let n = 0;
const requests: autocannon.Request[] =
  spec.mix === 'healthz'
    ? [{ method: 'GET', path: '/healthz' }]
    : [
        { method: 'GET', path: '/api/customers' },
        { method: 'GET', path: '/api/me' },
        {
          method: 'POST',
          path: '/api/customers',
          headers: { 'content-type': 'application/json' },
          setupRequest: (req) => {
            n += 1;
            const id = `${process.pid}-${n}`;
            return { ...req, body: JSON.stringify({ name: `Load ${id}`, domains: [`load-${id}.example`] }) };
          },
        },
      ];
const result = await autocannon({
  url: spec.url,
  connections: spec.connections,
  duration: spec.seconds,
  headers: spec.headers ?? {},
  requests,
});
const codes = result.statusCodeStats;
process.stdout.write(
  JSON.stringify({
    requestsPerSecond: result.requests.average,
    total: result.requests.total,
    p50: result.latency.p50,
    p99: result.latency.p99,
    mean: result.latency.mean,
    errors: result.errors + result.timeouts + result.non2xx,
    created: codes['201']?.count ?? 0,
    codes: Object.fromEntries(Object.entries(codes).map(([k, v]) => [k, v.count])),
  }) + '\n',
);
