// Chooses the CalendarProvider for a connection: by the connection's (or tenant's) provider type, or the mock in test mode.
import type { ProviderType } from '../domain/calendar.js';
import type { CallBudget } from '../domain/scheduling/limits.js';
import { AppError } from '../domain/errors.js';
import type { CalendarProvider } from '../ports/calendar-provider.js';
import { createMockProvider, type MockCalendarWorld } from './mock/index.js';

/** What a factory needs to build a provider bound to one connected mailbox. */
export interface ProviderContext {
  tenantId: string;
  userId: string;
  connectionId: string;
  /** The mailbox address of the connection. */
  mailbox: string;
  /** Provider calls the operation this provider serves may make (a scheduling request); unbounded without one (sync). */
  callBudget?: CallBudget;
}

export type ProviderFactory = (ctx: ProviderContext) => CalendarProvider;

export interface ProviderRegistryOptions {
  /** Test mode: the mock serves both provider types. */
  testMode: boolean;
  mockWorld: MockCalendarWorld;
  factories: Partial<Record<ProviderType, ProviderFactory>>;
}

/**
 * The single place where the provider is chosen.
 * @example registry.forConnection('MICROSOFT', ctx).getFreeBusy(...)
 */
export class ProviderRegistry {
  constructor(private readonly opts: ProviderRegistryOptions) {}

  forConnection(type: ProviderType, ctx: ProviderContext): CalendarProvider {
    if (this.opts.testMode) return createMockProvider({ world: this.opts.mockWorld, mailbox: ctx.mailbox, type });
    const factory = this.opts.factories[type];
    if (!factory) throw new AppError('not_connected', `The ${type} provider is not configured on this server.`);
    return factory(ctx);
  }

  register(type: ProviderType, factory: ProviderFactory): void {
    this.opts.factories[type] = factory;
  }

  get testMode(): boolean {
    return this.opts.testMode;
  }
}
