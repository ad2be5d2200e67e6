import { describe, expect, it } from 'vitest';
import type { CalendarEvent } from '../domain/calendar.js';
import type { EventChange } from '../ports/calendar-provider.js';
import { missingSeriesMasterIds } from './series-masters.js';

const upsert = (id: string, seriesMasterId: string | null = null): EventChange => ({
  kind: 'upsert',
  event: { id, seriesMasterId } as CalendarEvent,
});

describe('missingSeriesMasterIds', () => {
  it('lists each master an occurrence points at once, in order of first mention', () => {
    const changes = [upsert('o1', 'm2'), upsert('o2', 'm1'), upsert('o3', 'm2')];
    expect(missingSeriesMasterIds(changes)).toEqual(['m2', 'm1']);
  });

  it('leaves out masters the page carries and ignores removals', () => {
    const changes: EventChange[] = [upsert('m1'), upsert('o1', 'm1'), { kind: 'removed', eventId: 'o2' }];
    expect(missingSeriesMasterIds(changes)).toEqual([]);
  });

  it('leaves out masters the run already delivered', () => {
    const changes = [upsert('o1', 'm1'), upsert('o2', 'm2'), upsert('o3', 'm1')];
    expect(missingSeriesMasterIds(changes, new Set(['m1']))).toEqual(['m2']);
    expect(missingSeriesMasterIds(changes, new Set(['m1', 'm2']))).toEqual([]);
  });
});
