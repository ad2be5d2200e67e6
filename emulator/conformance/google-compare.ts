// Google-specific comparison rules: int64 fields as JSON strings, values echoed from the request (date-times
// compared as instants), and typed-structure ("string", "datetime", "(key)") checks of representations.
import { DateTime } from 'luxon';
import { compareShape, jsonType, scalarPaths, at } from './compare.js';

/** Rewrites digit strings to numbers where the docs show a number for an int64 property (Google sends int64 as strings). */
export function int64AsNumbers(expected: unknown, actual: unknown, int64: Set<string>): unknown {
  if (Array.isArray(actual))
    return actual.map((a, i) =>
      int64AsNumbers(Array.isArray(expected) ? (expected[0] ?? expected[i]) : undefined, a, int64),
    );
  if (!actual || typeof actual !== 'object') return actual;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(actual as Record<string, unknown>)) {
    const e = expected && typeof expected === 'object' ? (expected as Record<string, unknown>)[k] : undefined;
    out[k] =
      int64.has(k) && typeof e === 'number' && typeof v === 'string' && /^-?\d+$/.test(v)
        ? Number(v)
        : int64AsNumbers(e, v, int64);
  }
  return out;
}

/** Shape check of a documented JSON body against the emulator's (every documented property, same path and type). */
export function compareGoogleShape(expected: unknown, actual: unknown, int64: Set<string>): string | null {
  return compareShape(expected, int64AsNumbers(expected, actual, int64));
}

const READ_ONLY = new Set([
  'kind',
  'etag',
  'htmlLink',
  'created',
  'updated',
  'iCalUID',
  'sequence',
  'creator',
  'organizer',
  'self',
  'originalStartTime',
  'recurringEventId',
  'status',
]);
const isDateTime = (v: unknown) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(v);

/**
 * Values of the request that a write stores: every scalar the runner sent must come back at the same path
 * (date-times as the same instant, e-mail addresses case-insensitively). Read-only fields are skipped.
 */
export function compareSentValues(
  sent: unknown,
  actual: unknown,
  skip: Set<string> = new Set(),
  documented?: unknown,
): string | null {
  for (const [path, value] of scalarPaths(sent)) {
    if (path.some((p) => typeof p === 'string' && (READ_ONLY.has(p) || skip.has(p)))) continue;
    // With a documented response, only what it shows is expected back.
    if (documented !== undefined && at(documented, path) === undefined) continue;
    const got = at(actual, path);
    const floating = isDateTime(value) && !/(Z|[+-]\d\d:?\d\d)$/.test(String(value));
    const same =
      got === value ||
      (floating &&
        isDateTime(got) &&
        DateTime.fromISO(String(got), { setZone: true }).toFormat("yyyy-LL-dd'T'HH:mm:ss") ===
          String(value).slice(0, 19)) ||
      (isDateTime(value) &&
        isDateTime(got) &&
        DateTime.fromISO(String(value), { setZone: true }).toMillis() ===
          DateTime.fromISO(String(got), { setZone: true }).toMillis()) ||
      (typeof value === 'string' &&
        typeof got === 'string' &&
        value.includes('@') &&
        value.toLowerCase() === got.toLowerCase()) ||
      (typeof value === 'number' && typeof got === 'string' && String(value) === got);
    if (!same) return `${path.join('.')}: sent ${JSON.stringify(value)}, got ${JSON.stringify(got)}`;
  }
  return null;
}

const PLACEHOLDER_TYPES: Record<string, string> = {
  string: 'string',
  datetime: 'string',
  integer: 'number',
  etag: 'string',
  boolean: 'boolean',
};

/**
 * Checks `actual` against a typed structure. `optional` names properties that may be absent; inside `(key)`
 * maps every property is optional (a calendar entry carries `errors` or `busy`); `X Resource` means an object.
 */
export function compareStructure(
  rep: unknown,
  actual: unknown,
  optional: Set<string>,
  path = '',
  inMap = false,
): string | null {
  const where = path || '(root)';
  if (typeof rep === 'string') {
    if (/ Resource$/.test(rep))
      return jsonType(actual) === 'object' ? null : `${where}: expected an object (${rep}), got ${jsonType(actual)}`;
    const t = PLACEHOLDER_TYPES[rep] ?? 'string';
    if (jsonType(actual) !== t) return `${where}: expected ${t} (${rep}), got ${jsonType(actual)}`;
    if (rep === 'datetime' && !DateTime.fromISO(String(actual)).isValid)
      return `${where}: '${String(actual)}' is not a date-time`;
    if (!(rep in PLACEHOLDER_TYPES) && rep.includes('#') && actual !== rep)
      return `${where}: expected '${rep}', got '${String(actual)}'`;
    return null;
  }
  if (Array.isArray(rep)) {
    if (!Array.isArray(actual)) return `${where}: expected an array, got ${jsonType(actual)}`;
    for (let i = 0; i < actual.length; i++) {
      const d = compareStructure(rep[0], actual[i], optional, `${path}[${i}]`, inMap);
      if (d) return d;
    }
    return null;
  }
  if (!rep || typeof rep !== 'object') return null;
  if (jsonType(actual) !== 'object') return `${where}: expected an object, got ${jsonType(actual)}`;
  const r = rep as Record<string, unknown>;
  const a = actual as Record<string, unknown>;
  if (Object.keys(r).length === 1 && '(key)' in r) {
    for (const [k, v] of Object.entries(a)) {
      const d = compareStructure(r['(key)'], v, optional, `${path}.${k}`, true);
      if (d) return d;
    }
    return null;
  }
  for (const [k, v] of Object.entries(r)) {
    const child = path ? `${path}.${k}` : k;
    if (!(k in a)) {
      const isMap = v && typeof v === 'object' && !Array.isArray(v) && '(key)' in (v as object);
      if (inMap || optional.has(k) || isMap) continue;
      return `${where}: missing property '${k}'`;
    }
    const d = compareStructure(v, a[k], optional, child, inMap);
    if (d) return d;
  }
  for (const k of Object.keys(a))
    if (!(k in r)) return `${where}: unexpected property '${k}' (not in the documented structure)`;
  return null;
}
