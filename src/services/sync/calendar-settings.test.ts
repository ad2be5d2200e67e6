// Calendar settings rules: the preference bounds are the configuration's, and the default-calendar invariants.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config/config.js';
import { isAppError } from '../../domain/errors.js';
import type { CalendarSetting } from '../../ports/calendar-settings.js';
import { checkPatch, SYNC_PREFERENCE_BOUNDS } from './calendar-settings.js';

const ENV: Record<keyof typeof SYNC_PREFERENCE_BOUNDS, string> = {
  windowPastDays: 'SYNC_WINDOW_PAST_DAYS',
  windowFutureDays: 'SYNC_WINDOW_FUTURE_DAYS',
  pollIntervalSeconds: 'SYNC_POLL_INTERVAL_SECONDS',
};

describe('sync preference bounds', () => {
  it('are exactly the bounds the SYNC_* variables accept', () => {
    for (const [k, b] of Object.entries(SYNC_PREFERENCE_BOUNDS)) {
      const name = ENV[k as keyof typeof ENV];
      const value = (v: number) => loadConfig({ [name]: String(v) }).sync[k as keyof typeof ENV];
      expect(value(b.minimum)).toBe(b.minimum);
      expect(value(b.maximum)).toBe(b.maximum);
      expect(() => value(b.minimum - 1)).toThrow(ConfigError);
      expect(() => value(b.maximum + 1)).toThrow(ConfigError);
    }
  });
});

const cal = (over: Partial<CalendarSetting> = {}): CalendarSetting => ({
  id: 'c1',
  connectionId: 'k1',
  provider: 'MICROSOFT',
  connectionStatus: 'active',
  name: 'Calendar',
  ownerEmail: 'me@x.example',
  ownerName: 'Me',
  isShared: false,
  isDefault: false,
  canEdit: true,
  selectedForSync: true,
  ...over,
});

const codeOf = (f: () => void): string | null => {
  try {
    f();
    return null;
  } catch (e) {
    return isAppError(e) ? e.code : 'other';
  }
};

describe('checkPatch', () => {
  it('lets an own, writable, synced calendar become the default', () => {
    expect(codeOf(() => checkPatch(cal(), { isDefault: true }))).toBeNull();
    expect(codeOf(() => checkPatch(cal({ selectedForSync: false }), { isDefault: true, selectedForSync: true }))).toBe(
      null,
    );
  });

  it('refuses shared, read-only and unsynced calendars as the default', () => {
    expect(codeOf(() => checkPatch(cal({ isShared: true }), { isDefault: true }))).toBe('calendar_not_eligible');
    expect(codeOf(() => checkPatch(cal({ canEdit: false }), { isDefault: true }))).toBe('calendar_not_eligible');
    expect(codeOf(() => checkPatch(cal({ selectedForSync: false }), { isDefault: true }))).toBe(
      'calendar_not_eligible',
    );
  });

  it('keeps the default: never unset directly, never deselected', () => {
    const d = cal({ isDefault: true });
    expect(codeOf(() => checkPatch(d, { isDefault: false }))).toBe('default_calendar_required');
    expect(codeOf(() => checkPatch(d, { selectedForSync: false }))).toBe('default_calendar_required');
    expect(codeOf(() => checkPatch(d, { isDefault: true }))).toBeNull();
    expect(codeOf(() => checkPatch(cal(), { isDefault: false, selectedForSync: false }))).toBeNull();
  });
});
