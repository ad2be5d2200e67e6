// Logger options: pino with redaction so tokens, keys and secrets never reach the logs.
import type { FastifyServerOptions } from 'fastify';
import type { LogLevel } from '../config/config.js';

const SENSITIVE_QUERY = /([?&](?:code|state|token|access_token|refresh_token|id_token|client_secret|validationToken|session_state|key)=)[^&#]*/gi;

/** Removes secret query parameters from a URL before it is logged. */
export function redactUrl(url: string): string {
  return url.replace(SENSITIVE_QUERY, '$1[REDACTED]');
}

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  '*.authorization',
  '*.accessToken',
  '*.refreshToken',
  '*.access_token',
  '*.refresh_token',
  '*.id_token',
  '*.idToken',
  '*.client_secret',
  '*.clientSecret',
  '*.apiKey',
  '*.password',
  '*.secret',
  '*.token',
  '*.msalCache',
  '*.body',
];

/** Fastify logger options; `stream` lets tests capture the output. */
export function loggerOptions(level: LogLevel, stream?: NodeJS.WritableStream): FastifyServerOptions['logger'] {
  return {
    level,
    redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
    serializers: {
      req: (req: { method: string; url: string; id: string }) => ({ id: req.id, method: req.method, url: redactUrl(req.url) }),
    },
    ...(stream ? { stream } : {}),
  } as FastifyServerOptions['logger'];
}
