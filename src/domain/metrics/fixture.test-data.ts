// A small hand-built fixture for the metrics and score tests; the expected numbers are worked out in compute.test.ts.
import type { MetricAttendee, MetricMeeting, MetricStakeholder } from './types.js';

/** Monday 2 March 2026, 12:00 UTC. */
export const NOW = '2026-03-02T12:00:00.000Z';

const ANN: MetricStakeholder = { email: 'ann@acme.com', role: 'CFO' };
const BOB: MetricStakeholder = { email: 'bob@acme.com', role: 'Engineer' };
const CARL: MetricStakeholder = { email: 'carl@acme.com', role: 'VP Sales' };
const ACME_PEOPLE = ['ann@acme.com', 'bob@acme.com', 'carl@acme.com'];

const att = (email: string, response: MetricAttendee['response']): MetricAttendee => ({
  email,
  type: 'required',
  response,
});

function acme(id: string, start: string, minutes: number, rest: Partial<MetricMeeting> = {}): MetricMeeting {
  const startMs = Date.parse(start);
  return {
    id,
    customerId: 'acme',
    start: new Date(startMs).toISOString(),
    end: new Date(startMs + minutes * 60_000).toISOString(),
    type: 'singleInstance',
    seriesMasterId: null,
    isCancelled: false,
    ownResponse: 'accepted',
    attendees: [],
    customerAttendees: ACME_PEOPLE,
    stakeholders: [],
    ...rest,
  };
}

export const FIXTURE: MetricMeeting[] = [
  acme('M1', '2026-02-25T10:00:00Z', 60, {
    attendees: [att('ann@acme.com', 'accepted'), att('bob@acme.com', 'tentative')],
    stakeholders: [ANN, BOB],
  }),
  acme('M2', '2026-02-18T10:00:00Z', 30, {
    attendees: [att('ann@acme.com', 'accepted'), att('bob@acme.com', 'accepted')],
    stakeholders: [BOB],
  }),
  // Ann declined, so she was not met although listed as a stakeholder.
  acme('M3', '2026-02-11T10:00:00Z', 45, {
    attendees: [att('ann@acme.com', 'declined'), att('bob@acme.com', 'accepted')],
    stakeholders: [ANN, BOB],
  }),
  acme('M4', '2026-02-20T15:00:00Z', 60, { isCancelled: true, attendees: [att('ann@acme.com', 'accepted')] }),
  acme('M5', '2026-02-27T09:00:00Z', 30, {
    ownResponse: 'declined',
    attendees: [att('ann@acme.com', 'accepted'), att('bob@acme.com', 'notResponded')],
  }),
  acme('M6', '2026-03-04T10:00:00Z', 60, { attendees: [att('ann@acme.com', 'accepted')] }),
  acme('M7', '2026-03-09T10:00:00Z', 60),
  acme('M8', '2026-01-15T10:00:00Z', 90, { attendees: [att('carl@acme.com', 'accepted')], stakeholders: [CARL] }),
  // A series master is never counted itself (it would add a meeting on 10 January).
  acme('M9', '2026-01-10T10:00:00Z', 60, { type: 'seriesMaster', stakeholders: [CARL] }),
  acme('M10', '2026-01-20T10:00:00Z', 60, { type: 'occurrence', seriesMasterId: 'M9' }),
  acme('M11', '2025-12-20T10:00:00Z', 60, { attendees: [att('bob@acme.com', 'accepted')], stakeholders: [BOB] }),
  acme('M12', '2025-06-01T10:00:00Z', 60),
  acme('M13', '2025-11-15T10:00:00Z', 60),
  {
    ...acme('M14', '2026-02-26T10:00:00Z', 30),
    customerId: 'globex',
    customerAttendees: ['x@globex.io'],
    attendees: [att('x@globex.io', 'accepted')],
  },
  { ...acme('M15', '2026-02-26T10:00:00Z', 30), customerId: null },
  // Every invited customer attendee declined: counted as declined, not held.
  acme('M16', '2026-02-23T10:00:00Z', 60, {
    attendees: [att('ann@acme.com', 'declined'), att('bob@acme.com', 'declined')],
  }),
  acme('M17', '2024-12-01T10:00:00Z', 60),
];
