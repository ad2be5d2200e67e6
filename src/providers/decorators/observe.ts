// Provider decorator: reports every AppError a provider throws to an observer (e.g. to mark a connection
// `unsupported_mailbox` or `needs_reauth`), then rethrows it unchanged.
import { AppError } from '../../domain/errors.js';
import type { CalendarProvider } from '../../ports/calendar-provider.js';

export type ProviderErrorObserver = (error: AppError, method: string) => Promise<void> | void;

/** Per provider class (its prototype): the names of the methods it declares, the ones wrapped besides own ones. */
const declared = new WeakMap<object, ReadonlySet<string>>();

function declaredBy(proto: object): ReadonlySet<string> {
  let names = declared.get(proto);
  if (!names) {
    names = new Set(Object.getOwnPropertyNames(proto).filter((n) => n !== 'constructor'));
    declared.set(proto, names);
  }
  return names;
}

/**
 * Wraps every method of `provider` (those its class declares and its own enumerable ones), as an async function that
 * reports an AppError to the observer and rethrows it; the observer's own failures never hide the original error.
 * Every other property reads through to the provider. The wrapper of a method is made when it is first read (a
 * provider is made per scheduling request and most use one or two of its methods: defining all of them up front
 * was 3 % of an availability request's CPU; issue 20).
 * @example const p = observeErrors(adapter, (e) => e.code === 'unsupported_mailbox' ? markUnsupported() : undefined);
 */
export function observeErrors(provider: CalendarProvider, observer: ProviderErrorObserver): CalendarProvider {
  const names = declaredBy(Object.getPrototypeOf(provider) as object);
  const wrappers = new Map<string, (...args: unknown[]) => Promise<unknown>>();
  const wrap = (name: string, fn: (...a: unknown[]) => Promise<unknown>) => {
    const w = async (...args: unknown[]) => {
      try {
        return await fn.apply(provider, args);
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
    };
    wrappers.set(name, w);
    return w;
  };
  return new Proxy(provider, {
    get(target, name, receiver) {
      if (typeof name !== 'string') return Reflect.get(target, name, receiver) as unknown;
      const made = wrappers.get(name);
      if (made) return made;
      const value = Reflect.get(target, name, receiver) as unknown;
      if (typeof value !== 'function' || !(names.has(name) || Object.prototype.propertyIsEnumerable.call(target, name)))
        return value;
      return wrap(name, value as (...a: unknown[]) => Promise<unknown>);
    },
  });
}
