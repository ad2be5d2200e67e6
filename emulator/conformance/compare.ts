// Shape comparison of emulator JSON against documented Graph JSON: paths, JSON types, OData annotations, values.

/** JSON representations of resource types (from resource-representation cases), keyed by lower-case type name. */
export type Representations = Map<string, unknown>;

export interface CompareOptions {
  /** `expected` is a resource representation: string placeholders stand for types, every property is listed. */
  representation?: boolean;
  /** Known representations, to check extra properties and nested typed objects. */
  representations?: Representations;
  /** Resource type of `actual` at the root (e.g. `event`), when known. */
  rootType?: string | null;
  /**
   * Property names that a newer docs version of the same page spells (see `pageSpellingsKey`). A documented name
   * missing from `actual` matches an actual property that differs from it only in letter case, when the newer
   * version spells the property that way (e.g. 2021 `geocoordinates`, newer `geoCoordinates`). Maps each name to
   * the newer case that uses it; each match is appended to `tolerated` so the runner can say so.
   */
  newerSpellings?: ReadonlyMap<string, string>;
  tolerated?: string[];
}

/** Key under which the runner stores, per docs page (`api`), the property names its newer cases use. */
export const pageSpellingsKey = (api: string) => `page:${api}#newer-spellings`;

/** Every property name used anywhere in `v` (objects inside arrays included), mapped to `source` if new. */
export function propertyNames(v: unknown, source: string, out = new Map<string, string>()): Map<string, string> {
  if (Array.isArray(v)) for (const x of v) propertyNames(x, source, out);
  else if (v && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) {
      if (!out.has(k)) out.set(k, source);
      propertyNames(x, source, out);
    }
  return out;
}

/** The actual property that spells documented `k` with other letter case, when a newer docs version spells it so. */
function respelled(k: string, act: Record<string, unknown>, opts: CompareOptions): string | null {
  if (!opts.newerSpellings) return null;
  const lower = k.toLowerCase();
  return Object.keys(act).find((a) => a !== k && a.toLowerCase() === lower && opts.newerSpellings!.has(a)) ?? null;
}

/** Navigation properties: not returned unless expanded, so a representation may list them without a GET having them. */
const NAVIGATION = new Set([
  'attachments',
  'calendar',
  'extensions',
  'instances',
  'multivalueextendedproperties',
  'singlevalueextendedproperties',
  'calendarview',
  'events',
  'calendarpermissions',
]);
/** Properties a representation lists that Graph returns only in some situations (type.property, lower-case). */
const SITUATIONAL = new Set([
  'event.originalstart',
  'subscription.notificationqueryoptions',
  'scheduleinformation.error',
]);
/** Read-only properties: a service ignores them in a write, so they are not echoed values. */
const READ_ONLY = new Set([
  'responsestatus',
  'icaluid',
  'createddatetime',
  'lastmodifieddatetime',
  'changekey',
  'weblink',
  'onlinemeeting',
  'organizer',
  'id',
]);

export type JsonType = 'null' | 'boolean' | 'number' | 'string' | 'array' | 'object';

export function jsonType(v: unknown): JsonType {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'array';
  const t = typeof v;
  return t === 'boolean' || t === 'number' || t === 'string' ? t : 'object';
}

/** The JSON type a representation placeholder stands for (`"String (timestamp)"` → string, `"Boolean"` → boolean). */
export function placeholderType(v: unknown): JsonType {
  if (typeof v !== 'string') return jsonType(v);
  const s = v.trim().toLowerCase();
  if (s.startsWith('bool')) return 'boolean';
  if (/^(int|double|single|decimal|number|float)/.test(s)) return 'number';
  return 'string';
}

/** `microsoft.graph.dateTimeTimeZone` / `#microsoft.graph.Event` → `datetimetimezone` / `event`. */
export function typeName(odataType: string): string {
  return odataType
    .replace(/^#/, '')
    .replace(/^microsoft\.graph\./i, '')
    .toLowerCase();
}

/** The entity type an `@odata.context` URL describes (`…#users('x')/events/$entity` → `event`), or null. */
export function typeFromContext(context: unknown): string | null {
  if (typeof context !== 'string') return null;
  const frag = context.split('#')[1];
  if (!frag) return null;
  const coll = /^Collection\(([^)]+)\)/i.exec(frag);
  if (coll?.[1]) return typeName(coll[1]);
  const parts = frag
    .replace(/\/\$entity$/, '')
    .split('/')
    .filter((p) => !p.startsWith('$'));
  const last = (parts.at(-1) ?? '').replace(/\(.*\)$/, '');
  const map: Record<string, string> = {
    events: 'event',
    calendarview: 'event',
    instances: 'event',
    calendars: 'calendar',
    calendar: 'calendar',
    subscriptions: 'subscription',
    calendarpermissions: 'calendarpermission',
    mailboxsettings: 'mailboxsettings',
    places: 'place',
    workinghours: 'workinghours',
  };
  return map[last.toLowerCase()] ?? (last.startsWith('microsoft.graph.') ? typeName(last) : null);
}

const isAnnotation = (k: string) => k.startsWith('@') || k.includes('@odata.');
const fmt = (path: string) => path || '(root)';

/**
 * Compares `actual` against the documented `expected` JSON. Returns the first difference, or null.
 * Every documented property must exist at the same path with the same JSON type (documented null accepts any
 * type); arrays compare their elements against the first documented element; extra properties are accepted only
 * when the resource type's representation lists them (or no representation is known).
 */
export function compareShape(expected: unknown, actual: unknown, opts: CompareOptions = {}, path = ''): string | null {
  return walk(expected, actual, opts, path, opts.rootType ?? null);
}

function walk(
  expected: unknown,
  actual: unknown,
  opts: CompareOptions,
  path: string,
  type: string | null,
): string | null {
  const placeholder = opts.representation === true;
  if (expected === null || expected === undefined) return null;
  const want = placeholder ? placeholderType(expected) : jsonType(expected);
  const got = jsonType(actual);
  if (got === 'null' && placeholder) return null;
  if (want !== got) return `${fmt(path)}: expected ${want}, got ${got}`;
  if (want === 'array') {
    const exp = expected as unknown[];
    const act = actual as unknown[];
    if (exp.length === 0) return null;
    if (act.length === 0) return placeholder ? null : `${fmt(path)}: expected a non-empty array`;
    const first = exp[0];
    const elementType = typedObjectType(first) ?? null;
    for (let i = 0; i < act.length; i++) {
      const d = walk(first, act[i], opts, `${path}[${i}]`, elementType ?? (placeholder ? null : type));
      if (d) return d;
      if (!placeholder) break;
    }
    return null;
  }
  if (want !== 'object') return null;
  const exp = expected as Record<string, unknown>;
  const act = actual as Record<string, unknown>;
  const ownType = actualType(act) ?? type;
  // A representation placeholder object `{ "@odata.type": X }` stands for "an X": check against X's representation.
  const ref = typedObjectType(exp);
  if (ref !== null && Object.keys(exp).length === 1) {
    const rep = opts.representations?.get(ref);
    // No representation, or one that refers to itself (the error wrapper): any object will do.
    if (!placeholder || rep === undefined || JSON.stringify(rep).toLowerCase().includes(`"${ref}"`)) return null;
    return walk(rep, actual, opts, path, ref);
  }
  // A collection wrapper ({ value: [...] }) passes its type on to the elements and has no representation itself.
  const collection = !placeholder && Array.isArray(act.value) && 'value' in exp && !('id' in exp);
  const rep = ownType ? opts.representations?.get(ownType) : undefined;
  for (const [k, v] of Object.entries(exp)) {
    let key = k;
    if (!(k in act)) {
      if (placeholder && (NAVIGATION.has(k.toLowerCase()) || SITUATIONAL.has(`${ownType ?? ''}.${k.toLowerCase()}`)))
        continue;
      const alt = respelled(k, act, opts);
      if (!alt) return `${fmt(path)}: missing ${isAnnotation(k) ? 'annotation' : 'property'} '${k}'`;
      key = alt;
      const note = `'${k}' read as '${alt}' (spelled so by ${opts.newerSpellings?.get(alt) ?? 'a newer case'})`;
      if (!opts.tolerated?.includes(note)) opts.tolerated?.push(note);
    }
    const declared = rep && typeof rep === 'object' ? (rep as Record<string, unknown>)[k] : undefined;
    const childType =
      (collection && k === 'value' ? ownType : null) ??
      typedObjectType(v) ??
      (Array.isArray(v) ? typedObjectType(v[0]) : null) ??
      typedObjectType(declared) ??
      (Array.isArray(declared) ? typedObjectType(declared[0]) : null);
    const d = walk(v, act[key], opts, path ? `${path}.${key}` : key, childType);
    if (d) return d;
  }
  return collection ? null : extraProperty(exp, act, opts, path, ownType);
}

function extraProperty(
  exp: Record<string, unknown>,
  act: Record<string, unknown>,
  opts: CompareOptions,
  path: string,
  type: string | null,
): string | null {
  const rep = opts.representation ? exp : type ? opts.representations?.get(type) : undefined;
  if (!rep || typeof rep !== 'object' || Array.isArray(rep)) return null;
  const documented = type ? opts.representations?.get(`${type}#documented`) : undefined;
  const allowed = new Set(
    [...Object.keys(rep as object), ...Object.keys(exp), ...Object.keys(documented ?? {})].map((k) => k.toLowerCase()),
  );
  for (const k of Object.keys(act)) {
    if (isAnnotation(k) || allowed.has(k.toLowerCase())) continue;
    return `${fmt(path)}: unexpected property '${k}' (not in the ${type ?? 'documented'} representation)`;
  }
  return null;
}

function typedObjectType(v: unknown): string | null {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return null;
  const t = (v as Record<string, unknown>)['@odata.type'];
  return typeof t === 'string' ? typeName(t) : null;
}

function actualType(v: Record<string, unknown>): string | null {
  return typedObjectType(v);
}

/** JSON paths of every scalar in `v` (arrays by index). */
export function scalarPaths(
  v: unknown,
  path: Array<string | number> = [],
  out: Array<[Array<string | number>, unknown]> = [],
) {
  if (v !== null && typeof v === 'object') {
    if (Array.isArray(v)) v.forEach((x, i) => scalarPaths(x, [...path, i], out));
    else for (const [k, x] of Object.entries(v)) scalarPaths(x, [...path, k], out);
  } else out.push([path, v]);
  return out;
}

export function at(v: unknown, path: Array<string | number>): unknown {
  let cur = v;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[p];
  }
  return cur;
}

/**
 * Values that follow from the request: where the docs return exactly what the docs sent (same path, same
 * value), the emulator must return exactly what the runner sent. Returns the first difference, or null.
 */
export function compareEchoedValues(
  docRequest: unknown,
  docResponse: unknown,
  sent: unknown,
  actual: unknown,
): string | null {
  for (const [path, docValue] of scalarPaths(docRequest)) {
    if (docValue === null || at(docResponse, path) !== docValue) continue;
    if (READ_ONLY.has(String(path[0]).toLowerCase())) continue;
    // An annotation in a request body (a PATCH that sends back the @odata.context it read) is not data the
    // service stores: its answer carries its own annotation.
    if (path.some((p) => typeof p === 'string' && p.startsWith('@odata.'))) continue;
    const sentValue = at(sent, path);
    const got = at(actual, path);
    if (sentValue !== undefined && got !== sentValue) {
      return `${path.join('.')}: sent ${JSON.stringify(sentValue)}, got ${JSON.stringify(got)}`;
    }
  }
  return null;
}
