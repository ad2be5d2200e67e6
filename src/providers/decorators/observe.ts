// Provider decorator: reports every AppError a provider throws to an observer (e.g. to mark a connection
// `unsupported_mailbox` or `needs_reauth`), then rethrows it unchanged.
import { AppError } from '../../domain/errors.js';
import type { CalendarProvider } from '../../ports/calendar-provider.js';

export type ProviderErrorObserver = (error: AppError, method: string) => Promise<void> | void;

/**
 * Wraps every method of `provider`; the observer's own failures never hide the original error.
 * @example const p = observeErrors(adapter, (e) => e.code === 'unsupported_mailbox' ? markUnsupported() : undefined);
 */
export function observeErrors(provider: CalendarProvider, observer: ProviderErrorObserver): CalendarProvider {
  const wrapped = Object.create(provider) as CalendarProvider;
  const proto = Object.getPrototypeOf(provider) as object;
  const names = new Set([...Object.getOwnPropertyNames(proto), ...Object.keys(provider)]);
  for (const name of names) {
    const fn = (provider as unknown as Record<string, unknown>)[name];
    if (name === 'constructor' || typeof fn !== 'function') continue;
    Object.defineProperty(wrapped, name, {
      value: async (...args: unknown[]) => {
        try {
          return await (fn as (...a: unknown[]) => Promise<unknown>).apply(provider, args);
        } catch (e) {
          if (e instanceof AppError) {
            try {
              await observer(e, name);
            } catch {
              // the observer is best effort
            }
          }
          throw e;
        }
      },
    });
  }
  return wrapped;
}
