// Opaque Graph-like identifiers: event/calendar ids, change keys, iCalUIds, occurrence ids.
import { createHash, randomBytes } from 'node:crypto';

/** Random source for ids; the seed swaps it for a deterministic one. */
export type IdBytes = (n: number) => Buffer;

export const cryptoBytes: IdBytes = (n) => randomBytes(n);

/** Deterministic byte source from a 32-bit seed (mulberry32), for reproducible seeds. */
export function seededBytes(seed: number): IdBytes {
  let a = seed >>> 0;
  return (n) => {
    const out = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i += 4) {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      const v = (t ^ (t >>> 14)) >>> 0;
      for (let j = 0; j < 4 && i + j < n; j++) out[i + j] = (v >>> (8 * j)) & 0xff;
    }
    return out;
  };
}

const b64url = (b: Buffer) => b.toString('base64').replace(/\+/g, '-').replace(/\//g, '_');

/** An Exchange-style item id: "AAMkA" + base64url-ish bytes, ending in "=" like Graph's. */
export function newItemId(bytes: IdBytes, prefix = 'AAMkA'): string {
  return `${prefix}${b64url(bytes(46)).replace(/=+$/, '')}AAA=`;
}

/** A change key (base64, 16 bytes), as in `@odata.etag` W/"<changeKey>". */
export function newChangeKey(bytes: IdBytes): string {
  return bytes(16).toString('base64');
}

/** An iCalendar UID in Exchange's hex form. */
export function newICalUid(bytes: IdBytes): string {
  return `040000008200E00074C5B7101A82E00800000000${bytes(36).toString('hex').toUpperCase()}`;
}

const OCC_PREFIX = 'AAMkOcc';

/** Encodes an epoch-ms instant in 8 url-safe characters (6 bytes, big-endian). */
function msToken(ms: number): string {
  const b = Buffer.alloc(6);
  b.writeUIntBE(Math.max(0, Math.trunc(ms)), 0, 6);
  return b.toString('base64url');
}

/**
 * Stable occurrence id from the series master id and the occurrence's original start (epoch ms).
 * Ids of the usual 71-character shape yield 79-character occurrence ids ("AAMkO…AAE<ms>="), short enough
 * for default router parameter limits; other master ids fall back to a longer reversible form.
 */
export function occurrenceId(masterId: string, originalStartMs: number): string {
  if (/^AAMkA[\w-]{62}AAA=$/.test(masterId)) return `AAMkO${masterId.slice(5, 67)}AAE${msToken(originalStartMs)}=`;
  return `${OCC_PREFIX}${b64url(Buffer.from(`${masterId}|${originalStartMs}`, 'utf8'))}`;
}

/** Decodes an occurrence id; null when the id is not one. */
export function parseOccurrenceId(id: string): { masterId: string; originalStartMs: number } | null {
  const short = /^AAMkO([\w-]{62})AAE([\w-]{8})=$/.exec(id);
  if (short)
    return { masterId: `AAMkA${short[1]}AAA=`, originalStartMs: Buffer.from(short[2]!, 'base64url').readUIntBE(0, 6) };
  if (!id.startsWith(OCC_PREFIX)) return null;
  const raw = Buffer.from(id.slice(OCC_PREFIX.length).replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
  const bar = raw.lastIndexOf('|');
  if (bar < 0) return null;
  const ms = Number(raw.slice(bar + 1));
  if (!Number.isFinite(ms)) return null;
  return { masterId: raw.slice(0, bar), originalStartMs: ms };
}

const MOVED_PREFIX = 'AAMkMv';

/**
 * The default-format (REST) id of an event moved `moves` times to another calendar. Graph's default ids change
 * when an item moves to another folder; its immutable ids (`Prefer: IdType="ImmutableId"`) do not. The emulator
 * keeps each event under one key, its immutable id, which is also its default id until its first move; after a
 * move the default id is this derivation (reversible: parseMovedItemId), so an older default id no longer
 * resolves. Ids of the usual shape keep their length ("AAMkA…AAM<moves>=").
 */
export function movedItemId(key: string, moves: number): string {
  if (moves <= 0) return key;
  const m = Buffer.alloc(3);
  m.writeUIntBE(Math.min(moves, 0xffffff), 0, 3);
  if (/^AAMkA[\w-]{62}AAA=$/.test(key)) return `AAMkA${key.slice(5, 67)}AAM${m.toString('base64url')}=`;
  return `${MOVED_PREFIX}${b64url(Buffer.from(`${key}|${moves}`, 'utf8'))}`;
}

/** Decodes a moved item's default id to its key and move count; null when the id is not one. */
export function parseMovedItemId(id: string): { key: string; moves: number } | null {
  const short = /^AAMkA([\w-]{62})AAM([\w-]{4})=$/.exec(id);
  if (short) return { key: `AAMkA${short[1]}AAA=`, moves: Buffer.from(short[2]!, 'base64url').readUIntBE(0, 3) };
  if (!id.startsWith(MOVED_PREFIX)) return null;
  const raw = Buffer.from(id.slice(MOVED_PREFIX.length).replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString(
    'utf8',
  );
  const bar = raw.lastIndexOf('|');
  const moves = Number(raw.slice(bar + 1));
  return bar < 0 || !Number.isInteger(moves) || moves <= 0 ? null : { key: raw.slice(0, bar), moves };
}

/** Short stable hash (hex) of a string, for deterministic derived ids. */
export function shortHash(s: string, len = 12): string {
  return createHash('sha256').update(s).digest('hex').slice(0, len);
}
