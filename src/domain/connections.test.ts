import { describe, expect, it } from 'vitest';
import { grantsCalendarWrites, missingWriteScope } from './connections.js';

describe('write permissions of a grant', () => {
  it('the read-only tiers grant no writes; unknown grants are left to the provider', () => {
    expect(grantsCalendarWrites('MICROSOFT', ['Calendars.Read', 'Calendars.Read.Shared', 'User.Read'])).toBe(false);
    expect(grantsCalendarWrites('MICROSOFT', ['https://graph.microsoft.com/Calendars.ReadWrite'])).toBe(true);
    expect(grantsCalendarWrites('GOOGLE', ['https://www.googleapis.com/auth/calendar.events.readonly'])).toBe(false);
    expect(grantsCalendarWrites('GOOGLE', ['https://www.googleapis.com/auth/calendar.events'])).toBe(true);
    expect(grantsCalendarWrites('GOOGLE', [])).toBe(true);
  });

  it('names the permission a write needs: Graph writes to a shared calendar need Calendars.ReadWrite.Shared', () => {
    expect(missingWriteScope('MICROSOFT', ['Calendars.Read'], null)).toBe('Calendars.ReadWrite');
    expect(missingWriteScope('MICROSOFT', ['Calendars.ReadWrite'], { isShared: false })).toBeNull();
    expect(missingWriteScope('MICROSOFT', ['Calendars.ReadWrite', 'Calendars.Read.Shared'], { isShared: true })).toBe(
      'Calendars.ReadWrite.Shared',
    );
    expect(
      missingWriteScope('MICROSOFT', ['Calendars.ReadWrite', 'Calendars.ReadWrite.Shared'], { isShared: true }),
    ).toBeNull();
    expect(missingWriteScope('GOOGLE', ['https://www.googleapis.com/auth/calendar.readonly'], { isShared: true })).toBe(
      'https://www.googleapis.com/auth/calendar.events',
    );
    expect(
      missingWriteScope('GOOGLE', ['https://www.googleapis.com/auth/calendar.events'], { isShared: true }),
    ).toBeNull();
  });
});
