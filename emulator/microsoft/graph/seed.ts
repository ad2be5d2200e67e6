// Deterministic demo data: Contoso (CSMs, rooms, an on-premises and a no-Teams mailbox), customer tenants, a year of meetings.
import { createRng, type Rng } from '../../common/rng.js';
import type { EmuUser } from '../contracts.js';
import type { Directory } from '../directory.js';
import { seededBytes } from './ids.js';
import type { RoomInfo } from './model.js';
import type { RoomExtras } from './places-model.js';
import { seedBulk, seedMeetings, type SeedPeople } from './seed-events.js';
import type { MailboxStore } from './store.js';

/** Password of every seeded person (emulator consent page). */
export const SEED_PASSWORD = 'Passw0rd!';

/** Contoso's customer success managers: [given, surname, Windows time zone]. */
const CSMS: Array<[string, string, string]> = [
  ['Adele', 'Vance', 'Pacific Standard Time'],
  ['Megan', 'Bowen', 'Eastern Standard Time'],
  ['Alex', 'Wilber', 'GMT Standard Time'],
  ['Lynne', 'Robbins', 'W. Europe Standard Time'],
  ['Diego', 'Siciliani', 'AUS Eastern Standard Time'],
];

const COLLEAGUES: Array<[string, string, string]> = [
  ['Patti', 'Fernandez', 'Pacific Standard Time'],
  ['Nestor', 'Wilke', 'Central Standard Time'],
  ['Isaiah', 'Langer', 'Pacific Standard Time'],
];

const CUSTOMERS: Array<{ name: string; domain: string; people: Array<[string, string, string]> }> = [
  {
    name: 'Acme Corp',
    domain: 'acmecorp.com',
    people: [
      ['Wile', 'Coyote', 'Head of Operations'],
      ['Road', 'Runner', 'IT Director'],
      ['Marvin', 'Martian', 'Procurement Lead'],
    ],
  },
  {
    name: 'Globex',
    domain: 'globex.com',
    people: [
      ['Hank', 'Scorpio', 'CEO'],
      ['Frank', 'Grimes', 'Project Manager'],
      ['Mindy', 'Simmons', 'Engineering Manager'],
    ],
  },
  {
    name: 'Initech',
    domain: 'initech.com',
    people: [
      ['Bill', 'Lumbergh', 'Division VP'],
      ['Peter', 'Gibbons', 'Software Engineer'],
      ['Joanna', 'Smith', 'Customer Ops'],
    ],
  },
];

const ROOMS: Array<Omit<RoomInfo, 'userId' | 'emailAddress'> & RoomExtras & { alias: string }> = [
  {
    alias: 'rainier',
    street: '1 Microsoft Way',
    state: 'WA',
    postalCode: '98052',
    phone: '+1 425 555 0100',
    nickname: 'Rainier',
    label: '100',
    geoCoordinates: { latitude: 47.6405, longitude: -122.1293 },
    displayName: 'Conf Room Rainier',
    capacity: 12,
    building: '1',
    floorNumber: 1,
    floorLabel: '1',
    city: 'Redmond',
    countryOrRegion: 'US',
    isWheelChairAccessible: true,
    audioDeviceName: 'Surface Hub audio',
    videoDeviceName: 'Surface Hub camera',
    displayDeviceName: 'Surface Hub',
    tags: ['video', 'whiteboard'],
    roomList: 'Building 1 Rooms',
  },
  {
    alias: 'baker',
    street: '1 Microsoft Way',
    state: 'WA',
    postalCode: '98052',
    phone: '+1 425 555 0210',
    nickname: 'Baker',
    label: '210',
    geoCoordinates: { latitude: 47.6405, longitude: -122.1293 },
    displayName: 'Conf Room Baker',
    capacity: 4,
    building: '1',
    floorNumber: 2,
    floorLabel: '2',
    city: 'Redmond',
    countryOrRegion: 'US',
    isWheelChairAccessible: false,
    audioDeviceName: null,
    videoDeviceName: null,
    displayDeviceName: 'TV',
    tags: [],
    roomList: 'Building 1 Rooms',
  },
  {
    alias: 'adams',
    street: '2 Microsoft Way',
    state: 'WA',
    postalCode: '98052',
    phone: '+1 425 555 0110',
    nickname: 'Adams',
    label: '110',
    geoCoordinates: { latitude: 47.6412, longitude: -122.1301 },
    displayName: 'Conf Room Adams',
    capacity: 8,
    building: '2',
    floorNumber: 1,
    floorLabel: '1',
    city: 'Redmond',
    countryOrRegion: 'US',
    isWheelChairAccessible: true,
    audioDeviceName: 'Conference phone',
    videoDeviceName: 'Webcam',
    displayDeviceName: 'Projector',
    tags: ['video'],
    roomList: 'Building 2 Rooms',
  },
  {
    alias: 'olympus',
    street: '2 Microsoft Way',
    state: 'WA',
    postalCode: '98052',
    phone: '+1 425 555 0320',
    nickname: 'Olympus',
    label: '320',
    geoCoordinates: { latitude: 47.6412, longitude: -122.1301 },
    displayName: 'Conf Room Olympus',
    capacity: 20,
    building: '2',
    floorNumber: 3,
    floorLabel: '3',
    city: 'Redmond',
    countryOrRegion: 'US',
    isWheelChairAccessible: true,
    audioDeviceName: 'Ceiling mics',
    videoDeviceName: 'Room camera',
    displayDeviceName: 'Dual displays',
    tags: ['video', 'large'],
    roomList: 'Building 2 Rooms',
  },
];

function person(
  rng: Rng,
  tenantId: string,
  domain: string,
  given: string,
  surname: string,
  extra: Partial<EmuUser> = {},
): EmuUser {
  const upn = `${given}.${surname}@${domain}`.toLowerCase();
  return {
    id: rng.uuid(),
    tenantId,
    userPrincipalName: upn,
    mail: upn,
    displayName: `${given} ${surname}`,
    givenName: given,
    surname,
    jobTitle: null,
    kind: 'user',
    mailbox: 'exchangeOnline',
    password: SEED_PASSWORD,
    ...extra,
  };
}

/**
 * Seeds the directory and the mailboxes, deterministically from `seed`.
 *
 * - Contoso (contoso.com): CSMs adele.vance, megan.bowen, alex.wilber, lynne.robbins, diego.siciliani (each in
 *   their own time zone), patti.fernandez (manager), nestor.wilke (his calendar allows no Teams meetings),
 *   isaiah.langer (on-premises mailbox: Graph answers 404 MailboxNotEnabledForRESTAPI), four rooms.
 * - Customers: Acme Corp (acmecorp.com), Globex (globex.com), Initech (initech.com), three people each.
 * - About a year of meetings per CSM (6 months back, 6 forward), recurring series with exceptions and
 *   cancelled occurrences, all-day events, Teams meetings, declined and cancelled meetings, one hostile HTML body.
 * - `scale` > 1 adds (scale − 1) × 400 plain events to adele.vance's mailbox (scale 126 ≈ 50,000 events).
 *
 * @returns userPrincipalNames of every seeded person (rooms excluded).
 */
export function seedEmulator(args: {
  directory: Directory;
  store: MailboxStore;
  seed: number;
  scale: number;
  clock: () => number;
}): { users: string[] } {
  const { directory, store, seed, clock } = args;
  const rng = createRng(seed);
  store.idBytes = seededBytes(seed ^ 0x5eed);
  const contoso = directory.addTenant({ id: rng.uuid(), displayName: 'Contoso', domains: ['contoso.com'] });
  const people: EmuUser[] = [];
  const csms = CSMS.map(([g, s]) =>
    directory.addUser(person(rng, contoso.id, 'contoso.com', g, s, { jobTitle: 'Customer Success Manager' })),
  );
  const [patti, nestor, isaiah] = COLLEAGUES.map(([g, s], i) =>
    directory.addUser(
      person(rng, contoso.id, 'contoso.com', g, s, {
        jobTitle: ['CS Director', 'Solutions Engineer', 'Account Executive'][i]!,
        mailbox: g === 'Isaiah' ? 'onPremises' : 'exchangeOnline',
      }),
    ),
  ) as [EmuUser, EmuUser, EmuUser];
  people.push(...csms, patti, nestor, isaiah);
  // Patti manages the customer success managers (Graph /users/{id}/manager).
  for (const c of csms) c.managerId = patti!.id;
  const rooms = ROOMS.map((r) => {
    const mail = `${r.alias}@contoso.com`;
    const u = directory.addUser({
      id: rng.uuid(),
      tenantId: contoso.id,
      userPrincipalName: mail,
      mail,
      displayName: r.displayName,
      givenName: null,
      surname: null,
      jobTitle: null,
      kind: 'room',
      mailbox: 'exchangeOnline',
      password: SEED_PASSWORD,
    });
    const { alias: _alias, ...info } = r;
    void _alias;
    store.rooms.set(u.id, { ...info, userId: u.id, emailAddress: mail });
    return u;
  });
  const customers = CUSTOMERS.map((c) => {
    const t = directory.addTenant({ id: rng.uuid(), displayName: c.name, domains: [c.domain] });
    const members = c.people.map(([g, s, title]) =>
      directory.addUser(person(rng, t.id, c.domain, g, s, { jobTitle: title })),
    );
    people.push(...members);
    return { name: c.name, domain: c.domain, people: members };
  });
  for (const u of directory.users.values()) if (u.mailbox === 'exchangeOnline') store.ensureMailbox(u);
  // time zones and working hours
  const zoneOf = new Map<string, string>();
  [...CSMS, ...COLLEAGUES].forEach(([g, s, tz]) => zoneOf.set(`${g}.${s}@contoso.com`.toLowerCase(), tz));
  for (const u of people) {
    if (u.mailbox !== 'exchangeOnline') continue;
    const tz = zoneOf.get(u.mail) ?? 'Eastern Standard Time';
    store.updateSettings(u.id, {
      timeZone: tz,
      workingHours: {
        daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
        startTime: '08:30:00.0000000',
        endTime: '17:30:00.0000000',
        timeZone: { name: tz },
      },
    });
  }
  // Nestor's calendar cannot host Teams meetings
  const nestorCal = store.defaultCalendar(nestor.id);
  store.updateCalendar(nestor.id, nestorCal.id, {
    allowedOnlineMeetingProviders: [],
    defaultOnlineMeetingProvider: 'unknown',
  });
  // sharing between teammates
  const [adele, megan, alex, lynne] = csms as [EmuUser, EmuUser, EmuUser, EmuUser, EmuUser];
  store.sharePermission(adele.id, store.defaultCalendar(adele.id).id, megan.mail, 'read');
  store.sharePermission(megan.id, store.defaultCalendar(megan.id).id, adele.mail, 'write');
  store.sharePermission(alex.id, store.defaultCalendar(alex.id).id, patti.mail, 'read');
  store.sharePermission(lynne.id, store.defaultCalendar(lynne.id).id, alex.mail, 'freeBusyRead');
  const seedPeople: SeedPeople = { csms, manager: patti, noTeams: nestor, rooms, customers, zoneOf };
  seedMeetings(store, seedPeople, rng.fork('meetings'), clock());
  if (args.scale > 1) seedBulk(store, adele.id, Math.round((args.scale - 1) * 400), seed);
  return { users: people.map((u) => u.userPrincipalName) };
}
