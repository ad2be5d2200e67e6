// The events list's keyset cursor (issue 20): an opaque, URL-safe token for a place in the list's order (start, then
// id) — the base64url of `e1 <start in epoch milliseconds> <meeting id>`. It says where a page ends, nothing else:
// the list is always the caller's own, so a cursor handed to someone else only says "after this instant and id" in
// their own meetings. Anything that is not a token this module made is refused with 400 invalid_cursor.
import { AppError } from '../../domain/errors.js';
import type { ListPosition } from '../../ports/scheduling.js';

const VERSION = 'e1';
const TEXT = /^e1 (-?\d{1,16}) ([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;
const TOKEN = /^[A-Za-z0-9_-]{1,200}$/;
/** The range of a JavaScript Date (and well inside PostgreSQL's timestamptz). */
const MAX_MS = 8.64e15;

export function encodeListCursor(p: ListPosition): string {
  return Buffer.from(`${VERSION} ${Date.parse(p.start)} ${p.id}`, 'utf8').toString('base64url');
}

/** The position a cursor stands for; AppError invalid_cursor when it is not one encodeListCursor made. */
export function decodeListCursor(cursor: string): ListPosition {
  const bad = () => new AppError('invalid_cursor');
  if (!TOKEN.test(cursor)) throw bad();
  const m = TEXT.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m) throw bad();
  const ms = Number(m[1]);
  if (!Number.isSafeInteger(ms) || Math.abs(ms) > MAX_MS) throw bad();
  const position = { start: new Date(ms).toISOString(), id: m[2]! };
  // base64url decoding is lenient (padding, trailing bits): only the token this module writes for it is accepted
  if (encodeListCursor(position) !== cursor) throw bad();
  return position;
}
