// The requests of the API benchmark's scheduling mix, shared by the load generator (a child process) and the
// benchmark's own per-request CPU measurement.

const DAY = 86_400_000;

export interface MixInput {
  /** Mailboxes used as attendees. */
  people: string[];
  /** ISO instant where the availability and proposal windows start. */
  from: string;
}

/** The read paths: customers, two weeks of synced events, availability of up to four people over a working week. */
export function mixPaths(m: MixInput): { customers: string; events: string; availability: string } {
  const from = Date.parse(m.from);
  const availability = new URLSearchParams({
    start: new Date(from).toISOString(),
    end: new Date(from + 5 * DAY).toISOString(),
    granularity: '30',
  });
  for (const p of m.people.slice(0, 4)) availability.append('attendees', p);
  const events = new URLSearchParams({
    start: new Date(from - 7 * DAY).toISOString(),
    end: new Date(from + 7 * DAY).toISOString(),
    limit: '50',
  });
  return {
    customers: '/api/customers',
    events: `/api/outlook/calendar/events?${events.toString()}`,
    availability: `/api/outlook/calendar/availability?${availability.toString()}`,
  };
}

/** The body of the n-th proposal create: a unique subject, one colleague and one external attendee. */
export function proposalBody(m: MixInput, subject: string, n: number) {
  const start = Date.parse(m.from) + (n % 40) * 3_600_000;
  return {
    subject,
    start: new Date(start).toISOString(),
    end: new Date(start + 1_800_000).toISOString(),
    attendees: [{ email: m.people[n % m.people.length]! }, { email: 'guest@fabrikam.example' }],
  };
}
