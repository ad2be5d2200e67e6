// Logger options: pino with redaction so tokens, keys and secrets never reach the logs, at no cost for lines that are
// not written: secret keys are replaced at any depth when a line is formatted (formatters.log and the err serializer),
// pino's own redaction keeps only exact paths (no wildcards, which pino ran on every request's child logger), and a
// request's child logger is made only when the request logs something (requestLogger).
import type { FastifyServerOptions } from 'fastify';
import pino, { type Bindings, type ChildLoggerOptions, type Logger } from 'pino';
import type { LogLevel } from '../config/config.js';

const SENSITIVE_QUERY =
  /([?&](?:code|state|token|access_token|refresh_token|id_token|client_secret|validationToken|session_state|key)=)[^&#]*/gi;

/** A calendar feed's path is its credential (`/ics/<token>.ics`). */
const FEED_PATH = /^\/ics\/[^?#]*/;

/** Removes secret query parameters (and a feed path's token) from a URL before it is logged. */
export function redactUrl(url: string): string {
  // Most URLs have neither a query nor a feed path: nothing to replace.
  if (!url.includes('?') && !url.startsWith('/ics/')) return url;
  return url.replace(FEED_PATH, '/ics/[REDACTED]').replace(SENSITIVE_QUERY, '$1[REDACTED]');
}

const SECRET_KEYS = [
  'authorization',
  'cookie',
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
  // Event bodies can hold confidential content: never logged by default.
  'body',
];
const SECRET = new Set(SECRET_KEYS.map((k) => k.toLowerCase()));
const CENSOR = '[REDACTED]';
/** Deeper than this, a logged value is cut (a secret could hide anywhere below). */
const MAX_DEPTH = 8;

/**
 * pino's own redaction, by exact paths only: the top-level secret keys (they also cover a child logger's bindings,
 * which the line formatter does not see) and the request's credential headers. Nested secrets are replaced by
 * `scrubSecrets` when a line is written.
 */
export const REDACT_PATHS = ['req.headers.authorization', 'req.headers.cookie', ...SECRET_KEYS];

/**
 * A copy of a value about to be logged with every secret key (case-insensitive, at any depth, in objects, arrays and
 * errors' own fields) replaced by `[REDACTED]`; cycles become `[Circular]`, values deeper than MAX_DEPTH `[Truncated]`.
 * Values with a `toJSON` (dates, buffers) are kept as they are.
 */
export function scrubSecrets(value: unknown, depth = 0, parents: object[] = []): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return value;
  if (parents.includes(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[Truncated]';
  parents.push(value);
  try {
    if (Array.isArray(value)) return value.map((v) => scrubSecrets(v, depth + 1, parents));
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value))
      out[k] = SECRET.has(k.toLowerCase())
        ? CENSOR
        : scrubSecrets((value as Record<string, unknown>)[k], depth + 1, parents);
    return out;
  } finally {
    parents.pop();
  }
}

/** Keys whose values go through a serializer first (the serializer's output is scrubbed instead). */
const SERIALIZED = new Set(['req', 'res', 'err']);

/** formatters.log: the merge object of a line being written, its secrets replaced. */
function scrubLine(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o))
    out[k] = SECRET.has(k.toLowerCase()) ? CENSOR : SERIALIZED.has(k) ? o[k] : scrubSecrets(o[k], 1);
  return out;
}

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
type Level = (typeof LEVELS)[number];
type LogFn = (...args: unknown[]) => void;

/**
 * A request's logger that makes pino's child logger (bindings serialised, formatters rebuilt: most of a small
 * request's logging cost) only when the request logs a line at an enabled level; a request that logs nothing costs
 * one small object. Levels are the parent's (a route with its own log level gets a real child at once).
 */
class LazyChildLogger {
  #child: Logger | null = null;
  constructor(
    private readonly parent: Logger,
    private readonly binds: Bindings,
  ) {}
  /** The pino child, made on first use. */
  get real(): Logger {
    return (this.#child ??= this.parent.child(this.binds));
  }
  get level(): string {
    return this.#child ? this.#child.level : this.parent.level;
  }
  set level(l: string) {
    this.real.level = l;
  }
  get levels(): Logger['levels'] {
    return this.parent.levels;
  }
  isLevelEnabled(l: string): boolean {
    return (this.#child ?? this.parent).isLevelEnabled(l);
  }
  child(bindings: Bindings, options?: ChildLoggerOptions): Logger {
    return this.real.child(bindings, options);
  }
  bindings(): Bindings {
    return this.real.bindings();
  }
  flush(cb?: (err?: Error) => void): void {
    this.parent.flush(cb);
  }
  silent(): void {}
  declare fatal: LogFn;
  declare error: LogFn;
  declare warn: LogFn;
  declare info: LogFn;
  declare debug: LogFn;
  declare trace: LogFn;
}
for (const level of LEVELS)
  Object.defineProperty(LazyChildLogger.prototype, level, {
    value: function (this: LazyChildLogger, ...args: unknown[]) {
      if (this.isLevelEnabled(level)) (this.real[level as Level] as LogFn)(...args);
    },
  });

/** Fastify's childLoggerFactory: a lazy child unless the route sets its own level or serializers. */
export function requestLogger(logger: Logger, bindings: Bindings, opts: ChildLoggerOptions): Logger {
  if (opts && Object.keys(opts).length > 0) return logger.child(bindings, opts);
  return new LazyChildLogger(logger, bindings) as unknown as Logger;
}

/** Fastify logger options (also given to pino for the process's own logger); `stream` lets tests capture the output. */
export function loggerOptions(level: LogLevel, stream?: NodeJS.WritableStream): FastifyServerOptions['logger'] {
  return {
    level,
    redact: { paths: REDACT_PATHS, censor: CENSOR },
    formatters: { log: scrubLine },
    serializers: {
      req: (req: { method: string; url: string; id: string }) => ({
        id: req.id,
        method: req.method,
        url: redactUrl(req.url),
      }),
      err: (e: Error) => scrubSecrets(pino.stdSerializers.err(e)),
    },
    ...(stream ? { stream } : {}),
  } as FastifyServerOptions['logger'];
}
