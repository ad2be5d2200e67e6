// The iCalendar export and the private subscription feeds: their store, service and routes.
import type { RouteModule } from '../../http/app-deps.js';
import { calendarFeedRoutes } from '../../http/routes/calendar-feed.js';
import type { Clock } from '../../ports/clock.js';
import { CalendarFeedService } from '../../services/calendar-feed/calendar-feed-service.js';
import { PgCalendarFeedStore } from '../../stores/calendar-feed-store.js';
import type { Container } from '../container.js';

export function createCalendarFeeds(
  container: Container,
  o: { publicUrl: () => string; clock: Clock },
): { feeds: CalendarFeedService; modules: RouteModule[] } {
  const feeds = new CalendarFeedService({
    store: new PgCalendarFeedStore(container.database.db),
    audit: container.audit,
    publicUrl: o.publicUrl,
    clock: o.clock,
  });
  return { feeds, modules: [calendarFeedRoutes(feeds)] };
}
