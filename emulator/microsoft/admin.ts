// The emulator's admin API under /_emulator: health, reset, faults, request log, apps, revocation, clock, snapshots.
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { applyClockRequest, clockAnswer, type EmuClock } from '../common/clock.js';
import type { RequestLog } from '../common/request-log.js';
import type { EmuApp } from './contracts.js';
import { directorySnapshot, loadDirectory, type Directory, type DirectorySnapshot } from './directory.js';
import { DEFAULT_FAULTS, FaultConfigError, mergeFaults, type FaultPatch, type Faults } from './faults.js';
import type { MailboxStore, StoreSnapshot } from './graph/store.js';
import { APPLICATION_PERMISSIONS, DELEGATED_PERMISSIONS, parseScopes } from './identity/scopes.js';
import type { IdentityState, TokenLifetimes } from './identity/state.js';

export interface AdminDeps {
  directory: Directory;
  store: MailboxStore;
  identity: IdentityState;
  faults: Faults;
  requestLog: RequestLog;
  clock: EmuClock;
  reset: () => Promise<void>;
  registerApp: (input: Partial<EmuApp> & Pick<EmuApp, 'redirectUris'>) => EmuApp;
}

/** Admin errors: `{ error: { code, message } }` with a 4xx status. */
function fail(reply: FastifyReply, status: number, code: string, message: string) {
  return reply.status(status).send({ error: { code, message } });
}

const obj = (props: Record<string, unknown>, required: string[] = []) => ({
  type: 'object',
  additionalProperties: false,
  properties: props,
  required,
});

function registerIdentityAdmin(app: FastifyInstance, deps: AdminDeps): void {
  const { directory, identity } = deps;
  const userOr404 = (id: string, reply: FastifyReply) => {
    const user = directory.getUser(id);
    if (!user) void fail(reply, 404, 'UserNotFound', `No user '${id}'.`);
    return user;
  };
  app.get('/users', async () =>
    [...directory.users.values()].map((u) => ({
      id: u.id,
      userPrincipalName: u.userPrincipalName,
      displayName: u.displayName,
      tenantId: u.tenantId,
      kind: u.kind,
      password: u.password,
    })),
  );
  app.post<{ Params: { id: string }; Body: { consents?: boolean } | undefined }>(
    '/users/:id/revoke',
    { schema: { body: { ...obj({ consents: { type: 'boolean' } }), nullable: true } } },
    async (req, reply) => {
      const user = userOr404(req.params.id, reply);
      if (!user) return reply;
      identity.revokeUser(user.id, { consents: req.body?.consents ?? false });
      return {
        userId: user.id,
        revokedAt: new Date(identity.clock()).toISOString(),
        consentsRemoved: req.body?.consents ?? false,
      };
    },
  );
  app.post<{ Params: { id: string } }>('/users/:id/expire-tokens', async (req, reply) => {
    const user = userOr404(req.params.id, reply);
    if (!user) return reply;
    identity.expireUserTokens(user.id);
    return { userId: user.id, tokensValidFrom: new Date(identity.clock()).toISOString() };
  });
  app.post<{ Body: Partial<TokenLifetimes> }>(
    '/tokens/lifetimes',
    {
      schema: {
        body: obj({
          accessTokenSeconds: { type: 'integer', minimum: 1 },
          refreshTokenSeconds: { type: 'integer', minimum: 1 },
          authCodeSeconds: { type: 'integer', minimum: 1 },
          refreshGraceSeconds: { type: 'integer', minimum: 0 },
        }),
      },
    },
    async (req) => {
      identity.lifetimes = { ...identity.lifetimes, ...req.body };
      return identity.lifetimes;
    },
  );
  app.get('/identity', async () => ({
    autoConsent: identity.autoConsent,
    pkceRequired: identity.pkceRequired,
    lifetimes: identity.lifetimes,
  }));
  app.put<{ Body: { autoConsent?: boolean; pkceRequired?: boolean } }>(
    '/identity',
    { schema: { body: obj({ autoConsent: { type: 'boolean' }, pkceRequired: { type: 'boolean' } }) } },
    async (req) => {
      if (req.body.autoConsent !== undefined) identity.autoConsent = req.body.autoConsent;
      if (req.body.pkceRequired !== undefined) identity.pkceRequired = req.body.pkceRequired;
      return { autoConsent: identity.autoConsent, pkceRequired: identity.pkceRequired, lifetimes: identity.lifetimes };
    },
  );
  app.get('/tenants', async () => directorySnapshot(directory).tenants);
  app.patch<{ Params: { id: string }; Body: { userConsentDisabled?: boolean } }>(
    '/tenants/:id',
    { schema: { body: obj({ userConsentDisabled: { type: 'boolean' } }) } },
    async (req, reply) => {
      const t = directory.getTenant(req.params.id);
      if (!t) return fail(reply, 404, 'TenantNotFound', `No tenant '${req.params.id}'.`);
      if (req.body.userConsentDisabled !== undefined) t.userConsentDisabled = req.body.userConsentDisabled;
      return { id: t.id, displayName: t.displayName, domains: t.domains, userConsentDisabled: t.userConsentDisabled };
    },
  );
}

function registerApps(app: FastifyInstance, deps: AdminDeps): void {
  const { directory, identity } = deps;
  app.get('/apps', async () => [...directory.apps.values()]);
  app.post<{ Body: Partial<EmuApp> & Pick<EmuApp, 'redirectUris'> }>(
    '/apps',
    {
      schema: {
        body: obj(
          {
            clientId: { type: 'string', pattern: '^[0-9a-fA-F-]{36}$' },
            clientSecret: { type: 'string', minLength: 8 },
            displayName: { type: 'string', minLength: 1 },
            redirectUris: { type: 'array', items: { type: 'string', format: 'uri' }, minItems: 1 },
            homeTenantId: { type: 'string' },
            multiTenant: { type: 'boolean' },
          },
          ['redirectUris'],
        ),
      },
    },
    async (req, reply) => {
      if (req.body.clientId && directory.apps.has(req.body.clientId.toLowerCase())) {
        return fail(reply, 409, 'AppExists', `An app with client id '${req.body.clientId}' is registered already.`);
      }
      if (req.body.homeTenantId && !directory.getTenant(req.body.homeTenantId)) {
        return fail(reply, 400, 'TenantNotFound', `No tenant '${req.body.homeTenantId}'.`);
      }
      const created = deps.registerApp({ ...req.body, clientId: req.body.clientId?.toLowerCase() });
      return reply.status(201).send(created);
    },
  );
  app.post<{ Params: { clientId: string }; Body: { tenantId: string; scopes?: string[]; roles?: string[] } }>(
    '/apps/:clientId/consent',
    {
      schema: {
        body: obj(
          {
            tenantId: { type: 'string' },
            scopes: { type: 'array', items: { type: 'string' } },
            roles: { type: 'array', items: { type: 'string' } },
          },
          ['tenantId'],
        ),
      },
    },
    async (req, reply) => {
      const a = directory.apps.get(req.params.clientId);
      const t = directory.getTenant(req.body.tenantId);
      if (!a) return fail(reply, 404, 'AppNotFound', `No app '${req.params.clientId}'.`);
      if (!t) return fail(reply, 404, 'TenantNotFound', `No tenant '${req.body.tenantId}'.`);
      const scopes = [...parseScopes((req.body.scopes ?? []).join(' ')).graph].filter((s) =>
        DELEGATED_PERMISSIONS.has(s),
      );
      const roles = (req.body.roles ?? []).filter((r) => APPLICATION_PERMISSIONS.has(r));
      const set = t.adminConsents.get(a.clientId) ?? new Set<string>();
      for (const s of scopes) set.add(s);
      t.adminConsents.set(a.clientId, set);
      identity.grantAppRoles(t.id, a.clientId, roles);
      return {
        tenantId: t.id,
        clientId: a.clientId,
        scopes: [...set],
        roles: [...(identity.appRoles(t.id, a.clientId) ?? [])],
      };
    },
  );
  app.delete<{ Params: { clientId: string }; Querystring: { tenantId: string } }>(
    '/apps/:clientId/consent',
    { schema: { querystring: obj({ tenantId: { type: 'string' } }, ['tenantId']) } },
    async (req, reply) => {
      const a = directory.apps.get(req.params.clientId.toLowerCase());
      const t = directory.getTenant(req.query.tenantId);
      if (!a) return fail(reply, 404, 'AppNotFound', `No app '${req.params.clientId}'.`);
      if (!t) return fail(reply, 404, 'TenantNotFound', `No tenant '${req.query.tenantId}'.`);
      const hadAdminConsent = t.adminConsents.delete(a.clientId);
      const users = [...directory.users.values()].filter((u) => u.tenantId === t.id).map((u) => u.id);
      const userConsentsRemoved = identity.revokeAppConsent(a.clientId, users);
      return { tenantId: t.id, clientId: a.clientId, adminConsentRemoved: hadAdminConsent, userConsentsRemoved };
    },
  );
}

function registerFaultsAdmin(app: FastifyInstance, deps: AdminDeps): void {
  const { faults } = deps;
  type FaultBody = FaultPatch & { expireTokensNow?: boolean; invalidateDeltaTokensNow?: boolean | string };
  const apply = async (body: FaultBody, replace: boolean, reply: FastifyReply) => {
    const { expireTokensNow, invalidateDeltaTokensNow, ...patch } = body ?? {};
    try {
      if (replace) mergeFaults(DEFAULT_FAULTS, patch);
      const config = replace ? faults.reset(patch) : faults.update(patch);
      if (expireTokensNow) deps.identity.expireAllAccessTokens();
      if (invalidateDeltaTokensNow) {
        deps.store.invalidateDeltaTokens(
          typeof invalidateDeltaTokensNow === 'string' ? invalidateDeltaTokensNow : undefined,
        );
      }
      return config;
    } catch (e) {
      if (e instanceof FaultConfigError) return fail(reply, 400, 'InvalidFaultConfig', e.message);
      throw e;
    }
  };
  app.get('/faults', async () => faults.config);
  app.put<{ Body: FaultBody }>('/faults', async (req, reply) => apply(req.body, true, reply));
  app.patch<{ Body: FaultBody }>('/faults', async (req, reply) => apply(req.body, false, reply));
}

/** Registers the admin API (mount with prefix `/_emulator`). */
export async function adminRoutes(app: FastifyInstance, deps: AdminDeps): Promise<void> {
  const { directory, store, requestLog, clock } = deps;
  app.setErrorHandler((err: FastifyError, _req, reply) => {
    const status = err.statusCode && err.statusCode < 500 ? err.statusCode : 500;
    return fail(
      reply,
      status,
      status === 500 ? 'InternalError' : 'BadRequest',
      status === 500 ? 'Admin request failed.' : err.message,
    );
  });
  app.get('/health', async () => ({
    status: 'ok',
    now: new Date(clock.now()).toISOString(),
    clockOffsetMs: clock.offset,
    tenants: directory.tenants.size,
    users: directory.users.size,
    apps: directory.apps.size,
    mailboxes: store.mailboxIds().length,
  }));
  app.post('/reset', async () => {
    await deps.reset();
    return { status: 'reset', users: directory.users.size };
  });
  app.get<{ Querystring: { route?: string; mailbox?: string; status?: number; limit?: number } }>(
    '/requests',
    {
      schema: {
        querystring: obj({
          route: { type: 'string' },
          mailbox: { type: 'string' },
          status: { type: 'integer' },
          limit: { type: 'integer', minimum: 1 },
        }),
      },
    },
    async (req) => ({ counters: requestLog.counts(), requests: requestLog.list(req.query) }),
  );
  app.delete('/requests', async (_req, reply) => {
    requestLog.reset();
    return reply.status(204).send();
  });
  app.get('/clock', async () => clockAnswer(clock));
  app.post('/clock', async (req, reply) => {
    const r = applyClockRequest(clock, req.body);
    return r.ok ? r.answer : fail(reply, 400, 'BadRequest', r.message);
  });
  app.post<{ Body: { userId?: string } | undefined }>(
    '/delta/invalidate',
    { schema: { body: { ...obj({ userId: { type: 'string' } }), nullable: true } } },
    async (req, reply) => {
      const raw = req.body?.userId;
      const user = raw ? directory.getUser(raw) : undefined;
      if (raw && !user) return fail(reply, 404, 'UserNotFound', `No user '${raw}'.`);
      store.invalidateDeltaTokens(user?.id);
      return { invalidated: user ? user.id : 'all' };
    },
  );
  app.get('/snapshot', async () => ({ version: 1, directory: directorySnapshot(directory), store: store.toJSON() }));
  app.post<{ Body: { version: number; directory: DirectorySnapshot; store: StoreSnapshot } }>(
    '/snapshot',
    { bodyLimit: 512 * 1024 * 1024, schema: { body: { type: 'object', required: ['version', 'directory', 'store'] } } },
    async (req, reply) => {
      if (req.body.version !== 1 || req.body.store?.version !== 1)
        return fail(reply, 400, 'UnsupportedSnapshot', 'Snapshot version must be 1.');
      loadDirectory(directory, req.body.directory);
      store.load(req.body.store);
      return { status: 'loaded', users: directory.users.size, mailboxes: store.mailboxIds().length };
    },
  );
  registerIdentityAdmin(app, deps);
  registerApps(app, deps);
  registerFaultsAdmin(app, deps);
}
