// HTTP helpers shared by the scheduling and places routes: Prefer time zone, dateTimeTimeZone input, Graph errors.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GraphHttpError, sendGraphError } from './errors.js';
import { localToUtcMs, requireZone } from './time.js';

/** The zone for response times from `Prefer: outlook.timezone="…"` (UTC when absent). */
export function preferredZone(req: FastifyRequest): { iana: string; label: string; applied: string | null } {
  const raw = req.headers.prefer;
  const text = Array.isArray(raw) ? raw.join(',') : (raw ?? '');
  const m = /outlook\.timezone\s*=\s*"?([^",]+)"?/i.exec(text);
  if (!m) return { iana: 'UTC', label: 'UTC', applied: null };
  const label = m[1]!.trim();
  return { iana: requireZone(label), label, applied: `outlook.timezone="${label}"` };
}

/** Parses a dateTimeTimeZone request property to epoch ms, or throws Graph's 400. */
export function instantOf(v: unknown, name: string): number {
  const d = v as { dateTime?: unknown; timeZone?: unknown } | null;
  if (!d || typeof d !== 'object' || typeof d.dateTime !== 'string') {
    throw new GraphHttpError(
      400,
      'ErrorInvalidRequest',
      `The parameter '${name}' must be a dateTimeTimeZone with a dateTime.`,
    );
  }
  return localToUtcMs(d.dateTime, typeof d.timeZone === 'string' ? d.timeZone : 'UTC');
}

/** Wraps a handler so GraphHttpError becomes Graph's error JSON. */
export function graphHandler(fn: (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    try {
      return await fn(req, reply);
    } catch (err) {
      if (err instanceof GraphHttpError) return sendGraphError(req, reply, err);
      throw err;
    }
  };
}
