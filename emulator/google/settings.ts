// Calendar API v3 settings: `users/me/settings` (list) and `users/me/settings/{setting}` (get), the caller's Calendar
// UI settings as Google documents them (reference/settings). Working hours are not among them: Google keeps those in
// the Calendar web UI only, so the API has no way to read them.
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { insufficientScopes, notFound } from './errors.js';
import { versionedPage } from './list-sync.js';
import type { GUser } from './model.js';
import { SCOPE_PREFIX, type AccessToken } from './oauth.js';
import type { GoogleStore } from './store.js';

/** settings.list and settings.get accept any of these (Calendar v3 discovery document). */
export const SETTINGS_SCOPES = ['calendar', 'calendar.readonly', 'calendar.settings.readonly'].map(
  (s) => SCOPE_PREFIX + s,
);

/** Every documented setting with its value for `user` (Google's defaults, the user's own time zone). */
export function settingsOf(user: GUser): Array<[id: string, value: string]> {
  return [
    ['autoAddHangouts', 'false'],
    ['dateFieldOrder', 'MDY'],
    ['defaultEventLength', '60'],
    ['format24HourTime', 'false'],
    ['hideInvitations', 'false'],
    ['hideWeekends', 'false'],
    ['locale', 'en'],
    ['remindOnRespondedEventsOnly', 'false'],
    ['showDeclinedEvents', 'true'],
    ['timezone', user.timeZone],
    ['useKeyboardShortcuts', 'true'],
    ['weekStart', '0'],
  ];
}

const etag = (s: string) => `"${createHash('sha256').update(s).digest('base64url').slice(0, 22)}"`;
const settingJson = (id: string, value: string) => ({
  kind: 'calendar#setting',
  etag: etag(`${id}=${value}`),
  id,
  value,
});

/** Registers the settings routes inside the Calendar API scope (its auth hook sets `req.googleToken`). */
export async function settingsRoutes(app: FastifyInstance, deps: { store: GoogleStore }): Promise<void> {
  const caller = (t: AccessToken | undefined): GUser => {
    if (!t || !t.scopes.some((s) => SETTINGS_SCOPES.includes(s))) throw insufficientScopes();
    return deps.store.users.get(t.user)!;
  };
  app.get('/calendar/v3/users/me/settings', async (req) => {
    const user = caller(req.googleToken);
    const all = settingsOf(user);
    // Paging (maxResults, pageToken) and incremental sync: a syncToken gives only the settings changed since.
    const page = versionedPage(
      req.query as Record<string, string | undefined>,
      user.email.toLowerCase(),
      all.map(([id, value]) => settingJson(id, value)),
    );
    return {
      kind: 'calendar#settings',
      etag: etag(all.map(([k, v]) => `${k}=${v}`).join('&')),
      ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : { nextSyncToken: page.nextSyncToken }),
      items: page.items,
    };
  });
  app.get('/calendar/v3/users/me/settings/:setting', async (req) => {
    const id = (req.params as { setting: string }).setting;
    const found = settingsOf(caller(req.googleToken)).find(([k]) => k === id);
    if (!found) throw notFound();
    return settingJson(found[0], found[1]);
  });
}
