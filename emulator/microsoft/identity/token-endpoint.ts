// The token endpoint: authorization_code (with PKCE), refresh_token (with rotation) and client_credentials grants.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { EmuApp, EmuTenant, EmuUser } from '../contracts.js';
import { publicBase, type IdentityDeps } from './authorize.js';
import {
  checkSignIn,
  grantedPermissions,
  parseRequestedScopes,
  requestedPermissions,
  resolveTenantSegment,
} from './consent.js';
import { AadError, aadErrorBody, aadTimestamp } from './errors.js';
import { GRAPH_RESOURCE, parseScopes } from './scopes.js';
import type { RefreshGrant } from './state.js';
import { clientInfo, issueAccessToken, issueIdToken } from './tokens.js';

type Body = Record<string, string | undefined>;

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** client_secret_basic (Authorization: Basic) or client_secret_post (body). */
function authenticateClient(deps: IdentityDeps, req: FastifyRequest, body: Body): EmuApp {
  let clientId = body.client_id;
  let secret = body.client_secret;
  const auth = req.headers.authorization;
  if (auth?.toLowerCase().startsWith('basic ')) {
    const decoded = Buffer.from(auth.slice(6).trim(), 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    if (i > 0) {
      clientId = decodeURIComponent(decoded.slice(0, i));
      secret = decodeURIComponent(decoded.slice(i + 1));
    }
  }
  if (!clientId) throw new AadError(900144, { param: 'client_id' });
  const app = deps.directory.apps.get(clientId);
  if (!app) throw new AadError(700016, {}, 400);
  if (!secret) throw new AadError(7000218, {}, 401);
  if (!safeEqual(secret, app.clientSecret)) throw new AadError(7000215, { clientId: app.clientId }, 401);
  return app;
}

function verifyPkce(challenge: string | null, method: string | null, verifier: string | undefined): void {
  if (!challenge) return;
  if (!verifier) throw new AadError(900144, { param: 'code_verifier' });
  if (!/^[A-Za-z0-9\-._~]{43,128}$/.test(verifier)) throw new AadError(501481);
  const computed = method === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
  if (!safeEqual(computed, challenge)) throw new AadError(50148);
}

interface Issue {
  app: EmuApp;
  tenant: EmuTenant;
  user: EmuUser;
  graph: string[];
  oidc: Set<string>;
  nonce: string | null;
}

async function tokenResponse(deps: IdentityDeps, req: FastifyRequest, i: Issue) {
  const access = await issueAccessToken(deps.state, {
    app: i.app,
    tenant: i.tenant,
    user: i.user,
    permissions: i.graph,
  });
  const scope = [
    ...i.graph.map((s) => `${GRAPH_RESOURCE}/${s}`),
    ...[...i.oidc].filter((s) => s !== 'offline_access'),
  ].join(' ');
  const out: Record<string, string | number> = {
    token_type: 'Bearer',
    scope,
    expires_in: access.expiresIn,
    ext_expires_in: access.expiresIn,
    access_token: access.token,
  };
  if (i.oidc.has('offline_access')) {
    out.refresh_token = deps.state.newRefreshToken({
      clientId: i.app.clientId,
      userId: i.user.id,
      tenantId: i.tenant.id,
      graph: i.graph,
      oidc: [...i.oidc],
    });
  }
  if (i.oidc.has('openid')) {
    out.id_token = await issueIdToken(deps.state, {
      app: i.app,
      tenant: i.tenant,
      user: i.user,
      nonce: i.nonce,
      issuerBase: publicBase(req),
      profile: i.oidc.has('profile'),
    });
  }
  if ((req.body as Body | undefined)?.client_info === '1') out.client_info = clientInfo(i.user);
  return out;
}

/** The permissions a token carries: everything granted to the app for the user (as Entra ID does). */
function permissionsFor(
  deps: IdentityDeps,
  tenant: EmuTenant,
  app: EmuApp,
  user: EmuUser,
  requested: string[],
): string[] {
  const granted = grantedPermissions(deps.state, tenant, app, user);
  const missing = requested.filter((s) => !granted.has(s));
  if (missing.length > 0) throw new AadError(tenant.userConsentDisabled ? 90094 : 65001, {}, 400, 'consent_required');
  return [...granted].sort();
}

async function authorizationCode(deps: IdentityDeps, req: FastifyRequest, body: Body, app: EmuApp) {
  if (!body.code) throw new AadError(900144, { param: 'code' });
  const code = deps.state.codes.get(body.code);
  if (!code) throw new AadError(9002313);
  if (code.clientId !== app.clientId) throw new AadError(70000);
  if (code.redeemed) throw new AadError(54005);
  if (deps.state.clock() > code.expiresAt) throw new AadError(70008);
  if ((body.redirect_uri ?? '') !== code.redirectUri) {
    throw new AadError(500112, { got: body.redirect_uri ?? '', expected: code.redirectUri });
  }
  verifyPkce(code.codeChallenge, code.codeChallengeMethod, body.code_verifier);
  code.redeemed = true;
  const user = deps.directory.users.get(code.userId);
  const tenant = deps.directory.tenants.get(code.tenantId);
  if (!user || !tenant) throw new AadError(50034, { upn: code.userId });
  const parsed = parseRequestedScopes(code.scope);
  const graph = permissionsFor(deps, tenant, app, user, requestedPermissions(parsed));
  return tokenResponse(deps, req, { app, tenant, user, graph, oidc: parsed.oidc, nonce: code.nonce });
}

function checkRefreshGrant(deps: IdentityDeps, grant: RefreshGrant, app: EmuApp): void {
  const now = deps.state.clock();
  if (grant.clientId !== app.clientId) throw new AadError(70000);
  const revokedAt = deps.state.refreshValidFrom.get(grant.userId);
  if (revokedAt !== undefined && grant.issuedAt <= revokedAt) throw new AadError(50173, {}, 400, 'bad_token');
  if (grant.rotatedAt !== null && now > grant.rotatedAt + deps.state.lifetimes.refreshGraceSeconds * 1000) {
    throw new AadError(70000, {}, 400, 'bad_token');
  }
  if (now > grant.expiresAt) {
    const inactive = `${Math.round((now - grant.issuedAt) / 1000)} seconds`;
    throw new AadError(700082, { issued: aadTimestamp(grant.issuedAt), inactive }, 400, 'bad_token');
  }
}

async function refreshToken(deps: IdentityDeps, req: FastifyRequest, body: Body, app: EmuApp) {
  if (!body.refresh_token) throw new AadError(900144, { param: 'refresh_token' });
  const grant = deps.state.refreshTokens.get(body.refresh_token);
  if (!grant) throw new AadError(9002313);
  checkRefreshGrant(deps, grant, app);
  const user = deps.directory.users.get(grant.userId);
  const tenant = deps.directory.tenants.get(grant.tenantId);
  if (!user || !tenant) throw new AadError(50034, { upn: grant.userId });
  const seg = resolveTenantSegment(deps.directory, (req.params as { tenant: string }).tenant);
  checkSignIn(deps.directory, seg, app, user);
  const parsed = body.scope ? parseRequestedScopes(body.scope) : null;
  const requested = parsed ? requestedPermissions(parsed) : grant.graph;
  const graph = permissionsFor(deps, tenant, app, user, requested);
  const oidc = new Set([...grant.oidc, ...(parsed?.oidc ?? [])].filter((s) => grant.oidc.includes(s)));
  oidc.add('offline_access');
  if (grant.rotatedAt === null) grant.rotatedAt = deps.state.clock();
  return tokenResponse(deps, req, { app, tenant, user, graph, oidc, nonce: null });
}

async function clientCredentials(deps: IdentityDeps, req: FastifyRequest, body: Body, app: EmuApp) {
  const seg = resolveTenantSegment(deps.directory, (req.params as { tenant: string }).tenant);
  if (seg.kind !== 'tenant') throw new AadError(50059);
  const parsed = parseScopes(body.scope);
  if (!parsed.graphDefault || parsed.graph.size > 0 || parsed.invalid.length > 0) {
    throw new AadError(1002012, { scope: body.scope ?? '' }, 400);
  }
  const roles = deps.state.appRoles(seg.tenant.id, app.clientId);
  if (!roles && seg.tenant.id !== app.homeTenantId) {
    throw new AadError(7000229, { clientId: app.clientId, tenantId: seg.tenant.id }, 400);
  }
  const access = await issueAccessToken(deps.state, {
    app,
    tenant: seg.tenant,
    user: null,
    permissions: [...(roles ?? [])].sort(),
  });
  return {
    token_type: 'Bearer',
    expires_in: access.expiresIn,
    ext_expires_in: access.expiresIn,
    access_token: access.token,
  };
}

/** Registers POST /{tenant}/oauth2/v2.0/token. Errors answer Microsoft's JSON with AADSTS codes. */
export function registerToken(app: FastifyInstance, deps: IdentityDeps): void {
  app.post<{ Params: { tenant: string } }>('/:tenant/oauth2/v2.0/token', async (req, reply: FastifyReply) => {
    // Like Entra ID, read only form bodies: a JSON body counts as no parameters at all.
    const isForm = (req.headers['content-type'] ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded');
    const body = (isForm && req.body && typeof req.body === 'object' ? req.body : {}) as Body;
    const correlationId =
      typeof req.headers['client-request-id'] === 'string' ? req.headers['client-request-id'] : undefined;
    try {
      resolveTenantSegment(deps.directory, req.params.tenant);
      const client = authenticateClient(deps, req, body);
      const grant = body.grant_type;
      let out: Record<string, unknown>;
      if (grant === 'authorization_code') out = await authorizationCode(deps, req, body, client);
      else if (grant === 'refresh_token') out = await refreshToken(deps, req, body, client);
      else if (grant === 'client_credentials') out = await clientCredentials(deps, req, body, client);
      else if (!grant) throw new AadError(900144, { param: 'grant_type' });
      else throw new AadError(70003, { grant });
      return reply.header('cache-control', 'no-store, no-cache').header('pragma', 'no-cache').send(out);
    } catch (e) {
      if (!(e instanceof AadError)) throw e;
      return reply
        .status(e.status)
        .header('cache-control', 'no-store, no-cache')
        .send(aadErrorBody(e, deps.state.clock(), { baseUrl: publicBase(req), correlationId }));
    }
  });
}
