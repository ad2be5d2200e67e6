// fetchTransport: one HTTPS-or-HTTP request through the agent, its answer read whole, and a stalled request or body
// aborted after the timeout with the TimeoutError AbortSignal.timeout gave.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchTransport } from './http.js';

let server: Server;
let base = '';
const agent = new Agent();

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/json') {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        res.writeHead(201, { 'content-type': 'application/json', 'x-seen': req.headers['x-test'] ?? '' });
        res.end(JSON.stringify({ method: req.method, body }));
      });
    } else if (req.url === '/headers-then-stall') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"partial":');
    } // '/stall': never answers
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await agent.close();
});

describe('fetchTransport', () => {
  it('sends the request and reads the answer whole', async () => {
    const send = fetchTransport(agent, 5_000);
    const res = await send({ method: 'POST', url: `${base}/json`, headers: { 'x-test': 'yes' }, body: '{"a":1}' });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-seen')).toBe('yes');
    expect(res.body).toEqual({ method: 'POST', body: '{"a":1}' });
  });

  it('aborts a request without an answer, and an answer whose body stalls, with a TimeoutError', async () => {
    const send = fetchTransport(agent, 150);
    for (const path of ['/stall', '/headers-then-stall']) {
      const e = await send({ method: 'GET', url: `${base}${path}`, headers: {} }).catch((x: unknown) => x);
      expect(e, path).toBeInstanceOf(DOMException);
      expect((e as DOMException).name, path).toBe('TimeoutError');
    }
  });
});
