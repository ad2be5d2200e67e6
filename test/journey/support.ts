// Journey-test support: starts the shipped commands (`npm start`, `calbridge serve|worker|emulator|create-…`) as child
// processes and talks to them only over HTTP, as a user's browser, a platform back end and the providers would.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, fetch as undiciFetch } from 'undici';
import { createCalbridgeClient } from '../../src/client/index.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = join(ROOT, 'bin', 'calbridge.js');

/** The parent's environment without anything that configures calbridge (each process gets exactly what it needs). */
export function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (
      /^(DATABASE_|MICROSOFT_|GOOGLE_|CALBRIDGE_|SYNC_|RATE_LIMIT|HEALTH_|PUBLIC_BASE_URL|PORT$|HOST$|LOG_LEVEL|NODE_ENV|VITEST|TEST_SUMMARY)/.test(
        k,
      )
    )
      continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

/** A child process with its output kept (for waiting on a line and for the failure message). */
export class Proc {
  readonly out: string[] = [];
  readonly child: ChildProcess;
  private waiters: Array<() => void> = [];
  exited: { code: number | null; signal: string | null } | null = null;

  constructor(
    readonly name: string,
    command: string,
    args: string[],
    env: NodeJS.ProcessEnv,
    /** Signals go to the whole process group (npm → sh → tsx → node). */
    private readonly group = false,
  ) {
    this.child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: group });
    const take = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) this.out.push(line);
      for (const w of this.waiters.splice(0)) w();
    };
    this.child.stdout!.on('data', take);
    this.child.stderr!.on('data', take);
    this.child.on('exit', (code, signal) => {
      this.exited = { code, signal };
      for (const w of this.waiters.splice(0)) w();
    });
  }

  /** `npm <args>` in the repository, as a newcomer runs it (signals reach the whole process tree). */
  static npm(name: string, args: string[], env: NodeJS.ProcessEnv): Proc {
    return new Proc(name, 'npm', args, env, true);
  }

  /** Sends a signal to the process (its group for npm). */
  signal(sig: NodeJS.Signals): void {
    if (this.exited || this.child.pid === undefined) return;
    try {
      if (this.group) process.kill(-this.child.pid, sig);
      else this.child.kill(sig);
    } catch {
      // already gone
    }
  }

  /** The `calbridge` command itself (bin/calbridge.js), as an operator runs it. */
  static calbridge(name: string, args: string[], env: NodeJS.ProcessEnv): Proc {
    return new Proc(name, process.execPath, [CLI, ...args], env);
  }

  /** Resolves with the first output line (parsed as JSON when `json`) that `match` accepts. */
  async line<T = Record<string, unknown>>(match: (l: T) => boolean, timeoutMs = 120_000, json = true): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let seen = 0;
    for (;;) {
      for (; seen < this.out.length; seen++) {
        const raw = this.out[seen]!;
        let v: unknown = raw;
        if (json) {
          if (!raw.startsWith('{')) continue;
          try {
            v = JSON.parse(raw);
          } catch {
            continue;
          }
        }
        if (match(v as T)) return v as T;
      }
      if (this.exited) throw new Error(`${this.name} exited (${JSON.stringify(this.exited)}):\n${this.tail()}`);
      if (Date.now() > deadline) throw new Error(`${this.name}: no matching line in ${timeoutMs} ms:\n${this.tail()}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, 500);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  tail(n = 30): string {
    return this.out.slice(-n).join('\n').slice(-6000);
  }

  /** Stops with `signal` and waits for the exit. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 30_000): Promise<void> {
    if (this.exited) return;
    const started = Date.now();
    const done = new Promise<void>((r) => this.child.once('exit', () => r()));
    this.signal(signal);
    const t = setTimeout(() => this.signal('SIGKILL'), timeoutMs);
    await done;
    clearTimeout(t);
    // npm dies of the signal at once (in about 10 ms) while calbridge, which got it too, is still shutting down: it
    // stops its jobs, writes the emulators' state and closes the database. Wait for the whole group the rest of the
    // time allowed; only what is still there then is killed. (Killing it as soon as npm had gone cut that shutdown
    // short: the emulator's last changes could go unwritten, and after the restart its change feed then stood behind
    // calbridge's delta token, so the next change was synced as no change — the likely cause of the restart step's
    // failures under load, ADR 0026.)
    if (this.group && this.child.pid !== undefined) {
      const pid = this.child.pid;
      const alive = () => {
        try {
          process.kill(-pid, 0);
          return true;
        } catch {
          return false;
        }
      };
      const deadline = started + timeoutMs;
      while (alive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      if (alive()) process.kill(-pid, 'SIGKILL');
      for (let i = 0; i < 100 && alive(); i++) await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** Runs a one-shot `calbridge` command and returns its JSON answer (it must exit 0). */
export async function calbridgeJson<T>(args: string[], env: NodeJS.ProcessEnv): Promise<T> {
  const p = Proc.calbridge(args[0]!, [...args, '--json'], env);
  await new Promise<void>((r) => p.child.once('exit', () => r()));
  if (p.exited?.code !== 0) throw new Error(`calbridge ${args.join(' ')} failed:\n${p.tail()}`);
  const line = [...p.out].reverse().find((l) => l.startsWith('{'));
  if (!line) throw new Error(`calbridge ${args.join(' ')} printed no JSON:\n${p.tail()}`);
  return JSON.parse(line) as T;
}

/** An HTTPS client that trusts an emulator's CA. */
export const trusting = (caFile: string) => new Agent({ connect: { ca: readFileSync(caFile, 'utf8') } });

/** The calbridge REST API as a platform back end calls it with an API key. */
/**
 * The platform's view of the API: calbridge/client (the package's REST client) with one API key. Retries are off so
 * every answer the journey checks is the first one.
 */
export function apiClient(baseUrl: string, apiKey: string) {
  const client = createCalbridgeClient({ baseUrl, apiKey, retries: 0 });
  // Journeys name concrete paths (ids filled in): the client's untyped `request` sends them as they are.
  const request = client.request as unknown as (
    method: string,
    path: string,
    init: { body?: unknown },
  ) => Promise<{ data?: unknown; error?: unknown; response: Response }>;
  const call = async <T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> => {
    const r = await request(method.toLowerCase(), path, body === undefined ? {} : { body });
    return { status: r.response.status, body: (r.data ?? r.error ?? null) as T };
  };
  return {
    call,
    /** The answer body; throws unless 2xx (CalbridgeApiError, with the stable code). */
    async ok<T>(method: string, path: string, body?: unknown): Promise<T> {
      return client.ok<T>(
        request(method.toLowerCase(), path, body === undefined ? {} : { body }) as Promise<{
          data?: T;
          error?: unknown;
          response: Response;
        }>,
      );
    },
  };
}

interface Form {
  action: string;
  fields: Record<string, string>;
}

const attr = (tag: string, name: string) => new RegExp(`\\b${name}="([^"]*)"`).exec(tag)?.[1];
const unescape = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** The first form of an HTML page: its action and the values a browser would submit (inputs, selected options). */
export function parseForm(html: string, pageUrl: string): Form {
  const form = /<form\b[^>]*>([\s\S]*?)<\/form>/i.exec(html);
  if (!form) throw new Error(`no form on ${pageUrl}: ${html.slice(0, 300)}`);
  const action = new URL(unescape(attr(form[0], 'action') ?? pageUrl), pageUrl).toString();
  const fields: Record<string, string> = {};
  for (const m of form[1]!.matchAll(/<input\b[^>]*>/gi)) {
    const name = attr(m[0], 'name');
    if (name) fields[unescape(name)] = unescape(attr(m[0], 'value') ?? '');
  }
  for (const m of form[1]!.matchAll(/<select\b[^>]*name="([^"]*)"[^>]*>([\s\S]*?)<\/select>/gi)) {
    const selected =
      /<option\b[^>]*value="([^"]*)"[^>]*\bselected\b/i.exec(m[2]!) ?? /<option\b[^>]*value="([^"]*)"/i.exec(m[2]!);
    if (selected) fields[unescape(m[1]!)] = unescape(selected[1]!);
  }
  return { action, fields };
}

/**
 * Follows an authorize URL through the emulator's sign-in and consent page as a person would: the page, the form with
 * `fill` (account, password, the Accept/Allow button), the redirects; resolves with the URL the provider sent the
 * browser back to (the app's callback).
 */
export async function consentThroughPage(
  agent: Agent,
  authorizeUrl: string,
  fill: Record<string, string>,
  backTo: string,
): Promise<URL> {
  let res = await undiciFetch(authorizeUrl, { dispatcher: agent, redirect: 'manual' });
  let url = authorizeUrl;
  for (let i = 0; i < 10; i++) {
    const location = res.headers.get('location');
    if (location) {
      const next = new URL(location, url);
      if (next.toString().startsWith(backTo)) return next;
      url = next.toString();
      res = await undiciFetch(url, { dispatcher: agent, redirect: 'manual' });
      continue;
    }
    if (res.status !== 200) throw new Error(`${url} answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
    const form = parseForm(await res.text(), url);
    res = await undiciFetch(form.action, {
      method: 'POST',
      dispatcher: agent,
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...form.fields, ...fill }).toString(),
    });
    url = form.action;
  }
  throw new Error(`the consent flow did not come back to ${backTo}`);
}

/** A platform's webhook receiver: keeps every request, verifies calbridge's signature with `secret()`. */
export async function webhookReceiver(secret: () => string | null) {
  const received: Array<{ body: Record<string, unknown>; verified: boolean }> = [];
  const readBody = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let s = '';
      req.on('data', (c: Buffer) => (s += c.toString('utf8')));
      req.on('end', () => resolve(s));
    });
  const server = createHttpServer((req, res) => {
    void readBody(req).then((text) => {
      const header = String(req.headers['x-calbridge-signature'] ?? '');
      received.push({ body: JSON.parse(text) as Record<string, unknown>, verified: verify(secret(), header, text) });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const a = server.address();
  const url = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/hooks`;
  return { url, received, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** `t=<unix>,v1=<hex hmac-sha256 of "<t>.<body>">` (docs/webhooks.md), within 5 minutes. */
function verify(secret: string | null, header: string, body: string): boolean {
  if (!secret) return false;
  const parts = Object.fromEntries(header.split(',').map((p) => p.split('=') as [string, string]));
  const t = Number(parts.t);
  if (!parts.v1 || !Number.isFinite(t) || Math.abs(Date.now() / 1000 - t) > 300) return false;
  const want = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  const got = Buffer.from(parts.v1, 'hex');
  return got.length === want.length && timingSafeEqual(got, want);
}

/** Polls `probe` until it returns a truthy value. */
export async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = null;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Removes a test's folder; a failure to clean up is reported, never a test failure. */
export function removeDir(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  } catch (e) {
    console.warn(`could not remove ${dir}: ${(e as Error).message}`);
  }
}
