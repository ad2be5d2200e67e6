// The PGlite dialect (ported from Kysely 0.29 for Kysely 0.28): transactions commit and roll back, hold the one
// connection while open, and hold PGlite's own transaction lock, so other users of the instance (pg-boss's adapter)
// wait instead of running inside them.
import { PGlite } from '@electric-sql/pglite';
import { Kysely, sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PGliteDialect } from './pglite-dialect.js';

interface T {
  item: { id: number; name: string };
}

let pglite: PGlite;
let db: Kysely<T>;

beforeAll(async () => {
  pglite = new PGlite();
  await pglite.waitReady;
  db = new Kysely<T>({ dialect: new PGliteDialect({ pglite }) });
  await sql`create table item (id int primary key, name text not null)`.execute(db);
});
afterAll(async () => {
  await db.destroy();
  expect(pglite.closed).toBe(true);
});
beforeEach(async () => {
  await db.deleteFrom('item').execute();
});

const names = async () => (await db.selectFrom('item').select('name').orderBy('id').execute()).map((r) => r.name);

describe('PGliteDialect', () => {
  it('runs queries and reports affected rows', async () => {
    const r = await db
      .insertInto('item')
      .values([
        { id: 1, name: 'a' },
        { id: 2, name: 'b' },
      ])
      .executeTakeFirst();
    expect(r.numInsertedOrUpdatedRows).toBe(2n);
    const u = await db.updateTable('item').set({ name: 'c' }).where('id', '=', 2).executeTakeFirst();
    expect(u.numUpdatedRows).toBe(1n);
    expect(await names()).toEqual(['a', 'c']);
  });

  it('commits a transaction, and rolls one back when its callback throws', async () => {
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('item').values({ id: 1, name: 'kept' }).execute();
    });
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.insertInto('item').values({ id: 2, name: 'dropped' }).execute();
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await names()).toEqual(['kept']);
  });

  it('fails the commit of a transaction whose statement failed (as on a server)', async () => {
    await db.insertInto('item').values({ id: 1, name: 'a' }).execute();
    await expect(
      db.transaction().execute(async (trx) => {
        await trx
          .insertInto('item')
          .values({ id: 1, name: 'duplicate' })
          .execute()
          .catch(() => undefined);
      }),
    ).rejects.toThrow();
    expect(await names()).toEqual(['a']);
    await db.insertInto('item').values({ id: 2, name: 'b' }).execute(); // the connection is usable again
    expect(await names()).toEqual(['a', 'b']);
  });

  it('makes queries from outside an open transaction wait for it to end', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const order: string[] = [];
    const tx = db.transaction().execute(async (trx) => {
      await trx.insertInto('item').values({ id: 1, name: 'in tx' }).execute();
      await held;
      order.push('commit');
    });
    await new Promise((r) => setTimeout(r, 20));
    const outsideKysely = names().then((n) => order.push(`kysely saw ${n.join(',')}`));
    // pg-boss's PGlite adapter calls the instance directly: it must not run inside the open transaction.
    const outsideDirect = pglite
      .query(`insert into item (id, name) values (2, 'direct')`)
      .then(() => order.push('direct'));
    await new Promise((r) => setTimeout(r, 50));
    expect(order).toEqual([]);
    release();
    await Promise.all([tx, outsideKysely, outsideDirect]);
    expect(order[0]).toBe('commit');
    expect(await names()).toEqual(['in tx', 'direct']);
  });

  it('keeps a direct query out of a transaction that is rolled back', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const tx = db.transaction().execute(async (trx) => {
      await trx.insertInto('item').values({ id: 1, name: 'rolled back' }).execute();
      await held;
      throw new Error('abort');
    });
    await new Promise((r) => setTimeout(r, 20));
    const direct = pglite.query(`insert into item (id, name) values (2, 'direct')`);
    release();
    await expect(tx).rejects.toThrow('abort');
    await direct;
    expect(await names()).toEqual(['direct']);
  });

  it('supports savepoints and transaction settings', async () => {
    const trx = await db.startTransaction().setIsolationLevel('serializable').execute();
    const level = await sql<{ l: string }>`select current_setting('transaction_isolation') as l`.execute(trx);
    expect(level.rows[0]?.l).toBe('serializable');
    await trx.insertInto('item').values({ id: 1, name: 'before' }).execute();
    const sp = await trx.savepoint('sp1').execute();
    await sp.insertInto('item').values({ id: 2, name: 'after' }).execute();
    const back = await sp.rollbackToSavepoint('sp1').execute();
    await back.commit().execute();
    expect(await names()).toEqual(['before']);
  });
});
