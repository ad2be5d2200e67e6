// Calendar API v3 colors.get: the global palettes that calendarList entries (`colorId`) and events (`colorId`) refer
// to. Google's palettes have not changed since 2012-02-14 (their `updated`); every foreground is #1d1d1d.
import type { FastifyInstance } from 'fastify';
import { insufficientScopes } from './errors.js';
import { SCOPE_PREFIX } from './oauth.js';

/** colors.get accepts any of these (Calendar v3 discovery document; calendar.events alone is not among them). */
const COLOR_SCOPES = [
  'calendar',
  'calendar.readonly',
  'calendar.app.created',
  'calendar.calendarlist',
  'calendar.calendarlist.readonly',
  'calendar.events.freebusy',
  'calendar.events.owned',
  'calendar.events.owned.readonly',
  'calendar.events.public.readonly',
].map((s) => SCOPE_PREFIX + s);

const CALENDAR = [
  '#ac725e', '#d06b64', '#f83a22', '#fa573c', '#ff7537', '#ffad46', '#42d692', '#16a765',
  '#7bd148', '#b3dc6c', '#fbe983', '#fad165', '#92e1c0', '#9fe1e7', '#9fc6e7', '#4986e7',
  '#9a9cff', '#b99aff', '#c2c2c2', '#cabdbf', '#cca6ac', '#f691b2', '#cd74e6', '#a47ae2',
]; // prettier-ignore
const EVENT = [
  '#a4bdfc', '#7ae7bf', '#dbadff', '#ff887c', '#fbd75b', '#ffb878', '#46d6db', '#e1e1e1', '#5484ed', '#51b749',
  '#dc2127',
]; // prettier-ignore

const palette = (colors: string[]) =>
  Object.fromEntries(colors.map((background, i) => [String(i + 1), { background, foreground: '#1d1d1d' }]));

/** The colors.get body. */
export const COLORS = {
  kind: 'calendar#colors',
  updated: '2012-02-14T00:00:00.000Z',
  calendar: palette(CALENDAR),
  event: palette(EVENT),
};

/** Registers GET /calendar/v3/colors inside the Calendar API scope (its auth hook sets `req.googleToken`). */
export async function colorsRoutes(app: FastifyInstance): Promise<void> {
  app.get('/calendar/v3/colors', async (req) => {
    if (!req.googleToken?.scopes.some((s) => COLOR_SCOPES.includes(s))) throw insufficientScopes();
    return COLORS;
  });
}
