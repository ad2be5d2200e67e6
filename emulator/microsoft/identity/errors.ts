// Entra ID (AADSTS) error catalogue and the token endpoint's error JSON, shaped like Microsoft's.
import { randomUUID } from 'node:crypto';

/** The AADSTS codes the emulator answers with, their OAuth error and message. */
export const AADSTS = {
  50020: {
    error: 'invalid_grant',
    message:
      'User account from identity provider does not exist in tenant and cannot access the application in that tenant. The account needs to be added as an external user in the tenant first.',
  },
  50059: {
    error: 'invalid_request',
    message: 'No tenant-identifying information found in either the request or implied by any provided credentials.',
  },
  50126: { error: 'invalid_grant', message: 'Error validating credentials due to invalid username or password.' },
  50148: {
    error: 'invalid_grant',
    message: 'The code_verifier does not match the code_challenge supplied in the authorization request for PKCE.',
  },
  50173: {
    error: 'invalid_grant',
    message:
      'The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password.',
  },
  54005: {
    error: 'invalid_grant',
    message:
      'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.',
  },
  65001: {
    error: 'invalid_grant',
    message:
      'The user or administrator has not consented to use the application. Send an interactive authorization request for this user and resource.',
  },
  70000: { error: 'invalid_grant', message: 'Provided grant is invalid or malformed.' },
  65004: { error: 'access_denied', message: 'User declined to consent to access the app.' },
  50034: {
    error: 'invalid_grant',
    message:
      'The user account {upn} does not exist in the directory. To sign into this application, the account must be added to the directory.',
  },
  500112: {
    error: 'invalid_grant',
    message:
      "The reply address '{got}' does not match the reply address '{expected}' provided when requesting Authorization code.",
  },
  650053: {
    error: 'invalid_scope',
    message:
      "The application asked for scope '{scope}' that doesn't exist on the resource '00000003-0000-0000-c000-000000000000'.",
  },
  1002012: {
    error: 'invalid_scope',
    message:
      'The provided value for scope {scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).',
  },
  700054: {
    error: 'unsupported_response_type',
    message: "response_type '{type}' is not enabled for the application. This emulator answers response_type=code.",
  },
  70008: {
    error: 'invalid_grant',
    message:
      'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.',
  },
  70011: {
    error: 'invalid_scope',
    message:
      "The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid.",
  },
  90002: {
    error: 'invalid_tenant',
    message:
      'Tenant not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.',
  },
  90094: {
    error: 'invalid_grant',
    message:
      'The grant requires admin permission. An administrator of this tenant has set a policy that prevents users from granting applications the permissions they request.',
  },
  900144: { error: 'invalid_request', message: "The request body must contain the following parameter: '{param}'." },
  501481: {
    error: 'invalid_grant',
    message: 'The Code_Verifier does not match the code_challenge supplied in the authorization request.',
  },
  700016: {
    error: 'unauthorized_client',
    message:
      'Application was not found in the directory. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.',
  },
  700082: {
    error: 'invalid_grant',
    message:
      'The refresh token has expired due to inactivity. The token was issued on {issued} and was inactive for {inactive}.',
  },
  7000215: {
    error: 'invalid_client',
    message:
      "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{clientId}'.",
  },
  7000218: {
    error: 'invalid_client',
    message: "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
  },
  7000229: {
    error: 'invalid_client',
    message: 'The client application {clientId} is missing service principal in the tenant {tenantId}.',
  },
  9002313: { error: 'invalid_grant', message: 'Invalid request. Request is malformed or invalid.' },
  9002325: {
    error: 'invalid_request',
    message: 'Proof Key for Code Exchange is required: send code_challenge with code_challenge_method S256.',
  },
  50011: {
    error: 'invalid_request',
    message:
      "The redirect URI '{redirectUri}' specified in the request does not match the redirect URIs configured for the application '{clientId}'.",
  },
  70003: { error: 'unsupported_grant_type', message: "The app requested an unsupported grant type '{grant}'." },
} as const;

export type AadCode = keyof typeof AADSTS;

/** An identity-platform failure; the token endpoint serialises it as Microsoft's error JSON. */
export class AadError extends Error {
  readonly error: string;
  readonly codes: number[];
  constructor(
    readonly code: AadCode,
    vars: Record<string, string> = {},
    readonly status = 400,
    readonly suberror?: string,
  ) {
    const entry = AADSTS[code];
    const text = entry.message.replace(/\{(\w+)\}/g, (_, k: string) => vars[k] ?? `{${k}}`);
    super(`AADSTS${code}: ${text}`);
    this.error = entry.error;
    this.codes = [code];
    this.name = 'AadError';
  }
}

/** `2026-11-22 19:40:12Z`, the timestamp style of Entra ID errors. */
export function aadTimestamp(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, 'Z');
}

/** Microsoft's token-endpoint error body. */
export function aadErrorBody(err: AadError, nowMs: number, opts: { baseUrl?: string; correlationId?: string } = {}) {
  const traceId = randomUUID();
  const correlation = opts.correlationId ?? randomUUID();
  const timestamp = aadTimestamp(nowMs);
  const first = err.codes[0];
  return {
    error: err.error,
    error_description: `${err.message} Trace ID: ${traceId} Correlation ID: ${correlation} Timestamp: ${timestamp}`,
    error_codes: err.codes,
    timestamp,
    trace_id: traceId,
    correlation_id: correlation,
    ...(first !== undefined && opts.baseUrl ? { error_uri: `${opts.baseUrl}/error?code=${first}` } : {}),
    ...(err.suberror ? { suberror: err.suberror } : {}),
  };
}
