// POST /v1.0/$batch: runs up to 20 inner requests through the same server (app.inject) with the caller's token.
import type { FastifyInstance } from 'fastify';
import type { GraphContext } from '../context.js';
import {
  failedDependency,
  mailboxOf,
  mailboxThrottled,
  MAILBOX_CONCURRENCY,
  parseBatch,
  rounds,
  type BatchRequest,
  type BatchResponse,
} from '../batch.js';
import { GraphHttpError, sendGraphError } from '../errors.js';

const HOP_BY_HOP = new Set(['content-length', 'connection', 'keep-alive', 'transfer-encoding', 'date']);

export default async function batchRoutes(app: FastifyInstance, ctx: GraphContext): Promise<void> {
  app.post('/$batch', async (req, reply) => {
    try {
      const p = await ctx.authenticate(req.headers.authorization);
      const requests = parseBatch(req.body);
      const plan = rounds(requests);
      const results = new Map<string, BatchResponse>();
      const auth = req.headers.authorization ?? '';
      for (const round of plan) {
        const perMailbox = new Map<string, number>();
        await Promise.all(
          round.map(async (r) => {
            if (r.dependsOn.some((d) => (results.get(d)?.status ?? 500) >= 400)) {
              results.set(r.id, failedDependency(r.id));
              return;
            }
            const key = mailboxOf(r.url, p.userId);
            const mailbox = key ? (ctx.directory.getUser(key)?.id ?? key) : null;
            if (mailbox) {
              const n = (perMailbox.get(mailbox) ?? 0) + 1;
              perMailbox.set(mailbox, n);
              if (n > MAILBOX_CONCURRENCY) {
                results.set(r.id, mailboxThrottled(r.id, 1));
                return;
              }
            }
            results.set(r.id, await runOne(app, r, auth));
          }),
        );
      }
      return reply
        .status(200)
        .header('content-type', 'application/json')
        .send({ responses: requests.map((r) => results.get(r.id)) });
    } catch (err) {
      if (err instanceof GraphHttpError) return sendGraphError(req, reply, err);
      throw err;
    }
  });
}

async function runOne(app: FastifyInstance, r: BatchRequest, authorization: string): Promise<BatchResponse> {
  const headers: Record<string, string> = { ...r.headers, authorization };
  let payload: string | undefined;
  if (r.body !== undefined) {
    payload = typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
  }
  const res = await app.inject({
    method: r.method as 'GET',
    url: `/v1.0/${r.url}`,
    headers,
    ...(payload !== undefined ? { payload } : {}),
  });
  const outHeaders: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) {
    if (v === undefined || HOP_BY_HOP.has(k.toLowerCase())) continue;
    outHeaders[canonicalHeader(k)] = Array.isArray(v) ? v.join(', ') : String(v);
  }
  const out: BatchResponse = { id: r.id, status: res.statusCode, headers: outHeaders };
  if (res.payload.length) {
    const type = String(res.headers['content-type'] ?? '');
    if (type.includes('json')) {
      try {
        out.body = JSON.parse(res.payload) as unknown;
      } catch {
        out.body = res.payload;
      }
    } else {
      out.body = res.payload;
    }
  }
  return out;
}

function canonicalHeader(name: string): string {
  return name
    .split('-')
    .map((p) => (p ? p[0]?.toUpperCase() + p.slice(1) : p))
    .join('-');
}
