// Parses a subscription's `resource` path (me/events, users/{id}/calendars/{id}/events, …) into a target.
import type { Principal } from '../contracts.js';
import type { Directory } from '../directory.js';
import { GraphHttpError } from './errors.js';

/** What a subscription watches: a mailbox's events or messages, optionally one calendar/folder. */
export interface SubscriptionTarget {
  kind: 'events' | 'messages';
  /** Mailbox owner's object id. */
  userId: string;
  /** null = every calendar (folder) of the mailbox; 'default' = the default calendar; else a calendar id. */
  containerId: string | null;
}

const EVENT_PATTERNS: Array<[RegExp, (m: RegExpMatchArray) => string | null]> = [
  [/^events$/i, () => null],
  [/^calendar\/events$/i, () => 'default'],
  [/^calendars\/([^/]+)\/events$/i, (m) => unquote(m[1] ?? '')],
  [/^calendars\('([^']+)'\)\/events$/i, (m) => m[1] ?? ''],
];
const MESSAGE_PATTERNS: Array<[RegExp, (m: RegExpMatchArray) => string | null]> = [
  [/^messages$/i, () => null],
  [/^mailfolders\('([^']+)'\)\/messages$/i, (m) => m[1] ?? ''],
  [/^mailfolders\/([^/]+)\/messages$/i, (m) => unquote(m[1] ?? '')],
];

function unquote(s: string): string {
  return decodeURIComponent(s).replace(/^'(.*)'$/, '$1');
}

/** Resolves `resource` for the caller; 400 when the path is not a supported subscription resource. */
export function parseSubscriptionResource(resource: string, p: Principal, directory: Directory): SubscriptionTarget {
  const path =
    resource
      .trim()
      .replace(/^\/+/, '')
      .replace(/^v1\.0\//i, '')
      .split('?')[0] ?? '';
  let owner: string;
  let rest: string;
  const me = /^me\/(.+)$/i.exec(path);
  const users = /^users(?:\/([^/]+)|\('([^']+)'\))\/(.+)$/i.exec(path);
  if (me) {
    if (p.kind !== 'delegated' || !p.userId) {
      throw new GraphHttpError(400, 'BadRequest', '/me request is only valid with delegated authentication flow.');
    }
    owner = p.userId;
    rest = me[1] ?? '';
  } else if (users) {
    const key = decodeURIComponent(users[1] ?? users[2] ?? '');
    const user = directory.getUser(key);
    if (!user) {
      throw new GraphHttpError(
        404,
        'ResourceNotFound',
        `Resource '${resource}' does not exist or one of its queried reference-property objects are not present.`,
      );
    }
    owner = user.id;
    rest = users[3] ?? '';
  } else {
    throw unsupported(resource);
  }
  for (const [kind, patterns] of [
    ['events', EVENT_PATTERNS],
    ['messages', MESSAGE_PATTERNS],
  ] as const) {
    for (const [re, container] of patterns) {
      const m = re.exec(rest);
      if (m) return { kind, userId: owner, containerId: container(m) };
    }
  }
  throw unsupported(resource);
}

function unsupported(resource: string): GraphHttpError {
  return new GraphHttpError(
    400,
    'InvalidRequest',
    `Resource '${resource}' is not supported by this emulator; use me/events, users/{id}/events, ` +
      'me/calendars/{id}/events or users/{id}/messages.',
  );
}
