// Logger options: pino with redaction so tokens, keys and secrets never reach the logs.
import type { FastifyServerOptions } from 'fastify';
import type { LogLevel } from '../config/config.js';

const SENSITIVE_QUERY =
  /([?&](?:code|state|token|access_token|refresh_token|id_token|client_secret|validationToken|session_state|key)=)[^&#]*/gi;

/** A calendar feed's path is its credential (`/ics/<token>.ics`). */
const FEED_PATH = /^\/ics\/[^?#]*/;

/** Removes secret query parameters (and a feed path's token) from a URL before it is logged. */
export function redactUrl(url: string): string {
  return url.replace(FEED_PATH, '/ics/[REDACTED]').replace(SENSITIVE_QUERY, '$1[REDACTED]');
}

const SECRET_KEYS = [
  'authorization',
  'accessToken',
  'refreshToken',
  'access_token',
  'refresh_token',
  'id_token',
  'idToken',
  'client_secret',
  'clientSecret',
  'apiKey',
  'password',
  'secret',
  'token',
  'msalCache',
  'code_verifier',
  'codeVerifier',
];

/** Secret keys at the top level and up to two levels deep (pino's wildcards match one level each). */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  ...SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]),
  // Event bodies can hold confidential content: never logged by default.
  'body',
  '*.body',
];

/** Fastify logger options; `stream` lets tests capture the output. */
export function loggerOptions(level: LogLevel, stream?: NodeJS.WritableStream): FastifyServerOptions['logger'] {
  return {
    level,
    redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
    serializers: {
      req: (req: { method: string; url: string; id: string }) => ({
        id: req.id,
        method: req.method,
        url: redactUrl(req.url),
      }),
    },
    ...(stream ? { stream } : {}),
  } as FastifyServerOptions['logger'];
}
