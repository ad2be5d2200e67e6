// The guarded webhook poster: refuses what the URL policy refuses before connecting, checks every DNS answer and
// connects to the checked address, never follows a redirect, times out, and never reads a large answer.
import { createServer, type Server } from 'node:http';
import { connect, createServer as createTcpServer, type AddressInfo, type Server as TcpServer } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '../../domain/errors.js';
import { createWebhookPost, guardedLookup, type ResolveAll } from './webhook-post.js';

let hits: Array<{ url: string; body: string }> = [];
let server: Server;
let base: string;
let other: Server;
let otherBase: string;
let otherHits = 0;
let tcp: TcpServer;
let tcpPort: number;
let tcpConnections = 0;

const listen = async (s: Server | TcpServer) => {
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return (s.address() as AddressInfo).port;
};

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      hits.push({ url: req.url ?? '', body });
      if (req.url === '/redirect') {
        res.writeHead(302, { location: `${otherBase}/stolen` }).end();
      } else if (req.url === '/huge') {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        const chunk = Buffer.alloc(64 * 1024, 120);
        let sent = 0;
        const more = () => {
          while (sent < 200 && res.write(chunk)) sent++;
          if (sent < 200) res.once('drain', more);
          else res.end();
        };
        more();
      } else if (req.url === '/silent') {
        // never answers
      } else res.writeHead(204).end();
    });
  });
  base = `http://127.0.0.1:${await listen(server)}`;
  other = createServer((_req, res) => {
    otherHits++;
    res.writeHead(200).end('secret');
  });
  otherBase = `http://127.0.0.1:${await listen(other)}`;
  tcp = createTcpServer((s) => {
    tcpConnections++;
    s.destroy();
  });
  tcpPort = await listen(tcp);
});
afterEach(() => {
  hits = [];
});
afterAll(async () => {
  server.closeAllConnections();
  for (const s of [server, other, tcp]) await new Promise((r) => s.close(r));
});

const refused = async (p: Promise<unknown>) => {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(isAppError(e, 'webhook_url_not_allowed'), String(e)).toBe(true);
};
const init = { headers: { 'content-type': 'application/json' }, body: '{"a":1}' };

describe('with loopback receivers allowed (development, tests)', () => {
  const { post, close } = createWebhookPost({ allowLoopback: true, timeoutMs: 500 });
  afterAll(() => close());

  it('posts to an http loopback receiver', async () => {
    expect(await post(`${base}/hook?x=1`, init)).toEqual({ status: 204 });
    expect(hits).toEqual([{ url: '/hook?x=1', body: '{"a":1}' }]);
  });

  it('does not follow a redirect: the 302 is the answer', async () => {
    expect((await post(`${base}/redirect`, init)).status).toBe(302);
    expect(otherHits).toBe(0);
  });

  it('does not read a large answer: only its first 512 bytes, for the delivery log', async () => {
    const started = Date.now();
    const r = await post(`${base}/huge`, init);
    expect(r.status).toBe(200);
    expect(r.body).toBe('x'.repeat(512));
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('gives up on a receiver that does not answer', async () => {
    const started = Date.now();
    await expect(post(`${base}/silent`, init)).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('still refuses private addresses and http to other hosts', async () => {
    await refused(post('http://10.0.0.1/hook', init));
    await refused(post('https://192.168.1.1/hook', init));
    await refused(post('http://hooks.example.com/hook', init));
  });
});

describe('in production (no loopback)', () => {
  it('refuses http, loopback and private literals before connecting', async () => {
    const { post, close } = createWebhookPost({ allowLoopback: false, timeoutMs: 500 });
    try {
      await refused(post(`${base}/hook`, init));
      await refused(post(`https://127.0.0.1:${tcpPort}/hook`, init));
      await refused(post('https://169.254.169.254/latest/meta-data/', init));
      await refused(post('https://[::ffff:10.0.0.1]/', init));
      expect(hits).toEqual([]);
      expect(tcpConnections).toBe(0);
    } finally {
      await close();
    }
  });

  it('refuses a name that resolves to a loopback or private address (DNS rebinding), before connecting', async () => {
    const answers: Record<string, string[]> = {
      'rebind.example.test': ['127.0.0.1'],
      'mixed.example.test': ['93.184.216.34', '10.0.0.7'],
      'v6.example.test': ['::1'],
    };
    const resolveAll: ResolveAll = async (host) =>
      (answers[host] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    const { post, close } = createWebhookPost({ allowLoopback: false, timeoutMs: 500, resolveAll });
    try {
      for (const host of Object.keys(answers)) await refused(post(`https://${host}:${tcpPort}/hook`, init));
      expect(tcpConnections).toBe(0);
    } finally {
      await close();
    }
  });
});

describe('guardedLookup', () => {
  it('hands the socket exactly the addresses it checked (resolved once)', async () => {
    let resolutions = 0;
    const lookup = guardedLookup({ allowLoopback: true }, async () => {
      resolutions++;
      return [{ address: '127.0.0.1', family: 4 }];
    });
    await new Promise<void>((resolve, reject) => {
      const s = connect({ host: 'receiver.example.test', port: tcpPort, lookup }, () => {
        s.destroy();
        resolve();
      });
      s.on('error', reject);
    });
    expect(resolutions).toBe(1);
    expect(tcpConnections).toBe(1);
  });
});
