// The /v1.0 scope's plumbing: who a request is for (throttling, logs), Graph-shaped errors and 404s, request logging.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { decodeJwt } from 'jose';
import type { EmuClock } from '../common/clock.js';
import type { RequestLog } from '../common/request-log.js';
import type { GraphContext } from './graph/context.js';
import type { Directory } from './directory.js';
import { registerFaultHooks, type FaultTagged, type Faults, type RequestIdentity } from './faults.js';
import { GraphHttpError, requestIds, sendGraphError } from './graph/errors.js';
import type { RouteModule } from './modules.js';

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The app id and addressed mailbox of a Graph request (token decoded without verification: only for accounting). */
export function requestIdentity(directory: Directory): RequestIdentity {
  return (req: FastifyRequest) => {
    let appId = 'anonymous';
    let oid: string | null = null;
    let tid = 'unknown';
    const auth = req.headers.authorization;
    if (auth?.startsWith('Bearer ')) {
      try {
        const claims = decodeJwt(auth.slice(7).trim());
        appId = String(claims.appid ?? claims.azp ?? 'anonymous');
        oid = claims.idtyp === 'app' ? null : typeof claims.oid === 'string' ? claims.oid : null;
        if (typeof claims.tid === 'string') tid = claims.tid;
      } catch {
        // not a JWT: the handler answers 401
      }
    }
    const m = /^\/v1\.0\/(?:users\/([^/?(]+)|me(?:[/?]|$))/i.exec(req.url);
    let mailbox = oid ?? 'none';
    if (m?.[1]) {
      const raw = safeDecode(m[1]).replace(/^'|'$/g, '');
      mailbox = directory.getUser(raw)?.id ?? raw.toLowerCase();
    } else if (!m) mailbox = 'tenant';
    // Outlook's limits are per app and mailbox. A request outside any mailbox (subscriptions, places) counts for the
    // signed-in user, or the organisation for an app-only token — never for the whole app across tenants; a $batch
    // is not counted itself, its inner requests are (each on its own mailbox).
    const throttleKey =
      mailbox !== 'tenant' ? mailbox : /^\/v1\.0\/\$batch(?:[/?]|$)/.test(req.url) ? null : (oid ?? `tenant:${tid}`);
    return { appId, mailbox, throttleKey };
  };
}

function graphErrorHandler(err: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  if (err instanceof GraphHttpError) return sendGraphError(req, reply, err);
  const status = err.statusCode ?? 500;
  if (status === 400 && (err.code?.startsWith('FST_ERR_CTP') || err instanceof SyntaxError)) {
    return sendGraphError(
      req,
      reply,
      new GraphHttpError(
        400,
        'BadRequest',
        'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
      ),
    );
  }
  if (status === 413)
    return sendGraphError(
      req,
      reply,
      new GraphHttpError(413, 'RequestEntityTooLarge', 'The request body is too large.'),
    );
  if (status === 415)
    return sendGraphError(
      req,
      reply,
      new GraphHttpError(415, 'UnsupportedMediaType', 'The content type of the request is not supported.'),
    );
  if (status >= 400 && status < 500)
    return sendGraphError(req, reply, new GraphHttpError(status, 'BadRequest', err.message));
  req.log.error({ err }, 'graph handler failed');
  return sendGraphError(
    req,
    reply,
    new GraphHttpError(500, 'InternalServerError', 'An internal server error occurred.'),
  );
}

/** Records every request except the admin API's in the request log (route template, mailbox, app, fault). */
export function logRequests(
  server: FastifyInstance,
  log: RequestLog,
  clock: EmuClock,
  identify: RequestIdentity,
): void {
  server.addHook('onResponse', async (req, reply) => {
    if (req.url.startsWith('/_emulator')) return;
    const who = req.url.startsWith('/v1.0') ? identify(req) : null;
    log.record({
      at: new Date(clock.now()).toISOString(),
      method: req.method,
      url: req.url,
      route: req.routeOptions.url ?? req.url.split('?')[0] ?? req.url,
      status: reply.statusCode,
      durationMs: Math.round(reply.elapsedTime * 100) / 100,
      mailbox: who && who.mailbox !== 'none' && who.mailbox !== 'tenant' ? who.mailbox : null,
      appId: who && who.appId !== 'anonymous' ? who.appId : null,
      fault: (req as FaultTagged).emuFault ?? null,
    });
  });
}

/** Registers the Graph modules under `/v1.0` with fault hooks, Graph-shaped errors and a Graph-shaped 404. */
export async function registerGraphScope(
  server: FastifyInstance,
  deps: { faults: Faults; identify: RequestIdentity; modules: RouteModule[]; ctx: GraphContext },
): Promise<void> {
  await server.register(
    async (graph) => {
      // Every Graph answer names its request: request-id, and client-request-id (the caller's, or the same id);
      // an error's innerError carries the same values.
      graph.addHook('onRequest', async (req, reply) => {
        const ids = requestIds(req);
        void reply.header('request-id', ids.requestId).header('client-request-id', ids.clientRequestId);
      });
      registerFaultHooks(graph, deps.faults, deps.identify);
      graph.setErrorHandler(graphErrorHandler);
      graph.setNotFoundHandler((req, reply) => {
        const segment = (req.url.split('?')[0] ?? '').split('/').filter(Boolean).pop() ?? '';
        const message = `Resource not found for the segment '${safeDecode(segment)}'.`;
        return sendGraphError(req, reply, new GraphHttpError(404, 'ResourceNotFound', message));
      });
      for (const m of deps.modules) await graph.register(async (scope) => m.plugin(scope, deps.ctx));
    },
    { prefix: '/v1.0' },
  );
}
