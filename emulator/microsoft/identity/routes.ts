// The identity platform's HTTP surface: OIDC discovery, MSAL instance discovery, JWKS, authorize, token, admin consent.
import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { publicBase, registerAuthorize, type IdentityDeps } from './authorize.js';
import { resolveTenantSegment } from './consent.js';
import { AadError, aadErrorBody } from './errors.js';
import { GraphHttpError, sendGraphError } from '../graph/errors.js';
import { signedOutPage } from './html.js';
import { registerToken } from './token-endpoint.js';
import { createAuthenticate } from './tokens.js';

function safeOrigin(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/** The v2.0 OpenID Connect discovery document for a tenant segment (`common`, `organizations`, GUID or domain). */
export function openIdConfiguration(base: string, segment: string, tenantId: string | null) {
  const t = segment;
  return {
    token_endpoint: `${base}/${t}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${base}/${t}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `${base}/${tenantId ?? '{tenantid}'}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${base}/oidc/userinfo`,
    authorization_endpoint: `${base}/${t}/oauth2/v2.0/authorize`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/${t}/oauth2/v2.0/logout`,
    claims_supported: [
      'sub',
      'iss',
      'cloud_instance_name',
      'cloud_instance_host_name',
      'cloud_graph_host_name',
      'msgraph_host',
      'aud',
      'exp',
      'iat',
      'auth_time',
      'acr',
      'nonce',
      'preferred_username',
      'name',
      'tid',
      'ver',
      'at_hash',
      'c_hash',
      'email',
    ],
    tenant_region_scope: tenantId ? 'EU' : null,
    cloud_instance_name: 'emulator.local',
    cloud_graph_host_name: 'graph.emulator.local',
    msgraph_host: new URL(base).host,
    rbac_url: base,
  };
}

function tenantError(reply: FastifyReply, req: FastifyRequest, deps: IdentityDeps, e: unknown) {
  if (!(e instanceof AadError)) throw e;
  return reply.status(400).send(aadErrorBody(e, deps.state.clock(), { baseUrl: publicBase(req) }));
}

/**
 * Registers every identity endpoint at the root of `app` (paths start with the tenant segment).
 * Form bodies (`application/x-www-form-urlencoded`) are parsed inside this plugin only.
 */
export async function identityRoutes(app: FastifyInstance, deps: IdentityDeps): Promise<void> {
  await app.register(formbody);
  const authenticate = createAuthenticate(deps.state);

  app.get<{ Params: { tenant: string } }>('/:tenant/v2.0/.well-known/openid-configuration', (req, reply) => {
    try {
      const seg = resolveTenantSegment(deps.directory, req.params.tenant);
      const tenantId = seg.kind === 'tenant' ? seg.tenant.id : null;
      return reply.send(openIdConfiguration(publicBase(req), req.params.tenant, tenantId));
    } catch (e) {
      return tenantError(reply, req, deps, e);
    }
  });

  app.get<{ Querystring: { authorization_endpoint?: string } }>('/common/discovery/instance', (req, reply) => {
    const base = publicBase(req);
    const host = new URL(base).host;
    let tenant = 'common';
    const endpoint = req.query.authorization_endpoint;
    if (endpoint) {
      try {
        tenant = new URL(endpoint).pathname.split('/')[1] || 'common';
      } catch {
        tenant = 'common';
      }
    }
    return reply.send({
      tenant_discovery_endpoint: `${base}/${tenant}/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
    });
  });

  app.get<{ Params: { tenant: string } }>('/:tenant/discovery/v2.0/keys', (req, reply) => {
    try {
      resolveTenantSegment(deps.directory, req.params.tenant);
      return reply.send({ keys: [deps.state.key.publicJwk] });
    } catch (e) {
      return tenantError(reply, req, deps, e);
    }
  });

  // Sign-out: the emulator keeps no browser session, so it only sends the user back (to a registered URI).
  app.get<{ Params: { tenant: string }; Querystring: { post_logout_redirect_uri?: string; state?: string } }>(
    '/:tenant/oauth2/v2.0/logout',
    (req, reply) => {
      const target = req.query.post_logout_redirect_uri;
      const known = [...deps.directory.apps.values()].some(
        (a) => target && a.redirectUris.some((u) => new URL(u).origin === safeOrigin(target)),
      );
      if (target && known) {
        const url = new URL(target);
        if (req.query.state) url.searchParams.set('state', req.query.state);
        return reply.redirect(url.toString(), 302);
      }
      return reply.type('text/html').send(signedOutPage());
    },
  );

  // OIDC userinfo (Graph's, in Entra ID): claims of the signed-in user from a Graph access token.
  app.get('/oidc/userinfo', async (req, reply) => {
    try {
      const principal = await authenticate(req.headers.authorization);
      const user = principal.userId ? deps.directory.users.get(principal.userId) : undefined;
      if (!user) throw new GraphHttpError(401, 'InvalidAuthenticationToken', 'Access token validation failure.');
      return {
        sub: Buffer.from(`${user.id}:${principal.appId}`).toString('base64url').slice(0, 43),
        name: user.displayName,
        family_name: user.surname,
        given_name: user.givenName,
        email: user.mail,
      };
    } catch (e) {
      if (e instanceof GraphHttpError) return sendGraphError(req, reply, e);
      throw e;
    }
  });

  registerAuthorize(app, deps);
  registerToken(app, deps);
}
