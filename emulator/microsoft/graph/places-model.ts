// Places API model: rooms and room lists of a tenant in Graph's shapes, plus the small $filter the emulator supports.
import { createHash } from 'node:crypto';
import type { EmuUser } from '../contracts.js';
import type { Directory } from '../directory.js';
import { GraphHttpError } from './errors.js';
import type { RoomInfo } from './model.js';

/** A room as the Places API returns it. */
export interface GraphRoom {
  id: string;
  displayName: string;
  address: Record<string, string> | null;
  geoCoordinates: GeoCoordinates | null;
  phone: string;
  nickname: string;
  emailAddress: string;
  building: string | null;
  floorNumber: number | null;
  floorLabel: string | null;
  label: string | null;
  capacity: number | null;
  bookingType: 'standard';
  audioDeviceName: string | null;
  videoDeviceName: string | null;
  displayDeviceName: string | null;
  /** The list-rooms examples still show the older `displayDevice` name and `isManaged` beside it. */
  displayDevice: string | null;
  isManaged: boolean;
  isWheelChairAccessible: boolean;
  tags: string[];
}

/** microsoft.graph.outlookGeoCoordinates: every property present, unknown ones null. */
export interface GeoCoordinates {
  latitude: number;
  longitude: number;
  accuracy: number | null;
  altitude: number | null;
  altitudeAccuracy: number | null;
}

/** A room list as the Places API returns it. */
export interface GraphRoomList {
  id: string;
  displayName: string;
  address: Record<string, string> | null;
  geoCoordinates: null;
  phone: string;
  emailAddress: string;
}

/** Room metadata RoomInfo may carry beyond its required fields; read when present (the seed decides). */
export type RoomExtras = Partial<{
  street: string;
  state: string;
  postalCode: string;
  phone: string;
  label: string;
  nickname: string;
  geoCoordinates: Partial<GeoCoordinates> & Pick<GeoCoordinates, 'latitude' | 'longitude'>;
}>;

/** A GUID-shaped id derived from a string (room lists have no directory object of their own here). */
function guidOf(s: string): string {
  const h = createHash('sha1').update(s.toLowerCase()).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

function addressOf(room: RoomInfo | undefined): Record<string, string> | null {
  const info = room as (RoomInfo & RoomExtras) | undefined;
  if (!info || (!info.city && !info.countryOrRegion && !info.street)) return null;
  return {
    street: info.street ?? '',
    city: info.city,
    state: info.state ?? '',
    postalCode: info.postalCode ?? '',
    countryOrRegion: info.countryOrRegion,
  };
}

/** Graph's room shape from a room mailbox and its metadata (metadata may be missing). */
export function roomOf(user: EmuUser, info: RoomInfo | undefined): GraphRoom {
  const extra = (info ?? {}) as RoomExtras;
  return {
    id: user.id,
    displayName: info?.displayName ?? user.displayName,
    address: addressOf(info),
    geoCoordinates: extra.geoCoordinates
      ? { accuracy: null, altitude: null, altitudeAccuracy: null, ...extra.geoCoordinates }
      : null,
    phone: extra.phone ?? '',
    nickname: extra.nickname ?? info?.displayName ?? user.displayName,
    emailAddress: user.mail,
    building: info?.building ?? null,
    floorNumber: info?.floorNumber ?? null,
    floorLabel: info?.floorLabel ?? null,
    label: extra.label ?? null,
    capacity: info?.capacity ?? null,
    bookingType: 'standard',
    audioDeviceName: info?.audioDeviceName ?? null,
    videoDeviceName: info?.videoDeviceName ?? null,
    displayDeviceName: info?.displayDeviceName ?? null,
    displayDevice: info?.displayDeviceName ?? null,
    isManaged: info !== undefined,
    isWheelChairAccessible: info?.isWheelChairAccessible ?? false,
    tags: [...(info?.tags ?? [])],
  };
}

/** Rooms and room lists of one tenant, derived from the directory and the store's room metadata. */
export class TenantPlaces {
  readonly rooms: GraphRoom[];
  readonly roomLists: GraphRoomList[];
  /** Room list email (lower case) → its rooms. */
  private readonly members = new Map<string, GraphRoom[]>();

  constructor(directory: Directory, roomInfo: ReadonlyMap<string, RoomInfo>, tenantId: string) {
    const tenant = directory.tenants.get(tenantId);
    const domain = tenant?.domains[0] ?? 'example.com';
    const users = directory.usersOfTenant(tenantId).filter((u) => u.kind === 'room');
    users.sort((a, b) => a.displayName.localeCompare(b.displayName));
    this.rooms = users.map((u) => roomOf(u, roomInfo.get(u.id)));
    const lists = new Map<string, GraphRoomList>();
    for (const u of users) {
      const info = roomInfo.get(u.id);
      if (!info?.roomList) continue;
      const list = this.listFor(directory, info.roomList, domain, info);
      const key = list.emailAddress.toLowerCase();
      if (!lists.has(key)) lists.set(key, list);
      const room = this.rooms.find((r) => r.id === u.id)!;
      this.members.set(key, [...(this.members.get(key) ?? []), room]);
    }
    this.roomLists = [...lists.values()].sort((a, b) => a.displayName.localeCompare(b.displayName));
  }

  /** A room list from RoomInfo.roomList: an SMTP address (a directory entry when one exists) or a display name. */
  private listFor(directory: Directory, ref: string, domain: string, info: RoomInfo): GraphRoomList {
    const isEmail = ref.includes('@');
    const entry = isEmail ? directory.getUser(ref) : undefined;
    const email = isEmail ? ref : `${ref.replace(/[^A-Za-z0-9]+/g, '').toLowerCase() || 'rooms'}@${domain}`;
    return {
      id: entry?.id ?? guidOf(email),
      displayName: entry?.displayName ?? (isEmail ? ref.split('@')[0]! : ref),
      address: addressOf(info),
      geoCoordinates: null,
      phone: '',
      emailAddress: email,
    };
  }

  /** The rooms of a room list by its email or id; undefined when there is no such list. */
  roomsOf(listRef: string): GraphRoom[] | undefined {
    const list = this.findList(listRef);
    return list ? (this.members.get(list.emailAddress.toLowerCase()) ?? []) : undefined;
  }

  findList(ref: string): GraphRoomList | undefined {
    const key = ref.toLowerCase();
    return this.roomLists.find((l) => l.id.toLowerCase() === key || l.emailAddress.toLowerCase() === key);
  }

  findRoom(ref: string): GraphRoom | undefined {
    const key = ref.toLowerCase();
    return this.rooms.find((r) => r.id.toLowerCase() === key || r.emailAddress.toLowerCase() === key);
  }
}

type Cmp = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';
const FILTERABLE = new Set([
  'capacity',
  'building',
  'floorNumber',
  'floorLabel',
  'displayName',
  'emailAddress',
  'isWheelChairAccessible',
  'bookingType',
  'nickname',
  'label',
]);

function literal(raw: string): string | number | boolean | null {
  if (/^'.*'$/.test(raw)) return raw.slice(1, -1).replace(/''/g, "'");
  if (raw === 'true' || raw === 'false') return raw === 'true';
  if (raw === 'null') return null;
  if (/^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
  throw new GraphHttpError(400, 'BadRequest', `Invalid filter clause: unsupported literal ${raw}.`);
}

function compare(a: unknown, op: Cmp, b: unknown): boolean {
  if (op === 'eq')
    return typeof a === 'string' && typeof b === 'string' ? a.toLowerCase() === b.toLowerCase() : a === b;
  if (op === 'ne') return !compare(a, 'eq', b);
  if (a === null || a === undefined || b === null || typeof a !== typeof b) return false;
  const x = a as number | string;
  const y = b as number | string;
  return op === 'gt' ? x > y : op === 'ge' ? x >= y : op === 'lt' ? x < y : x <= y;
}

/**
 * A predicate for a small OData `$filter`: clauses `property op literal` joined by `and`
 * (ops eq ne gt ge lt le; literals: 'text', numbers, true/false, null). Anything else → 400.
 */
export function placeFilter(expr: string): (room: object) => boolean {
  const clauses = expr.split(/\s+and\s+/i).map((c) => {
    const m = /^\s*(\w+)\s+(eq|ne|gt|ge|lt|le)\s+('(?:[^']|'')*'|\S+)\s*$/i.exec(c);
    if (!m || !FILTERABLE.has(m[1]!)) throw new GraphHttpError(400, 'BadRequest', `Invalid filter clause: ${c.trim()}`);
    return { prop: m[1]!, op: m[2]!.toLowerCase() as Cmp, value: literal(m[3]!) };
  });
  return (room) => clauses.every((c) => compare((room as Record<string, unknown>)[c.prop], c.op, c.value));
}
