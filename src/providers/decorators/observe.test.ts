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
});
