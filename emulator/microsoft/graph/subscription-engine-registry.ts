// One subscription engine per emulator instance (keyed by its mailbox store), wired to the store's change feed.
import type { GraphContext } from './context.js';
import type { ChangeNotice } from './model.js';
import { SubscriptionEngine, type MailboxChange, type SubscriptionEngineOptions } from './subscriptions.js';

const engines = new WeakMap<object, SubscriptionEngine>();

/** Options a server may set before the routes are registered (e.g. shorter timeouts in tests). */
export type EngineSettings = Omit<SubscriptionEngineOptions, 'directory' | 'clock'>;
const pending = new WeakMap<object, EngineSettings>();

/** Sets engine options for the emulator owning `store`; call before the Graph routes are registered. */
export function configureSubscriptionEngine(store: object, settings: EngineSettings): void {
  pending.set(store, settings);
}

/** The engine of the emulator that `ctx` belongs to, created (and subscribed to the store) on first use. */
export function subscriptionEngine(ctx: GraphContext): SubscriptionEngine {
  const store = ctx.store as unknown as object;
  let engine = engines.get(store);
  if (engine) return engine;
  const caPem = (ctx as GraphContext & { caPem?: string }).caPem;
  engine = new SubscriptionEngine({
    directory: ctx.directory,
    clock: ctx.clock,
    ...(caPem ? { caPem } : {}),
    calendarExists: (userId, calendarId) => {
      const lookup = (ctx.store as unknown as StoreFeed).getCalendar;
      return typeof lookup !== 'function' || !!lookup.call(ctx.store, userId, calendarId);
    },
    ...pending.get(store),
  });
  engines.set(store, engine);
  const feed = ctx.store as unknown as StoreFeed;
  if (typeof feed.onChange === 'function') {
    const e = engine;
    feed.onChange((n) => e.handleChange(toMailboxChange(feed, n)));
  }
  return engine;
}

/** The engine of an emulator if one was created (admin routes, tests). */
export function existingSubscriptionEngine(store: object): SubscriptionEngine | undefined {
  return engines.get(store);
}

/** What the engine reads from the mailbox store (structural, so the store can evolve independently). */
interface StoreFeed {
  onChange?: (listener: (n: ChangeNotice) => void) => unknown;
  getEvent?: (userId: string, eventId: string) => { data: { changeKey?: string | null } } | undefined | null;
  getCalendar?: (userId: string, calendarId: string) => { isDefaultCalendar?: boolean } | undefined | null;
}

function toMailboxChange(store: StoreFeed, n: ChangeNotice): MailboxChange {
  let changeKey: string | null = null;
  let isDefault = false;
  try {
    if (n.changeType !== 'deleted') changeKey = store.getEvent?.(n.userId, n.eventId)?.data.changeKey ?? null;
    isDefault = store.getCalendar?.(n.userId, n.calendarId)?.isDefaultCalendar ?? false;
  } catch {
    // The store may refuse lookups of items it just removed; the notification goes out without them.
  }
  return {
    kind: 'event',
    userId: n.userId,
    containerId: n.calendarId,
    isDefaultContainer: isDefault,
    itemId: n.eventId,
    changeType: n.changeType,
    changeKey,
    ...(n.moves ? { moves: n.moves } : {}),
  };
}
