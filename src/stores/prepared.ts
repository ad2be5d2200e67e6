// Hot statements built and compiled by Kysely once per database handle, then run with new parameter values: the
// query builder's objects and the compiler's walk cost more CPU than a small statement on PGlite (issue 20's profile
// of GET /api/me). The SQL is exactly what Kysely compiles; only the parameters change between runs.
import { CompiledQuery, type Compilable, type Kysely } from 'kysely';

/** Stands for argument `i` while the statement is compiled; never a value a caller passes. */
const placeholder = (i: number) => `\u0000calbridge-prepared-${i}\u0000`;

/**
 * Wraps a statement builder taking `arity` arguments: the first call compiles it with placeholders (each must end up
 * as one whole parameter, else this throws), later calls only put the arguments in their places. The placeholders are
 * strings whatever the argument's type, so an argument (a number for `limit`, say) must only be passed on as a value,
 * never looked at while the statement is built.
 * @example const byId = prepared((db: Kysely<DB>, id: string) => db.selectFrom('users').selectAll().where('id', '=', id), 1);
 *          const rows = await byId(db, userId);
 */
export function prepared<D, A extends unknown[], R>(
  build: (db: Kysely<D>, ...args: A) => Compilable<R>,
  arity: A['length'],
): (db: Kysely<D>, ...args: A) => Promise<R[]> {
  const compiled = new WeakMap<Kysely<D>, { sql: string; parameters: readonly unknown[]; slots: number[] }>();
  return async (db, ...args) => {
    let c = compiled.get(db);
    if (!c) {
      const holders = Array.from({ length: arity }, (_, i) => placeholder(i));
      const q = build(db, ...(holders as unknown as A)).compile();
      const slots = q.parameters.map((p) => holders.indexOf(p as string));
      for (const [i, p] of q.parameters.entries())
        if (slots[i] === -1 && typeof p === 'string' && p.includes('\u0000calbridge-prepared-'))
          throw new Error('prepared: an argument is not a whole parameter of the statement');
      if (holders.some((_, i) => !slots.includes(i))) throw new Error('prepared: an argument is not used');
      c = { sql: q.sql, parameters: q.parameters, slots };
      compiled.set(db, c);
    }
    const { slots, parameters } = c;
    const values = parameters.map((p, i) => (slots[i]! >= 0 ? args[slots[i]!] : p));
    const result = await db.executeQuery<R>(CompiledQuery.raw(c.sql, values));
    return result.rows;
  };
}
