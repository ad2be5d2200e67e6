// OData query options of the calendar routes: $select, $filter, $orderby, $top, $skip, $count, Prefer headers.
import { GraphHttpError } from './errors.js';
import { requireZone, resolveZone } from './time.js';

/** A value a filter or sort reads from an item: `path` like "subject" or "start/dateTime". */
export type Getter = (path: string[]) => unknown;

/** A compiled $filter. */
export type Predicate = (get: Getter) => boolean;

const badFilter = (msg: string) => new GraphHttpError(400, 'BadRequest', `Invalid filter clause: ${msg}`);

type Tok = { t: 'str' | 'num' | 'id' | 'op' | 'punct' | 'kw'; v: string };

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  const re =
    /\s*(?:('(?:[^']|'')*')|(\d{4}-\d{2}-\d{2}T[\d:.]+(?:Z|[+-]\d{2}:\d{2})?)|(-?\d+(?:\.\d+)?)|([A-Za-z_][\w.]*(?:\/[A-Za-z_][\w.]*)*)|([(),:]))/y;
  let i = 0;
  while (i < src.length) {
    re.lastIndex = i;
    const m = re.exec(src);
    if (!m || m[0].length === 0) {
      if (/^\s*$/.test(src.slice(i))) break;
      throw badFilter(`syntax error at position ${i}.`);
    }
    i = re.lastIndex;
    if (m[1] !== undefined) out.push({ t: 'str', v: m[1].slice(1, -1).replace(/''/g, "'") });
    else if (m[2] !== undefined) out.push({ t: 'str', v: m[2] });
    else if (m[3] !== undefined) out.push({ t: 'num', v: m[3] });
    else if (m[4] !== undefined) {
      const w = m[4];
      if (/^(eq|ne|gt|ge|lt|le)$/i.test(w)) out.push({ t: 'op', v: w.toLowerCase() });
      else if (/^(and|or|not|true|false|null)$/i.test(w)) out.push({ t: 'kw', v: w.toLowerCase() });
      else out.push({ t: 'id', v: w });
    } else out.push({ t: 'punct', v: m[5]! });
  }
  return out;
}

type Lit = string | number | boolean | null;

/** Compares two filter values; strings case-insensitively, instants by time when both parse. */
export function compareValues(a: unknown, b: Lit): number {
  if (a === null || a === undefined) return b === null ? 0 : -1;
  if (b === null) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean') return a === b ? 0 : 1;
  if (typeof a === 'number' && typeof b === 'string')
    return a - Date.parse(/Z$|[+-]\d{2}:\d{2}$/.test(b) ? b : `${b}Z`);
  const x = String(a).toLowerCase();
  const y = String(b).toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

const OPS: Record<string, (c: number) => boolean> = {
  eq: (c) => c === 0,
  ne: (c) => c !== 0,
  gt: (c) => c > 0,
  ge: (c) => c >= 0,
  lt: (c) => c < 0,
  le: (c) => c <= 0,
};

/**
 * Compiles the common Graph $filter forms: comparisons (`eq ne gt ge lt le`) on paths, `and`/`or`/`not`,
 * parentheses, `contains|startswith|endswith(path,'x')`, and `path/any(v:v eq 'x')`.
 */
export function compileFilter(src: string, known?: (property: string) => boolean): Predicate {
  const toks = tokenize(src);
  let p = 0;
  /** Range variables of the enclosing any() lambdas (`a` in `attendees/any(a: a/type eq 'required')`). */
  const lambdaVars: string[] = [];
  const checkPath = (parts: string[]) => {
    const first = parts[0] ?? '';
    if (known && !lambdaVars.includes(first) && !known(first))
      throw new GraphHttpError(
        400,
        'RequestBroker--ParseUri',
        `Could not find a property named '${first}' on type 'microsoft.graph.event'.`,
      );
  };
  const peek = () => toks[p];
  const next = () => {
    const t = toks[p++];
    if (!t) throw badFilter('unexpected end of expression.');
    return t;
  };
  const expect = (v: string) => {
    const t = next();
    if (t.v !== v) throw badFilter(`expected '${v}' but found '${t.v}'.`);
  };
  const literal = (): Lit => {
    const t = next();
    if (t.t === 'str') return t.v;
    if (t.t === 'num') return Number(t.v);
    if (t.t === 'kw' && (t.v === 'true' || t.v === 'false')) return t.v === 'true';
    if (t.t === 'kw' && t.v === 'null') return null;
    throw badFilter(`expected a literal but found '${t.v}'.`);
  };
  const primary = (): Predicate => {
    const t = next();
    if (t.t === 'kw' && t.v === 'not') {
      const inner = primary();
      return (g) => !inner(g);
    }
    if (t.v === '(') {
      const e = orExpr();
      expect(')');
      return e;
    }
    if (t.t !== 'id') throw badFilter(`unexpected '${t.v}'.`);
    const fn = t.v.toLowerCase();
    if ((fn === 'contains' || fn === 'startswith' || fn === 'endswith') && peek()?.v === '(') {
      expect('(');
      const path = next();
      if (path.t !== 'id') throw badFilter('expected a property path.');
      expect(',');
      const lit = String(literal()).toLowerCase();
      expect(')');
      const parts = path.v.split('/');
      checkPath(parts);
      return (g) => {
        const v = g(parts);
        if (typeof v !== 'string') return false;
        const s = v.toLowerCase();
        return fn === 'contains' ? s.includes(lit) : fn === 'startswith' ? s.startsWith(lit) : s.endsWith(lit);
      };
    }
    const anyMatch = /^(.*)\/any$/i.exec(t.v);
    if (anyMatch && peek()?.v === '(') {
      expect('(');
      const v = next().v;
      expect(':');
      lambdaVars.push(v);
      const body = orExpr();
      lambdaVars.pop();
      expect(')');
      const parts = anyMatch[1]!.split('/');
      checkPath(parts);
      const drill = (el: unknown, rest: string[]) =>
        rest.reduce<unknown>((o, k) => (o == null ? undefined : (o as Record<string, unknown>)[k]), el);
      return (g) => {
        const arr = g(parts);
        if (!Array.isArray(arr)) return false;
        return arr.some((el) => body((path) => (path[0] === v ? drill(el, path.slice(1)) : g(path))));
      };
    }
    const op = next();
    if (op.t !== 'op') throw badFilter(`expected a comparison operator after '${t.v}'.`);
    const lit = literal();
    const parts = t.v.split('/');
    checkPath(parts);
    return (g) => OPS[op.v]!(compareValues(g(parts), lit));
  };
  const andExpr = (): Predicate => {
    let left = primary();
    while (peek()?.v === 'and') {
      p++;
      const l = left;
      const r = primary();
      left = (g) => l(g) && r(g);
    }
    return left;
  };
  const orExpr = (): Predicate => {
    let left = andExpr();
    while (peek()?.v === 'or') {
      p++;
      const l = left;
      const r = andExpr();
      left = (g) => l(g) || r(g);
    }
    return left;
  };
  const pred = orExpr();
  if (p !== toks.length) throw badFilter(`unexpected '${toks[p]!.v}'.`);
  return pred;
}

/** A compiled $orderby: compares two getters. */
export function compileOrderBy(src: string): (a: Getter, b: Getter) => number {
  const keys = src.split(',').map((k) => {
    const [path, dir] = k.trim().split(/\s+/);
    if (!path || (dir && !/^(asc|desc)$/i.test(dir)))
      throw new GraphHttpError(400, 'BadRequest', `Invalid $orderby clause '${src}'.`);
    return { parts: path.split('/'), sign: dir?.toLowerCase() === 'desc' ? -1 : 1 };
  });
  return (a, b) => {
    for (const k of keys) {
      const x = a(k.parts);
      const y = b(k.parts);
      const c =
        x === y
          ? 0
          : x === undefined || x === null
            ? -1
            : y === undefined || y === null
              ? 1
              : typeof x === 'number' && typeof y === 'number'
                ? x - y
                : String(x).toLowerCase() < String(y).toLowerCase()
                  ? -1
                  : String(x).toLowerCase() > String(y).toLowerCase()
                    ? 1
                    : 0;
      if (c !== 0) return c * k.sign;
    }
    return 0;
  };
}

/** Parsed query options. */
export interface QueryOptions {
  select: string[] | null;
  filter: Predicate | null;
  orderBy: ((a: Getter, b: Getter) => number) | null;
  top: number | null;
  skip: number;
  count: boolean;
  expand: string | null;
}

function intParam(v: string | undefined, name: string, max: number): number | null {
  if (v === undefined) return null;
  if (!/^\d+$/.test(v)) throw new GraphHttpError(400, 'BadRequest', `Invalid value '${v}' for query option '${name}'.`);
  return Math.min(Number(v), max);
}

/** Navigation properties a $filter may reach (`singleValueExtendedProperties/any(ep: …)`) besides the selectable. */
const FILTERABLE_NAVIGATION = ['singlevalueextendedproperties', 'multivalueextendedproperties'];

function known(name: string, selectable: ReadonlySet<string>): boolean {
  const lower = name.toLowerCase();
  return FILTERABLE_NAVIGATION.includes(lower) || [...selectable].some((s) => s.toLowerCase() === lower);
}

/** Reads $select/$filter/$orderby/$top/$skip/$count/$expand from a query object (with or without `$`). */
export function parseQuery(q: Record<string, string | undefined>, selectable: ReadonlySet<string>): QueryOptions {
  const get = (k: string) => q[`$${k}`] ?? q[k];
  const sel = get('select');
  const select = sel
    ? sel
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : null;
  for (const s of select ?? []) {
    if (!selectable.has(s))
      throw new GraphHttpError(
        400,
        'RequestBroker--ParseUri',
        `Could not find a property named '${s}' on type 'microsoft.graph.event'.`,
      );
  }
  const f = get('filter');
  const o = get('orderby');
  const count = get('count');
  if (count !== undefined && count !== 'true' && count !== 'false')
    throw new GraphHttpError(400, 'BadRequest', `Invalid value '${count}' for query option '$count'.`);
  return {
    select,
    // A property the resource does not have is a 400 in Graph, not a filter that matches nothing.
    filter: f ? compileFilter(f, (name) => known(name, selectable)) : null,
    orderBy: o ? compileOrderBy(o) : null,
    top: intParam(get('top'), '$top', 1000),
    skip: intParam(get('skip'), '$skip', Number.MAX_SAFE_INTEGER) ?? 0,
    count: count === 'true',
    expand: get('expand') ?? null,
  };
}

/** Parsed Prefer header values this surface honours. */
export interface Preferences {
  maxPageSize: number | null;
  /** Requested zone: label as the client wrote it, IANA for arithmetic. */
  timeZone: { label: string; iana: string } | null;
  bodyText: boolean;
  /** `IdType="ImmutableId"`: item ids that survive moves between calendars (outlook-immutable-id). */
  immutableIds: boolean;
  /** Preference-Applied header value, or null. */
  applied: (keys: Array<'maxpagesize' | 'timezone' | 'body' | 'idtype'>) => string | null;
}

/** Parses `Prefer` headers (odata.maxpagesize, outlook.timezone, outlook.body-content-type, IdType). */
export function parsePrefer(header: string | string[] | undefined): Preferences {
  const raw = Array.isArray(header) ? header.join(',') : (header ?? '');
  let maxPageSize: number | null = null;
  let timeZone: Preferences['timeZone'] = null;
  let bodyText = false;
  let immutableIds = false;
  const parts: Record<string, string> = {};
  for (const item of raw.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/)) {
    const m = /^\s*([\w.-]+)\s*=\s*"?([^"]*)"?\s*$/.exec(item);
    if (!m) continue;
    const key = m[1]!.toLowerCase();
    const val = m[2]!.trim();
    if (key === 'odata.maxpagesize' && /^\d+$/.test(val) && Number(val) > 0) {
      maxPageSize = Math.min(Number(val), 1000);
      parts.maxpagesize = `odata.maxpagesize=${maxPageSize}`;
    } else if (key === 'outlook.timezone' && val) {
      const iana = resolveZone(val) ?? requireZone(val);
      timeZone = { label: val, iana };
      parts.timezone = `outlook.timezone="${val}"`;
    } else if (key === 'outlook.body-content-type' && /^(text|html)$/i.test(val)) {
      bodyText = val.toLowerCase() === 'text';
      parts.body = `outlook.body-content-type="${val.toLowerCase()}"`;
    } else if (key === 'idtype' && /^immutableid$/i.test(val)) {
      immutableIds = true;
      parts.idtype = 'IdType="ImmutableId"';
    }
  }
  return {
    maxPageSize,
    timeZone,
    bodyText,
    immutableIds,
    applied: (keys) => {
      const v = keys.map((k) => parts[k]).filter(Boolean);
      return v.length ? v.join(', ') : null;
    },
  };
}
