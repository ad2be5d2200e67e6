// Access and ID tokens (RS256 JWTs shaped like Entra ID's) and the Graph-side verifier of access tokens.
import { randomBytes } from 'node:crypto';
import { SignJWT, decodeJwt, importJWK, jwtVerify, errors as joseErrors, type JWTPayload } from 'jose';
import type { Authenticate, EmuApp, EmuTenant, EmuUser, Principal } from '../contracts.js';
import { GraphHttpError } from '../graph/errors.js';
import { GRAPH_APP_ID, GRAPH_RESOURCE } from './scopes.js';
import type { IdentityState } from './state.js';

/** Private claim with the issue time in milliseconds, so revocations within a second are exact. */
const ISSUED_MS_CLAIM = 'xms_emu_iat_ms';

export interface AccessTokenInput {
  app: EmuApp;
  tenant: EmuTenant;
  /** The signed-in user; null for an application (client credentials) token. */
  user: EmuUser | null;
  /** Delegated permissions (`scp`) or application roles (`roles`). */
  permissions: string[];
}

function base64url(s: string): string {
  return Buffer.from(s).toString('base64url');
}

/** Signs a Graph access token (v1.0 token format, as Graph receives from the v2.0 endpoint). */
export async function issueAccessToken(
  state: IdentityState,
  input: AccessTokenInput,
): Promise<{ token: string; expiresIn: number }> {
  const now = state.clock();
  const iat = Math.floor(now / 1000);
  const expiresIn = state.lifetimes.accessTokenSeconds;
  const { app, tenant, user } = input;
  const claims: JWTPayload & Record<string, unknown> = {
    aud: GRAPH_RESOURCE,
    iss: `https://sts.windows.net/${tenant.id}/`,
    iat,
    nbf: iat,
    exp: iat + expiresIn,
    [ISSUED_MS_CLAIM]: now,
    aio: randomBytes(24).toString('base64url'),
    app_displayname: app.displayName,
    appid: app.clientId,
    appidacr: '1',
    idp: `https://sts.windows.net/${tenant.id}/`,
    tid: tenant.id,
    uti: randomBytes(16).toString('base64url'),
    ver: '1.0',
  };
  if (user) {
    Object.assign(claims, {
      amr: ['pwd'],
      family_name: user.surname ?? undefined,
      given_name: user.givenName ?? undefined,
      idtyp: 'user',
      name: user.displayName,
      oid: user.id,
      scp: input.permissions.join(' '),
      sub: base64url(`${user.id}:${app.clientId}`).slice(0, 43),
      unique_name: user.userPrincipalName,
      upn: user.userPrincipalName,
    });
  } else {
    Object.assign(claims, {
      idtyp: 'app',
      oid: app.clientId,
      roles: input.permissions,
      sub: app.clientId,
    });
  }
  const token = await new SignJWT(claims)
    .setProtectedHeader({ typ: 'JWT', alg: 'RS256', kid: state.key.kid, x5t: state.key.kid })
    .sign(state.key.privateKey);
  return { token, expiresIn };
}

/** Signs an OpenID Connect ID token (v2.0) for the client. */
export async function issueIdToken(
  state: IdentityState,
  input: { app: EmuApp; tenant: EmuTenant; user: EmuUser; nonce: string | null; issuerBase: string; profile: boolean },
): Promise<string> {
  const iat = Math.floor(state.clock() / 1000);
  const { app, tenant, user } = input;
  const claims: JWTPayload & Record<string, unknown> = {
    aud: app.clientId,
    iss: `${input.issuerBase}/${tenant.id}/v2.0`,
    iat,
    nbf: iat,
    exp: iat + 3600,
    oid: user.id,
    sub: base64url(`${user.id}|${app.clientId}`).slice(0, 43),
    tid: tenant.id,
    ver: '2.0',
    preferred_username: user.userPrincipalName,
    ...(input.profile ? { name: user.displayName } : {}),
    ...(input.nonce ? { nonce: input.nonce } : {}),
  };
  return new SignJWT(claims)
    .setProtectedHeader({ typ: 'JWT', alg: 'RS256', kid: state.key.kid })
    .sign(state.key.privateKey);
}

/** MSAL's `client_info`: base64url JSON with the user's object id and tenant id. */
export function clientInfo(user: EmuUser): string {
  return base64url(JSON.stringify({ uid: user.id, utid: user.tenantId }));
}

const unauthorized = (message: string) =>
  new GraphHttpError(401, 'InvalidAuthenticationToken', message, {
    'WWW-Authenticate': `Bearer realm="", authorization_uri="/common/oauth2/authorize", client_id="${GRAPH_APP_ID}"`,
  });

/**
 * The verifier Graph routes use: checks a Bearer access token's signature, lifetime (against the emulator clock),
 * audience and revocations, and returns the caller.
 *
 * @example
 * const authenticate = createAuthenticate(state);
 * const principal = await authenticate(req.headers.authorization);
 */
export function createAuthenticate(state: IdentityState): Authenticate {
  const keyPromise = importJWK(state.key.publicJwk, 'RS256');
  return async (header) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    if (!match?.[1]) throw unauthorized('Access token is empty.');
    const token = match[1];
    try {
      decodeJwt(token);
    } catch {
      throw unauthorized(
        'IDX14100: JWT is not well formed, there are no dots (.). The token needs to be in JWS or JWE Compact Serialization Format.',
      );
    }
    let payload: JWTPayload & Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, await keyPromise, {
        currentDate: new Date(state.clock()),
        algorithms: ['RS256'],
      }));
    } catch (e) {
      if (e instanceof joseErrors.JWTExpired) throw unauthorized('Access token has expired or is not yet valid.');
      if (e instanceof joseErrors.JWTClaimValidationFailed && e.claim === 'nbf') {
        throw unauthorized('Access token has expired or is not yet valid.');
      }
      throw unauthorized('Access token validation failure. Invalid signature.');
    }
    if (payload.aud !== GRAPH_RESOURCE && payload.aud !== GRAPH_APP_ID) {
      throw unauthorized('Access token validation failure. Invalid audience.');
    }
    const issuedMs =
      typeof payload[ISSUED_MS_CLAIM] === 'number' ? payload[ISSUED_MS_CLAIM] : (payload.iat ?? 0) * 1000;
    const oid = typeof payload.oid === 'string' ? payload.oid : null;
    const isApp = payload.idtyp === 'app';
    const userValidFrom = !isApp && oid ? (state.accessValidFrom.get(oid) ?? 0) : 0;
    if (issuedMs < state.globalAccessValidFrom || issuedMs < userValidFrom) {
      throw unauthorized('Access token has expired or is not yet valid.');
    }
    const principal: Principal = {
      kind: isApp ? 'application' : 'delegated',
      tenantId: String(payload.tid ?? ''),
      userId: isApp ? null : oid,
      appId: String(payload.appid ?? ''),
      scopes: new Set(
        isApp
          ? Array.isArray(payload.roles)
            ? payload.roles.map(String)
            : []
          : String(payload.scp ?? '')
              .split(' ')
              .filter(Boolean),
      ),
      ...(typeof payload.exp === 'number' ? { tokenExpiresAt: payload.exp * 1000 } : {}),
    };
    return principal;
  };
}
