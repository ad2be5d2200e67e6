// Google conformance harness: an in-process Google emulator (minimal seed), the docs' example OAuth clients,
// users created on demand, tokens minted per user, an HTTPS client and a local webhook receiver.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, fetch } from 'undici';
import type { GEvent } from '../google/model.js';
import { SCOPE_PREFIX } from '../google/oauth.js';
import { newEvent } from '../google/serialize.js';
import { startGoogleEmulator, type RunningGoogleEmulator } from '../google/server.js';
import { Receiver, type HttpResult } from './harness.js';

/** The docs' example OAuth clients (client ids and redirect URIs as the cases write them). */
const DOC_APPS = [
  {
    clientId: 'your_client_id',
    clientSecret: 'your_client_secret',
    redirectUris: ['https://oauth2.example.com/code', 'https://oauth2.example.com/auth'],
  },
  {
    clientId: 'client_id',
    clientSecret: 'client_secret',
    redirectUris: ['https://oauth2.example.com/code', 'https://oauth2.example.com/auth'],
  },
  {
    clientId: '1234567890-abc123def456.apps.googleusercontent.com',
    clientSecret: 'secret',
    redirectUris: ['https://calbridge.example.com/oauth/google/callback'],
  },
];

/** Int64 fields of the discovery document (JSON strings in Google's wire format), by property name. */
export function int64Properties(discoveryFile: string): Set<string> {
  const out = new Set<string>();
  try {
    const doc = JSON.parse(readFileSync(discoveryFile, 'utf8')) as {
      schemas?: Record<string, { properties?: Record<string, { format?: string }> }>;
    };
    for (const s of Object.values(doc.schemas ?? {}))
      for (const [k, p] of Object.entries(s.properties ?? {})) if (p.format === 'int64') out.add(k);
  } catch {
    /* no discovery document: no int64 leniency */
  }
  return out;
}

/**
 * Where the emulator's clock starts: in the corpus's own days. Its listings hold events of March 2026 and the
 * emulator lists a year back from now when no timeMin is given, so at the machine's date the replay would lose them
 * from March 2027 on (found by running it under faketime).
 */
export const CORPUS_NOW = '2026-03-02T09:15:00Z';

export class GoogleHarness {
  readonly receiver = new Receiver();
  /** The verifier of RFC 7636 Appendix B (its S256 challenge is E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM). */
  static readonly RFC7636_VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';

  private constructor(
    readonly emu: RunningGoogleEmulator,
    readonly agent: Agent,
    private readonly dir: string,
  ) {}

  static async start(): Promise<GoogleHarness> {
    const dir = mkdtempSync(join(tmpdir(), 'cb-gconf-'));
    const emu = await startGoogleEmulator({
      port: 0,
      minimalSeed: true,
      quiet: true,
      dataDir: dir,
      apps: DOC_APPS,
      now: CORPUS_NOW,
      // The local receiver is plain http on loopback.
      allowHttpNotifications: true,
    });
    const h = new GoogleHarness(emu, new Agent({ connect: { ca: emu.caPem } }), dir);
    await h.receiver.start();
    return h;
  }

  async reset(): Promise<void> {
    await this.emu.reset();
    this.emu.oauth.autoConsent = false;
    this.receiver.posts.length = 0;
  }

  /** The calendar of `email`, created (in `domain` of the address) when missing. */
  ensureUser(email: string, timeZone = 'Europe/Berlin'): string {
    const e = email.toLowerCase();
    if (!this.emu.store.users.has(e))
      this.emu.store.addUser({
        email: e,
        name: e.split('@')[0]!,
        kind: 'user',
        password: 'x',
        timeZone,
        domain: e.split('@')[1] ?? 'example.com',
        conferenceTypes: ['hangoutsMeet'],
      });
    return e;
  }

  token(user: string, scopes = [`${SCOPE_PREFIX}calendar`]): string {
    return this.emu.oauth.mint(this.ensureUser(user), 'your_client_id', scopes);
  }

  /** Puts an event straight into a calendar (fixtures), from a Calendar v3 body. */
  putEvent(user: string, id: string, body: Partial<GEvent>): GEvent {
    const cal = this.emu.store.calendar(this.ensureUser(user))!;
    const owner = this.emu.store.users.get(cal.id)!;
    const start = body.start ?? { dateTime: '2026-03-03T10:00:00+01:00', timeZone: 'Europe/Berlin' };
    const end = body.end ?? { dateTime: '2026-03-03T11:00:00+01:00', timeZone: 'Europe/Berlin' };
    const ev: GEvent = {
      ...newEvent(id, owner, this.emu.clock.now()),
      summary: 'Fixture',
      ...body,
      id,
      start,
      end,
      status: 'confirmed',
    };
    return this.emu.store.put(cal, ev);
  }

  async request(
    method: string,
    path: string,
    opts: {
      headers?: Record<string, string>;
      json?: unknown;
      form?: string;
      raw?: { body: string; contentType: string };
      redirect?: 'manual';
    } = {},
  ): Promise<HttpResult> {
    const headers: Record<string, string> = { ...opts.headers };
    let body: string | undefined;
    if (opts.raw) {
      body = opts.raw.body;
      headers['content-type'] = opts.raw.contentType;
    } else if (opts.json !== undefined && opts.json !== null) {
      body = JSON.stringify(opts.json);
      headers['content-type'] = 'application/json';
    } else if (opts.form !== undefined) {
      body = opts.form;
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const res = await fetch(`${this.emu.baseUrl}${path}`, {
      method,
      headers,
      body,
      dispatcher: this.agent,
      redirect: opts.redirect ?? 'manual',
    });
    const text = await res.text();
    const out: Record<string, string> = {};
    res.headers.forEach((v, k) => (out[k] = v));
    let json: unknown;
    try {
      json = text ? (JSON.parse(text) as unknown) : null;
    } catch {
      json = null;
    }
    return { status: res.status, headers: out, text, json };
  }

  async close(): Promise<void> {
    await this.receiver.close();
    await this.emu.close();
    await this.agent.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
