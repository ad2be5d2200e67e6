// Port of each person's display preferences (time zone and 12/24-hour clock), kept on the users row (migration 21).

export type TimeFormat = '12h' | '24h';

export interface StoredPreferences {
  timeZone: string;
  timeFormat: TimeFormat | null;
  /** 'mailbox': read from the connected mailbox; 'user': the person's own choice; null: never set (defaults). */
  source: 'mailbox' | 'user' | null;
  updatedAt: Date | null;
  /** The person's display name (null when unknown) and the connected account's, used when the first is missing. */
  displayName: string | null;
}

/** Every call is scoped by tenant and user. */
export interface PreferencesStore {
  get(tenantId: string, userId: string): Promise<StoredPreferences | null>;
  /**
   * Stores the preferences. `source: 'mailbox'` never overwrites a person's own choice (the write is skipped when the
   * row says 'user'); `displayName` is only filled when the row has none.
   */
  put(
    tenantId: string,
    userId: string,
    p: { timeZone: string; timeFormat: TimeFormat | null; source: 'mailbox' | 'user'; displayName?: string | null },
  ): Promise<void>;
}
