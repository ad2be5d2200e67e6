// observeErrors reports each AppError with the method name and rethrows it unchanged; successes pass through.
import { describe, expect, it } from 'vitest';
import { AppError } from '../../domain/errors.js';
import { MockCalendarWorld, createMockProvider } from '../mock/index.js';
import { observeErrors } from './observe.js';

describe('observeErrors', () => {
  it('reports AppErrors with the method, rethrows the same error, and passes results through', async () => {
    const world = new MockCalendarWorld();
    world.addMailbox('adele@contoso.com');
    const seen: Array<[string, string]> = [];
    const p = observeErrors(createMockProvider({ world, mailbox: 'adele@contoso.com' }), (e, method) => {
      seen.push([e.code, method]);
      throw new Error('observer failure is swallowed');
    });
    expect((await p.listCalendars()).length).toBe(1);
    expect(p.type).toBe('MICROSOFT');
    const err = await p.getEvent('nope').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('not_found');
    expect(seen).toEqual([['not_found', 'getEvent']]);
  });

  it("wraps the class's methods and own function properties, not inherited ones, and reads the rest through", async () => {
    class Base {
      base(): Promise<string> {
        return Promise.reject(new AppError('not_found'));
      }
    }
    class Adapter extends Base {
      readonly capabilities = { rooms: true };
      count = 0;
      own = async () => {
        throw new AppError('reconnect_required');
      };
      get mailbox(): string {
        return 'adele@contoso.com';
      }
      async list(n: number): Promise<number> {
        this.count += n;
        return this.count;
      }
      async fail(): Promise<never> {
        await this.list(1); // a call inside the provider is not observed again
        throw new AppError('unsupported_mailbox');
      }
      async plain(): Promise<never> {
        throw new Error('not an AppError');
      }
    }
    const inner = new Adapter();
    const seen: string[] = [];
    const p = observeErrors(inner as never, (e, method) => {
      seen.push(`${method}:${e.code}`);
    }) as unknown as Adapter;
    expect(await p.list(2)).toBe(2);
    expect(await p.list(3)).toBe(5);
    expect(inner.count).toBe(5);
    expect(p.count).toBe(5);
    expect(p.capabilities).toEqual({ rooms: true });
    expect(p.mailbox).toBe('adele@contoso.com');
    expect(p.list).toBe(p.list);
    await expect(p.fail()).rejects.toMatchObject({ code: 'unsupported_mailbox' });
    await expect(p.own()).rejects.toMatchObject({ code: 'reconnect_required' });
    await expect(p.plain()).rejects.toThrow('not an AppError');
    // inherited from a base class: not wrapped (as before), so not reported
    await expect(p.base()).rejects.toMatchObject({ code: 'not_found' });
    expect(seen).toEqual(['fail:unsupported_mailbox', 'own:reconnect_required']);
    expect(inner.count).toBe(6);
  });
});
