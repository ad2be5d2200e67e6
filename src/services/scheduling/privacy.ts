// Privacy mode (therapists, coaches): client names replaced by an opaque reference in what calendars store.
import { createHash } from 'node:crypto';

/** A stable, non-reversible reference for a customer, e.g. `Client 7F3A9C21`. */
export function opaqueRef(customerId: string): string {
  return `Client ${createHash('sha256').update(customerId).digest('hex').slice(0, 8).toUpperCase()}`;
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Replaces every occurrence of `names` (case-insensitive, longest first) in `text` with `ref`. */
export function redact(text: string, names: Array<string | null | undefined>, ref: string): string {
  const list = [...new Set(names.filter((n): n is string => !!n && n.trim().length >= 2).map((n) => n.trim()))].sort(
    (a, b) => b.length - a.length,
  );
  if (list.length === 0) return text;
  return text.replace(new RegExp(list.map(escapeRe).join('|'), 'gi'), ref);
}
