// The startDateTime/endDateTime window of calendarView, instances and delta requests.
import type { FastifyRequest } from 'fastify';
import { errors } from './mailbox-access.js';
import { parseQueryInstant } from './time.js';

/** Reads the required time window (400 ErrorInvalidParameter when absent or reversed). */
export function readWindow(req: FastifyRequest): { startMs: number; endMs: number } {
  const q = req.query as Record<string, string | undefined>;
  const s = q.startDateTime ?? q.startdatetime ?? q.StartDateTime;
  const e = q.endDateTime ?? q.enddatetime ?? q.EndDateTime;
  if (!s || !e) {
    throw errors.badRequest(
      'This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.',
      'ErrorInvalidParameter',
    );
  }
  const startMs = parseQueryInstant(s, 'startDateTime');
  const endMs = parseQueryInstant(e, 'endDateTime');
  if (endMs < startMs)
    throw errors.badRequest('The parameter EndDateTime must be later than StartDateTime.', 'ErrorInvalidParameter');
  return { startMs, endMs };
}
