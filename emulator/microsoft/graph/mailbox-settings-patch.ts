// Validation of mailboxSettings PATCH bodies, with the error codes user-update-mailboxsettings.md documents.
import { GraphHttpError } from './errors.js';
import type { MailboxSettingsRecord } from './model.js';
import { resolveZone } from './time.js';

type Json = Record<string, unknown>;
type WorkingHours = MailboxSettingsRecord['workingHours'];

const DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const TIME = /^\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?$/;
/** automaticRepliesStatus and externalAudienceScope members, as Graph spells them in responses. */
const STATUS = ['disabled', 'alwaysEnabled', 'scheduled'];
const AUDIENCE = ['none', 'contactsOnly', 'all'];
const REPLY_PROPS = new Set([
  'status',
  'externalAudience',
  'scheduledStartDateTime',
  'scheduledEndDateTime',
  'internalReplyMessage',
  'externalReplyMessage',
]);

const bad = (code: string, message: string) => new GraphHttpError(400, code, message);

function normTime(t: string): string {
  const [h, m, s] = t.split(':');
  const [sec, frac] = (s ?? '00').split('.');
  return `${h}:${m}:${sec ?? '00'}.${(frac ?? '').padEnd(7, '0')}`;
}

/** An enum member matched without regard to case (Graph reads `Scheduled` and answers `scheduled`). */
function member(v: unknown, members: string[], type: string): string {
  const hit = typeof v === 'string' ? members.find((m) => m.toLowerCase() === v.toLowerCase()) : undefined;
  if (!hit) throw bad('RequestBodyRead', `The value '${String(v)}' is not a valid member of the enum type '${type}'.`);
  return hit;
}

function dateTimeTimeZone(v: unknown, name: string): { dateTime: string; timeZone: string } {
  const o = v as Json | null;
  const dt = typeof o?.dateTime === 'string' ? o.dateTime : '';
  const tz = typeof o?.timeZone === 'string' ? o.timeZone : 'UTC';
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?$/.test(dt) || Number.isNaN(Date.parse(`${dt}Z`)))
    throw bad('RequestBodyRead', `Invalid ${name}: a dateTime and a timeZone are expected.`);
  if (!resolveZone(tz)) throw bad('InvalidTimeZone', 'Time Zone settings provided are invalid.');
  const [date, time = '00:00'] = dt.split('T');
  return { dateTime: `${date}T${normTime(time)}`, timeZone: tz };
}

/**
 * automaticRepliesSetting: merged into the current one (a PATCH names only what changes); enum values are
 * read case-insensitively and stored as Graph answers them.
 */
export function automaticReplies(v: unknown, current: Json): Json {
  if (!v || typeof v !== 'object' || Array.isArray(v))
    throw bad('RequestBodyRead', 'Invalid automaticRepliesSetting: an object is expected.');
  const next: Json = { ...current };
  for (const [k, x] of Object.entries(v as Json)) {
    if (k.startsWith('@odata.')) continue;
    if (!REPLY_PROPS.has(k))
      throw bad(
        'RequestBodyRead',
        `The property '${k}' does not exist on type 'microsoft.graph.automaticRepliesSetting'.`,
      );
    if (k === 'status') next.status = member(x, STATUS, 'microsoft.graph.automaticRepliesStatus');
    else if (k === 'externalAudience')
      next.externalAudience = member(x, AUDIENCE, 'microsoft.graph.externalAudienceScope');
    else if (k === 'scheduledStartDateTime' || k === 'scheduledEndDateTime') next[k] = dateTimeTimeZone(x, k);
    else if (typeof x !== 'string') throw bad('RequestBodyRead', `Invalid ${k}: a string is expected.`);
    else next[k] = x;
  }
  return next;
}

/**
 * workingHours merged into the current ones, refused with the documented errors: a time that is not an
 * Edm.TimeOfDay (RequestBodyRead), a start not before the end (ErrorInvalidTimeSettings), an unknown day
 * (InvalidArguments), a time zone Exchange does not know (InvalidTimeZone).
 */
export function workingHours(v: unknown, current: WorkingHours): WorkingHours {
  if (!v || typeof v !== 'object' || Array.isArray(v))
    throw bad('RequestBodyRead', 'Invalid workingHours: an object is expected.');
  const wh = v as Json;
  const next: WorkingHours = structuredClone(current);
  if (wh.daysOfWeek !== undefined) {
    if (!Array.isArray(wh.daysOfWeek)) throw bad('RequestBodyRead', 'Invalid daysOfWeek: a collection is expected.');
    next.daysOfWeek = wh.daysOfWeek.map((d) => {
      const day = typeof d === 'string' ? d.toLowerCase() : '';
      if (!DAYS.includes(day)) throw bad('InvalidArguments', `Requested value '${String(d)}' was not found.`);
      return day;
    });
  }
  for (const t of ['startTime', 'endTime'] as const) {
    if (wh[t] === undefined) continue;
    const raw = wh[t];
    if (typeof raw !== 'string' || !TIME.test(raw) || Number(raw.slice(0, 2)) > 23 || Number(raw.slice(3, 5)) > 59)
      throw bad('RequestBodyRead', `Cannot convert the literal '${String(raw)}' to the expected type 'Edm.TimeOfDay'.`);
    next[t] = normTime(raw);
  }
  if (wh.timeZone !== undefined) {
    const tz = wh.timeZone as Json | null;
    const custom = tz?.['@odata.type'] === '#microsoft.graph.customTimeZone';
    if (!tz || typeof tz.name !== 'string' || (!custom && !resolveZone(tz.name)))
      throw bad('InvalidTimeZone', 'Time Zone settings provided are invalid.');
    next.timeZone = tz as { name: string };
  }
  if (next.startTime >= next.endTime) throw bad('ErrorInvalidTimeSettings', 'Start Time should occur before End Time.');
  return next;
}

/** localeInfo for a locale such as `en-US`: the display name Exchange shows, "English (United States)". */
export function localeInfo(v: unknown): { locale: string; displayName: string } {
  const locale = (v as Json | null)?.locale;
  if (typeof locale !== 'string' || !/^[a-z]{2,3}(-[A-Za-z]{2,4})?$/.test(locale))
    throw bad('RequestBodyRead', 'Invalid language: a locale such as en-US is expected.');
  const [lang, region] = locale.split('-');
  const name = (type: 'language' | 'region', code: string) => {
    try {
      return new Intl.DisplayNames(['en'], { type }).of(code) ?? code;
    } catch {
      return code;
    }
  };
  const displayName = region
    ? `${name('language', lang!)} (${name('region', region.toUpperCase())})`
    : name('language', lang!);
  return { locale, displayName };
}
