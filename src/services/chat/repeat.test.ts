import { describe, expect, it } from 'vitest';
import { recurrenceOf } from './repeat.js';

describe('recurrenceOf', () => {
  it('"for N weeks" of a weekly series is a count; another period is the end of that period', () => {
    const tue = '2026-12-15T10:00:00.000Z';
    expect(
      recurrenceOf(
        { text: '', frequency: 'weekly', daysOfWeek: ['tuesday'], forPeriod: { n: 6, unit: 'week' } },
        tue,
        'UTC',
      ),
    ).toEqual({ frequency: 'weekly', daysOfWeek: ['tuesday'], count: 6 });
    expect(
      recurrenceOf({ text: '', frequency: 'weekly', interval: 2, forPeriod: { n: 6, unit: 'week' } }, tue, 'UTC'),
    ).toEqual({ frequency: 'weekly', interval: 2, count: 3 });
    expect(
      recurrenceOf({ text: '', frequency: 'daily', forPeriod: { n: 2, unit: 'week' } }, tue, 'Europe/Berlin'),
    ).toEqual({ frequency: 'daily', until: '2026-12-28' });
    expect(recurrenceOf({ text: '', frequency: 'monthly', until: '2027-06-01' }, tue, 'UTC')).toEqual({
      frequency: 'monthly',
      until: '2027-06-01',
    });
  });
});
