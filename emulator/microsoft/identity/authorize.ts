// The authorize endpoint (code flow with PKCE, consent page, auto-consent) and the admin consent endpoint.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { EmuApp, EmuUser } from '../contracts.js';
import type { Directory } from '../directory.js';
import {
  checkSignIn,
  decideConsent,
  parseRequestedScopes,
  requestedPermissions,
  resolveTenantSegment,
  type TenantSegment,
} from './consent.js';
import { AadError, aadErrorBody } from './errors.js';
import { adminConsentPage, consentPage, errorPage, formPostPage } from './html.js';
import { APPLICATION_PERMISSIONS, DEFAULT_APP_ROLES, DELEGATED_PERMISSIONS, parseScopes } from './scopes.js';
import type { IdentityState } from './state.js';

export interface IdentityDeps {
  directory: Directory;
  state: IdentityState;
}

type Params = Record<string, string>;

const AUTHORIZE_FIELDS = [
  'client_id',
  'response_type',
  'redirect_uri',
  'scope',
  'state',
  'nonce',
  'code_challenge',
  'code_challenge_method',
  'response_mode',
  'login_hint',
  'prompt',
  'domain_hint',
  'client_info',
] as const;

function pick(source: unknown, fields: readonly string[]): Params {
  const out: Params = {};
  const obj = (source ?? {}) as Record<string, unknown>;
  for (const f of fields) if (typeof obj[f] === 'string') out[f] = obj[f];
  return out;
}

export function publicBase(req: FastifyRequest): string {
  return `https://${req.headers.host ?? req.hostname}`;
}

/** Sends the result back to the client: a 302 to the redirect URI or, with response_mode=form_post, an auto-POST page. */
function respond(reply: FastifyReply, p: Params, fields: Params): FastifyReply {
  const redirectUri = p.redirect_uri ?? '';
  if (p.state !== undefined) fields.state = p.state;
  if (p.response_mode === 'form_post') return reply.type('text/html').send(formPostPage(redirectUri, fields));
  const url = new URL(redirectUri);
  for (const [k, v] of Object.entries(fields)) url.searchParams.set(k, v);
  return reply.redirect(url.toString(), 302);
}

function respondError(
  reply: FastifyReply,
  deps: IdentityDeps,
  req: FastifyRequest,
  p: Params,
  err: AadError,
  error?: string,
  extra: Params = {},
) {
  const body = aadErrorBody(err, deps.state.clock(), { baseUrl: publicBase(req) });
  return respond(reply, p, { error: error ?? err.error, error_description: body.error_description, ...extra });
}

/** Validates what must be right before anything can be redirected; returns the app or answers an error page. */
function validateClient(deps: IdentityDeps, p: Params): EmuApp | string {
  const app = p.client_id ? deps.directory.apps.get(p.client_id) : undefined;
  if (!app) return new AadError(700016).message;
  if (!p.redirect_uri || !app.redirectUris.includes(p.redirect_uri)) {
    return new AadError(50011, { redirectUri: p.redirect_uri ?? '', clientId: app.clientId }).message;
  }
  return app;
}

/** Issues the code for a user who signed in and whose consent is settled. */
function issueCode(deps: IdentityDeps, reply: FastifyReply, p: Params, app: EmuApp, user: EmuUser) {
  const code = deps.state.newCode({
    clientId: app.clientId,
    redirectUri: p.redirect_uri ?? '',
    userId: user.id,
    tenantId: user.tenantId,
    scope: p.scope ?? '',
    codeChallenge: p.code_challenge ?? null,
    codeChallengeMethod: p.code_challenge ? (p.code_challenge_method ?? 'plain') : null,
    nonce: p.nonce ?? null,
  });
  const fields: Params = { code };
  if (p.client_info === '1') {
    fields.client_info = Buffer.from(JSON.stringify({ uid: user.id, utid: user.tenantId })).toString('base64url');
  }
  return respond(reply, p, fields);
}

type Outcome =
  { kind: 'code' } | { kind: 'page-error'; message: string } | { kind: 'admin'; error: AadError } | { kind: 'consent' };

/** Decides what happens for `user`: a code, or the consent page (or admin approval page). Grants consent when `accept`. */
function settle(
  deps: IdentityDeps,
  seg: TenantSegment,
  p: Params,
  app: EmuApp,
  user: EmuUser,
  accept: boolean,
  forceConsent: boolean,
): Outcome {
  let tenant;
  try {
    tenant = checkSignIn(deps.directory, seg, app, user);
  } catch (e) {
    if (e instanceof AadError) return { kind: 'page-error', message: e.message };
    throw e;
  }
  const requested = requestedPermissions(parseRequestedScopes(p.scope));
  const decision = decideConsent(deps.state, tenant, app, user, requested);
  if (decision.kind === 'admin-required') return { kind: 'admin', error: decision.error };
  if (decision.kind === 'granted' && !(forceConsent && !accept)) return { kind: 'code' };
  if (!accept) return { kind: 'consent' };
  deps.state.addUserConsent(app.clientId, user.id, requested);
  return { kind: 'code' };
}

function renderConsent(
  deps: IdentityDeps,
  req: FastifyRequest,
  reply: FastifyReply,
  p: Params,
  app: EmuApp,
  seg: TenantSegment,
  extra: { error?: string; admin?: string; login?: string },
) {
  const scopes = (() => {
    try {
      return requestedPermissions(parseRequestedScopes(p.scope));
    } catch {
      return [];
    }
  })();
  const users =
    seg.kind === 'tenant' ? deps.directory.usersOfTenant(seg.tenant.id) : [...deps.directory.users.values()];
  const html = consentPage({
    title: `Sign in to ${app.displayName}`,
    appName: app.displayName,
    action: req.url.split('?')[0] ?? req.url,
    hidden: pick(p, AUTHORIZE_FIELDS),
    scopes,
    login: extra.login ?? p.login_hint ?? '',
    knownUsers: users
      .filter((u) => u.kind === 'user')
      .slice(0, 50)
      .map((u) => u.userPrincipalName),
    demoAccounts: users
      .filter((u) => u.kind === 'user')
      .slice(0, 12)
      .map((u) => ({ login: u.userPrincipalName, name: u.displayName ?? u.userPrincipalName, password: u.password })),
    error: extra.error,
    needAdminApproval: extra.admin,
  });
  return reply.type('text/html').send(html);
}

async function handleAuthorize(
  deps: IdentityDeps,
  req: FastifyRequest<{ Params: { tenant: string } }>,
  reply: FastifyReply,
  p: Params,
  form: Params | null,
) {
  let seg: TenantSegment;
  try {
    seg = resolveTenantSegment(deps.directory, req.params.tenant);
  } catch (e) {
    if (e instanceof AadError) return reply.status(400).type('text/html').send(errorPage(e.message));
    throw e;
  }
  const app = validateClient(deps, p);
  if (typeof app === 'string') return reply.status(400).type('text/html').send(errorPage(app));
  if (p.response_type !== 'code')
    return respondError(reply, deps, req, p, new AadError(700054, { type: p.response_type ?? '' }));
  if (deps.state.pkceRequired && (!p.code_challenge || p.code_challenge_method !== 'S256')) {
    return respondError(reply, deps, req, p, new AadError(9002325));
  }
  try {
    parseRequestedScopes(p.scope);
  } catch (e) {
    if (e instanceof AadError) return respondError(reply, deps, req, p, e);
    throw e;
  }
  const prompt = p.prompt ?? '';
  if (form) {
    if (form.action !== 'accept')
      return respondError(reply, deps, req, p, new AadError(65004), 'access_denied', { error_subcode: 'cancel' });
    const user = deps.directory.getUser(form.login ?? '');
    if (!user || user.kind !== 'user')
      return renderConsent(deps, req, reply, p, app, seg, {
        error: new AadError(50034, { upn: form.login ?? '' }).message,
        login: form.login,
      });
    if ((form.password ?? '') !== user.password)
      return renderConsent(deps, req, reply, p, app, seg, { error: new AadError(50126).message, login: form.login });
    const out = settle(deps, seg, p, app, user, true, false);
    if (out.kind === 'code') return issueCode(deps, reply, p, app, user);
    if (out.kind === 'admin')
      return renderConsent(deps, req, reply, p, app, seg, { admin: out.error.message, login: form.login });
    return renderConsent(deps, req, reply, p, app, seg, {
      error: out.kind === 'page-error' ? out.message : undefined,
      login: form.login,
    });
  }
  const hinted = p.login_hint ? deps.directory.getUser(p.login_hint) : undefined;
  const interactive = prompt === 'login' || prompt === 'select_account';
  if (hinted && hinted.kind === 'user' && (prompt === 'none' || (deps.state.autoConsent && !interactive))) {
    const out = settle(deps, seg, p, app, hinted, deps.state.autoConsent && prompt !== 'none', prompt === 'consent');
    if (out.kind === 'code') return issueCode(deps, reply, p, app, hinted);
    if (out.kind === 'page-error') return respondError(reply, deps, req, p, new AadError(50020), 'access_denied');
    if (out.kind === 'admin') return respondError(reply, deps, req, p, out.error, 'consent_required');
    if (prompt === 'none') return respondError(reply, deps, req, p, new AadError(65001), 'consent_required');
  } else if (prompt === 'none') {
    return respond(reply, p, {
      error: 'login_required',
      error_description: 'AADSTS50058: A silent sign-in request was sent but no user is signed in.',
    });
  }
  return renderConsent(deps, req, reply, p, app, seg, {});
}

/** Admin consent: records the tenant-wide grant and redirects with `admin_consent=True`. */
async function handleAdminConsent(
  deps: IdentityDeps,
  req: FastifyRequest<{ Params: { tenant: string } }>,
  reply: FastifyReply,
  p: Params,
  form: Params | null,
) {
  const app = validateClient(deps, p);
  if (typeof app === 'string') return reply.status(400).type('text/html').send(errorPage(app));
  let tenant;
  try {
    const seg = resolveTenantSegment(deps.directory, req.params.tenant);
    tenant =
      seg.kind === 'tenant'
        ? seg.tenant
        : deps.directory.tenants.get(deps.directory.getUser(p.login_hint ?? '')?.tenantId ?? '');
  } catch (e) {
    if (e instanceof AadError) return reply.status(400).type('text/html').send(errorPage(e.message));
    throw e;
  }
  if (!tenant)
    return reply
      .status(400)
      .type('text/html')
      .send(errorPage(new AadError(50059).message));
  const parsed = parseScopes(p.scope);
  const all = !p.scope || parsed.graphDefault;
  const delegated = all
    ? [...DELEGATED_PERMISSIONS.keys()]
    : [...parsed.graph].filter((s) => DELEGATED_PERMISSIONS.has(s));
  const roles = all ? DEFAULT_APP_ROLES : [];
  if (!deps.state.autoConsent && !form) {
    return reply.type('text/html').send(
      adminConsentPage({
        appName: app.displayName,
        tenantName: tenant.displayName,
        action: req.url.split('?')[0] ?? req.url,
        hidden: pick(p, ['client_id', 'redirect_uri', 'state', 'scope', 'login_hint']),
        scopes: [...delegated, ...roles.filter((r) => APPLICATION_PERMISSIONS.has(r)).map((r) => `${r} (application)`)],
      }),
    );
  }
  if (form && form.action !== 'accept') return respondError(reply, deps, req, p, new AadError(65004), 'access_denied');
  const set = tenant.adminConsents.get(app.clientId) ?? new Set<string>();
  for (const s of delegated) set.add(s);
  tenant.adminConsents.set(app.clientId, set);
  deps.state.grantAppRoles(tenant.id, app.clientId, roles);
  const fields: Params = { admin_consent: 'True', tenant: tenant.id };
  if (p.scope) fields.scope = p.scope;
  return respond(reply, { ...p, response_mode: 'query' }, fields);
}

/** Registers authorize and adminconsent (GET shows or skips the page, POST is the page's form). */
export function registerAuthorize(app: FastifyInstance, deps: IdentityDeps): void {
  app.get<{ Params: { tenant: string } }>('/:tenant/oauth2/v2.0/authorize', (req, reply) =>
    handleAuthorize(deps, req, reply, pick(req.query, AUTHORIZE_FIELDS), null),
  );
  app.post<{ Params: { tenant: string } }>('/:tenant/oauth2/v2.0/authorize', (req, reply) => {
    const body = pick(req.body, [...AUTHORIZE_FIELDS, 'action', 'login', 'password']);
    return handleAuthorize(deps, req, reply, pick(body, AUTHORIZE_FIELDS), body);
  });
  app.get<{ Params: { tenant: string } }>('/:tenant/adminconsent', (req, reply) =>
    handleAdminConsent(
      deps,
      req,
      reply,
      pick(req.query, ['client_id', 'redirect_uri', 'state', 'scope', 'login_hint']),
      null,
    ),
  );
  app.post<{ Params: { tenant: string } }>('/:tenant/adminconsent', (req, reply) => {
    const body = pick(req.body, ['client_id', 'redirect_uri', 'state', 'scope', 'login_hint', 'action']);
    return handleAdminConsent(deps, req, reply, body, body);
  });
}
