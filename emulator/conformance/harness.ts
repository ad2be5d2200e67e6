// Conformance harness: an in-process emulator, delegated tokens for seeded users, an HTTPS client, a webhook receiver.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, fetch } from 'undici';
import type { EmuUser } from '../microsoft/contracts.js';
import { existingSubscriptionEngine } from '../microsoft/graph/subscription-engine-registry.js';
import { issueAccessToken } from '../microsoft/identity/tokens.js';
import { startEmulator, type RunningEmulator } from '../microsoft/server.js';

/** Delegated permissions the runner's tokens carry (everything the calendar cases touch). */
export const RUNNER_SCOPES = [
  'User.Read',
  'Calendars.ReadWrite',
  'Calendars.ReadWrite.Shared',
  'MailboxSettings.ReadWrite',
  'Mail.Send',
  'Mail.Read',
  'Place.Read.All',
  'OnlineMeetings.ReadWrite',
  'People.Read',
];

export interface HttpResult {
  status: number;
  headers: Record<string, string>;
  text: string;
  /** Parsed JSON body, or null when the body is empty or not JSON. */
  json: unknown;
}

export interface Posted {
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  text: string;
  json: unknown;
}

/** A local webhook endpoint: echoes validation tokens, answers 202 to notifications, records every POST. */
export class Receiver {
  readonly posts: Posted[] = [];
  private waiters: Array<{ pred: (p: Posted) => boolean; resolve: (p: Posted) => void }> = [];
  private server!: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const u = new URL(req.url ?? '/', 'http://receiver');
        const text = Buffer.concat(chunks).toString('utf8');
        const json = parseJson(text);
        const post: Posted = { path: u.pathname, query: u.searchParams, headers: req.headers, text, json };
        this.posts.push(post);
        for (const w of [...this.waiters]) {
          if (w.pred(post)) {
            this.waiters.splice(this.waiters.indexOf(w), 1);
            w.resolve(post);
          }
        }
        const token = u.searchParams.get('validationToken');
        if (token !== null) res.writeHead(200, { 'content-type': 'text/plain' }).end(token);
        else res.writeHead(202).end();
      });
    });
    await new Promise<void>((ok) => this.server.listen(0, '127.0.0.1', ok));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** The first POST (already received or future) matching `pred`, or null after `timeoutMs`. */
  waitFor(pred: (p: Posted) => boolean, timeoutMs = 5000): Promise<Posted | null> {
    const seen = this.posts.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.resolve !== done);
        resolve(null);
      }, timeoutMs);
      const done = (p: Posted) => {
        clearTimeout(timer);
        resolve(p);
      };
      this.waiters.push({ pred, resolve: done });
    });
  }

  close(): Promise<void> {
    return new Promise((ok) => this.server.close(() => ok()));
  }
}

/** One running emulator plus what the cases need to talk to it. */
export class Harness {
  me!: EmuUser;
  other!: EmuUser;
  token = '';
  otherToken = '';
  readonly receiver = new Receiver();
  private agent!: Agent;
  private snapshot: ReturnType<RunningEmulator['store']['toJSON']> | null = null;

  private constructor(readonly emu: RunningEmulator) {}

  static async start(): Promise<Harness> {
    const emu = await startEmulator({
      port: 0,
      quiet: true,
      autoConsent: true,
      // Its own CA: a shared ./data/emulator made under another clock (CI's faketime pass) may not be valid now.
      dataDir: mkdtempSync(join(tmpdir(), 'emu-conformance-')),
      // the receiver is plain http on 127.0.0.1: the emulator's explicit loopback mode
      subscriptions: { retryDelaysMs: [200], validationTimeoutMs: 5000, allowHttpNotifications: true },
    });
    const h = new Harness(emu);
    h.agent = new Agent({ connect: { ca: emu.caPem } });
    await h.receiver.start();
    await h.reset();
    return h;
  }

  /**
   * Back to the seeded state, fresh tokens (every case starts from the same state). The mailboxes are restored
   * from a snapshot taken after the first seed: the same data as a re-seed, in a fraction of the time.
   */
  async reset(): Promise<void> {
    // Subscriptions go first: restoring mailboxes must not reach subscriptions of the previous case.
    existingSubscriptionEngine(this.emu.store)?.subscriptions.clear();
    this.receiver.posts.length = 0;
    if (this.snapshot) this.emu.store.load(structuredClone(this.snapshot));
    else {
      await this.emu.reset();
      this.snapshot = structuredClone(this.emu.store.toJSON());
    }
    this.emu.clock.reset();
    this.emu.faults.reset({ throttle: { enabled: false } });
    const people = [...this.emu.directory.users.values()].filter(
      (u) => u.kind === 'user' && u.mailbox === 'exchangeOnline',
    );
    if (people.length < 2) throw new Error('the emulator seed needs at least two people with mailboxes');
    [this.me, this.other] = people as [EmuUser, EmuUser];
    this.token = await this.mint(this.me);
    this.otherToken = await this.mint(this.other);
  }

  async mint(user: EmuUser): Promise<string> {
    const app = this.emu.directory.apps.get(this.emu.app.clientId);
    const tenant = this.emu.directory.tenants.get(user.tenantId);
    if (!app || !tenant) throw new Error('demo app or tenant missing from the emulator directory');
    const { token } = await issueAccessToken(this.emu.identity, { app, tenant, user, permissions: RUNNER_SCOPES });
    return token;
  }

  /** A Graph request; `path` is relative to /v1.0 (or an absolute emulator URL such as a nextLink). */
  async graph(
    method: string,
    path: string,
    opts: { headers?: Record<string, string>; body?: unknown; raw?: string; token?: string } = {},
  ): Promise<HttpResult> {
    const url = /^https?:\/\//.test(path) ? path : `${this.emu.baseUrl}/v1.0/${path.replace(/^\/+/, '')}`;
    const headers: Record<string, string> = { authorization: `Bearer ${opts.token ?? this.token}`, ...opts.headers };
    let body: string | undefined;
    if (opts.raw !== undefined) body = opts.raw;
    else if (opts.body !== undefined && opts.body !== null) {
      body = JSON.stringify(opts.body);
      if (!Object.keys(headers).some((k) => k.toLowerCase() === 'content-type'))
        headers['content-type'] = 'application/json';
    }
    const res = await fetch(url, { method, headers, body, dispatcher: this.agent });
    const text = await res.text();
    const json = parseJson(text);
    const outHeaders: Record<string, string> = {};
    res.headers.forEach((v, k) => (outHeaders[k] = v));
    return { status: res.status, headers: outHeaders, text, json };
  }

  async close(): Promise<void> {
    await this.receiver.close();
    await this.emu.close();
    await this.agent.close();
  }
}

function parseJson(text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
