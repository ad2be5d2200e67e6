// Port of the working hours calbridge keeps per user (for providers whose API has none: Google Calendar).
import type { WorkingHours } from '../domain/calendar.js';

export interface KeptWorkingHours {
  hours: WorkingHours;
  updatedAt: Date;
}

/** Every call is scoped by tenant and user. */
export interface WorkingHoursStore {
  get(tenantId: string, userId: string): Promise<KeptWorkingHours | null>;
  put(tenantId: string, userId: string, hours: WorkingHours): Promise<void>;
  delete(tenantId: string, userId: string): Promise<void>;
}
