// Query parameters checked as Google's front end checks them against the Calendar v3 discovery document, before the
// method runs: enumerations ("Values must match the following regular expression") and ranges ("Values must be within
// the range"), each a 400 `invalidParameter` naming the parameter.
import { GoogleApiError } from './errors.js';

type Rule = { enum: string[] } | { range: [number, number] };

const SEND_UPDATES: Rule = { enum: ['all', 'externalOnly', 'none'] };
const CONFERENCE: Rule = { range: [0, 1] };
const EVENT_TYPES: Rule = {
  enum: ['birthday', 'default', 'focusTime', 'fromGmail', 'outOfOffice', 'workingLocation'],
};
const ORDER_BY: Rule = { enum: ['startTime', 'updated'] };
const MIN_ACCESS_ROLE: Rule = { enum: ['freeBusyReader', 'owner', 'reader', 'writer'] };

const EVENT = '/calendar/v3/calendars/:calendarId/events/:eventId';
/** Rules per `METHOD route` (the discovery document's enums and minimum/maximum pairs of the methods served). */
const RULES: Record<string, Record<string, Rule>> = {
  'GET /calendar/v3/calendars/:calendarId/events': { eventTypes: EVENT_TYPES, orderBy: ORDER_BY },
  'POST /calendar/v3/calendars/:calendarId/events/watch': { eventTypes: EVENT_TYPES, orderBy: ORDER_BY },
  'POST /calendar/v3/calendars/:calendarId/events': { conferenceDataVersion: CONFERENCE, sendUpdates: SEND_UPDATES },
  [`PUT ${EVENT}`]: { conferenceDataVersion: CONFERENCE, sendUpdates: SEND_UPDATES },
  [`PATCH ${EVENT}`]: { conferenceDataVersion: CONFERENCE, sendUpdates: SEND_UPDATES },
  [`DELETE ${EVENT}`]: { sendUpdates: SEND_UPDATES },
  [`POST ${EVENT}/move`]: { sendUpdates: SEND_UPDATES },
  'GET /calendar/v3/users/me/calendarList': { minAccessRole: MIN_ACCESS_ROLE },
};

/** Throws Google's 400 for the first query parameter of `method route` that its rule refuses. */
export function checkParams(method: string, route: string | undefined, query: unknown): void {
  const rules = RULES[`${method} ${route ?? ''}`];
  if (!rules) return;
  const q = (query ?? {}) as Record<string, string | string[] | undefined>;
  for (const [name, rule] of Object.entries(rules)) {
    for (const value of ([] as string[]).concat(q[name] ?? [])) {
      const ok =
        'enum' in rule
          ? rule.enum.includes(value)
          : /^-?\d+$/.test(value) && Number(value) >= rule.range[0] && Number(value) <= rule.range[1];
      if (ok) continue;
      const message =
        'enum' in rule
          ? `Invalid value '${value}'. Values must match the following regular expression: '${rule.enum.join('|')}'`
          : `Invalid value '${value}'. Values must be within the range: [${rule.range[0]}, ${rule.range[1]}]`;
      throw new GoogleApiError(400, 'invalidParameter', message, { location: name, locationType: 'parameter' });
    }
  }
}
