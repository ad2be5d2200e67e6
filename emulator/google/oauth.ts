// Google OAuth 2.0 / OpenID Connect: authorization (consent page, auto-consent with login_hint, prompt=none over an
// earlier grant; PKCE S256/plain), token endpoint (authorization_code, refresh_token; invalid_grant on revocation), revoke, userinfo, discovery, JWKS.
import { createHash, randomBytes, type webcrypto } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { SignJWT, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import type { GApp, GUser } from './model.js';

export const SCOPE_PREFIX = 'https://www.googleapis.com/auth/';
const KNOWN_SCOPES = new Set([
  'openid',
  'email',
  'profile',
  ...[
    'calendar',
    'calendar.readonly',
    'calendar.events',
    'calendar.events.readonly',
    'calendar.freebusy',
    'calendar.settings.readonly',
    'gmail.send',
    'admin.directory.resource.calendar.readonly',
    'directory.readonly',
    'userinfo.email',
    'userinfo.profile',
    'drive.metadata.readonly',
  ].map((s) => SCOPE_PREFIX + s),
]);

interface Grant {
  id: string;
  user: string;
  clientId: string;
  scopes: string[];
  refreshToken: string | null;
  revoked: boolean;
}

interface PendingCode {
  grant: Grant;
  redirectUri: string;
  challenge: string | null;
  method: string;
  nonce: string | null;
  /** The authorization request asked for the consent screen (`prompt=consent`). */
  consent?: boolean;
  expiresAt: number;
}

export interface AccessToken {
  user: string;
  clientId: string;
  scopes: string[];
  expiresAt: number;
  grantId: string;
}

const rand = (n = 24) => randomBytes(n).toString('base64url');

/** What a restarted emulator needs of OAuthState (apps, grants, codes, unexpired access tokens, the ID-token key). */
export interface OAuthStateJson {
  apps: GApp[];
  /** Every grant, with its refresh token (if offline). */
  grants: Grant[];
  codes: Array<[string, PendingCode]>;
  tokens: Array<[string, AccessToken]>;
  key: { privateJwk: JWK; jwk: JWK };
}

/** OAuth state: apps, grants, codes, tokens. */
export class OAuthState {
  apps = new Map<string, GApp>();
  private grants = new Map<string, Grant>();
  private codes = new Map<string, PendingCode>();
  private tokens = new Map<string, AccessToken>();
  private refresh = new Map<string, Grant>();
  autoConsent: boolean;
  accessTokenSeconds: number;
  key!: { privateKey: webcrypto.CryptoKey; jwk: JWK };

  constructor(
    readonly now: () => number,
    opts: { autoConsent?: boolean; accessTokenSeconds?: number },
  ) {
    this.autoConsent = opts.autoConsent ?? false;
    this.accessTokenSeconds = opts.accessTokenSeconds ?? 3599;
  }

  /** Creates the ID-token signing key, or takes the one of a saved state (then loads that state too). */
  async init(saved?: OAuthStateJson): Promise<void> {
    if (saved) {
      const privateKey = await importJWK(saved.key.privateJwk, 'RS256', { extractable: true });
      if (privateKey instanceof Uint8Array) throw new Error('the saved ID-token key is not an RSA key');
      this.key = { privateKey, jwk: saved.key.jwk };
      this.load(saved);
      return;
    }
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    this.key = { privateKey, jwk: { ...(await exportJWK(publicKey)), kid: 'emu-1', alg: 'RS256', use: 'sig' } };
  }

  /** The state as JSON (expired codes and access tokens left out). Needs init() first. */
  async toJSON(): Promise<OAuthStateJson> {
    return { ...this.snapshot(), key: { privateJwk: await exportJWK(this.key.privateKey), jwk: this.key.jwk } };
  }

  /** toJSON() without the key (synchronous; the key does not change after init()). */
  snapshot(): Omit<OAuthStateJson, 'key'> {
    const now = this.now();
    return {
      apps: [...this.apps.values()],
      grants: [...this.grants.values()],
      codes: [...this.codes].filter(([, c]) => c.expiresAt > now),
      tokens: [...this.tokens].filter(([, t]) => t.expiresAt > now),
    };
  }

  /** Replaces apps, grants, codes and tokens with those of toJSON() (refresh tokens map to their grants again). */
  load(json: Omit<OAuthStateJson, 'key'>): void {
    this.reset();
    this.apps.clear();
    for (const a of json.apps) this.apps.set(a.clientId, a);
    for (const g of json.grants) {
      this.grants.set(g.id, g);
      if (g.refreshToken) this.refresh.set(g.refreshToken, g);
    }
    for (const [k, c] of json.codes) this.codes.set(k, c);
    for (const [k, t] of json.tokens) this.tokens.set(k, t);
  }

  reset(): void {
    this.grants.clear();
    this.codes.clear();
    this.tokens.clear();
    this.refresh.clear();
  }

  issueCode(g: Omit<Grant, 'id' | 'refreshToken' | 'revoked'>, p: Omit<PendingCode, 'grant' | 'expiresAt'>): string {
    const grant: Grant = { ...g, id: rand(8), refreshToken: null, revoked: false };
    const code = `4/${rand(30)}`;
    this.codes.set(code, { ...p, grant, expiresAt: this.now() + 600_000 });
    return code;
  }

  takeCode(code: string): PendingCode | null {
    const c = this.codes.get(code);
    this.codes.delete(code);
    return c && c.expiresAt > this.now() ? c : null;
  }

  issueAccess(grant: Grant): { token: string; expiresIn: number } {
    const token = `ya29.${rand(40)}`;
    this.tokens.set(token, {
      user: grant.user,
      clientId: grant.clientId,
      scopes: grant.scopes,
      expiresAt: this.now() + this.accessTokenSeconds * 1000,
      grantId: grant.id,
    });
    return { token, expiresIn: this.accessTokenSeconds };
  }

  /** An access token for a user without the browser flow (test and conformance harnesses). */
  mint(user: string, clientId: string, scopes: string[]): string {
    const grant: Grant = {
      id: rand(8),
      user: user.toLowerCase(),
      clientId,
      scopes,
      refreshToken: null,
      revoked: false,
    };
    this.grants.set(grant.id, grant);
    return this.issueAccess(grant).token;
  }

  /**
   * Keeps a grant; with `offline`, gives it a refresh token — unless `consent` is false and the user already has a
   * live refresh token for this client: Google returns one on the first exchange after consent only (the older one
   * keeps working), so a client that needs a new one asks again with prompt=consent.
   */
  saveGrant(grant: Grant, offline: boolean, consent = true): string | null {
    const held = [...this.grants.values()].some(
      (g) => g.user === grant.user && g.clientId === grant.clientId && g.refreshToken !== null && !g.revoked,
    );
    this.grants.set(grant.id, grant);
    if (!offline || (held && !consent)) return null;
    grant.refreshToken = `1//${rand(40)}`;
    this.refresh.set(grant.refreshToken, grant);
    return grant.refreshToken;
  }

  grantOfRefresh(rt: string): Grant | null {
    const g = this.refresh.get(rt);
    return g && !g.revoked ? g : null;
  }

  /** The access token's record when valid (not expired, grant not revoked). */
  lookup(token: string): AccessToken | null {
    const t = this.tokens.get(token);
    if (!t || t.expiresAt <= this.now() || this.grants.get(t.grantId)?.revoked) return null;
    return t;
  }

  /** Revokes the grant behind an access or refresh token; false when unknown, expired or already revoked. */
  revokeToken(token: string): boolean {
    const access = this.tokens.get(token);
    if (access && access.expiresAt <= this.now()) return false;
    const g = this.refresh.get(token) ?? this.grants.get(access?.grantId ?? '');
    if (!g || g.revoked) return false;
    g.revoked = true;
    return true;
  }

  /** Every scope the user has granted this client and not revoked (what `prompt=none` may hand out silently). */
  grantedScopes(email: string, clientId: string): Set<string> {
    const out = new Set<string>();
    for (const g of this.grants.values())
      if (g.user === email.toLowerCase() && g.clientId === clientId && !g.revoked) for (const s of g.scopes) out.add(s);
    return out;
  }

  /** Revokes every grant of a user (the user removed the app's access). Returns how many. */
  revokeUser(email: string): number {
    let n = 0;
    for (const g of this.grants.values())
      if (g.user === email.toLowerCase() && !g.revoked) {
        g.revoked = true;
        n++;
      }
    return n;
  }

  async idToken(issuer: string, user: GUser, clientId: string, nonce: string | null): Promise<string> {
    const sub = subOf(user.email);
    return new SignJWT({
      email: user.email,
      email_verified: true,
      name: user.name,
      hd: user.domain,
      ...(nonce ? { nonce } : {}),
    })
      .setProtectedHeader({ alg: 'RS256', kid: 'emu-1', typ: 'JWT' })
      .setIssuer(issuer)
      .setAudience(clientId)
      .setSubject(sub)
      .setIssuedAt(Math.floor(this.now() / 1000))
      .setExpirationTime(Math.floor(this.now() / 1000) + 3600)
      .sign(this.key.privateKey);
  }
}

/** Google's sub for a user (stable numeric string). */
export function subOf(email: string): string {
  return createHash('sha256')
    .update(email)
    .digest('hex')
    .slice(0, 21)
    .replace(/[a-f]/g, (c) => String(c.charCodeAt(0) % 10));
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function tokenError(reply: FastifyReply, status: number, error: string, description: string) {
  return reply
    .code(status)
    .header('cache-control', 'no-cache, no-store, max-age=0, must-revalidate')
    .send({ error, error_description: description });
}

export interface OAuthDeps {
  state: OAuthState;
  users: () => Map<string, GUser>;
  baseUrl: () => string;
}

type Q = Record<string, string | undefined>;

function validateAuthorize(q: Q, deps: OAuthDeps): { app: GApp; scopes: string[] } | string {
  // Google's error page names a missing parameter before judging the client or the redirect URI.
  const missing = ['client_id', 'redirect_uri', 'response_type'].find((k) => !q[k]);
  if (missing) return `Error 400: invalid_request. Missing required parameter: ${missing}`;
  const app = deps.state.apps.get(q.client_id!);
  if (!app) return 'Error 401: invalid_client. The OAuth client was not found.';
  if (!app.redirectUris.includes(q.redirect_uri!)) return 'Error 400: redirect_uri_mismatch.';
  if (q.response_type !== 'code') return 'Error 400: invalid_request. Unsupported response_type.';
  const scopes = (q.scope ?? '').split(/[\s+]+/).filter(Boolean);
  if (scopes.length === 0) return 'Error 400: invalid_request. Missing required parameter: scope';
  const unknown = scopes.find((s) => !KNOWN_SCOPES.has(s));
  if (unknown) return `Error 400: invalid_scope. Some requested scopes were invalid: ${unknown}`;
  if (q.code_challenge && !['S256', 'plain', undefined].includes(q.code_challenge_method))
    return 'Error 400: invalid_request. Invalid code_challenge_method.';
  return { app, scopes };
}

function consentPage(q: Q, scopes: string[], users: GUser[]): string {
  const hidden = Object.entries(q)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v!)}">`)
    .join('');
  const options = users
    .map(
      (u) =>
        `<option value="${esc(u.email)}"${u.email === q.login_hint?.toLowerCase() ? ' selected' : ''}>${esc(u.name)} &lt;${esc(u.email)}&gt;</option>`,
    )
    .join('');
  return `<!doctype html><html><head><meta charset="utf-8"><title>Sign in - Google Accounts (emulator)</title></head><body>
<h1>Choose an account</h1><form method="post" action="/o/oauth2/v2/auth/consent">${hidden}
<p><label>Account <select name="account">${options}</select></label></p>
<p><small>This is calbridge's Google emulator, not Google: choose any demo account above (no password needed).</small></p>
<p>calbridge wants to:</p><ul>${scopes.map((s) => `<li>${esc(s)}</li>`).join('')}</ul>
<button type="submit" name="decision" value="allow">Allow</button> <button type="submit" name="decision" value="deny">Cancel</button></form></body></html>`;
}

async function finish(reply: FastifyReply, q: Q, deps: OAuthDeps, email: string, scopes: string[]) {
  const code = deps.state.issueCode(
    {
      user: email,
      clientId: q.client_id!,
      scopes: [...new Set([...scopes, ...(q.access_type === 'offline' ? ['__offline'] : [])])],
    },
    {
      redirectUri: q.redirect_uri!,
      challenge: q.code_challenge ?? null,
      method: q.code_challenge_method ?? 'plain',
      nonce: q.nonce ?? null,
      consent: (q.prompt ?? '').split(/[\s+]+/).includes('consent'),
    },
  );
  const u = new URL(q.redirect_uri!);
  if (q.state !== undefined) u.searchParams.set('state', q.state);
  u.searchParams.set('code', code);
  u.searchParams.set('scope', scopes.join(' '));
  return reply.redirect(u.toString(), 302);
}

export async function oauthRoutes(app: FastifyInstance, deps: OAuthDeps): Promise<void> {
  const people = () => [...deps.users().values()].filter((u) => u.kind === 'user');
  app.get('/o/oauth2/v2/auth', async (req, reply) => {
    const q = req.query as Q;
    const v = validateAuthorize(q, deps);
    if (typeof v === 'string')
      return reply
        .code(400)
        .type('text/html')
        .send(`<!doctype html><p>${esc(v)}</p>`);
    const hinted = q.login_hint ? deps.users().get(q.login_hint.toLowerCase()) : undefined;
    // prompt=none: no page at all. A code when the (hinted) user already granted this client every scope asked for,
    // else back to the redirect URI with interaction_required (no account to pick silently) or consent_required.
    const prompts = (q.prompt ?? '').split(/[\s+]+/).filter(Boolean);
    if (prompts.includes('none')) {
      const refuse = (error: string) => {
        const u = new URL(q.redirect_uri!);
        u.searchParams.set('error', error);
        if (q.state !== undefined) u.searchParams.set('state', q.state);
        return reply.redirect(u.toString(), 302);
      };
      if (prompts.length > 1) return refuse('invalid_request');
      if (hinted?.kind !== 'user') return refuse('interaction_required');
      const granted = deps.state.grantedScopes(hinted.email, q.client_id!);
      if (!v.scopes.every((s) => granted.has(s))) return refuse('consent_required');
      return finish(reply, q, deps, hinted.email, v.scopes);
    }
    if (deps.state.autoConsent && hinted?.kind === 'user' && q.prompt !== 'select_account')
      return finish(reply, q, deps, hinted.email, v.scopes);
    return reply.type('text/html').send(consentPage(q, v.scopes, people()));
  });
  app.post('/o/oauth2/v2/auth/consent', async (req, reply) => {
    const q = req.body as Q;
    const v = validateAuthorize(q, deps);
    if (typeof v === 'string')
      return reply
        .code(400)
        .type('text/html')
        .send(`<!doctype html><p>${esc(v)}</p>`);
    if (q.decision !== 'allow') {
      const u = new URL(q.redirect_uri!);
      u.searchParams.set('error', 'access_denied');
      if (q.state !== undefined) u.searchParams.set('state', q.state);
      return reply.redirect(u.toString(), 302);
    }
    const user = deps.users().get((q.account ?? '').toLowerCase());
    if (!user || user.kind !== 'user')
      return reply.code(400).type('text/html').send('<!doctype html><p>Unknown account.</p>');
    return finish(reply, q, deps, user.email, v.scopes);
  });
  app.post('/token', async (req, reply) => {
    const b = (req.body ?? {}) as Q;
    const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const [bid, bsecret] = basic ? Buffer.from(basic, 'base64').toString().split(':').map(decodeURIComponent) : [];
    const clientId = b.client_id ?? bid;
    const secret = b.client_secret ?? bsecret;
    // Google's token endpoint: the grant type first, then the client (unknown: "not found"; wrong secret:
    // "Unauthorized"), then each grant's required parameters (400 invalid_request "Missing required parameter: …").
    if (b.grant_type !== 'authorization_code' && b.grant_type !== 'refresh_token')
      return tokenError(reply, 400, 'unsupported_grant_type', 'Invalid grant_type: ' + (b.grant_type ?? ''));
    if (!clientId) return tokenError(reply, 400, 'invalid_request', 'Could not determine client ID from request.');
    const client = deps.state.apps.get(clientId);
    if (!client) return tokenError(reply, 401, 'invalid_client', 'The OAuth client was not found.');
    if (client.clientSecret !== secret) return tokenError(reply, 401, 'invalid_client', 'Unauthorized');
    const missing = (b.grant_type === 'authorization_code' ? ['code', 'redirect_uri'] : ['refresh_token']).find(
      (k) => !b[k],
    );
    if (missing) return tokenError(reply, 400, 'invalid_request', `Missing required parameter: ${missing}`);
    if (b.grant_type === 'authorization_code') {
      const c = b.code ? deps.state.takeCode(b.code) : null;
      if (!c || c.grant.clientId !== clientId) return tokenError(reply, 400, 'invalid_grant', 'Bad Request');
      if (c.redirectUri !== b.redirect_uri) return tokenError(reply, 400, 'redirect_uri_mismatch', 'Bad Request');
      if (c.challenge) {
        const v = b.code_verifier ?? '';
        if (!v) return tokenError(reply, 400, 'invalid_grant', 'Missing code verifier.');
        const computed = c.method === 'S256' ? createHash('sha256').update(v).digest('base64url') : v;
        if (computed !== c.challenge) return tokenError(reply, 400, 'invalid_grant', 'Invalid code verifier.');
      }
      const offline = c.grant.scopes.includes('__offline');
      const grant = {
        ...c.grant,
        scopes: c.grant.scopes.filter((s) => s !== '__offline'),
        id: c.grant.id,
        refreshToken: null,
        revoked: false,
      };
      // A code from before this field (a restored state) counts as consented.
      const refreshToken = deps.state.saveGrant(grant, offline, c.consent ?? true);
      const access = deps.state.issueAccess(grant);
      const user = deps.users().get(grant.user)!;
      const idToken = grant.scopes.includes('openid')
        ? await deps.state.idToken(deps.baseUrl(), user, clientId!, c.nonce)
        : undefined;
      return reply.header('cache-control', 'no-store').send({
        access_token: access.token,
        expires_in: access.expiresIn,
        ...(refreshToken ? { refresh_token: refreshToken } : {}),
        scope: grant.scopes.join(' '),
        token_type: 'Bearer',
        ...(idToken ? { id_token: idToken } : {}),
      });
    }
    if (b.grant_type === 'refresh_token') {
      const g = b.refresh_token ? deps.state.grantOfRefresh(b.refresh_token) : null;
      if (!g) return tokenError(reply, 400, 'invalid_grant', 'Token has been expired or revoked.');
      // A refresh token belongs to the client it was issued to; another client is not authorized to use it.
      if (g.clientId !== clientId) return tokenError(reply, 401, 'unauthorized_client', 'Unauthorized');
      const access = deps.state.issueAccess(g);
      const user = deps.users().get(g.user)!;
      const idToken = g.scopes.includes('openid')
        ? await deps.state.idToken(deps.baseUrl(), user, clientId!, null)
        : undefined;
      return reply.header('cache-control', 'no-store').send({
        access_token: access.token,
        expires_in: access.expiresIn,
        scope: g.scopes.join(' '),
        token_type: 'Bearer',
        ...(idToken ? { id_token: idToken } : {}),
      });
    }
    return tokenError(reply, 400, 'unsupported_grant_type', 'Invalid grant_type: ' + (b.grant_type ?? ''));
  });
  // Revocation (POST, also GET; token in the query or the form): revoking an access or a refresh token ends the whole
  // grant. An unknown, expired or already revoked token is 400 invalid_token; no token is 400 invalid_request.
  const revoke = async (req: { body?: unknown; query: unknown }, reply: FastifyReply) => {
    const token = ((req.body ?? {}) as Q).token ?? (req.query as Q).token;
    if (!token) return tokenError(reply, 400, 'invalid_request', 'Bad Request');
    if (!deps.state.revokeToken(token)) return tokenError(reply, 400, 'invalid_token', 'Token expired or revoked');
    return reply.code(200).header('content-type', 'application/json; charset=utf-8').send({});
  };
  app.post('/revoke', revoke);
  app.get('/revoke', revoke);
  const userinfo = async (req: { headers: { authorization?: string } }, reply: FastifyReply) => {
    const t = deps.state.lookup(/^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '');
    if (!t) return reply.code(401).send({ error: 'invalid_request', error_description: 'Invalid Credentials' });
    const u = deps.users().get(t.user)!;
    return { sub: subOf(u.email), email: u.email, email_verified: true, name: u.name, hd: u.domain };
  };
  app.get('/v1/userinfo', userinfo);
  app.get('/oauth2/v3/userinfo', userinfo);
  app.get('/oauth2/v3/certs', async () => ({ keys: [deps.state.key.jwk] }));
  app.get('/.well-known/openid-configuration', async () => {
    const b = deps.baseUrl();
    return {
      issuer: b,
      authorization_endpoint: `${b}/o/oauth2/v2/auth`,
      device_authorization_endpoint: `${b}/device/code`,
      token_endpoint: `${b}/token`,
      userinfo_endpoint: `${b}/v1/userinfo`,
      revocation_endpoint: `${b}/revoke`,
      jwks_uri: `${b}/oauth2/v3/certs`,
      response_types_supported: [
        'code',
        'token',
        'id_token',
        'code token',
        'code id_token',
        'token id_token',
        'code token id_token',
        'none',
      ],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: ['openid', 'email', 'profile'],
      token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
      claims_supported: [
        'aud',
        'email',
        'email_verified',
        'exp',
        'family_name',
        'given_name',
        'iat',
        'iss',
        'name',
        'picture',
        'sub',
      ],
      code_challenge_methods_supported: ['plain', 'S256'],
      grant_types_supported: [
        'authorization_code',
        'refresh_token',
        'urn:ietf:params:oauth:grant-type:device_code',
        'urn:ietf:params:oauth:grant-type:jwt-bearer',
      ],
    };
  });
}
