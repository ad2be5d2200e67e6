// The mock provider passes the shared contract suite.
import { providerContract } from '../contract.case.js';
import { MockCalendarWorld, createMockProvider } from './index.js';

providerContract('mock', async () => {
  const world = new MockCalendarWorld();
  let shared: string | undefined;
  world.addMailbox('adele@contoso.com');
  world.addMailbox('megan@contoso.com');
  world.addMailbox('noteams@contoso.com', { teams: false });
  world.addMailbox('room-1@contoso.com', {
    kind: 'room',
    room: { name: 'Room 1', capacity: 8, building: 'HQ', floor: '1', roomList: null },
  });
  return {
    provider: createMockProvider({ world, mailbox: 'adele@contoso.com' }),
    organizerEmail: 'adele@contoso.com',
    colleague: { email: 'megan@contoso.com', provider: createMockProvider({ world, mailbox: 'megan@contoso.com' }) },
    externalEmail: 'someone@acmecorp.com',
    roomEmail: 'room-1@contoso.com',
    noOnlineMeetings: createMockProvider({ world, mailbox: 'noteams@contoso.com' }),
    expireCursors: async () => {
      world.minValidCursor = world.currentSeq + 1;
    },
    writableCalendar: async () => {
      const id = world.defaultCalendar('megan@contoso.com');
      world.shareCalendar('megan@contoso.com', id, 'adele@contoso.com', 'write');
      return { id, sharedBy: 'colleague' as const };
    },
    conferenceCreation: async (mode) => {
      world.conference = mode;
    },
    shareColleagueCalendar: async (role) => {
      shared ??= world.addCalendar('megan@contoso.com', 'Megan shared').id;
      const cal = world.mailboxes.get('megan@contoso.com')!.calendars.get(shared)!;
      if (role === 'read') world.shareCalendar('megan@contoso.com', cal.id, 'adele@contoso.com', 'read');
      else cal.sharedWith?.delete('adele@contoso.com'); // the mock has no free/busy-only share
      return cal.id;
    },
    cleanup: async () => {},
  };
});
