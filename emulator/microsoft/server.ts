// The Microsoft 365 emulator's HTTPS server: identity platform, Graph routes under /v1.0 with faults, admin API.
import { randomBytes, randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { EmuClock, initialClockOffset } from '../common/clock.js';
import { RequestLog } from '../common/request-log.js';
import { StateFile, mayChangeState, persistDelay, stateFilePath, type PersistOption } from '../common/state-file.js';
import { DEFAULT_DATA_DIR, ensureTlsMaterialAsync } from '../common/tls.js';
import { adminRoutes } from './admin.js';
import type { EmuApp } from './contracts.js';
import type { GraphContext } from './graph/context.js';
import { Directory } from './directory.js';
import { Faults, attachFaults, type FaultConfig, type FaultPatch } from './faults.js';
import { logRequests, registerGraphScope, requestIdentity } from './graph-scope.js';
import { MailboxStore } from './graph/store.js';
import {
  configureSubscriptionEngine,
  subscriptionEngine,
  type EngineSettings,
} from './graph/subscription-engine-registry.js';
import { identityRoutes } from './identity/routes.js';
import {
  IdentityState,
  createSigningKey,
  exportSigningKey,
  importSigningKey,
  type SigningKey,
  type TokenLifetimes,
} from './identity/state.js';
import { createAuthenticate } from './identity/tokens.js';
import { loadAdminModules, loadRouteModules, loadSeed, minimalSeed, type SeedFn } from './modules.js';
import {
  MICROSOFT_STATE_FILE,
  checkMicrosoftState,
  loadMicrosoftState,
  microsoftState,
  savedSubscriptions,
  type MicrosoftState,
} from './persistence.js';

/** The demo app every emulator has (fixed, so that configs and docs can name it). */
export const DEMO_APP = {
  clientId: '5c7b1e0a-2f4d-4c3b-9a8e-0ca1b41d9e01',
  clientSecret: 'calbridge-emulator-demo-secret',
  displayName: 'calbridge (emulator demo app)',
  redirectUris: [
    'http://localhost:3000/api/integrations/outlook/callback',
    'http://127.0.0.1:3000/api/integrations/outlook/callback',
    // calbridge's sign-in uses the same app registration as its calendar connect
    'http://localhost:3000/api/auth/callback/microsoft',
    'http://127.0.0.1:3000/api/auth/callback/microsoft',
  ],
} as const;

export interface EmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  seed?: number;
  /** Size of the seeded data set (passed to the seed). */
  scale?: number;
  autoConsent?: boolean;
  /** Where the CA and server certificate live (default ./data/emulator). */
  dataDir?: string;
  faults?: FaultPatch;
  tokenLifetimes?: Partial<TokenLifetimes>;
  /** Shorthand for faults.latency.fixedMs. */
  latencyMs?: number;
  /** No request logging to stdout (default true). */
  quiet?: boolean;
  /** More apps to register, besides the demo app. */
  apps?: Array<Partial<EmuApp> & Pick<EmuApp, 'redirectUris'>>;
  /**
   * Seed only a tiny directory (one tenant, three people, one room, no meetings) instead of graph/seed.ts's
   * demo data: starts and resets in milliseconds, for tests that do not need calendar data.
   */
  minimalSeed?: boolean;
  /** Subscription engine settings (e.g. short webhook timeouts in tests). */
  subscriptions?: EngineSettings;
  /**
   * Keep the state in `dataDir` (default off): on start, `microsoft-state.json` there is loaded instead of seeding
   * (seed, scale and minimalSeed are then ignored); changes are written to it shortly after they happen and on
   * close. State: directory, registered apps, mailboxes (with change feeds: delta tokens stay valid), mail, the
   * token signing key, codes, refresh tokens, consents, revocations, subscriptions and the clock offset.
   * Configuration (faults, token lifetimes, auto-consent) comes from the options on every start.
   * `{ file, delayMs }` picks another file name (relative to dataDir) or write delay (default 500 ms).
   */
  persist?: PersistOption;
  /**
   * Start the emulator clock at this instant (ISO 8601 or epoch ms); it runs on from there. Wins over
   * `clockOffsetMs` and over a saved clock offset. `POST /_emulator/reset` goes back to this offset.
   */
  now?: string | number | Date;
  /** Start the emulator clock this many ms off real time (see `now`). */
  clockOffsetMs?: number;
}

export interface RunningEmulator {
  baseUrl: string;
  port: number;
  caFile: string;
  caPem: string;
  app: { clientId: string; clientSecret: string; redirectUris: string[] };
  /** userPrincipalName of every seeded person (not rooms). */
  users: string[];
  directory: Directory;
  store: MailboxStore;
  faults: Faults;
  requestLog: RequestLog;
  identity: IdentityState;
  clock: EmuClock;
  server: FastifyInstance;
  /** The state file with `persist`, else null. */
  stateFile: string | null;
  /** True when this start loaded the state file instead of seeding. */
  restored: boolean;
  /** Writes the state file now (with `persist`; a no-op without): after changing state in-process. */
  saveState(): void;
  /** Re-seeds directory, mailboxes and identity state (apps registered later are kept). */
  reset(): Promise<void>;
  registerApp(input: Partial<EmuApp> & Pick<EmuApp, 'redirectUris'>): EmuApp;
  close(): Promise<void>;
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/** The app registrations: the demo app, `opts.apps` and apps registered later (kept across resets). */
class Apps {
  readonly demo: EmuApp = {
    ...DEMO_APP,
    redirectUris: [...DEMO_APP.redirectUris],
    homeTenantId: '',
    multiTenant: true,
  };
  private readonly extra: EmuApp[] = [];

  constructor(private readonly directory: Directory) {}

  private defaultTenant(): string {
    return [...this.directory.tenants.keys()][0] ?? '';
  }

  register(input: Partial<EmuApp> & Pick<EmuApp, 'redirectUris'>): EmuApp {
    const app: EmuApp = {
      clientId: input.clientId ?? randomUUID(),
      clientSecret: input.clientSecret ?? randomBytes(24).toString('base64url'),
      displayName: input.displayName ?? 'Registered app',
      redirectUris: [...input.redirectUris],
      homeTenantId: input.homeTenantId ?? this.defaultTenant(),
      multiTenant: input.multiTenant ?? true,
    };
    this.extra.push(app);
    return this.directory.addApp(app);
  }

  /** Apps registered besides the demo app. */
  registered(): EmuApp[] {
    return [...this.extra];
  }

  /** Replaces the apps registered besides the demo app (from a state file). */
  load(apps: EmuApp[]): void {
    this.extra.length = 0;
    this.extra.push(...apps);
  }

  /** Puts every registration (back) into the directory after a (re)seed. */
  restore(): void {
    this.demo.homeTenantId = this.defaultTenant();
    this.directory.addApp(this.demo);
    for (const a of this.extra) this.directory.addApp(a);
  }
}

/** Everything an emulator instance holds, before any HTTP: seeded, or loaded from a saved state. */
async function createState(opts: EmulatorOptions, saved: MicrosoftState | undefined) {
  const clock = new EmuClock(Date.now, initialClockOffset(opts));
  if (saved && opts.now === undefined && opts.clockOffsetMs === undefined) clock.setOffset(saved.clockOffsetMs);
  const directory = new Directory();
  const store = new MailboxStore({ directory, clock: clock.now });
  // A new signing key (RSA, made on the thread pool) is made while this thread seeds the mailboxes (issue 20).
  const signingKeyMade = saved ? importSigningKey(saved.signingKey) : createSigningKey();
  signingKeyMade.catch(() => undefined); // awaited below, where a failure is thrown
  const newIdentity = (key: SigningKey) =>
    new IdentityState(key, clock.now, { lifetimes: opts.tokenLifetimes, autoConsent: opts.autoConsent });
  const initialFaults: FaultPatch = {
    ...opts.faults,
    ...(opts.latencyMs !== undefined ? { latency: { ...opts.faults?.latency, fixedMs: opts.latencyMs } } : {}),
  };
  const faults = new Faults(clock.now, initialFaults);
  attachFaults(store, faults);
  const seedFn: SeedFn = opts.minimalSeed ? minimalSeed : await loadSeed();
  const apps = new Apps(directory);
  const seed = async () => {
    await seedFn({ directory, store, seed: opts.seed ?? 1, scale: opts.scale ?? 1, clock: clock.now });
    apps.restore();
  };
  let identity: IdentityState;
  if (saved) {
    identity = newIdentity(await signingKeyMade);
    loadMicrosoftState(saved, { directory, store, identity });
    apps.load(saved.registeredApps ?? []);
    apps.restore();
  } else {
    await seed();
    identity = newIdentity(await signingKeyMade);
  }
  // With a saved state, apps of the options that it holds already (same client id) are not registered again.
  for (const a of opts.apps ?? []) if (!(saved && a.clientId && directory.apps.has(a.clientId))) apps.register(a);
  return {
    clock,
    directory,
    store,
    identity,
    signingKeyJson: saved?.signingKey ?? (await exportSigningKey(identity.key)),
    faults,
    initialFaults,
    apps,
    seed,
    requestLog: new RequestLog(),
  };
}

/**
 * Starts the emulator over HTTPS.
 *
 * @example
 * const emu = await startEmulator({ port: 0, autoConsent: true, quiet: true });
 * // MSAL: authority `${emu.baseUrl}/common`, knownAuthorities [new URL(emu.baseUrl).host]
 * await emu.close();
 */
export async function startEmulator(opts: EmulatorOptions = {}): Promise<RunningEmulator> {
  const dataDir = opts.dataDir ?? DEFAULT_DATA_DIR;
  // A first start's CA and server keys are made on the thread pool while this thread seeds the mailboxes.
  const tlsMade = ensureTlsMaterialAsync(dataDir);
  tlsMade.catch(() => undefined); // awaited below, where a failure is thrown
  const statePath = stateFilePath(opts.persist, dataDir, MICROSOFT_STATE_FILE);
  let stateFile: StateFile<MicrosoftState> | null = null;
  const saved = statePath
    ? (() => {
        const raw = new StateFile<unknown>({ path: statePath, snapshot: () => null }).read();
        return raw === undefined ? undefined : checkMicrosoftState(raw, statePath);
      })()
    : undefined;
  const st = await createState(opts, saved);
  const tls = await tlsMade;
  const { clock, directory, store, identity, faults, requestLog, apps } = st;
  const server: FastifyInstance = Fastify({
    https: { key: tls.key, cert: tls.cert },
    logger: opts.quiet === false ? { level: 'info' } : false,
    bodyLimit: 8 * 1024 * 1024,
    // Graph ids (long event ids, occurrence ids, URL-encoded addresses) exceed Fastify's default of 100.
    // Graph matches path segments without regard to case (the docs write both `getSchedule` and `getschedule`,
    // `calendarView` and `calendarview`); parameters keep their case (ids are case-sensitive).
    routerOptions: { maxParamLength: 500, caseSensitive: false },
  });
  let baseUrl = '';
  const ctx: GraphContext & { caPem: string; faults: Faults } = {
    authenticate: createAuthenticate(identity),
    directory,
    store,
    baseUrl: () => baseUrl,
    clock: clock.now,
    caPem: tls.caPem,
    faults,
  };
  if (opts.subscriptions) configureSubscriptionEngine(store, opts.subscriptions);
  const engine = subscriptionEngine(ctx);
  for (const s of saved ? savedSubscriptions(saved) : []) engine.subscriptions.set(s.id, s);
  engine.webhookFaults = faults.config.webhook;
  faults.onChange((c) => (engine.webhookFaults = c.webhook));

  const reset = async () => {
    directory.tenants.clear();
    directory.users.clear();
    store.load({ version: 1, rooms: [], mailboxes: [] });
    identity.reset();
    engine.subscriptions.clear();
    faults.reset(st.initialFaults);
    clock.reset();
    requestLog.reset();
    await st.seed();
  };
  const registerApp = (input: Partial<EmuApp> & Pick<EmuApp, 'redirectUris'>) => apps.register(input);

  if (statePath) {
    const file = new StateFile<MicrosoftState>({
      path: statePath,
      delayMs: persistDelay(opts.persist),
      snapshot: () =>
        microsoftState({
          clock,
          signingKey: st.signingKeyJson,
          directory,
          registeredApps: () => apps.registered(),
          store,
          identity,
          subscriptions: () => engine,
        }),
    });
    stateFile = file;
    // Cheap change detection: every request that may change state (and every mailbox change made in-process).
    server.addHook('onResponse', async (req) => {
      if (mayChangeState(req.method, req.url)) file.markDirty();
    });
    store.onChange(() => file.markDirty());
    if (!saved) file.markDirty();
  }

  const identify = requestIdentity(directory);
  logRequests(server, requestLog, clock, identify);
  await server.register((app) => identityRoutes(app, { directory, state: identity }));
  await server.register(
    (app) => adminRoutes(app, { directory, store, identity, faults, requestLog, clock, reset, registerApp }),
    { prefix: '/_emulator' },
  );
  for (const m of await loadAdminModules()) await server.register(async (scope) => m.plugin(scope, ctx));
  await registerGraphScope(server, { faults, identify, modules: await loadRouteModules(), ctx });

  await server.listen({ port: opts.port ?? 0, host: opts.host ?? '127.0.0.1' });
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : (opts.port ?? 0);
  baseUrl = `https://${urlHost(opts.host ?? '127.0.0.1')}:${port}`;

  return {
    baseUrl,
    port,
    caFile: tls.caFile,
    caPem: tls.caPem,
    app: {
      clientId: apps.demo.clientId,
      clientSecret: apps.demo.clientSecret,
      redirectUris: [...apps.demo.redirectUris],
    },
    get users() {
      return [...directory.users.values()].filter((u) => u.kind === 'user').map((u) => u.userPrincipalName);
    },
    directory,
    store,
    faults,
    requestLog,
    identity,
    clock,
    server,
    stateFile: statePath,
    restored: saved !== undefined,
    saveState: () => stateFile?.save(),
    reset,
    registerApp,
    close: async () => {
      await server.close();
      stateFile?.close();
    },
  };
}

export type { FaultConfig };
