// Default calendars, permissions and mailbox settings of a new emulated mailbox.
import type { EmuUser } from '../contracts.js';
import type { CalendarRecord, MailboxSettingsRecord } from './model.js';

/** Id of the built-in "My Organization" permission entry (Graph uses this literal id). */
export const ORG_PERMISSION_ID = 'RGVmYXVsdA==';

/** The default "Calendar" of a mailbox, shared free/busy with the organisation. */
export function defaultCalendar(user: EmuUser, id: string, changeKey: string): CalendarRecord {
  return {
    id,
    name: 'Calendar',
    color: 'auto',
    hexColor: '',
    isDefaultCalendar: true,
    changeKey,
    canShare: true,
    canViewPrivateItems: true,
    canEdit: true,
    allowedOnlineMeetingProviders: ['teamsForBusiness'],
    defaultOnlineMeetingProvider: 'teamsForBusiness',
    isTallyingResponses: true,
    isRemovable: false,
    owner: { name: user.displayName, address: user.mail },
    permissions: [
      {
        id: ORG_PERMISSION_ID,
        emailAddress: { name: 'My Organization' },
        isRemovable: false,
        isInsideOrganization: true,
        role: 'freeBusyRead',
        allowedRoles: ['none', 'freeBusyRead', 'limitedRead', 'read', 'write'],
      },
    ],
  };
}

/** A secondary calendar: same owner and online-meeting settings as the default one, no sharing. */
export function newCalendar(
  def: CalendarRecord,
  id: string,
  changeKey: string,
  input: { name: string; color?: string; hexColor?: string },
): CalendarRecord {
  return {
    ...def,
    id,
    changeKey,
    name: input.name,
    color: input.color ?? 'auto',
    hexColor: input.hexColor ?? '',
    isDefaultCalendar: false,
    isRemovable: true,
    isTallyingResponses: false,
    allowedOnlineMeetingProviders: [...def.allowedOnlineMeetingProviders],
    owner: { ...def.owner },
    permissions: [],
  };
}

/** mailboxSettings of a new mailbox (UTC, 08:00–17:00 Monday to Friday). */
export function defaultSettings(kind: EmuUser['kind']): MailboxSettingsRecord {
  return {
    archiveFolder: 'AAMkAGI2AAEuAAAAAACkzVf2HShjRZvJj7n5aWwsAQAAAAAAAQAAAA==',
    timeZone: 'UTC',
    delegateMeetingMessageDeliveryOptions: 'sendToDelegateOnly',
    dateFormat: 'M/d/yyyy',
    timeFormat: 'h:mm tt',
    userPurpose: { value: kind === 'room' ? 'room' : 'user' },
    automaticRepliesSetting: {
      status: 'disabled',
      externalAudience: 'all',
      scheduledStartDateTime: { dateTime: '2020-01-01T00:00:00.0000000', timeZone: 'UTC' },
      scheduledEndDateTime: { dateTime: '2020-01-02T00:00:00.0000000', timeZone: 'UTC' },
      internalReplyMessage: '',
      externalReplyMessage: '',
    },
    language: { locale: 'en-US', displayName: 'English (United States)' },
    workingHours: {
      daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
      startTime: '08:00:00.0000000',
      endTime: '17:00:00.0000000',
      timeZone: { name: 'UTC' },
    },
  };
}
