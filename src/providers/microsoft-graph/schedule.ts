// getFreeBusy over Graph getSchedule: ≤ 20 schedules and < 62 days per request, chunks sent through $batch,
// pieces stitched per person; anything unreadable is `unknown`, never free.
import type * as MicrosoftGraph from '@microsoft/microsoft-graph-types';
import { AppError } from '../../domain/errors.js';
import { limitExceeded, SCHEDULING_LIMITS } from '../../domain/scheduling/limits.js';
import type { FreeBusyParams, FreeBusyResult, ScheduleAvailability } from '../../ports/calendar-provider.js';
import type { GraphClient } from './client.js';
import { mapGraphError } from './errors.js';
import { freeBusyParamsToGraph, graphScheduleToAvailability } from './mapping.js';

const MAX_SCHEDULES = 20;
const MAX_SPAN_MS = 61 * 86_400_000;

/** Time chunks shorter than 62 days whose lengths are whole intervals, so availability views concatenate. */
export function timeChunks(start: string, end: string, intervalMinutes: number): Array<{ start: string; end: string }> {
  const step = Math.floor(MAX_SPAN_MS / (intervalMinutes * 60_000)) * intervalMinutes * 60_000;
  const out: Array<{ start: string; end: string }> = [];
  for (let t = Date.parse(start); t < Date.parse(end); t += step) {
    out.push({ start: new Date(t).toISOString(), end: new Date(Math.min(t + step, Date.parse(end))).toISOString() });
  }
  return out;
}

const FATAL = new Set(['reconnect_required', 'unsupported_mailbox']);

function reasonOf(e: AppError): string {
  if (e.code === 'provider_throttled') return 'throttled';
  if (e.code === 'permission_denied') return 'permission_denied';
  if (e.code === 'not_found') return 'not_found';
  return 'provider_error';
}

/** Free/busy for every schedule; chunk failures other than a lost grant mark their people `unknown`. */
export async function getFreeBusy(graph: GraphClient, params: FreeBusyParams): Promise<FreeBusyResult> {
  const interval = params.intervalMinutes ?? 30;
  const emails = params.schedules.map((s) => s.toLowerCase());
  const groups: string[][] = [];
  for (let i = 0; i < emails.length; i += MAX_SCHEDULES) groups.push(emails.slice(i, i + MAX_SCHEDULES));
  const spans = timeChunks(params.start, params.end, interval);
  const jobs = groups.flatMap((group) => spans.map((span) => ({ group, span })));
  // However it is called, one free/busy read never sends more getSchedule calls than an operation may make.
  if (jobs.length > SCHEDULING_LIMITS.providerCallsPerOperation)
    throw limitExceeded('providerCallsPerOperation', jobs.length, 'Free/busy would need too many getSchedule calls');
  const responses = await graph.batch(
    jobs.map((j) => ({
      method: 'POST' as const,
      path: '/me/calendar/getSchedule',
      body: freeBusyParamsToGraph({
        schedules: j.group,
        start: j.span.start,
        end: j.span.end,
        intervalMinutes: interval,
      }),
      idempotent: true,
    })),
  );
  const pieces = new Map<string, ScheduleAvailability[]>(emails.map((e) => [e, []]));
  responses.forEach((res, i) => {
    const { group } = jobs[i]!;
    if (res.status >= 400) {
      const err = mapGraphError({ status: res.status, body: res.body, headers: res.headers });
      if (FATAL.has(err.code)) throw err;
      for (const email of group)
        pieces.get(email)!.push({ email, status: 'unknown', reason: reasonOf(err), message: err.message });
      return;
    }
    const values = (res.body as { value?: MicrosoftGraph.ScheduleInformation[] })?.value ?? [];
    for (const email of group) {
      const si = values.find((v) => (v.scheduleId ?? '').toLowerCase() === email);
      pieces.get(email)!.push(
        si
          ? graphScheduleToAvailability(si)
          : {
              email,
              status: 'unknown',
              reason: 'missing',
              message: 'The provider returned no schedule for this address.',
            },
      );
    }
  });
  const schedules = emails.map((email): ScheduleAvailability => {
    const parts = pieces.get(email)!;
    const unknown = parts.find((p) => p.status === 'unknown');
    if (unknown) return unknown;
    const ok = parts.filter((p): p is Extract<ScheduleAvailability, { status: 'ok' }> => p.status === 'ok');
    return {
      email,
      status: 'ok',
      items: ok.flatMap((p) => p.items),
      workingHours: ok[0]?.workingHours ?? null,
      availabilityView: ok.map((p) => p.availabilityView).join(''),
    };
  });
  return { range: { start: params.start, end: params.end }, intervalMinutes: interval, schedules };
}
