// The Microsoft 365 emulator's HTTPS server: identity platform, Graph routes under /v1.0 with faults, admin API.
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { decodeJwt } from 'jose';
import { EmuClock } from '../common/clock.js';
import { RequestLog } from '../common/request-log.js';
import { createRng } from '../common/rng.js';
import { DEFAULT_DATA_DIR, ensureTlsMaterial } from '../common/tls.js';
import { adminRoutes } from './admin.js';
import type { EmuApp, GraphContext } from './contracts.js';
import { Directory } from './directory.js';
import {
  Faults,
  attachFaults,
  registerFaultHooks,
  type FaultConfig,
  type FaultPatch,
  type FaultTagged,
} from './faults.js';
import { GraphHttpError, sendGraphError } from './graph/errors.js';
import { MailboxStore } from './graph/store.js';
import {
  configureSubscriptionEngine,
  subscriptionEngine,
  type EngineSettings,
} from './graph/subscription-engine-registry.js';
import { identityRoutes } from './identity/routes.js';
import { IdentityState, createSigningKey, type TokenLifetimes } from './identity/state.js';
import { createAuthenticate } from './identity/tokens.js';

const here = dirname(fileURLToPath(import.meta.url));

/** The demo app every emulator has (fixed, so that configs and docs can name it). */
export const DEMO_APP = {
  clientId: '5c7b1e0a-2f4d-4c3b-9a8e-0ca1b41d9e01',
  clientSecret: 'calbridge-emulator-demo-secret',
  displayName: 'calbridge (emulator demo app)',
  redirectUris: [
    'http://localhost:3000/api/integrations/outlook/callback',
    'http://127.0.0.1:3000/api/integrations/outlook/callback',
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
  /** Re-seeds directory, mailboxes and identity state (apps registered later are kept). */
  reset(): Promise<void>;
  registerApp(input: Partial<EmuApp> & Pick<EmuApp, 'redirectUris'>): EmuApp;
  close(): Promise<void>;
}

type SeedFn = (args: {
  directory: Directory;
  store: MailboxStore;
  seed: number;
  scale: number;
  clock: () => number;
}) => unknown;

async function loadSeed(): Promise<SeedFn> {
  for (const file of ['seed.ts', 'seed.js']) {
    const path = join(here, 'graph', file);
    if (existsSync(path)) {
      const mod = (await import(pathToFileURL(path).href)) as { seedEmulator?: SeedFn };
      if (typeof mod.seedEmulator === 'function') return mod.seedEmulator;
    }
  }
  return fallbackSeed;
}

/** A minimal directory (one tenant, three people, one room) used until the Graph seed exists. */
const fallbackSeed: SeedFn = ({ directory, store, seed }) => {
  const rng = createRng(seed);
  const tenant = directory.addTenant({ id: rng.uuid(), displayName: 'Contoso', domains: ['contoso.com'] });
  const people = [
    ['Adele', 'Vance'],
    ['Alex', 'Wilber'],
    ['Megan', 'Bowen'],
  ] as const;
  for (const [given, sur] of people) {
    const upn = `${given}.${sur}@contoso.com`.toLowerCase();
    const user = directory.addUser({
      id: rng.uuid(),
      tenantId: tenant.id,
      userPrincipalName: upn,
      mail: upn,
      displayName: `${given} ${sur}`,
      givenName: given,
      surname: sur,
      jobTitle: null,
      kind: 'user',
      mailbox: 'exchangeOnline',
      password: 'Passw0rd!',
    });
    store.ensureMailbox(user);
  }
  const room = directory.addUser({
    id: rng.uuid(),
    tenantId: tenant.id,
    userPrincipalName: 'room.one@contoso.com',
    mail: 'room.one@contoso.com',
    displayName: 'Room One',
    givenName: null,
    surname: null,
    jobTitle: null,
    kind: 'room',
    mailbox: 'exchangeOnline',
    password: 'Passw0rd!',
  });
  store.ensureMailbox(room);
};

/** Imports a module by path; a failure names the module (fail fast: a broken module means a broken emulator). */
async function importModule(path: string): Promise<{ default?: unknown }> {
  try {
    return (await import(pathToFileURL(path).href)) as { default?: unknown };
  } catch (e) {
    throw new Error(`emulator module ${path} failed to load: ${(e as Error).message}`, { cause: e });
  }
}

type RouteModule = { name: string; plugin: (app: FastifyInstance, ctx: GraphContext) => Promise<void> };

/** Emulator-only admin modules of the Graph surface: ./graph/*-admin-routes.ts, registered at the root. */
async function loadAdminModules(): Promise<RouteModule[]> {
  const dir = join(here, 'graph');
  const out: RouteModule[] = [];
  for (const f of readdirSync(dir)
    .filter((x) => /-admin-routes\.(ts|js)$/.test(x) && !x.endsWith('.d.ts'))
    .sort()) {
    const mod = await importModule(join(dir, f));
    if (typeof mod.default === 'function') out.push({ name: f, plugin: mod.default as RouteModule['plugin'] });
  }
  return out;
}

/** Graph route modules: every non-test module in ./graph/routes, default export = Fastify plugin. */
async function loadRouteModules(): Promise<
  Array<{ name: string; plugin: (app: FastifyInstance, ctx: GraphContext) => Promise<void> }>
> {
  const dir = join(here, 'graph', 'routes');
  if (!existsSync(dir)) return [];
  const files = readdirSync(dir)
    .filter((f) => /\.(ts|js)$/.test(f) && !/\.(test|spec)\.(ts|js)$/.test(f) && !f.endsWith('.d.ts'))
    .sort();
  const out = [];
  for (const f of files) {
    const mod = await importModule(join(dir, f));
    if (typeof mod.default === 'function')
      out.push({ name: f, plugin: mod.default as (app: FastifyInstance, ctx: GraphContext) => Promise<void> });
  }
  return out;
}

/** The app id and addressed mailbox of a Graph request (token decoded without verification: only for accounting). */
function requestIdentity(directory: Directory) {
  return (req: FastifyRequest): { appId: string; mailbox: string } => {
    let appId = 'anonymous';
    let oid: string | null = null;
    const auth = req.headers.authorization;
    if (auth?.startsWith('Bearer ')) {
      try {
        const claims = decodeJwt(auth.slice(7).trim());
        appId = String(claims.appid ?? claims.azp ?? 'anonymous');
        oid = claims.idtyp === 'app' ? null : typeof claims.oid === 'string' ? claims.oid : null;
      } catch {
        // not a JWT: the handler answers 401
      }
    }
    const m = /^\/v1\.0\/(?:users\/([^/?(]+)|me(?:[/?]|$))/i.exec(req.url);
    let mailbox = oid ?? 'none';
    if (m?.[1]) {
      const raw = decodeURIComponent(m[1]).replace(/^'|'$/g, '');
      mailbox = directory.getUser(raw)?.id ?? raw.toLowerCase();
    } else if (!m) mailbox = 'tenant';
    return { appId, mailbox };
  };
}

function graphErrorHandler(err: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  if (err instanceof GraphHttpError) return sendGraphError(req, reply, err);
  const status = err.statusCode ?? 500;
  if (status === 400 && (err.code?.startsWith('FST_ERR_CTP') || err instanceof SyntaxError)) {
    return sendGraphError(
      req,
      reply,
      new GraphHttpError(
        400,
        'BadRequest',
        'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
      ),
    );
  }
  if (status === 413)
    return sendGraphError(
      req,
      reply,
      new GraphHttpError(413, 'RequestEntityTooLarge', 'The request body is too large.'),
    );
  if (status === 415)
    return sendGraphError(
      req,
      reply,
      new GraphHttpError(415, 'UnsupportedMediaType', 'The content type of the request is not supported.'),
    );
  if (status >= 400 && status < 500)
    return sendGraphError(req, reply, new GraphHttpError(status, 'BadRequest', err.message));
  req.log.error({ err }, 'graph handler failed');
  return sendGraphError(
    req,
    reply,
    new GraphHttpError(500, 'InternalServerError', 'An internal server error occurred.'),
  );
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
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
  const tls = ensureTlsMaterial(opts.dataDir ?? DEFAULT_DATA_DIR);
  const clock = new EmuClock();
  const directory = new Directory();
  const store = new MailboxStore({ directory, clock: clock.now });
  const seed = opts.seed ?? 1;
  const scale = opts.scale ?? 1;
  const identity = new IdentityState(await createSigningKey(), clock.now, {
    lifetimes: opts.tokenLifetimes,
    autoConsent: opts.autoConsent,
  });
  const initialFaults: FaultPatch = {
    ...opts.faults,
    ...(opts.latencyMs !== undefined ? { latency: { ...opts.faults?.latency, fixedMs: opts.latencyMs } } : {}),
  };
  const faults = new Faults(clock.now, initialFaults);
  attachFaults(store, faults);
  const requestLog = new RequestLog();
  const seedFn = opts.minimalSeed ? fallbackSeed : await loadSeed();

  const extraApps: EmuApp[] = [];
  const demo: EmuApp = { ...DEMO_APP, redirectUris: [...DEMO_APP.redirectUris], homeTenantId: '', multiTenant: true };
  const defaultTenant = () => [...directory.tenants.keys()][0] ?? '';
  const registerApp = (input: Partial<EmuApp> & Pick<EmuApp, 'redirectUris'>): EmuApp => {
    const app: EmuApp = {
      clientId: input.clientId ?? createRng(Date.now() ^ extraApps.length).uuid(),
      clientSecret:
        input.clientSecret ?? `secret-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`,
      displayName: input.displayName ?? 'Registered app',
      redirectUris: [...input.redirectUris],
      homeTenantId: input.homeTenantId ?? defaultTenant(),
      multiTenant: input.multiTenant ?? true,
    };
    extraApps.push(app);
    return directory.addApp(app);
  };
  const seedAll = async () => {
    await seedFn({ directory, store, seed, scale, clock: clock.now });
    demo.homeTenantId = defaultTenant();
    directory.addApp(demo);
    for (const a of extraApps) directory.addApp(a);
  };
  await seedAll();
  for (const a of opts.apps ?? []) registerApp(a);

  const server = Fastify({
    https: { key: tls.key, cert: tls.cert },
    logger: opts.quiet === false ? { level: 'info' } : false,
    bodyLimit: 8 * 1024 * 1024,
  });
  let baseUrl = '';
  const authenticate = createAuthenticate(identity);
  const ctx: GraphContext & { caPem: string; faults: Faults } = {
    authenticate,
    directory,
    store,
    baseUrl: () => baseUrl,
    clock: clock.now,
    caPem: tls.caPem,
    faults,
  };
  if (opts.subscriptions) configureSubscriptionEngine(store, opts.subscriptions);
  const engine = subscriptionEngine(ctx);
  engine.webhookFaults = faults.config.webhook;
  faults.onChange((c) => (engine.webhookFaults = c.webhook));

  const identify = requestIdentity(directory);
  server.addHook('onResponse', async (req, reply) => {
    if (req.url.startsWith('/_emulator')) return;
    const who = req.url.startsWith('/v1.0') ? identify(req) : null;
    requestLog.record({
      at: new Date(clock.now()).toISOString(),
      method: req.method,
      url: req.url,
      route: req.routeOptions.url ?? req.url.split('?')[0] ?? req.url,
      status: reply.statusCode,
      durationMs: Math.round(reply.elapsedTime * 100) / 100,
      mailbox: who && who.mailbox !== 'none' && who.mailbox !== 'tenant' ? who.mailbox : null,
      appId: who && who.appId !== 'anonymous' ? who.appId : null,
      fault: (req as FaultTagged).emuFault ?? null,
    });
  });

  await server.register((app) => identityRoutes(app, { directory, state: identity }));
  const reset = async () => {
    directory.tenants.clear();
    directory.users.clear();
    store.load({ version: 1, rooms: [], mailboxes: [] });
    identity.reset();
    engine.subscriptions.clear();
    faults.reset(initialFaults);
    clock.reset();
    requestLog.reset();
    await seedAll();
  };
  await server.register(
    (app) => adminRoutes(app, { directory, store, identity, faults, requestLog, clock, reset, registerApp }),
    { prefix: '/_emulator' },
  );
  for (const m of await loadAdminModules()) await server.register(async (scope) => m.plugin(scope, ctx));
  const modules = await loadRouteModules();
  await server.register(
    async (graph) => {
      registerFaultHooks(graph, faults, identify);
      graph.setErrorHandler(graphErrorHandler);
      graph.setNotFoundHandler((req, reply) => {
        const segment = (req.url.split('?')[0] ?? '').split('/').filter(Boolean).pop() ?? '';
        return sendGraphError(
          req,
          reply,
          new GraphHttpError(
            404,
            'ResourceNotFound',
            `Resource not found for the segment '${decodeURIComponent(segment)}'.`,
          ),
        );
      });
      for (const m of modules) await graph.register(async (scope) => m.plugin(scope, ctx));
    },
    { prefix: '/v1.0' },
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
    app: { clientId: demo.clientId, clientSecret: demo.clientSecret, redirectUris: [...demo.redirectUris] },
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
    reset,
    registerApp,
    close: async () => {
      await server.close();
    },
  };
}

export type { FaultConfig };
