// The Google Calendar emulator's HTTPS server: OAuth 2.0 / OpenID endpoints, Calendar API v3 under /calendar/v3
// (with faults), the Admin SDK room list, and the admin API under /_emulator.
import formbody from '@fastify/formbody';
import Fastify, { type FastifyInstance } from 'fastify';
import { EmuClock, initialClockOffset } from '../common/clock.js';
import { RequestLog } from '../common/request-log.js';
import { StateFile, mayChangeState, persistDelay, stateFilePath, type PersistOption } from '../common/state-file.js';
import { DEFAULT_DATA_DIR, ensureTlsMaterialAsync } from '../common/tls.js';
import { adminRoutes, makeApp } from './admin.js';
import { batchRoutes } from './batch.js';
import { calendarRoutes } from './calendar.js';
import { notFound, sendGoogleError } from './errors.js';
import { Channels } from './channels.js';
import { GoogleFaults, type GoogleFaultPatch } from './faults.js';
import { GmailOutbox, gmailAdminRoutes, gmailRoutes } from './gmail.js';
import type { GApp } from './model.js';
import { OAuthState, oauthRoutes } from './oauth.js';
import { peopleRoutes } from './people.js';
import { GOOGLE_STATE_FILE, checkGoogleState, googleState, loadGoogleState, type GoogleState } from './persistence.js';
import { seedGoogle } from './seed.js';
import { GoogleStore } from './store.js';

/** The demo OAuth client every Google emulator has. */
export const GOOGLE_DEMO_APP: GApp = {
  clientId: '000000000000-calbridgeemulatordemo.apps.googleusercontent.com',
  clientSecret: 'GOCSPX-calbridge-emulator-demo-secret',
  name: 'calbridge (emulator demo app)',
  redirectUris: [
    'http://localhost:3000/api/integrations/google/callback',
    'http://127.0.0.1:3000/api/integrations/google/callback',
  ],
};

export interface GoogleEmulatorOptions {
  port?: number;
  host?: string;
  seed?: number;
  autoConsent?: boolean;
  dataDir?: string;
  faults?: GoogleFaultPatch;
  /** Access-token lifetime (default 3599 s). */
  accessTokenSeconds?: number;
  /** Only users and rooms, no meetings (fast start and reset). */
  minimalSeed?: boolean;
  quiet?: boolean;
  apps?: Array<Partial<GApp> & Pick<GApp, 'redirectUris'>>;
  /**
   * Keep the state in `dataDir` (default off): on start, `google-state.json` there is loaded instead of seeding
   * (seed and minimalSeed are then ignored); changes are written to it shortly after they happen and on close.
   * State: users, calendars and events (sync tokens stay valid), apps, grants with refresh tokens, unexpired codes
   * and access tokens, the ID-token key, push channels and the clock offset. Configuration (faults, token
   * lifetime, auto-consent) comes from the options on every start. `{ file, delayMs }` picks another file name
   * (relative to dataDir) or write delay (default 500 ms).
   */
  persist?: PersistOption;
  /**
   * Start the emulator clock at this instant (ISO 8601 or epoch ms); it runs on from there. Wins over
   * `clockOffsetMs` and over a saved clock offset. `POST /_emulator/reset` goes back to this offset.
   */
  now?: string | number | Date;
  /** Start the emulator clock this many ms off real time (see `now`). */
  clockOffsetMs?: number;
  /**
   * Accept http:// watch addresses on loopback hosts (default off: Google answers 400 push.webhookUrlNotHttps to any
   * address that is not https). For a calbridge served on plain http on loopback (npm start, tests).
   */
  allowHttpNotifications?: boolean;
}

export interface RunningGoogleEmulator {
  baseUrl: string;
  port: number;
  caFile: string;
  caPem: string;
  app: GApp;
  users: string[];
  store: GoogleStore;
  oauth: OAuthState;
  faults: GoogleFaults;
  channels: Channels;
  requestLog: RequestLog;
  /** What Gmail `messages.send` sent (also at `GET /_emulator/outbox`). */
  outbox: GmailOutbox;
  clock: EmuClock;
  server: FastifyInstance;
  /** The state file with `persist`, else null. */
  stateFile: string | null;
  /** True when this start loaded the state file instead of seeding. */
  restored: boolean;
  /** Writes the state file now (with `persist`; a no-op without): after changing state in-process. */
  saveState(): void;
  reset(): Promise<void>;
  registerApp(a: Partial<GApp> & Pick<GApp, 'redirectUris'>): GApp;
  close(): Promise<void>;
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * Starts the Google emulator over HTTPS.
 * @example
 * const g = await startGoogleEmulator({ port: 0, autoConsent: true });
 * // OAuth: `${g.baseUrl}/o/oauth2/v2/auth`, token `${g.baseUrl}/token`; Calendar: `${g.baseUrl}/calendar/v3/`
 */
export async function startGoogleEmulator(opts: GoogleEmulatorOptions = {}): Promise<RunningGoogleEmulator> {
  const dataDir = opts.dataDir ?? DEFAULT_DATA_DIR;
  const tls = await ensureTlsMaterialAsync(dataDir);
  const statePath = stateFilePath(opts.persist, dataDir, GOOGLE_STATE_FILE);
  const raw = statePath
    ? new StateFile<unknown>({ path: statePath, snapshot: () => null, collections: true }).read()
    : undefined;
  const saved = raw === undefined ? undefined : checkGoogleState(raw, statePath!);
  const clock = new EmuClock(Date.now, initialClockOffset(opts));
  if (saved && opts.now === undefined && opts.clockOffsetMs === undefined) clock.setOffset(saved.clockOffsetMs);
  const store = new GoogleStore(clock.now);
  const oauth = new OAuthState(clock.now, {
    autoConsent: opts.autoConsent,
    accessTokenSeconds: opts.accessTokenSeconds,
  });
  await oauth.init(saved?.oauth);
  const oauthKey = saved?.oauth.key ?? (await oauth.toJSON()).key;
  const faults = new GoogleFaults(clock.now, opts.faults ?? {});
  const channels = new Channels(clock.now, { allowHttpNotifications: opts.allowHttpNotifications });
  store.onChange((id) => channels.changed(id));
  const requestLog = new RequestLog();
  const outbox = new GmailOutbox();
  const extraApps: GApp[] = [];
  const registerApp = (a: Partial<GApp> & Pick<GApp, 'redirectUris'>) => {
    const app = makeApp(a);
    extraApps.push(app);
    oauth.apps.set(app.clientId, app);
    return app;
  };
  const seed = () => {
    seedGoogle(store, { seed: opts.seed ?? 1, now: clock.now(), minimal: opts.minimalSeed });
    oauth.apps.set(GOOGLE_DEMO_APP.clientId, GOOGLE_DEMO_APP);
    for (const a of extraApps) oauth.apps.set(a.clientId, a);
  };
  if (saved) {
    loadGoogleState(saved, { store, channels });
    extraApps.push(...(saved.registeredApps ?? []));
    oauth.apps.set(GOOGLE_DEMO_APP.clientId, GOOGLE_DEMO_APP);
  } else {
    seed();
  }
  // With a saved state, apps of the options that it holds already (same client id) are not registered again.
  for (const a of opts.apps ?? []) if (!(saved && a.clientId && oauth.apps.has(a.clientId))) registerApp(a);
  const reset = async () => {
    store.clear();
    oauth.reset();
    channels.clear();
    faults.reset(opts.faults ?? {});
    clock.reset();
    requestLog.reset();
    outbox.clear();
    seed();
  };

  const server = Fastify({
    https: { key: tls.key, cert: tls.cert },
    logger: opts.quiet === false ? { level: 'info' } : false,
    bodyLimit: 4 * 1024 * 1024,
  });
  await server.register(formbody);
  let stateFile: StateFile<GoogleState> | null = null;
  if (statePath) {
    const file = new StateFile<GoogleState>({
      path: statePath,
      delayMs: persistDelay(opts.persist),
      collections: true,
      snapshot: () => googleState({ clock, registeredApps: () => [...extraApps], store, oauth, oauthKey, channels }),
    });
    stateFile = file;
    // Cheap change detection: every request that may change state (and every calendar change made in-process).
    server.addHook('onResponse', async (req) => {
      if (mayChangeState(req.method, req.url)) file.markDirty();
    });
    store.onChange(() => file.markDirty());
    if (!saved) file.markDirty();
  }
  let baseUrl = '';
  server.addHook('onResponse', async (req, reply) => {
    if (req.url.startsWith('/_emulator')) return;
    requestLog.record({
      at: new Date(clock.now()).toISOString(),
      method: req.method,
      url: req.url,
      route: req.routeOptions.url ?? req.url.split('?')[0] ?? req.url,
      status: reply.statusCode,
      durationMs: Math.round(reply.elapsedTime * 100) / 100,
      mailbox: req.googleToken?.user ?? null,
      appId: req.googleToken?.clientId ?? null,
      fault: (req as { fault?: string }).fault ?? null,
    });
  });
  await server.register((app) => oauthRoutes(app, { state: oauth, users: () => store.users, baseUrl: () => baseUrl }));
  await server.register((app) => calendarRoutes(app, { store, oauth, faults, channels, baseUrl: () => baseUrl }));
  // A path the Calendar API does not have (a typo, `users/<someone>/…` instead of `users/me/…`) is Google's JSON 404.
  server.setNotFoundHandler((req, reply) =>
    req.url.startsWith('/calendar/v3/')
      ? sendGoogleError(reply, notFound())
      : reply
          .code(404)
          .send({ message: `Route ${req.method}:${req.url} not found`, error: 'Not Found', statusCode: 404 }),
  );
  await server.register((app) => gmailRoutes(app, { oauth, faults, outbox, now: clock.now }));
  await server.register((app) => peopleRoutes(app, { store, oauth, faults }));
  await server.register((app) => gmailAdminRoutes(app, outbox), { prefix: '/_emulator' });
  await server.register((app) => batchRoutes(app, () => server));
  await server.register(
    (app) => adminRoutes(app, { store, oauth, faults, requestLog, clock, channels, reset, registerApp }),
    { prefix: '/_emulator' },
  );

  await server.listen({ port: opts.port ?? 0, host: opts.host ?? '127.0.0.1' });
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : (opts.port ?? 0);
  baseUrl = `https://${urlHost(opts.host ?? '127.0.0.1')}:${port}`;
  return {
    baseUrl,
    port,
    caFile: tls.caFile,
    caPem: tls.caPem,
    app: GOOGLE_DEMO_APP,
    get users() {
      return [...store.users.values()].filter((u) => u.kind === 'user').map((u) => u.email);
    },
    store,
    oauth,
    faults,
    channels,
    requestLog,
    outbox,
    clock,
    server,
    stateFile: statePath,
    restored: saved !== undefined,
    saveState: () => stateFile?.save(),
    reset,
    registerApp,
    close: async () => {
      await server.close();
      await channels.close();
      stateFile?.close();
    },
  };
}
