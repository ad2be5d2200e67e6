// `calbridge sync --user <id|email> [--full]`: syncs a user's calendars in the foreground with a progress bar; every
// synced page goes through customer detection and the metrics update exactly as in a worker (the same runtime).
import { SingleBar, Presets } from 'cli-progress';
import type { Config } from '../config/config.js';
import { AppError } from '../domain/errors.js';
import type { Out } from './out.js';
import { createRuntime } from '../main/runtime.js';
import { isUuid } from '../stores/customer-store.js';

export async function runSync(
  config: Config,
  o: { user: string; tenant?: string; full?: boolean },
  out: Out,
  json: boolean,
): Promise<void> {
  const rt = await createRuntime(config);
  try {
    const db = rt.container.database.db;
    let q = db.selectFrom('users').select(['id', 'tenant_id', 'email']);
    q = isUuid(o.user) ? q.where('id', '=', o.user) : q.where('email', '=', o.user.toLowerCase());
    if (o.tenant)
      q = isUuid(o.tenant)
        ? q.where('tenant_id', '=', o.tenant)
        : q.where('tenant_id', '=', '00000000-0000-0000-0000-000000000000');
    const users = await q.execute();
    if (users.length === 0) throw new AppError('not_found', `No user ${o.user}.`);
    if (users.length > 1)
      throw new AppError('validation_failed', `${o.user} exists in several tenants: pass --tenant.`);
    const user = users[0]!;
    const sync = rt.sync.sync;
    const bar =
      json || !process.stderr.isTTY
        ? null
        : new SingleBar(
            { format: '{calendar} | pages {pages} | events {events} | {rate} events/s', stream: process.stderr },
            Presets.shades_classic,
          );
    const started = Date.now();
    bar?.start(1, 0, { calendar: '', pages: 0, events: 0, rate: 0 });
    const results = await sync.syncUser(user.tenant_id, user.id, {
      full: o.full,
      onProgress: (calendarId, p) =>
        bar?.update(0, {
          calendar: calendarId.slice(0, 8),
          pages: p.pages,
          events: p.events,
          rate: Math.round(p.events / Math.max(0.001, (Date.now() - started) / 1000)),
        }),
    });
    bar?.stop();
    const events = results.reduce((n, r) => n + r.events, 0);
    const seconds = (Date.now() - started) / 1000;
    out(
      `Synced ${results.length} calendar(s): ${results.reduce((n, r) => n + r.pages, 0)} pages, ${events} events, ${results.reduce((n, r) => n + r.removed, 0)} removed in ${seconds.toFixed(1)} s`,
      { calendars: results.map(({ changedMeetingIds: _c, removedMeetingIds: _r, ...rest }) => rest), seconds },
    );
  } finally {
    await rt.close();
  }
}
