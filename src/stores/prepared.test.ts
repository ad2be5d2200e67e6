// prepared(): a statement compiled once per database handle runs with each call's own arguments (in any order and
// repeated), keeps the builder's constant parameters, and refuses an argument that is not a whole parameter.
import { PGlite } from '@electric-sql/pglite';
import { Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PGliteDialect } from './pglite-dialect.js';
import { prepared } from './prepared.js';

interface T {
  item: { id: string; owner: string; name: string; kind: string };
}

let pglite: PGlite;
let db: Kysely<T>;
beforeAll(async () => {
  pglite = new PGlite();
  await pglite.waitReady;
  db = new Kysely<T>({ dialect: new PGliteDialect({ pglite }) });
  await sql`create table item (id text primary key, owner text not null, name text not null, kind text not null)`.execute(
    db,
  );
  await db
    .insertInto('item')
    .values([
      { id: '1', owner: 'a', name: 'one', kind: 'x' },
      { id: '2', owner: 'a', name: 'two', kind: 'y' },
      { id: '3', owner: 'b', name: 'three', kind: 'x' },
    ])
    .execute();
});
afterAll(async () => {
  await db.destroy();
});

describe('prepared', () => {
  it("runs with each call's arguments and keeps the constant parameters", async () => {
    const byOwner = prepared(
      (d: Kysely<T>, owner: string, name: string) =>
        d.selectFrom('item').select('id').where('kind', '=', 'x').where('owner', '=', owner).where('name', '!=', name),
      2,
    );
    expect(await byOwner(db, 'a', 'nothing')).toEqual([{ id: '1' }]);
    expect(await byOwner(db, 'b', 'nothing')).toEqual([{ id: '3' }]);
    expect(await byOwner(db, 'b', 'three')).toEqual([]);
    // The same argument used twice, and arguments in another order than the statement's.
    const twice = prepared(
      (d: Kysely<T>, a: string, b: string) =>
        d.selectFrom('item').select('id').where('name', '=', b).where('owner', '=', a).where('id', '!=', a),
      2,
    );
    expect(await twice(db, 'a', 'two')).toEqual([{ id: '2' }]);
  });

  it('refuses an argument that is only part of a parameter', async () => {
    const partial = prepared(
      (d: Kysely<T>, q: string) => d.selectFrom('item').select('id').where('name', 'like', `%${q}%`),
      1,
    );
    await expect(partial(db, 'o')).rejects.toThrow(/not a whole parameter/);
  });
});
